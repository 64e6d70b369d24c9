// Browser test of post-payment control (issue 16) in Debian's headless Chromium:
// rltn ranks the clinics (Kontrol), opens a clinic's indicators and a control case,
// draws a seeded sample, requests documentation and records a finding; the clinic
// sees its case and answers; rltn concludes with a recovery. Every page is checked
// for English leaks, console errors, labels, its own title and missing catalogue
// keys (as e2e.mjs does); a clinic is refused the ranking.
// Env: BASE_URL (server), SHOT_DIR (screenshots), CHROMIUM (default /usr/bin/chromium).
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { fail, until } from './lib.mjs';

const base = process.env.BASE_URL;
const shots = process.env.SHOT_DIR || fs.mkdtempSync(path.join(os.tmpdir(), 'almen-e2e-shots-'));
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'almen-e2e-control-'));
if (!base) throw new Error('BASE_URL is not set');

const LEAKS = [/\brejected\b/, /\baccepted\b/, /\bordinary\b/, /\bundefined\b/, /\bnull\b/, /\bNaN\b/, /\berror\b/i,
  /\bfailed\b/i, /⟦/, /\d\.\d\d %/, /\bExport\b/, /\bannual_status\b/, /\bhome_visits\b/, /\bsame_day_elsewhere\b/,
  /\bstratified\b/, /\bconcluded\b/, /\bdocumentation_requested\b/, /\bcorrect\b/, /\bother\b/, /\bregion_type/];

const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, viewport: { width: 1280, height: 900 },
  locale: 'en-US',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const step = (s) => console.log(`e2e control: ${s}`);
let shotNo = 0;
const errors = [];

async function newPage(who) {
  const page = await browser.newPage();
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`${who}: console: ${m.text()} (${page.url()})`); });
  page.on('pageerror', (e) => errors.push(`${who}: ${e}`));
  await page.context().clearCookies();
  return page;
}

async function checkPage(page, who, name) {
  await page.waitForSelector('main h1');
  await until(page, () => !document.querySelector('main')?.textContent.includes('Indlæser'), null, `${name} to load`);
  const info = await page.evaluate((sources) => {
    const text = document.body.innerText;
    const leaks = sources.map((s) => new RegExp(s.source, s.flags)).filter((re) => re.test(text)).map((re) => `${re} in "${(text.match(re) || [''])[0]}"`);
    const unlabelled = [...document.querySelectorAll('input, select, textarea')]
      .filter((el) => el.type !== 'hidden' && !el.labels?.length && !el.getAttribute('aria-label')).map((el) => el.id || el.name);
    return { leaks, unlabelled, title: document.title, missing: window.almenMissingKeys ? window.almenMissingKeys() : [] };
  }, LEAKS.map((re) => ({ source: re.source, flags: re.flags })));
  if (info.leaks.length) fail(`${who} ${name}: English or internal text: ${info.leaks.join('; ')}`);
  if (info.unlabelled.length) fail(`${who} ${name}: fields without a label: ${info.unlabelled.join(', ')}`);
  if (info.missing.length) fail(`${who} ${name}: keys missing from the catalogue: ${info.missing.join(', ')}`);
  if (!/ · almen$/.test(info.title)) fail(`${who} ${name}: page title "${info.title}"`);
  await page.screenshot({ path: path.join(shots, `c${String(++shotNo).padStart(2, '0')}-${who}-${name}.png`), fullPage: true });
}

async function login(page, user) {
  await page.goto(`${base}/#/login`);
  await page.waitForSelector('#login-form');
  await page.fill('#username', user);
  await page.fill('#password', user);
  await page.click('#login-form button[type=submit]');
  await page.waitForURL((u) => !u.hash.startsWith('#/login'));
  await page.waitForSelector('main h1');
}

