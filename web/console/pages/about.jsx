import { t, label } from '../../shared/i18n.js';
import { me } from '../pb.js';
import { areaName } from '../areas.js';

export function About() {
  const user = me();
  return (
    <section class="card" id="about">
      <h1>{t('about.title')}</h1>
      <p>{t('about.text')}</p>
      <p class="privacy">{t('about.privacy')}</p>
      <p id="credit"><strong>{t('about.credit')}</strong></p>
      <p class="muted">{t('about.credit.more')}</p>
      <p class="muted" id="credit-geo">{t('about.geo')}</p>
      {user && <p class="muted" id="signed-in-as">{t('about.signedin', { name: user.name || user.email, role: label('roles', user.role), area: areaName(user.area) })}</p>}
    </section>
  );
}
