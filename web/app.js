// almen web UI: the shell of a small hash-routed app over the JSON API. Pages are
// modules under pages/; every word comes from the catalogue (i18n/da.json).
// Every permission is enforced by the API; the menu and the routes only mirror
// /api/me, so no page asks for what the role is refused.
import { loadCatalogue, t } from './i18n.js';
import { api, setUnauthenticatedHandler } from './api.js';
import { esc } from './table.js';
import { ROUTES, landing, allowed, navItems, roleName, byRole } from './routes.js';

await loadCatalogue();
document.documentElement.lang = 'da';

const main = document.getElementById('main');
const NEXT = 'almen.next';
let me = null;
let charts = [];
let drawing = 0;

const hashPath = () => location.hash.split('?')[0] || '';
function params() {
  const q = location.hash.split('?')[1] || '';
  return Object.fromEntries(new URLSearchParams(q));
}
function qs(obj) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(obj)) if (v !== undefined && v !== null && v !== '') p.set(k, v);
  const s = p.toString();
  return s ? '?' + s : '';
}

function setTitle(text) {
  document.title = t('app.title_page', { page: text });
}

// A 401 anywhere: remember the page, then the login (which returns to it).
setUnauthenticatedHandler(() => {
  const h = location.hash;
  if (h && !h.startsWith('#/login')) sessionStorage.setItem(NEXT, h);
  if (me) sessionStorage.setItem('almen.expired', '1');
  me = null;
  if (!location.hash.startsWith('#/login')) location.hash = '#/login';
});

function header() {
  const nav = document.getElementById('nav');
  const who = document.getElementById('who');
  const toggle = document.getElementById('menu-toggle');
  document.querySelector('.brand').textContent = t('app.brand');
  toggle.textContent = t('nav.menu');
  document.querySelector('footer').textContent = t('app.footer');
  document.querySelector('.skip').textContent = t('app.skip');
  if (!me) { nav.innerHTML = ''; who.innerHTML = ''; toggle.hidden = true; return; }
  toggle.hidden = false;
  const cur = hashPath();
  nav.innerHTML = navItems(me).map(([h, key]) => `<a href="${h}"${cur === h ? ' class="active" aria-current="page"' : ''}>${esc(t(key))}</a>`).join('');
  who.innerHTML = `<span class="who-name">${esc(me.username)} · ${esc(roleName(me))}${me.scope_name ? ' · ' + esc(me.scope_name) : ''}</span><button type="button" id="logout">${esc(t('nav.logout'))}</button>`;
  document.getElementById('logout').onclick = async () => {
    await api('/api/logout', { method: 'POST' }).catch(() => {});
    me = null;
    sessionStorage.removeItem(NEXT);
    location.hash = '#/login';
  };
}

// The skip link focuses the content without touching the hash (the router's).
document.querySelector('.skip').addEventListener('click', (e) => { e.preventDefault(); main.focus(); });

document.getElementById('menu-toggle').addEventListener('click', (e) => {
  const open = document.getElementById('top').classList.toggle('open');
  e.currentTarget.setAttribute('aria-expanded', String(open));
});

function clearCharts() { charts.forEach((c) => c.destroy()); charts = []; }

function notFound() {
  setTitle(t('title.not_found'));
  main.innerHTML = `<h1>${esc(t('notfound.heading'))}</h1><p>${esc(t('notfound.text'))}</p>
    <p><a class="button" href="/#/" id="notfound-home">${esc(t('notfound.home'))}</a></p>`;
  document.body.dataset.page = 'findesikke';
}

function refused() {
  setTitle(t('title.refused'));
  main.innerHTML = `<h1>${esc(t('refused.heading'))}</h1><p>${esc(t('refused.text'))}</p>
    <p><a class="button" href="${esc(landing(me))}">${esc(t('refused.home'))}</a></p>`;
  document.body.dataset.page = 'ingenadgang';
}

async function login() {
  setTitle(t('title.login'));
  const expired = sessionStorage.getItem('almen.expired');
  main.innerHTML = `<form class="login panel" id="login-form" novalidate>
    <h1>${esc(t('login.heading'))}</h1>
    ${expired ? `<p class="notice" id="login-expired">${esc(t('login.expired'))}</p>` : ''}
    <label for="username">${esc(t('login.username'))}</label><input id="username" name="username" autocomplete="username" required>
    <label for="password">${esc(t('login.password'))}</label><input id="password" name="password" type="password" autocomplete="current-password" required>
    <p class="error" id="login-error" role="alert"></p>
    <button class="primary" type="submit">${esc(t('login.submit'))}</button>
  </form>`;
  document.body.dataset.page = 'login';
  document.getElementById('login-form').onsubmit = async (e) => {
    e.preventDefault();
    const f = e.target;
    const errEl = document.getElementById('login-error');
    if (!f.username.value.trim() || !f.password.value) { errEl.textContent = t('login.missing'); return; }
    try {
      await api('/api/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: f.username.value.trim(), password: f.password.value }) });
      me = await api('/api/me');
      sessionStorage.removeItem('almen.expired');
      const next = sessionStorage.getItem(NEXT);
      sessionStorage.removeItem(NEXT);
      const nextRoute = next && ROUTES[next.split('?')[0]];
      location.hash = nextRoute && !nextRoute.public && allowed(nextRoute, me) ? next : landing(me);
    } catch (err) { errEl.textContent = err.message; }
  };
}

async function route() {
  const run = ++drawing;
  clearCharts();
  document.getElementById('top').classList.remove('open');
  document.getElementById('menu-toggle').setAttribute('aria-expanded', 'false');
  // A path other than the root (e.g. /findes/ikke) is no page of the UI.
  if (location.pathname !== '/' && location.pathname !== '/index.html') { header(); notFound(); return; }
  const path = hashPath();
  if (path === '#/login') { me = null; header(); await login(); return; }
  if (!me) {
    try { me = await api('/api/me'); } catch { return; }
    if (run !== drawing) return;
  }
  header();
  if (path === '' || path === '#/' || path === '#') { location.replace(landing(me)); return; }
  const r = ROUTES[path];
  if (!r) { notFound(); return; }
  if (!allowed(r, me)) { refused(); return; }
  const title = t(byRole(r.title, me));
  setTitle(title);
  main.innerHTML = `<p class="muted">${esc(t('app.loading'))}</p>`;
  document.body.dataset.page = path.slice(2);
  const ctx = { main, params, qs, me, charts, setTitle, reload: route, isCurrent: () => run === drawing };
  try {
    await r.page(ctx);
  } catch (err) {
    if (err.status === 401 || run !== drawing) return;
    main.innerHTML = `<h1>${esc(title)}</h1><p class="error" role="alert">${esc(err.message)}</p>`;
  }
  // The content gets the focus, unless the page gave it to one of its own
  // controls (a server-sorted table's header keeps it across the new order).
  if (run === drawing && !(document.activeElement && main.contains(document.activeElement) && document.activeElement !== main)) main.focus({ preventScroll: true });
}

window.addEventListener('hashchange', route);
route();
