package audit

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"jangkau/internal/wiring"
)

// registerReads records who is shown what through PocketBase's own read
// routes: a record's REST view, a REST list or search, a realtime message
// and a photo download, each as one audit entry written after the rules have passed and
// before the data is sent (a refused or failed read leaves none). The sync
// pulls, reports and the history route write theirs themselves.
func registerReads(app core.App) {
	app.OnRecordViewRequest(ReadAudited...).Bind(&hook.Handler[*core.RecordRequestEvent]{Id: "jangkau.audit.view", Func: func(e *core.RecordRequestEvent) error {
		note := ""
		if expand := e.Request.URL.Query().Get("expand"); expand != "" {
			note = Note(map[string]any{"expand": expand})
		}
		if err := Read(e.RequestEvent, Entry{Action: ActionView,
			Collection: e.Collection.Name, RecordID: e.Record.Id, Note: note}); err != nil {
			return err
		}
		return e.Next()
	}})

	app.OnRecordsListRequest(ReadAudited...).Bind(&hook.Handler[*core.RecordsListRequestEvent]{Id: "jangkau.audit.list", Func: func(e *core.RecordsListRequestEvent) error {
		if e.Auth == nil && len(e.Records) == 0 {
			// the rules show a guest nothing: no entry, or anyone could
			// fill the trail without signing in
			return e.Next()
		}
		q := e.Request.URL.Query()
		fields := map[string]any{
			"filter": q.Get("filter"), "sort": q.Get("sort"), "expand": q.Get("expand"), "fields": q.Get("fields"),
			"returned": len(e.Records),
		}
		if e.Result != nil {
			fields["page"], fields["perPage"] = e.Result.Page, e.Result.PerPage
			if e.Result.TotalItems >= 0 { // -1 with skipTotal
				fields["total"] = e.Result.TotalItems
			}
		}
		if err := Read(e.RequestEvent, Entry{Action: ActionList,
			Collection: e.Collection.Name, Note: Note(fields)}); err != nil {
			return err
		}
		return e.Next()
	}})

	// Realtime: every record message a subscriber is sent is a view of
	// that record by the subscriber. If the entry cannot be written the
	// message is not sent (PocketBase closes the connection; the client
	// reconnects).
	app.OnRealtimeMessageSend().Bind(&hook.Handler[*core.RealtimeMessageEvent]{Id: "jangkau.audit.realtime", Priority: wiring.RealtimeAudit, Func: func(e *core.RealtimeMessageEvent) error {
		collection, _, _ := strings.Cut(e.Message.Name, "/")
		if !slices.Contains(ReadAudited, collection) {
			return e.Next()
		}
		var payload struct {
			Action string `json:"action"`
			Record struct {
				ID string `json:"id"`
			} `json:"record"`
		}
		if json.Unmarshal(e.Message.Data, &payload) != nil || payload.Record.ID == "" {
			return e.Next()
		}
		auth, _ := e.Client.Get(apis.RealtimeClientAuthKey).(*core.Record)
		actor := ActorOfAuth(auth)
		if err := Write(e.App, Entry{Actor: actor, Action: ActionView, Collection: collection,
			RecordID: payload.Record.ID, Note: Note(map[string]any{"realtime": payload.Action})}); err != nil {
			return err
		}
		return e.Next()
	}})

	app.OnFileDownloadRequest(ReadAudited...).Bind(&hook.Handler[*core.FileDownloadRequestEvent]{Id: "jangkau.audit.file", Priority: wiring.FileAudit, Func: func(e *core.FileDownloadRequestEvent) error {
		// Photos are protected: an <img> sends a file token in ?token=
		// instead of the Authorization header, and PocketBase has checked
		// it against the view rule already. The device a file token was
		// minted with is in the request store (put there by package
		// devices, whose handler runs before this one).
		actor := ActorFromRequest(e.RequestEvent)
		if e.Auth == nil {
			if tok := e.Request.URL.Query().Get("token"); tok != "" {
				if auth, err := e.App.FindAuthRecordByToken(tok, core.TokenTypeFile); err == nil {
					byToken := ActorOfAuth(auth)
					actor.UserID, actor.SuperuserID = byToken.UserID, byToken.SuperuserID
				}
			}
		}
		// The stored names are the server's own (foto_<random>.jpg): they
		// never carry the phone's file name.
		name := e.Request.PathValue("filename")
		fields := map[string]any{"field": e.FileField.Name, "file": name}
		if e.ServedName != name {
			fields["thumb"] = e.Request.URL.Query().Get("thumb")
		}
		if err := Read(e.RequestEvent, Entry{Actor: actor, Action: ActionView,
			Collection: e.Collection.Name, RecordID: e.Record.Id, Note: Note(fields)}); err != nil {
			return err
		}
		return e.Next()
	}})
}
