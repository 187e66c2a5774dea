// #/settings (issue 17): the user's notices, the notification switches
// (GET/PUT /api/notify/prefs: each kind per channel) and the change of
// password.
import { useEffect, useState } from 'preact/hooks';
import { t, lang, fmtDateTime, setText } from '../../shared/i18n.js';
import { pb } from '../pb.js';
import { Alert, Spinner } from '../ui.jsx';
import { ChangePassword } from './password.jsx';

export function Notices({ onCount }) {
  const [state, setState] = useState({ loading: true });
  const load = () => pb.send('/api/notify/notices', { requestKey: null }).then((r) => { setState(r); onCount?.(r.unread); }, (error) => setState({ error }));
  useEffect(() => { load(); }, []);
  const readAll = async () => { await pb.send('/api/notify/notices/read', { method: 'POST', body: { all: true } }); load(); };
  const en = lang() === 'en';
  return (
    <section class="card" id="notices">
      <div class="page-head"><h2>{t('notices.title')}</h2>
        {state.unread > 0 && <button type="button" id="notices-readall" onClick={readAll}>{t('notices.readall')}</button>}</div>
      {state.loading && <Spinner />}
      {state.error && <Alert error={state.error} retry={load} />}
      {state.items && state.items.length === 0 && <p class="muted" id="notices-none">{t('notices.none')}</p>}
      {state.items && state.items.length > 0 && (
        <ul class="notices">
          {state.items.map((n) => (
            <li key={n.id} data-notice={n.kind} class={n.readAt ? 'read' : 'unread'}>
              <b>{en ? n.titleEn : n.titleId}</b>
              <span class="sub">{fmtDateTime(n.created)}</span>
              <p>{en ? n.bodyEn : n.bodyId}</p>
              {n.link && n.link.startsWith('/#') && <a href={n.link.slice(1)}>{t('notices.open')}</a>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function Prefs({ id = 'notify-prefs' }) {
  const [state, setState] = useState({ loading: true });
  const [msg, setMsg] = useState('');
  useEffect(() => { pb.send('/api/notify/prefs', { requestKey: null }).then(setState, (error) => setState({ error })); }, []);
  const toggle = async (sw, on) => {
    const off = on ? state.off.filter((s) => s !== sw) : [...state.off, sw];
    setMsg('');
    try {
      const r = await pb.send('/api/notify/prefs', { method: 'PUT', body: { off, lang: lang() } });
      setState(r); setMsg(setText({}, 'text', 'set.notify.saved'));
    } catch (error) { setState({ ...state, error }); }
  };
  return (
    <section class="card" id={id}>
      <h2>{t('set.notify.title')}</h2>
      <p class="muted">{t('set.notify.intro')}</p>
      {state.loading && <Spinner />}
      {state.error && <Alert error={state.error} />}
      {state.kinds && (
        <table class="list prefs">
          <tbody>
            {state.kinds.map((k) => (
              <tr key={k.kind} data-kind={k.kind}>
                <th scope="row">{t('notify.kind.' + k.kind)}</th>
                <td>{k.channels.map((c) => {
                  const sw = k.kind + '.' + c;
                  return (
                    <label class="check switch" key={sw}>
                      <input type="checkbox" data-switch={sw} checked={!state.off.includes(sw)} onChange={(e) => toggle(sw, e.currentTarget.checked)} />
                      {t('notify.channel.' + c)}
                    </label>
                  );
                })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {msg && <Alert kind="ok" message={msg} id="prefs-saved" />}
    </section>
  );
}

export function Settings() {
  return (
    <section id="settings">
      <h1>{t('set.title')}</h1>
      <Notices />
      <Prefs />
      <ChangePassword />
    </section>
  );
}
