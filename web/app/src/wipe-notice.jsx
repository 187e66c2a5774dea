// What the officer sees of a wipe (wipe.js): while the phone sends what it
// holds, and after it has deleted its data.
import { useState } from 'preact/hooks';
import { t } from './i18n.js';
import { dismissWiped, wipedAt } from './wipe.js';

export function WipeNotice({ session }) {
  const [, setDismissed] = useState(0);
  const at = wipedAt(); // read at every render: the wipe ends the session, which renders this again
  if (session?.wipe) {
    return <div class="banner bad" role="alert" data-testid="wipe-sending">{t('wipe_sending')}</div>;
  }
  if (session || !at) return null;
  return (
    <div class="banner bad" role="alert" data-testid="wiped">
      {t('wiped')}
      <button type="button" class="small" onClick={() => { dismissWiped(); setDismissed((n) => n + 1); }}>{t('wiped_ok')}</button>
    </div>
  );
}
