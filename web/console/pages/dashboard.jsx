import { t } from '../../shared/i18n.js';

// Placeholder for the province dashboard of issue 7: coverage, RAD, case
// figures, review performance, exports. Replace this page, keep the route.
export function Dashboard() {
  return (
    <section class="card" id="dashboard">
      <h1>{t('dash.title')}</h1>
      <p class="muted">{t('dash.soon')}</p>
    </section>
  );
}
