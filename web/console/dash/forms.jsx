// Small form pieces of the management pages: a labelled field with the
// server's error under it, and an area picker that always shows a village
// with its district and regency (265 village names repeat in Lampung).
import { useMemo, useState } from 'preact/hooks';
import { t } from '../../shared/i18n.js';
import { placeLabel } from '../areas.js';
import { FieldError } from '../ui.jsx';

export function Field({ name, label, errors, children, hint, class: cls }) {
  return (
    <div class={cls}>
      <label for={'in-' + name}>{label}</label>
      {children}
      {hint && <p class="hint">{hint}</p>}
      <FieldError name={name} errors={errors} />
    </div>
  );
}

/** "Hajimena, Kec. Natar, Kabupaten Lampung Selatan" for a village, "Kec. Natar, Kabupaten Lampung Selatan" for a district; the name for others. */
export const areaLabel = placeLabel;

/**
 * Picks an area of the given levels among those loaded (a verifier: its
 * regency's), filtered by a typed text; within: only codes under this one.
 */
export function AreaPicker({ id, value, onChange, levels, within, allAreas, invalid }) {
  const [q, setQ] = useState('');
  const options = useMemo(() => {
    const needle = q.trim().toLowerCase();
    const out = [];
    for (const a of allAreas()) {
      if (!levels.includes(a.level) || a.active === false) continue;
      if (within && a.id !== within && !a.id.startsWith(within + '.')) continue;
      const text = areaLabel(a.id);
      if (needle && !text.toLowerCase().includes(needle) && !a.id.startsWith(needle)) continue;
      out.push({ code: a.id, text });
      if (out.length >= 300) break;
    }
    return out.sort((x, y) => x.text.localeCompare(y.text, 'id'));
  }, [q, levels.join(), within]);
  const hasValue = value && !options.some((o) => o.code === value);
  return (
    <div class="area-picker">
      <input type="search" id={id + '-q'} placeholder={t('acc.area.search')} value={q} onInput={(e) => setQ(e.currentTarget.value)} aria-label={t('acc.area.search')} />
      <select id={id} value={value || ''} onChange={(e) => onChange(e.currentTarget.value)} aria-invalid={invalid ? 'true' : undefined} size={1}>
        <option value="">{t('acc.area.pick', { n: options.length })}</option>
        {hasValue && <option value={value}>{areaLabel(value)}</option>}
        {options.map((o) => <option value={o.code} key={o.code}>{o.text}</option>)}
      </select>
    </div>
  );
}
