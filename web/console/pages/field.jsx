import { t } from '../../shared/i18n.js';

// Village officers work in the field app (issue 8), not in the console.
export function FieldApp() {
  const url = location.origin + '/app/';
  return (
    <section class="card" id="field-app">
      <h1>{t('field.title')}</h1>
      <p>{t('field.text')}</p>
      <p><a class="button primary" href="/app/" id="field-app-link">{t('field.open')}</a></p>
      <p class="muted">{t('field.hint')} <code>{url}</code></p>
    </section>
  );
}
