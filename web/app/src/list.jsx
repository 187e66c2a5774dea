// The officer's records, newest first, each with its state.
import { db } from './db.js';
import { go, useLive } from './hooks.js';
import { formatDate, label, serverText, t } from './i18n.js';

/** A record's state as the officer reads it: {code, text, tone}. */
export function recordState(rec) {
  if (rec.rejection) return { code: 'rejected', text: t('st_rejected'), tone: 'bad' };
  if (rec.deleted) return { code: 'delete_pending', text: t('st_delete_pending'), tone: 'local' };
  if (rec.dirty || rec.pending) return { code: 'local', text: rec.pending ? t('st_sending') : t('st_local'), tone: 'local' };
  switch (rec.remote?.status) {
    case 'approved': return { code: 'approved', text: t('st_approved'), tone: 'good' };
    case 'returned': return { code: 'returned', text: t('st_returned'), tone: 'warn' };
    case 'submitted': return { code: 'sent', text: t('st_sent'), tone: 'sent' };
    default: return { code: 'sent_draft', text: t('st_sent_draft'), tone: 'sent' };
  }
}

export function StateBadge({ rec }) {
  const s = recordState(rec);
  return <span class={`badge ${s.tone}`} data-state={s.code}>{s.text}</span>;
}

export function PhotoBadge({ photos, rec }) {
  const waiting = photos.filter((p) => p.state === 'queued').length;
  const failed = photos.filter((p) => p.state === 'failed').length;
  const serverPending = Array.isArray(rec.remote?.photos_pending) ? rec.remote.photos_pending.length : 0;
  return (
    <>
      {waiting > 0 && <span class="badge local" data-photos="waiting">{t('photos_waiting', { n: waiting })}</span>}
      {failed > 0 && <span class="badge bad" data-photos="failed">{t('photos_failed', { n: failed })}</span>}
      {!waiting && !failed && serverPending > 0 && <span class="badge local">{t('photos_on_server_pending', { n: serverPending })}</span>}
    </>
  );
}

function titleOf(rec) {
  if (rec.collection === 'activities') return rec.data.title || t('untitled');
  return label('outreach_types', rec.data.outreach_type) || t('untitled');
}

function dateOf(rec) {
  return rec.collection === 'activities' ? rec.data.start_date : rec.data.date;
}

export function RecordList({ collection }) {
  const recs = useLive(() => db.records.where('collection').equals(collection).toArray(), [collection], null);
  const photos = useLive(() => db.photos.toArray(), [], []);
  if (!recs) return null;
  const sorted = [...recs].sort((a, b) => (dateOf(b) || '').localeCompare(dateOf(a) || '') || (b.created || 0) - (a.created || 0));
  return (
    <div>
      {sorted.length === 0 && <p class="empty">{t('empty_list')}</p>}
      <ul class="records" data-testid={`list-${collection}`}>
        {sorted.map((rec) => {
          const mine = photos.filter((p) => p.key === rec.key);
          const sub = rec.collection === 'activities'
            ? label('activity_types', rec.data.type)
            : (rec.data.male_child + rec.data.female_child + rec.data.male_adult + rec.data.female_adult) + ' ' + (t('section_participants').toLowerCase());
          return (
            <li key={rec.key}>
              <a href={`#/r/${rec.collection}/${rec.id}`} data-id={rec.id}>
                <div class="row1"><strong class="title">{titleOf(rec)}</strong><span class="date">{formatDate(dateOf(rec))}</span></div>
                <div class="row2">{sub}</div>
                <div class="badges"><StateBadge rec={rec} /><PhotoBadge photos={mine} rec={rec} /></div>
                {rec.remote?.status === 'returned' && rec.remote.review_note && !rec.dirty && (
                  <div class="note-snippet">{t('returned_note')}: {rec.remote.review_note}</div>
                )}
                {rec.rejection && <div class="note-snippet bad">{Object.values(rec.rejection.errors || {}).map((e) => serverText(e.message)).join(' ')}</div>}
              </a>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

export function newPath(collection) { return `/new/${collection}`; }
export function openNew(collection) { go(newPath(collection)); }