async function visit(page, hash) {
  await page.goto(`${base}/${hash}`);
  await page.waitForURL((u) => u.hash.startsWith(hash.split('?')[0].replace(/^\//, '')));
  await page.waitForSelector('main h1');
}

try {
  const page = await newPage('rltn');
  step('rltn: Kontrol ranks the clinics with Danish reasons');
  await login(page, 'rltn');
  const nav = await page.$$eval('#nav a', (as) => as.map((a) => a.getAttribute('href')));
  if (!nav.includes('#/kontrol') || !nav.includes('#/kontrolsager')) fail(`rltn menu lacks Kontrol: ${nav}`);
  const providers = await page.evaluate(async () => (await (await fetch('/api/providers')).json()).rows);
  const provider = providers[0].provider;
  await visit(page, '#/kontrol?year=2025');
  await page.waitForSelector('#control-t table tbody tr');
  await checkPage(page, 'rltn', 'kontrol');
  const exportHref = await page.getAttribute('#control-t a.export-csv', 'href');
  const csv = await page.evaluate(async (h) => (await fetch(h)).status, exportHref);
  if (csv !== 200) fail(`ranking export: ${csv}`);
  await page.selectOption('#control-region', '1084');
  await page.waitForURL((u) => u.hash.includes('region=1084'));
  await page.waitForSelector('#control-summary');
  await checkPage(page, 'rltn', 'kontrol-hovedstaden');

  step(`rltn: the indicators of ${provider} and a control case`);
  await visit(page, `#/kontrol-klinik?provider=${provider}&year=2025`);
  await page.waitForSelector('#ind-t table tbody tr');
  await checkPage(page, 'rltn', 'kontrol-klinik');
  const rows = await page.$$eval('#ind-t table tbody tr', (trs) => trs.length);
  if (rows !== 8) fail(`expected 8 indicators, got ${rows}`);
  await page.click('#open-case button.primary');
  await page.waitForURL((u) => u.hash.startsWith('#/kontrolsag'));
  await page.waitForSelector('#case-sample-form');
  await checkPage(page, 'rltn', 'kontrolsag-ny');

  step('rltn: a seeded sample, a request for documentation, a finding');
  await page.fill('#case-sample-form-tolerable', '500,00');
  await page.fill('#case-sample-form-seed', '7');
  await page.click('#case-sample-form button.primary');
  await page.waitForSelector('#case-sample table tbody tr');
  const plan = await page.textContent('#case-plan');
  if (!plan.includes('startværdi 7')) fail(`plan text: ${plan}`);
  await checkPage(page, 'rltn', 'kontrolsag-stikproeve');
  await page.fill('#case-request-text', 'Send journalnotater for de udtagne linjer.');
  await page.fill('#case-request-due_date', '01.03.2026');
  await page.click('#case-request button.primary');
  await until(page, () => document.querySelector('#case-status')?.textContent.includes('dokumentation'), null, 'status after the request');
  await page.selectOption('#case-finding-finding', 'error');
  await page.fill('#case-finding-error', '1,00');
  await page.fill('#case-finding-note', 'Ydelsen er ikke journalført.');
  await page.click('#case-finding button.primary');
  await until(page, () => document.querySelector('#case-sample')?.textContent.includes('fejl'), null, 'the finding in the sample');
  const caseUrl = page.url();
  const caseHash = caseUrl.slice(caseUrl.indexOf('#'));

  step(`klinik-${provider}: sees its case and answers; the ranking is refused`);
  {
    const c = await newPage('klinik');
    await login(c, `klinik-${provider}`);
    const cnav = await c.$$eval('#nav a', (as) => as.map((a) => a.getAttribute('href')));
    if (cnav.includes('#/kontrol')) fail('a clinic has Kontrol in its menu');
    await visit(c, '#/kontrolsager');
    await c.waitForSelector('#cases-t table tbody tr');
    await checkPage(c, 'klinik', 'kontrolsager');
    await visit(c, caseHash);
    await c.waitForSelector('#case-answer');
    await checkPage(c, 'klinik', 'kontrolsag');
    await c.fill('#case-answer-text', 'Journalnotaterne er vedhæftet.');
    await c.click('#case-answer button.primary');
    await until(c, () => document.querySelector('#case-messages')?.textContent.includes('vedhæftet'), null, 'the answer');
    await visit(c, '#/kontrol');
    await c.waitForSelector('h1:has-text("har ikke adgang")');
    await c.close();
  }

  step('rltn: concludes with a recovery in the ledger');
  // The pages share the browser's cookies: the clinic's login replaced rltn's session.
  await page.context().clearCookies();
  await login(page, 'rltn');
  await visit(page, caseHash);
  await page.waitForSelector('#case-conclude');
  await page.fill('#case-conclude-text', 'Fejlen er bekræftet og tilbagebetales.');
  await page.check('#case-conclude-recover');
  await page.click('#case-conclude button.primary');
  await page.waitForSelector('#case-recovery');
  const rec = await page.textContent('#case-recovery');
  if (!rec.includes('1,00 kr.')) fail(`recovery text: ${rec}`);
  await checkPage(page, 'rltn', 'kontrolsag-afsluttet');
  const postings = await page.evaluate(async () => (await (await fetch('/api/postings?item=recovery')).json()).rows);
  if (postings.length !== 1 || postings[0].amount_ore !== -100) fail(`recovery postings: ${JSON.stringify(postings)}`);
  await page.close();

  if (errors.length) fail('console errors: ' + errors.join('; '));
  step(`ok; screenshots in ${shots}`);
} finally {
  await browser.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
