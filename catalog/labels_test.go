package catalog_test

import (
	"testing"

	"jangkau/catalog"
	"jangkau/internal/testapp"
)

// Every code of every list has both labels, and labels.json names no code
// the server does not know.
func TestEveryCodeHasLabels(t *testing.T) {
	t.Parallel()
	all := catalog.AllLabels()
	for group, codes := range catalog.LabelGroups {
		got, ok := all[group]
		if !ok {
			t.Errorf("labels.json has no group %q", group)
			continue
		}
		known := map[string]bool{}
		for _, c := range codes {
			known[c] = true
			l, ok := got[c]
			if !ok || l.ID == "" || l.EN == "" {
				t.Errorf("%s.%s: missing label %+v", group, c, l)
			}
		}
		for c := range got {
			if !known[c] {
				t.Errorf("%s.%s: labelled but not a code of the catalog", group, c)
			}
		}
	}
	for group := range all {
		if _, ok := catalog.LabelGroups[group]; !ok && group != "fields" {
			t.Errorf("labels.json group %q is not a catalog list", group)
		}
	}
}

// Every field of the reviewed records has a label, so that the web apps
// (and exports) never show a raw column name.
func TestEveryRecordFieldHasLabels(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	fields := catalog.AllLabels()["fields"]
	for _, name := range []string{catalog.Activities, catalog.OutreachLogs, catalog.VillagePrograms} {
		col, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range col.Fields {
			if f.GetHidden() {
				continue
			}
			if l, ok := fields[f.GetName()]; !ok || l.ID == "" || l.EN == "" {
				t.Errorf("%s.%s: no label in labels.json fields", name, f.GetName())
			}
		}
	}
}

func TestLabelOf(t *testing.T) {
	t.Parallel()
	if got := catalog.LabelOf("statuses", "returned", "en"); got != "Returned" {
		t.Errorf("en: %q", got)
	}
	if got := catalog.LabelOf("statuses", "returned", "id"); got != "Dikembalikan" {
		t.Errorf("id: %q", got)
	}
	if got := catalog.LabelOf("statuses", "nope", "id"); got != "nope" {
		t.Errorf("unknown: %q", got)
	}
}
