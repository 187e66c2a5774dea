// The console's route table: one line per page, with the roles that see it
// and, for the menu, its label. Later issues add their pages here (the
// province dashboard, RAD, case figures, exports and accounts of issue 7).
import { Queue } from './pages/queue.jsx';
import { RecordPage } from './pages/record.jsx';
import { Phones } from './pages/phones.jsx';
import { FieldApp } from './pages/field.jsx';
import { Dashboard } from './pages/dashboard.jsx';
import { Annual } from './pages/annual.jsx';
import { Rad } from './pages/rad.jsx';
import { Cases } from './pages/cases.jsx';
import { Accounts } from './pages/accounts.jsx';
import { About } from './pages/about.jsx';
import { EditActivity, NewActivity } from './pages/activity.jsx';
import { ClusterView } from './pages/cluster.jsx';
import { Vocabularies } from './pages/vocab.jsx';
import { Settings } from './pages/settings.jsx';
import { Imports } from './pages/imports.jsx';
import { Programmes } from './pages/programmes.jsx';

import { VERIFIER, PROVINCE, TASKFORCE, OFFICER, REGENCY_TF, AGENCY } from './roles.js';

/**
 * path: hash path (":name" segments become params); page: component;
 * roles: who may open it ("*" everyone signed in); nav: menu label key
 * (pages without one are reached by links).
 */
export const routes = [
  { path: '/queue', page: Queue, roles: [VERIFIER, PROVINCE], nav: 'nav.queue' },
  { path: '/record/:collection/:id', page: RecordPage, roles: [VERIFIER, PROVINCE, TASKFORCE, REGENCY_TF, AGENCY] },
  // Issue 7: the dashboard and its drill-down, RAD, case figures, exports, accounts.
  { path: '/dashboard', page: Dashboard, roles: [PROVINCE, TASKFORCE, VERIFIER, REGENCY_TF, AGENCY], nav: 'nav.dashboard' },
  { path: '/annual', page: Annual, roles: [PROVINCE, TASKFORCE, VERIFIER, REGENCY_TF, AGENCY] },
  { path: '/rad', page: Rad, roles: [PROVINCE, VERIFIER], nav: 'nav.rad' },
  { path: '/activity/new', page: NewActivity, roles: [REGENCY_TF, AGENCY], nav: 'nav.newActivity' },
  // Issue 15: desk roles edit their drafts and returned activities; every task-force member has its cluster's view.
  { path: '/activity/edit/:id', page: EditActivity, roles: [REGENCY_TF, AGENCY] },
  { path: '/cluster', page: ClusterView, roles: [TASKFORCE, REGENCY_TF, AGENCY], nav: 'nav.cluster' },
  { path: '/cases', page: Cases, roles: [PROVINCE, VERIFIER, TASKFORCE, REGENCY_TF], nav: 'nav.cases' },
  { path: '/accounts', page: Accounts, roles: [PROVINCE, VERIFIER], nav: 'nav.accounts' },
  { path: '/vocabularies', page: Vocabularies, roles: [PROVINCE], nav: 'nav.vocab' },
  { path: '/imports', page: Imports, roles: [PROVINCE, VERIFIER], nav: 'nav.imports' },
  { path: '/programmes', page: Programmes, roles: [VERIFIER, PROVINCE, TASKFORCE, REGENCY_TF, AGENCY], nav: 'nav.programmes' },
  { path: '/phones', page: Phones, roles: [VERIFIER, PROVINCE], nav: 'nav.phones' },
  { path: '/field', page: FieldApp, roles: [OFFICER], nav: 'nav.field' },
  { path: '/settings', page: Settings, roles: '*', nav: 'nav.settings' },
  { path: '/about', page: About, roles: '*', nav: 'nav.about' },
];

/** Where each role lands after signing in. */
export const homeOf = {
  [VERIFIER]: '/queue',
  [PROVINCE]: '/dashboard',
  [TASKFORCE]: '/dashboard',
  [REGENCY_TF]: '/dashboard',
  [AGENCY]: '/dashboard',
  [OFFICER]: '/field',
};

export function allowed(route, role) {
  return route.roles === '*' || route.roles.includes(role);
}
