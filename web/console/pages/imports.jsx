// Imports (issue 16): the secretariat (the RAD matrix, accounts) and a
// regency's verifier (its officers' accounts) fill a spreadsheet from a
// downloadable template, upload it, see every row with what it would do
// and each cell's error (nothing is written), fix the file, upload again,
// then confirm: every row is written in one go, or none (docs/console.md).
import { useEffect, useRef, useState } from 'preact/hooks';
import { t, lang, addStrings, label } from '../../shared/i18n.js';
import { inLang } from '../../shared/apierror.js';
import { pb } from '../pb.js';
import { Alert, Progress, Spinner } from '../ui.jsx';

addStrings({
  'nav.imports': ['Impor', 'Imports'],
  'imp.title': ['Impor dari spreadsheet', 'Import from a spreadsheet'],
  'imp.intro': ['Unduh templat, isi, lalu unggah. Pratinjau menunjukkan apa yang akan dilakukan setiap baris dan kesalahan per sel; belum ada yang disimpan. Setelah semua baris sah, simpan: semua baris disimpan sekaligus, atau tidak sama sekali.',
    'Download the template, fill it in, then upload it. The preview shows what each row would do and the errors per cell; nothing is saved yet. Once every row is valid, save: all rows are saved at once, or none.'],
  'imp.kind': ['Jenis impor', 'Import kind'],
  'imp.template': ['Unduh templat (.xlsx)', 'Download the template (.xlsx)'],
  'imp.file': ['Berkas .xlsx', '.xlsx file'],
  'imp.preview': ['Pratinjau', 'Preview'],
  'imp.confirm': ['Simpan semua baris', 'Save every row'],
  'imp.uploading': ['Mengunggah… {pct}%', 'Uploading… {pct}%'],
  'imp.checking': ['Memeriksa baris {done} dari {total}', 'Checking row {done} of {total}'],
  'imp.writing': ['Menyimpan baris {done} dari {total}', 'Saving row {done} of {total}'],
  'imp.counts': ['{rows} baris: {new} baru, {changed} berubah, {unchanged} tetap, {invalid} tidak sah', '{rows} rows: {new} new, {changed} changed, {unchanged} unchanged, {invalid} invalid'],
  'imp.invalid': ['Ada baris yang tidak sah: perbaiki berkas lalu unggah lagi. Tidak ada yang disimpan.', 'Some rows are invalid: fix the file and upload it again. Nothing was saved.'],
  'imp.ready': ['Semua baris sah. Belum ada yang disimpan.', 'Every row is valid. Nothing is saved yet.'],
  'imp.nothing': ['Tidak ada perubahan: semua baris sudah tersimpan seperti ini.', 'No change: every row is stored as it is.'],
  'imp.saved': ['Tersimpan: {new} baru, {changed} berubah, {unchanged} tetap.', 'Saved: {new} new, {changed} changed, {unchanged} unchanged.'],
  'imp.errors': ['Kesalahan', 'Errors'],
  'imp.onlyErrors': ['Hanya baris bermasalah', 'Only rows with errors'],
  'imp.row': ['Baris', 'Row'],
  'imp.action': ['Tindakan', 'Action'],
  'imp.act.new': ['Baru', 'New'],
  'imp.act.changed': ['Berubah', 'Changed'],
  'imp.act.unchanged': ['Tetap', 'Unchanged'],
  'imp.act.invalid': ['Tidak sah', 'Invalid'],
  'imp.secrets': ['Kata sandi sekali pakai: catat sekarang, tidak akan ditampilkan lagi. Pengguna menggantinya saat pertama masuk.',
    'One-time passwords: note them now, they are not shown again. Users change them at their first sign-in.'],
  'imp.history': ['Impor terakhir', 'Recent imports'],
  'imp.when': ['Waktu', 'When'],
  'imp.who': ['Oleh', 'By'],
  'imp.fileName': ['Berkas', 'File'],
  'imp.limits': ['Maksimal {mb} MB dan {rows} baris per berkas. Rumus tidak diterima: tulis nilainya.', 'At most {mb} MB and {rows} rows per file. Formulas are not accepted: enter the values.'],
});

