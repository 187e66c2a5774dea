// The officer's records, newest first, each with its state.
import { db } from './db.js';
import { go, useLive } from './hooks.js';
import { fieldLabel, formatDate, label, serverText, t } from './i18n.js';
import { missingRequired } from './model.js';
import { useState } from 'preact/hooks';

/** A record's state as the officer reads it: {code, text, tone}. */
export function recordState(rec) {
  if (rec.rejection) return { code: 'rejected', text: t('st_rejected'), tone: 'bad' };
  if (rec.deleted) return { code: 'delete_pending', text: t('st_delete_pending'), tone: 'local' };
  if (rec.dirty && !rec.pending && missingRequired(rec.collection, rec.data).length) return { code: 'draft_incomplete', text: t('st_draft_incomplete'), tone: 'draft' };
  if ((rec.dirty || rec.pending) && rec.data.status === 'draft') return { code: 'local', text: rec.pending ? t('st_sending') : t('st_draft_local'), tone: 'local' };
  if (rec.dirty || rec.pending) return { code: 'local', text: rec.pending ? t('st_sending') : t('st_local'), tone: 'local' };
  switch (rec.remote?.status) {
    case 'approved': return { code: 'approved', text: t('st_approved'), tone: 'good' };
    case 'returned': return { code: 'returned', text: t('st_returned'), tone: 'warn' };
    case 'submitted': return { code: 'sent', text: t('st_sent'), tone: 'sent' };
    default: return { code: 'draft', text: t('st_draft'), tone: 'draft' };
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

// The list's status filter: state codes (recordState) per choice.
const FILTERS = {
  all: null,
  fix: ['rejected', 'returned'],
  draft: ['draft', 'draft_incomplete'],
  unsent: ['local', 'delete_pending', 'draft_incomplete', 'rejected'],
  sent: ['sent'],
  approved: ['approved'],
};

/** The words a record is found by: its title or type, venue, notes, date. */
function searchText(rec) {
  const d = rec.data;
  return [titleOf(rec), label('activity_types', d.type), d.venue, d.note, d.outcome_summary, d.referral_reference, dateOf(rec), formatDate(dateOf(rec))]
    .filter(Boolean).join(' ').toLowerCase();
}

export function RecordList({ collection, initialStatus = 'all' }) {
  const recs = useLive(() => db.records.where('collection').equals(collection).toArray(), [collection], null);
  const photos = useLive(() => db.photos.toArray(), [], []);
  const [q, setQ] = useState('');
  const [status, setStatus] = useState(initialStatus in FILTERS ? initialStatus : 'all');
  if (!recs) return null;
  const words = q.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const codes = FILTERS[status];
  const found = recs.filter((rec) => (!codes || codes.includes(recordState(rec).code)) && words.every((w) => searchText(rec).includes(w)));
  const sorted = [...found].sort((a, b) => (dateOf(b) || '').localeCompare(dateOf(a) || '') || (b.created || 0) - (a.created || 0));
  return (
    <div>
      {recs.length > 0 && (
        <div class="list-tools" data-testid="list-tools">
          <input type="search" data-testid="search" aria-label={t('search')} placeholder={t('search_hint')} value={q} onInput={(e) => setQ(e.currentTarget.value)} />
          <select data-testid="status-filter" aria-label={t('filter_status')} value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            {Object.keys(FILTERS).map((f) => <option key={f} value={f}>{t('filter_' + f)}</option>)}
          </select>
        </div>
      )}
      {recs.length === 0 && <p class="empty">{t('empty_list')}</p>}
      {recs.length > 0 && sorted.length === 0 && <p class="empty" data-testid="no-match">{t('no_match')}</p>}
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
                {rec.rejection && <div class="note-snippet bad" data-testid="fix-hint">{t('fix_what')}: {Object.entries(rec.rejection.errors || {}).map(([f, e]) => `${fieldLabel(f)}: ${serverText(e.message)}`).join(' ') || t('rejected_deleted')}</div>}
                {!rec.rejection && recordState(rec).code === 'draft_incomplete' && <div class="note-snippet">{t('draft_missing', { fields: missingRequired(rec.collection, rec.data).map(fieldLabel).join(', ') })}</div>}
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
