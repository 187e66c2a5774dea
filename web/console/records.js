// What the console knows about the reviewed collections: how to title a
// record, which field holds its type and date, and how its page groups the
// fields. Kinds: text, date, datetime, one:<group>, many:<group>, count,
// money, bool, village, place (an activity's area at its level). Anything not listed is not shown (ids of people,
// server bookkeeping).
import { label, t } from '../shared/i18n.js';

export const COLLECTIONS = {
  activities: {
    typeField: 'type',
    typeGroup: 'activity_types',
    dateField: 'start_date',
    searchFields: ['title', 'venue', 'type_other', 'outcome_summary'], // the queue's text search
    title: (r) => r.title || t('queue.untitled'),
    subtitle: (r) => label('activity_types', r.type) + (r.type === 'lainnya' && r.type_other ? ` (${r.type_other})` : ''),
    sections: [
      ['record.general', [['title', 'text'], ['type', 'one:activity_types'], ['type_other', 'text'], ['mode', 'one:activity_modes'],
        ['start_date', 'date'], ['end_date', 'date'], ['cluster', 'one:clusters'], ['programs', 'many:programs'], ['rad_indicators', 'rad']]],
      ['record.place', [['area', 'place'], ['venue', 'text']]],
      ['record.people', [['participants', 'participants'], ['topics', 'many:topics'], ['target_groups', 'many:target_groups']]],
      ['record.delivery', [['resource_agencies', 'text'], ['partner_agencies', 'text'], ['methods', 'many:methods'], ['materials', 'text'],
        ['materials_count', 'count'], ['funding_source', 'one:funding_sources'], ['budget', 'money']]],
      ['record.results', [['outcome_summary', 'longtext'], ['follow_up_plan', 'longtext']]],
    ],
  },
  outreach_logs: {
    typeField: 'outreach_type',
    typeGroup: 'outreach_types',
    dateField: 'date',
    searchFields: ['note', 'referral_reference'],
    title: (r) => label('outreach_types', r.outreach_type),
    subtitle: (r) => (r.target_category ? label('target_groups', r.target_category) : ''),
    sections: [
      ['record.general', [['date', 'date'], ['outreach_type', 'one:outreach_types'], ['target_category', 'one:target_groups'], ['topics', 'many:topics']]],
      ['record.place', [['village', 'village']]],
      ['record.people', [['participants', 'participants']]],
      ['record.risk', [['risk_signals', 'many:risk_signals'], ['action_taken', 'one:outreach_actions'], ['referred_to', 'many:referral_agencies'],
        ['referral_reference', 'text'], ['follow_up_date', 'date'], ['note', 'longtext']]],
    ],
  },
};

export const PEOPLE = ['male_child', 'female_child', 'male_adult', 'female_adult'];

/** The four participant counts added up. */
export function peopleTotal(r) {
  return PEOPLE.reduce((s, f) => s + (Number(r[f]) || 0), 0);
}

/** WIB (UTC+7) day boundaries as the server's UTC datetime strings. */
export function wibDayStart(day) {
  const d = new Date(day + 'T00:00:00+07:00');
  return d.toISOString().replace('T', ' ');
}
export function wibNextDayStart(day) {
  const d = new Date(day + 'T00:00:00+07:00');
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().replace('T', ' ');
}