const jobId = () => Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => (b % 36).toString(36)).join('');

/** POSTs the file as multipart with upload progress; resolves {status, body}. */
function send(path, file, fields, onUpload) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    form.append('file', file);
    for (const [k, v] of Object.entries(fields || {})) form.append(k, v);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', pb.buildURL(path));
    xhr.setRequestHeader('Authorization', pb.authStore.token);
    xhr.upload.onprogress = (e) => e.lengthComputable && onUpload(Math.round((100 * e.loaded) / e.total));
    xhr.onload = () => {
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => reject(new Error('Jaringan gagal, coba lagi. / Network error, try again.'));
    xhr.send(form);
  });
}

async function downloadTemplate(kind) {
  const res = await fetch(pb.buildURL(`/api/imports/${kind}/template`), { headers: { Authorization: pb.authStore.token } });
  if (!res.ok) {
    let data = {};
    try { data = await res.json(); } catch { /* not JSON */ }
    const err = new Error(data.message || res.statusText);
    err.response = data;
    throw err;
  }
  const blob = await res.blob();
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `jangkau-templat-${kind}.xlsx`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 60000);
}

// Columns whose cells may hold a code: the preview shows its label beside
// it (labels from the vocabularies, never a bare code).
const CODED = { cluster: 'clusters', role: 'roles', auto_rule: 'rad_counting_rules' };

function CodeLabel({ column, value }) {
  const group = CODED[column];
  if (!group || !value) return null;
  const l = label(group, value);
  return l && l !== value ? <small class="imp-note" data-label-of={value}>{l}</small> : null;
}

function PreviewTable({ result, onlyErrors }) {
  const rows = result.rows.filter((r) => !onlyErrors || r.action === 'invalid');
  return (
    <div class="table-scroll">
      {result.sheets.map((sheet) => {
        const mine = rows.filter((r) => r.sheet === sheet.name);
        if (!mine.length) return null;
        return (
          <table class="import-table" data-sheet={sheet.name} key={sheet.name}>
            <caption>{sheet.name}</caption>
            <thead>
              <tr>
                <th>{t('imp.row')}</th>
                <th>{t('imp.action')}</th>
                {sheet.columns.map((c) => <th key={c.key} scope="col">{inLang(c.header, lang())}</th>)}
              </tr>
            </thead>
            <tbody>
              {mine.map((r) => {
                const byCol = {};
                for (const e of r.errors || []) (byCol[e.column] = byCol[e.column] || []).push(e);
                return (
                  <tr key={r.sheet + r.row} data-row={r.row} data-action={r.action} class={'act-' + r.action}>
                    <th scope="row">{r.row}</th>
                    <td data-label={t('imp.action')}>
                      <span class={'badge imp-' + r.action}>{t('imp.act.' + r.action)}</span>
                      {r.note && <small class="imp-note">{r.note}</small>}
                      {byCol[''] && byCol[''].map((e) => <p class="field-error" data-code={e.code}>{inLang(e.message, lang())}</p>)}
                    </td>
                    {sheet.columns.map((c) => {
                      const errs = byCol[c.key];
                      const changed = (r.changes || []).includes(c.key);
                      return (
                        <td key={c.key} data-col={c.key} data-label={inLang(c.header, lang())}
                          class={(errs ? 'cell-error' : '') + (changed ? ' cell-changed' : '')}
                          title={errs ? errs.map((e) => inLang(e.message, lang())).join('\n') : undefined}>
                          {r.cells[c.key] || ''}
                          {!errs && <CodeLabel column={c.key} value={r.cells[c.key]} />}
                          {errs && errs.map((e) => <span class="cell-msg" data-code={e.code}>{inLang(e.message, lang())}</span>)}
                        </td>
                      );
                    })}
                  </tr>
                );
              })}
            </tbody>
          </table>
        );
      })}
    </div>
  );
}

