// The pages, who may open them, their titles and the menu. `allow` mirrors the
// API's roles (src/server: Allowed(), the case and economy routes), so a page is
// never opened, and no request sent, for a role the API would refuse.
import { t, tEnum } from './i18n.js';
import { pageOverview } from './pages/overview.js';
import { pageClinics, pageStatement } from './pages/clinics.js';
import { pageLines } from './pages/lines.js';
import { pageRejections } from './pages/rejections.js';
import { pageRuns } from './pages/runs.js';
import { pageRerun } from './pages/reruns.js';
import { pageAgreement } from './pages/agreement.js';
import { pageEconomy } from './pages/economy.js';
import { pageBotilbud } from './pages/botilbud.js';
import { pageBostedCoverage } from './pages/bosted.js';
import { pageBostedReport } from './pages/bosted-report.js';
import { pageAudit } from './pages/audit.js';
import { pagePool, pageApplication } from './pages/pool.js';
import { pageSanctions } from './pages/sanctions.js';
import { pageSharing } from './pages/sharing.js';
import { pageControl, pageControlClinic } from './pages/control.js';
import { pageControlCases, pageControlCase } from './pages/control-case.js';
import { pagePostings } from './pages/postings.js';
import { pageCorrections } from './pages/corrections.js';
import { pageClosings, pagePayments } from './pages/closings.js';
import { pageSpecification } from './pages/specification.js';
import { pageCheck } from './pages/check.js';

const POOL_ROLES = ['pool_secretariat', 'pool_committee', 'pool_board'];
const role = (...roles) => (me) => roles.includes(me.role);
const perm = (p) => (me) => Boolean(me.permissions && me.permissions[p]);

// What each role may see of Økonomi (the routes in src/server/routes_economy.cc).
export const economyAccess = (me) => ({
  ramme: ['rltn', 'plo', 'region'].includes(me.role),
  rammeStatement: Boolean(me.permissions && me.permissions.ramme),
  expenses: ['rltn', 'plo', 'region'].includes(me.role),
  quality: ['rltn', 'plo', 'region'].includes(me.role),
  ceilings: ['rltn', 'plo', 'region', 'clinic'].includes(me.role),
});

export const ROUTES = {
  '#/login': { public: true, title: 'title.login' },
  '#/oversigt': { page: pageOverview, title: 'title.overview', nav: 'nav.overview', allow: perm('clinic_data') },
  '#/klinikker': { page: pageClinics, title: 'title.clinics', nav: 'nav.clinics', allow: perm('clinic_data') },
  '#/opgoerelse': { page: pageStatement, title: 'title.statement', allow: perm('clinic_data') },
  '#/linjer': { page: pageLines, title: 'title.lines', allow: perm('lines') },
  '#/posteringer': { page: pagePostings, title: 'title.postings', nav: 'nav.postings', allow: perm('clinic_data') },
  '#/korrektioner': { page: pageCorrections, title: 'title.corrections', allow: perm('lines') },
  '#/afslutning': { page: pageClosings, title: (me) => (me.role === 'rltn' ? 'title.closings' : 'title.payments'), nav: (me) => (me.role === 'rltn' ? 'nav.closings' : 'nav.payments'), allow: perm('clinic_data') },
  '#/udbetaling': { page: pagePayments, title: 'title.payment_list', allow: perm('clinic_data') },
  '#/specifikation': { page: pageSpecification, title: 'title.specification', allow: perm('lines') },
  '#/afvisninger': { page: pageRejections, title: 'title.rejections', nav: 'nav.rejections', allow: perm('clinic_data') },
  '#/koersler': { page: pageRuns, title: 'title.runs', nav: 'nav.runs', allow: perm('clinic_data') },
  '#/genberegning': { page: pageRerun, title: 'title.rerun', allow: perm('clinic_data') },
  '#/botilbud': { page: pageBotilbud, title: 'title.botilbud', nav: 'nav.botilbud', allow: perm('botilbud') },
  '#/bostedslaeger': { page: pageBostedCoverage, title: 'title.bosted', nav: 'nav.bosted', allow: perm('botilbud') },
  '#/bostedsrapport': { page: pageBostedReport, title: 'title.bosted_report', allow: perm('botilbud') },
  '#/pulje': { page: pagePool, title: 'title.pool', nav: 'nav.pool', allow: role('rltn', 'plo', 'region', ...POOL_ROLES) },
  '#/ansoegning': { page: pageApplication, title: 'title.application', allow: role('rltn', 'plo', 'region', ...POOL_ROLES) },
  '#/sanktioner': { page: pageSanctions, title: 'title.sanctions', nav: 'nav.sanctions', allow: role('rltn', 'plo', 'region', 'clinic') },
  '#/kontrol': { page: pageControl, title: 'title.control', nav: 'nav.control', allow: role('rltn', 'region') },
  '#/kontrol-klinik': { page: pageControlClinic, title: 'title.control_clinic', allow: role('rltn', 'region') },
  '#/kontrolsager': { page: pageControlCases, title: 'title.control_cases', nav: 'nav.control_cases', allow: role('rltn', 'region', 'clinic') },
  '#/kontrolsag': { page: pageControlCase, title: 'title.control_case', allow: role('rltn', 'region', 'clinic') },
  '#/deling': { page: pageSharing, title: 'title.sharing', nav: 'nav.sharing', allow: role('rltn', 'plo', 'clinic', 'pool_secretariat') },
  // Pre-validation in the browser (WebAssembly, no request carries the file): for every role.
  '#/tjek': { page: pageCheck, title: 'title.check', nav: 'nav.check', allow: () => true },
  '#/overenskomst': { page: pageAgreement, title: 'title.agreement', nav: 'nav.agreement', allow: () => true },
  '#/oekonomi': { page: pageEconomy, title: 'title.economy', nav: 'nav.economy', allow: () => true },
  '#/revision': { page: pageAudit, title: 'title.audit', nav: 'nav.audit', allow: perm('audit') },
};

export function allowed(r, me) {
  return Boolean(me) && (!r.allow || r.allow(me));
}

// A route's menu entry or title may depend on the role (a function of /api/me).
export const byRole = (v, me) => (typeof v === 'function' ? v(me) : v);

export function navItems(me) {
  return Object.entries(ROUTES).filter(([, r]) => r.nav && allowed(r, me)).map(([h, r]) => [h, byRole(r.nav, me)]);
}

// Where a role starts: its own main task.
export function landing(me) {
  if (!me) return '#/login';
  if (POOL_ROLES.includes(me.role)) return '#/pulje';
  if (me.role === 'clinic') return '#/afslutning';  // its payments and honorarspecifikationer
  if (me.permissions.clinic_data) return '#/oversigt';
  if (me.permissions.botilbud) return '#/bostedslaeger';
  return '#/overenskomst';
}

export function roleName(me) {
  return tEnum('role', me.role);
}

export { t };