export function Imports() {
  const [info, setInfo] = useState(null);
  const [error, setError] = useState(null);
  const [kind, setKind] = useState('');
  const [file, setFile] = useState(null);
  const [busy, setBusy] = useState(null); // {stage, done, total, pct}
  const [result, setResult] = useState(null);
  const [saved, setSaved] = useState(null);
  const [onlyErrors, setOnlyErrors] = useState(false);
  const input = useRef(null);
  // One job id per previewed file for its confirms: a confirm sent again
  // after its answer was lost is known by the server as the same one (an
  // accounts import then answers the one-time passwords again).
  const confirmJob = useRef(null);

  const load = async () => {
    try {
      const data = await pb.send('/api/imports', {});
      setInfo(data);
      setKind((k) => k || data.kinds[0]?.kind || '');
    } catch (e) { setError(e); }
  };
  useEffect(() => { load(); }, []);

  const run = async (confirm) => {
    if (!file || !kind) return;
    setError(null); setBusy({ stage: 'upload', pct: 0 });
    if (!confirm) { setResult(null); setSaved(null); }
    if (!confirm) confirmJob.current = null;
    const job = confirm ? (confirmJob.current ||= jobId()) : jobId();
    let polling = true;
    const poll = async () => {
      while (polling) {
        await new Promise((r) => setTimeout(r, 400));
        if (!polling) break;
        try {
          const p = await pb.send(`/api/imports/${kind}/progress/${job}`, {});
          if (polling && p.total > 0 && p.stage !== 'done') setBusy({ stage: p.stage, done: p.done, total: p.total });
        } catch { /* progress is best effort */ }
      }
    };
    poll();
    try {
      const fields = confirm ? { sha256: result.file.sha256 } : {};
      const { status, body } = await send(`/api/imports/${kind}/${confirm ? 'confirm' : 'preview'}?job=${job}`, file, fields,
        (pct) => setBusy((b) => (b && b.stage === 'upload' ? { stage: 'upload', pct } : b)));
      if (status === 200 && confirm) {
        confirmJob.current = null;
        setSaved(body); setResult(null); setFile(null);
        if (input.current) input.current.value = '';
        load();
      } else if (status === 200) {
        setResult(body);
      } else if (body.preview) {
        setResult(body.preview); setError({ message: body.message, response: body });
      } else {
        setError({ message: body.message || String(status), response: body });
      }
    } catch (e) { setError(e); }
    finally { polling = false; setBusy(null); }
  };

  if (!info && !error) return <Spinner />;
  const kinds = info?.kinds || [];
  const c = result?.counts;
  const progressText = busy && (busy.stage === 'upload' ? t('imp.uploading', { pct: busy.pct || 0 })
    : t(busy.stage === 'writing' ? 'imp.writing' : 'imp.checking', { done: busy.done, total: busy.total }));
  return (
    <section class="imports" id="imports">
      <h1>{t('imp.title')}</h1>
      <p class="hint">{t('imp.intro')}</p>
      {info && <p class="hint">{t('imp.limits', { mb: Math.round(info.limits.maxFileBytes / 1048576), rows: info.limits.maxRows })}</p>}
      <div class="card form-grid">
        <div>
          <label for="imp-kind">{t('imp.kind')}</label>
          <select id="imp-kind" name="kind" value={kind} onChange={(e) => { setKind(e.currentTarget.value); setResult(null); setSaved(null); }}>
            {kinds.map((k) => <option value={k.kind} key={k.kind}>{inLang(k.title, lang())}</option>)}
          </select>
        </div>
        <div>
          <button type="button" name="template" onClick={() => downloadTemplate(kind).catch(setError)} disabled={!kind}>{t('imp.template')}</button>
        </div>
        <div>
          <label for="imp-file">{t('imp.file')}</label>
          <input id="imp-file" ref={input} type="file" name="file" accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            onChange={(e) => { setFile(e.currentTarget.files[0] || null); setResult(null); setSaved(null); }} />
        </div>
        <div>
          <button type="button" class="primary" name="preview" disabled={!file || !!busy} onClick={() => run(false)}>{t('imp.preview')}</button>
        </div>
      </div>
      {busy && <Progress done={busy.stage === 'upload' ? busy.pct || 0 : busy.done} total={busy.stage === 'upload' ? 100 : busy.total} text={progressText} />}
      {error && <Alert id="imp-error" error={error} message={error.message && inLang(error.message, lang())} />}
      {saved && (
        <div class="card" id="imp-saved">
          <p class="alert ok" role="status">{t('imp.saved', saved.counts)}</p>
          {saved.secrets?.length > 0 && (
            <div id="imp-secrets">
              <p class="alert warn">{t('imp.secrets')}</p>
              <div class="table-scroll"><table>
                <thead><tr><th>{t('imp.row')}</th><th>E-mail</th><th>{inLang(saved.secrets[0].label, lang())}</th></tr></thead>
                <tbody>{saved.secrets.map((s) => <tr key={s.row} data-key={s.key}><td>{s.row}</td><td>{s.key}</td><td><code class="secret">{s.value}</code></td></tr>)}</tbody>
              </table></div>
            </div>
          )}
        </div>
      )}
      {result && (
        <div class="card" id="imp-preview" data-ok={String(result.ok)}>
          <p id="imp-counts">{t('imp.counts', c)}</p>
          {result.ok
            ? <p class="alert ok" role="status">{c.new + c.changed === 0 ? t('imp.nothing') : t('imp.ready')}</p>
            : <p class="alert error" role="alert">{t('imp.invalid')}</p>}
          {!result.ok && (
            <details open id="imp-errors">
              <summary>{t('imp.errors')} ({result.errors.length})</summary>
              <ul>
                {result.errors.slice(0, 200).map((e, i) => (
                  <li key={i} data-cell={e.cell} data-code={e.code}><strong>{e.sheet} {e.cell || `${t('imp.row')} ${e.row}`}</strong>: {inLang(e.message, lang())}</li>
                ))}
              </ul>
            </details>
          )}
          <label class="inline"><input type="checkbox" name="onlyErrors" checked={onlyErrors} onChange={(e) => setOnlyErrors(e.currentTarget.checked)} /> {t('imp.onlyErrors')}</label>
          <PreviewTable result={result} onlyErrors={onlyErrors} />
          <button type="button" class="primary" name="confirm" disabled={!result.ok || !!busy} onClick={() => run(true)}>{t('imp.confirm')}</button>
        </div>
      )}
      {info?.runs?.length > 0 && (
        <div class="card" id="imp-history">
          <h2>{t('imp.history')}</h2>
          <div class="table-scroll"><table>
            <thead><tr><th>{t('imp.when')}</th><th>{t('imp.kind')}</th><th>{t('imp.fileName')}</th><th>{t('imp.who')}</th><th>{t('imp.act.new')}</th><th>{t('imp.act.changed')}</th><th>{t('imp.act.unchanged')}</th></tr></thead>
            <tbody>{info.runs.map((r) => (
              <tr key={r.id}><td>{new Date(r.created.replace(' ', 'T')).toLocaleString(lang() === 'en' ? 'en-GB' : 'id-ID')}</td>
                <td>{inLang(kinds.find((k) => k.kind === r.kind)?.title || r.kind, lang())}</td><td>{r.fileName}</td><td>{r.userName}</td>
                <td>{r.new}</td><td>{r.changed}</td><td>{r.unchanged}</td></tr>
            ))}</tbody>
          </table></div>
        </div>
      )}
    </section>
  );
}
