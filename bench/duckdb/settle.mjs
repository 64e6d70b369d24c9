#!/usr/bin/env node
// A peer of `almen settle` in DuckDB (npm @duckdb/node-api), for side-by-side
// benchmarks (scripts/bench-peer.sh). It implements the core rules the way the engine
// does (src/settlement/settle.cc, agreement/ok25/rules.csv,
// docs/architecture.md), as SQL over the whole claim file:
//
//   - duplicates: a claim_id repeated for a provider; the first in file order is paid;
//   - line rules: malformed CPR, unknown provider on the date, 2151 abolished,
//     no fee on the date, 0120 out of hours, 0120 by staff outside the listed indications;
//   - contacts: the lines of one contact_id at a provider; lines without a
//     contact_id are the patient's contact with the provider that day;
//   - 0120 contact rules: rejected with a child/pregnancy exam or 0121 in the
//     contact; 0101 rejected beside a paid 0120; visit fees rejected beside a
//     paid 0120 at home; add-ons and lab tests beside a paid 0120 flagged `review`
//     (2149 exempt only when a paid 0120 of the contact is for dementia or addiction);
//     a paid 0120 at home with `km` is paid the mileage at the 9001 rate unless
//     the contact bills 9001;
//   - 0120 frequency rules: chronic_risk once per patient (a later one is paid and
//     flagged `review`), dementia twice per calendar year, addiction once per
//     course, in date order per patient;
//   - chronic care (0130–0132): a 12-month enrolment from the claim's month, one
//     at a time per patient (already enrolled / enrolled elsewhere rejected, another
//     code at the same clinic replaces it), the monthly fee with the OK25 raise and
//     the LTO rates, in the statements; the claim line carries the first month's fee;
//   - pricing: fee × regulation index (rounded half away from zero) × quantity,
//     valid on the service date, plus the transport-time supplement for 0120 at home;
//   - trips (§ 68 stk. 1, C5; the engine's `following_patient` rules as it applies
//     them without a botilbud register): a provider's visits at one place (a home,
//     or a botilbud by botilbud_id) on one day; the visit fee of a patient billed
//     0102 on the trip is rejected, a 0102 without a paid visit fee for another
//     patient on the trip is paid and flagged `review`, several paid visit fees on
//     one botilbud trip are paid and flagged `review`;
//   - statements: services, chronic fees and basishonorar from listings.csv.
//
// Rule validity dates and paragraphs come from the agreement's rules.csv;
// amounts from fees.csv, index.csv, chronic.csv and parameters.csv. CPR numbers
// are used as they are (without the dash) to group a patient's lines: nothing
// is pseudonymised and nothing but the outputs below is written.
//
// Where the engine breaks a tie by the 128-bit hash of a claim id (two 0120 or
// chronic claims of one patient on the same day at the same clinic), the peer
// hashes the tied claim ids the same way (npm hash-wasm: DuckDB has no XXH3), so
// the two agree line for line.
//
// Writes OUT/lines.csv (claim_id,provider,service_date,code,status,amount_ore,
// rule,paragraph; the engine's columns without the Danish reason), OUT/statements.csv
// (the engine's format and order), OUT/totals.csv (per code and status) and
// OUT/rules.csv (lines per rule id). Prints phase timings on stderr with --timing.
//
// Usage: node settle.mjs --claims F [--providers F] [--listings F] --agreement DIR --out DIR
//                        [--threads N] [--memory-limit 8GB] [--timing]
import { DuckDBInstance } from '@duckdb/node-api';
import { createXXHash128 } from 'hash-wasm';
import fs from 'node:fs';
import path from 'node:path';

function parseArgs(argv) {
  const a = { threads: '', memoryLimit: '', timing: false };
  for (let i = 2; i < argv.length; i++) {
    const k = argv[i];
    const v = () => {
      if (i + 1 >= argv.length) usage(`${k} needs a value`);
      return argv[++i];
    };
    if (k === '--claims') a.claims = v();
    else if (k === '--providers') a.providers = v();
    else if (k === '--listings') a.listings = v();
    else if (k === '--agreement') a.agreement = v();
    else if (k === '--out') a.out = v();
    else if (k === '--threads') a.threads = v();
    else if (k === '--memory-limit') a.memoryLimit = v();
    else if (k === '--timing') a.timing = true;
    else usage(`unknown argument ${k}`);
  }
  if (!a.claims || !a.agreement || !a.out) usage('--claims, --agreement and --out are required');
  return a;
}

function usage(msg) {
  process.stderr.write(`settle.mjs: ${msg}\nusage: node settle.mjs --claims F [--providers F] [--listings F] --agreement DIR --out DIR [--threads N] [--memory-limit 8GB] [--timing]\n`);
  process.exit(2);
}

const FOREVER = "DATE '9999-12-31'";
const q = (s) => `'${String(s).replaceAll("'", "''")}'`;

async function main() {
  const args = parseArgs(process.argv);
  const t0 = performance.now();
  let last = t0;
  const mark = (phase) => {
    if (!args.timing) return;
    const now = performance.now();
    process.stderr.write(`peer: ${phase.padEnd(28)} ${((now - last) / 1000).toFixed(3)} s\n`);
    last = now;
  };
  const options = {};
  if (args.threads) options.threads = args.threads;
  if (args.memoryLimit) options.memory_limit = args.memoryLimit;
  const db = await DuckDBInstance.create(':memory:', options);
  const con = await db.connect();
  // PEER_PROFILE=DIR: one JSON query profile per statement (for docs/performance.md).
  let statement = 0;
  const run = async (sql) => {
    if (process.env.PEER_PROFILE) {
      await con.run(`SET enable_profiling = 'json'`);
      await con.run(`SET profiling_output = ${q(path.join(process.env.PEER_PROFILE, `q${String(++statement).padStart(2, '0')}.json`))}`);
    }
    return con.run(sql);
  };
  const rows = async (sql) => (await con.runAndReadAll(sql)).getRowObjectsJS();
  await run('SET preserve_insertion_order = true');

  // ---------------------------------------------------------------- the agreement
  const agr = (f) => q(path.join(args.agreement, f));
  await run(`CREATE TABLE rules AS SELECT rule_id, valid_from::DATE AS vf, valid_to::DATE AS vt, paragraph
             FROM read_csv(${agr('rules.csv')}, header = true, all_varchar = true)`);
  const ruleRows = await rows('SELECT rule_id, vf::VARCHAR AS vf, vt::VARCHAR AS vt FROM rules');
  const rule = Object.fromEntries(ruleRows.map((r) => [r.rule_id, r]));
  for (const id of ['claim.duplicate', 'cpr.malformed', 'provider.unknown', 'fee.not_valid_on_date', '2151.abolished',
    '0120.not_out_of_hours', '0120.not_by_staff', '0120.not_with_child_pregnancy_exam', '0120.not_with_0121',
    '0120.not_with_0101', '0120.home_no_visit_fee', '0120.addon_only_exceptionally', '0120.chronic_risk_once',
    '0120.dementia_twice_per_year', '0120.addiction_once_per_course', 'chronic.enrol', 'chronic.already_enrolled',
    'chronic.enrolled_elsewhere', '0102.following_patient_visit', '0102.without_first_visit', '0102.several_visit_fees']) {
    if (!rule[id]) throw new Error(`rules.csv has no rule ${id}`);
  }
  // `d` within the rule's validity [valid_from, valid_to).
  const valid = (id, d = 'd') => {
    const r = rule[id];
    return `(${d} >= DATE ${q(r.vf)}${r.vt ? ` AND ${d} < DATE ${q(r.vt)}` : ''})`;
  };
  // Fees per code (ranges such as 8300-8999 expanded), the index per day.
  await run(`CREATE TABLE fees AS
    WITH f AS (SELECT code, category, amount_ore::BIGINT AS amount, indexed = '1' AS indexed, valid_from::DATE AS vf,
                      coalesce(valid_to::DATE, ${FOREVER}) AS vt, paragraph,
                      split_part(code, '-', 1)::INTEGER AS lo, coalesce(nullif(split_part(code, '-', 2), ''), code)::INTEGER AS hi
               FROM read_csv(${agr('fees.csv')}, header = true, all_varchar = true))
    SELECT unnest(range(lo, hi + 1))::SMALLINT AS code, category, amount, indexed, vf, vt, paragraph FROM f`);
  await run(`CREATE TABLE idx AS SELECT valid_from::DATE AS vf, coalesce(valid_to::DATE, ${FOREVER}) AS vt,
             (factor::DECIMAL(18,6) * 1000000)::BIGINT AS ppm
             FROM read_csv(${agr('index.csv')}, header = true, all_varchar = true)`);
  await run(`CREATE TABLE chronic_rates AS SELECT code::SMALLINT AS code, lto = '1' AS lto, monthly_ore::BIGINT AS monthly,
             annual_raise_ore::BIGINT AS raise, valid_from::DATE AS vf, coalesce(valid_to::DATE, ${FOREVER}) AS vt
             FROM read_csv(${agr('chronic.csv')}, header = true, all_varchar = true)`);
  await run(`CREATE TABLE params AS SELECT name, value, valid_from::DATE AS vf, coalesce(valid_to::DATE, ${FOREVER}) AS vt
             FROM read_csv(${agr('parameters.csv')}, header = true, all_varchar = true)`);
  // x × ppm / 10⁶ and a / b, rounded half away from zero (src/common/decimal.h).
  await run(`CREATE MACRO scale(x, ppm) AS CASE WHEN ppm = 1000000 THEN x
             ELSE sign(x::HUGEINT * ppm) * ((abs(x::HUGEINT * ppm) + 500000) // 1000000) END::BIGINT`);
  await run(`CREATE MACRO div_round(a, b) AS (sign(a) * ((abs(a::HUGEINT) * 2 + b) // (2 * b)))::BIGINT`);
  const enrolMonths = Number((await rows(`SELECT value FROM params WHERE name = 'chronic_enrolment_months' ORDER BY vf DESC LIMIT 1`))[0]?.value ?? 12);
  mark('agreement');

  // ---------------------------------------------------------------- inputs
  // Column types for the columns the header has (read_csv refuses types for absent columns).
  const claimTypes = {
    claim_id: 'VARCHAR', provider: 'INTEGER', cpr: 'VARCHAR', service_date: 'DATE', code: 'SMALLINT', quantity: 'INTEGER',
    contact_id: 'VARCHAR', performer: 'VARCHAR', setting: 'VARCHAR', indication: 'VARCHAR', course_id: 'VARCHAR',
    minutes: 'INTEGER', km: 'INTEGER', botilbud_id: 'VARCHAR',
  };
  const header = (() => {
    const fd = fs.openSync(args.claims, 'r');
    const buf = Buffer.alloc(65536);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    fs.closeSync(fd);
    return buf.subarray(0, n).toString('utf8').split('\n')[0].replace(/\r$/, '').split(',').map((c) => c.trim().toLowerCase());
  })();
  const types = header.filter((c) => claimTypes[c]).map((c) => `${q(c)}: ${q(claimTypes[c])}`).join(', ');
  await run(`CREATE TABLE claims AS SELECT * FROM read_csv(${q(args.claims)}, header = true, delim = ',', quote = '"',
             types = {${types}})`);
  const claimColumns = new Set((await rows('DESCRIBE claims')).map((r) => r.column_name));
  for (const [c, t] of Object.entries(claimTypes))
    if (!claimColumns.has(c)) await run(`ALTER TABLE claims ADD COLUMN ${c} ${t}`);
  // Without providers.csv, as in the engine: no provider check, no LTO clinic.
  if (args.providers)
    await run(`CREATE TABLE providers AS SELECT provider::INTEGER AS provider, lto = '1' AS lto, valid_from::DATE AS vf,
               coalesce(valid_to::DATE, ${FOREVER}) AS vt FROM read_csv(${q(args.providers)}, header = true, all_varchar = true)`);
  else await run(`CREATE TABLE providers (provider INTEGER, lto BOOLEAN, vf DATE, vt DATE)`);
  mark('read claims and providers');
  const span = (await rows('SELECT min(service_date)::VARCHAR AS lo, max(service_date)::VARCHAR AS hi FROM claims'))[0];
  // The index and the parameters per day of the claims' span (and of the enrolment months after it).
  const param = (name, alias) => `LEFT JOIN params ${alias} ON ${alias}.name = ${q(name)} AND g.d >= ${alias}.vf AND g.d < ${alias}.vt`;
  await run(`CREATE TABLE days AS SELECT g.d::DATE AS d, i.ppm, ts.value::BIGINT AS supplement, bh.value::BIGINT AS basis_annual,
             coalesce(rl.value, '1') = '1' AS raise_in_lto
             FROM generate_series(date_trunc('month', DATE ${q(span.lo)}), DATE ${q(span.hi)} + INTERVAL ${enrolMonths + 1} MONTH, INTERVAL 1 DAY) g(d)
             LEFT JOIN idx i ON g.d >= i.vf AND g.d < i.vt
             ${param('time_supplement_ore_per_started_quarter', 'ts')}
             ${param('basishonorar_annual_ore', 'bh')}
             ${param('chronic_raise_applies_in_lto', 'rl')}`);

  // ---------------------------------------------------------------- line rules
  // Claim ids repeated for a provider: all but the first in file order are duplicates.
  await run(`CREATE TABLE dupkeys AS SELECT provider AS prov, claim_id, min(rowid) AS first_ln FROM claims
             GROUP BY provider, claim_id HAVING count(*) > 1`);
  // Every line with its line-level facts and rule (a view: each use below
  // reads only the lines and columns it needs; ln = the line's place in the file).
  await run(`CREATE VIEW checked AS
    WITH c AS (
      SELECT rowid AS ln, claim_id, provider AS prov, service_date AS d, code, coalesce(quantity, 1) AS quantity,
             nullif(contact_id, '') AS contact_id, coalesce(performer, 'doctor') AS performer,
             coalesce(setting, 'clinic') AS setting, coalesce(botilbud_id, '') AS botilbud_id,
             coalesce(indication, '') AS indication, coalesce(course_id, '') AS course_id, coalesce(minutes, 0) AS minutes,
             coalesce(km, 0) AS km,
             CASE WHEN length(cpr) = 11 AND cpr[7] = '-' THEN cpr[1:6] || cpr[8:11]
                  WHEN length(cpr) = 10 THEN cpr END AS cprn
      FROM claims),
    -- CPR: ten digits, a real birth date by the century rule (day + 60 = substitute number).
    v AS (SELECT *, CASE WHEN regexp_full_match(coalesce(cprn, ''), '[0-9]{10}') THEN cprn END AS cd FROM c),
    w AS (SELECT *, cd[1:2]::INTEGER AS dd0, cd[3:4]::INTEGER AS mm, cd[5:6]::INTEGER AS yy, cd[7:7]::INTEGER AS s7 FROM v),
    w2 AS (SELECT *, CASE WHEN dd0 > 60 THEN dd0 - 60 ELSE dd0 END AS dd,
                  yy + CASE WHEN s7 <= 3 THEN 1900 WHEN s7 IN (4, 9) THEN (CASE WHEN yy <= 36 THEN 2000 ELSE 1900 END)
                            ELSE (CASE WHEN yy <= 57 THEN 2000 ELSE 1800 END) END AS yyyy FROM w),
    x AS (
      SELECT *, coalesce(mm BETWEEN 1 AND 12 AND dd BETWEEN 1 AND
             CASE WHEN mm = 2 THEN 28 + (yyyy % 4 = 0 AND (yyyy % 100 <> 0 OR yyyy % 400 = 0))::INTEGER
                  ELSE 30 + (mm + mm // 8) % 2 END, false) AS cpr_ok
      FROM w2),
    j AS (
      SELECT x.ln, x.claim_id, x.prov, x.d, x.code, x.quantity, x.contact_id, x.performer, x.setting, x.botilbud_id,
             x.indication, x.course_id, x.minutes, x.km, x.cprn, x.cpr_ok,
             -- The contact: the contact_id, or without one the patient's lines at the provider that day.
             CASE WHEN x.contact_id IS NOT NULL THEN 'c' || x.contact_id WHEN x.cpr_ok THEN 'p' || x.cprn || x.d::VARCHAR END AS ck,
             coalesce(k.first_ln <> x.ln, false) AS dup,
             ${args.providers ? 'p.provider IS NOT NULL' : 'true'} AS known, coalesce(p.lto, false) AS lto,
             f.category, f.amount AS fee, f.indexed, f.paragraph AS fee_paragraph, dy.ppm, dy.supplement
      FROM x
      LEFT JOIN dupkeys k ON k.prov = x.prov AND k.claim_id = x.claim_id
      LEFT JOIN providers p ON p.provider = x.prov AND x.d >= p.vf AND x.d < p.vt
      LEFT JOIN fees f ON f.code = x.code AND x.d >= f.vf AND x.d < f.vt
      LEFT JOIN days dy ON dy.d = x.d)
    SELECT *, CASE
      WHEN NOT cpr_ok THEN 'cpr.malformed'
      WHEN NOT known THEN 'provider.unknown'
      WHEN code = 2151 AND ${valid('2151.abolished')} THEN '2151.abolished'
      WHEN fee IS NULL OR ppm IS NULL THEN 'fee.not_valid_on_date'
      WHEN code = 120 AND setting = 'out_of_hours' AND ${valid('0120.not_out_of_hours')} THEN '0120.not_out_of_hours'
      WHEN code = 120 AND performer = 'staff' AND ${valid('0120.not_by_staff')}
           AND indication NOT IN ('chronic_programme', 'hypertension', 'thyroid', 'osteoporosis') THEN '0120.not_by_staff'
    END AS line_rule
    FROM j`);
  // The codes whose lines can trigger a contact rule on 0120 (child and pregnancy exams, 0121) or stop its
  // mileage (9001 in the contact).
  const triggerCodes = (await rows(`SELECT DISTINCT code FROM fees WHERE category IN ('child_exam', 'pregnancy_exam') OR code IN (121, 9001)`))
    .map((r) => r.code).join(', ') || '-1';
  // ---------------------------------------------------------------- events: 0120, chronic, trips
  // Contacts with a child or pregnancy exam, a 0121 or a 9001 (lines without a line-level rule; a
  // repeated line counts as its first does).
  await run(`CREATE TABLE triggers AS
    SELECT prov, ck, bool_or(category IN ('child_exam', 'pregnancy_exam')) AS exam, bool_or(code = 121) AS has_0121,
           bool_or(code = 9001) AS has_9001
    FROM checked WHERE code IN (${triggerCodes}) AND line_rule IS NULL AND ck IS NOT NULL
      AND (category IN ('child_exam', 'pregnancy_exam') OR code IN (121, 9001))
    GROUP BY prov, ck`);
  // Event lines: 0120, chronic codes, and the visits of a trip (sick visits and 0102 at home or on a
  // botilbud). `trip`: the place (setting and, on a botilbud, its id) of the provider's visits that day.
  await run(`CREATE TABLE events AS
    SELECT b.ln, b.claim_id, b.prov, b.d, b.code, b.setting, b.indication, b.course_id, b.cprn AS patient, b.ck, b.lto,
      CASE WHEN b.setting IN ('home', 'botilbud') AND (b.category = 'sick_visit' OR b.code = 102)
           THEN b.setting || '|' || CASE WHEN b.setting = 'botilbud' THEN b.botilbud_id ELSE '' END END AS trip,
      CASE WHEN b.code = 120 AND t.exam AND ${valid('0120.not_with_child_pregnancy_exam', 'b.d')} THEN '0120.not_with_child_pregnancy_exam'
           WHEN b.code = 120 AND t.has_0121 AND ${valid('0120.not_with_0121', 'b.d')} THEN '0120.not_with_0121' END AS decided
    FROM (SELECT * FROM checked WHERE code IN (120, 130, 131, 132)
            OR (setting IN ('home', 'botilbud') AND (category = 'sick_visit' OR code = 102))) b
    LEFT JOIN triggers t ON t.prov = b.prov AND t.ck = b.ck
    WHERE b.line_rule IS NULL AND NOT b.dup`);
  // Ties the engine breaks by the claim's 128-bit key (XXH3-128 of claim_id,
  // seeded with provider + 1, compared high word first: types.cc ClaimKey): the
  // order of one patient's 0120 and chronic claims on one day at one clinic.
  // Only the tied lines are hashed (here, in JavaScript: DuckDB has no XXH3).
  await run(`CREATE TABLE tied AS
    SELECT DISTINCT prov, claim_id FROM (
      SELECT prov, claim_id, count(*) OVER (PARTITION BY patient, d, prov) AS n FROM events
      WHERE code IN (120, 130, 131, 132)) WHERE n > 1`);
  await run(`CREATE TABLE claim_keys (prov INTEGER, claim_id VARCHAR, k VARCHAR)`);
  {
    const tied = await rows('SELECT prov, claim_id FROM tied ORDER BY prov');
    const appender = await con.createAppender('claim_keys');
    let hasher = null, hashed = -1;
    for (const { prov, claim_id } of tied) {
      if (prov !== hashed) {
        hasher = await createXXHash128(prov + 1, 0);
        hashed = prov;
      }
      hasher.init();
      hasher.update(claim_id);
      appender.appendInteger(prov);
      appender.appendVarchar(claim_id);
      appender.appendVarchar(hasher.digest());
      appender.endRow();
    }
    appender.closeSync();
  }
  await run(`ALTER TABLE events ADD COLUMN k VARCHAR`);
  await run(`UPDATE events SET k = c.k FROM claim_keys c WHERE events.prov = c.prov AND events.claim_id = c.claim_id`);
  // Frequency rules, in date order per patient (same day and clinic: by claim key).
  await run(`UPDATE events SET decided = r.rule FROM (
      SELECT ln, CASE
        WHEN indication = 'chronic_risk' AND row_number() OVER (PARTITION BY patient, indication ORDER BY d, prov, k, claim_id) > 1
          THEN '0120.chronic_risk_once'  -- paid, flagged review
        WHEN indication = 'dementia' AND row_number() OVER (PARTITION BY patient, indication, year(d) ORDER BY d, prov, k, claim_id) > 2
          THEN '0120.dementia_twice_per_year'
        WHEN indication = 'addiction' AND row_number() OVER (PARTITION BY patient, indication, course_id ORDER BY d, prov, k, claim_id) > 1
          THEN '0120.addiction_once_per_course' END AS rule
      FROM events
      WHERE code = 120 AND decided IS NULL AND (
        (indication = 'chronic_risk' AND ${valid('0120.chronic_risk_once')}) OR
        (indication = 'dementia' AND ${valid('0120.dementia_twice_per_year')}) OR
        (indication = 'addiction' AND ${valid('0120.addiction_once_per_course')}))) r
    WHERE events.ln = r.ln AND r.rule IS NOT NULL`);
  // Chronic enrolments: one walk per patient over the claims in date order.
  await run(`CREATE TABLE walk AS
    WITH RECURSIVE ev AS (
      SELECT ln, patient, prov, code, lto, d, year(d) * 12 + month(d) - 1 AS m,
             row_number() OVER (PARTITION BY patient ORDER BY d, prov, k, claim_id) AS k
      FROM events WHERE code IN (130, 131, 132)),
    w(patient, k, ln, outcome, cur_prov, cur_code, cur_start) AS (
      SELECT patient, k, ln, 'enrol', prov, code, m FROM ev WHERE k = 1
      UNION ALL
      SELECT e.patient, e.k, e.ln, o.outcome,
             CASE WHEN o.outcome = 'enrol' THEN e.prov ELSE w.cur_prov END,
             CASE WHEN o.outcome = 'enrol' THEN e.code ELSE w.cur_code END,
             CASE WHEN o.outcome = 'enrol' THEN e.m ELSE w.cur_start END
      FROM w JOIN ev e ON e.patient = w.patient AND e.k = w.k + 1,
      LATERAL (SELECT CASE WHEN e.m < w.cur_start + ${enrolMonths} AND e.prov <> w.cur_prov THEN 'elsewhere'
                           WHEN e.m < w.cur_start + ${enrolMonths} AND e.code = w.cur_code THEN 'already'
                           ELSE 'enrol' END AS outcome) o)
    SELECT w.ln, w.outcome, ev.patient, ev.prov, ev.code, ev.lto, ev.m AS start_m, ev.k
    FROM w JOIN ev USING (ln)`);
  // An enrolment runs 12 months, cut where the same clinic enrols the patient under another code.
  await run(`CREATE TABLE enrolments AS
    SELECT ln, prov, code, lto, start_m,
           least(start_m + ${enrolMonths}, coalesce(lead(start_m) OVER (PARTITION BY patient ORDER BY k), start_m + ${enrolMonths})) AS end_m
    FROM walk WHERE outcome = 'enrol'`);
  await run(`CREATE TABLE chronic_months AS
    WITH m AS (SELECT e.ln, e.prov, e.code, e.lto AS lto_then, e.start_m, unnest(range(e.start_m, e.end_m)) AS m
               FROM enrolments e WHERE e.end_m > e.start_m),
    f AS (SELECT m.*, make_date((m.m // 12)::INTEGER, (m.m % 12 + 1)::INTEGER, 1) AS first FROM m)
    SELECT f.ln, f.prov, f.code, f.m, f.start_m, coalesce(p.lto, f.lto_then) AS lto,
      scale(div_round(r.monthly * 12 + CASE WHEN coalesce(p.lto, f.lto_then) AND NOT dy.raise_in_lto THEN 0 ELSE r.raise END, 12),
            dy.ppm) AS fee
    FROM f
    LEFT JOIN providers p ON p.provider = f.prov AND f.first >= p.vf AND f.first < p.vt
    LEFT JOIN days dy ON dy.d = f.first
    LEFT JOIN chronic_rates r ON r.code = f.code AND r.lto = coalesce(p.lto, f.lto_then) AND f.first >= r.vf AND f.first < r.vt`);
  await run(`UPDATE events SET decided = CASE w.outcome WHEN 'elsewhere' THEN 'chronic.enrolled_elsewhere'
                                                      WHEN 'already' THEN 'chronic.already_enrolled' END
             FROM walk w WHERE events.ln = w.ln AND w.outcome <> 'enrol'`);
  await run(`UPDATE events SET decided = 'chronic.enrol'
             FROM enrolments e WHERE events.ln = e.ln AND e.end_m > e.start_m`);
  // Trips (§ 68 stk. 1): the visit fee of a patient billed 0102 on the trip is not paid; 0102 needs a
  // paid visit fee for another patient on the trip (else review); several paid visit fees on one
  // botilbud trip are flagged review.
  await run(`UPDATE events SET decided = '0102.following_patient_visit'
    WHERE trip IS NOT NULL AND code <> 102 AND ${valid('0102.following_patient_visit')} AND EXISTS (
      SELECT 1 FROM events f WHERE f.trip = events.trip AND f.prov = events.prov AND f.d = events.d
        AND f.code = 102 AND f.patient = events.patient)`);
  await run(`UPDATE events SET decided = '0102.without_first_visit'
    WHERE trip IS NOT NULL AND code = 102 AND ${valid('0102.without_first_visit')} AND NOT EXISTS (
      SELECT 1 FROM events v WHERE v.trip = events.trip AND v.prov = events.prov AND v.d = events.d
        AND v.code <> 102 AND v.decided IS NULL AND v.patient <> events.patient)`);
  await run(`UPDATE events SET decided = '0102.several_visit_fees' FROM (
      SELECT prov, d, trip FROM events
      WHERE trip IS NOT NULL AND setting = 'botilbud' AND code <> 102 AND decided IS NULL AND ${valid('0102.several_visit_fees')}
      GROUP BY ALL HAVING count(*) >= 2) s
    WHERE events.trip = s.trip AND events.prov = s.prov AND events.d = s.d AND events.code <> 102
      AND events.decided IS NULL AND ${valid('0102.several_visit_fees', 'events.d')}`);
  // Contacts holding a paid 0120 (at home or not; accepted or flagged review), and whether one is for
  // dementia or addiction (2149 is then exempt from review).
  await run(`CREATE TABLE paid_contacts AS SELECT prov, ck, bool_or(setting = 'home') AS home,
             bool_or(indication IN ('dementia', 'addiction')) AS psych FROM events
             WHERE code = 120 AND (decided IS NULL OR decided = '0120.chronic_risk_once') AND ck IS NOT NULL GROUP BY prov, ck`);
  // The mileage rate (9001) per day of the span, regulated where the fee is indexed.
  await run(`CREATE TABLE mileage AS SELECT dy.d, CASE WHEN f.indexed THEN scale(f.amount, dy.ppm) ELSE f.amount END AS rate
             FROM days dy JOIN fees f ON f.code = 9001 AND dy.d >= f.vf AND dy.d < f.vt`);
  mark('events, enrolments, contacts');

  // ---------------------------------------------------------------- every line's outcome
  // One narrow row per line, sorted into file order (the joins do not keep it).
  const review = `('0120.addon_only_exceptionally', '0120.chronic_risk_once', '0102.without_first_visit', '0102.several_visit_fees')`;
  await run(`CREATE TABLE outcome AS
    WITH x AS (
      SELECT b.*, e.decided, pc.home AS paid_home, pc.psych AS paid_psych, pc.prov IS NOT NULL AS paid, cf.fee AS first_fee,
             coalesce(t.has_9001, false) AS has_9001, mi.rate AS mileage_rate
      FROM checked b
      LEFT JOIN events e ON e.ln = b.ln
      LEFT JOIN (SELECT ln, fee FROM chronic_months WHERE m = start_m) cf ON cf.ln = b.ln
      LEFT JOIN paid_contacts pc ON pc.prov = b.prov AND pc.ck = b.ck
      LEFT JOIN triggers t ON t.prov = b.prov AND t.ck = b.ck
      LEFT JOIN mileage mi ON mi.d = b.d),
    y AS (
      SELECT *, CASE
        WHEN dup THEN 'claim.duplicate'
        WHEN line_rule IS NOT NULL THEN line_rule
        WHEN decided IS NOT NULL THEN decided
        WHEN paid AND code = 101 AND ${valid('0120.not_with_0101')} THEN '0120.not_with_0101'
        WHEN paid AND paid_home AND category = 'sick_visit' AND ${valid('0120.home_no_visit_fee')} THEN '0120.home_no_visit_fee'
        WHEN paid AND category IN ('addon', 'lab') AND NOT (code = 2149 AND paid_psych) AND ${valid('0120.addon_only_exceptionally')}
          THEN '0120.addon_only_exceptionally'
      END AS rule FROM x)
    SELECT ln, prov, d, code, quantity, rule,
      coalesce((SELECT paragraph FROM rules r WHERE r.rule_id = y.rule), fee_paragraph) AS paragraph,
      CASE WHEN rule IN ${review} THEN 'review'
           WHEN rule IS NULL OR rule = 'chronic.enrol' THEN 'accepted' ELSE 'rejected' END AS status,
      CASE WHEN rule = 'chronic.enrol' THEN coalesce(first_fee, 0)
           WHEN rule IS NULL OR rule IN ${review} THEN
             (CASE WHEN indexed THEN scale(fee, ppm) ELSE fee END) * quantity +
             CASE WHEN code = 120 AND setting = 'home' AND minutes > 0 AND ${valid('0120.home_no_visit_fee')}
                  THEN scale(supplement, ppm) * ((minutes + 14) // 15) ELSE 0 END +
             CASE WHEN code = 120 AND setting = 'home' AND km > 0 AND NOT has_9001 AND ${valid('0120.home_no_visit_fee')}
                  THEN coalesce(mileage_rate, 0) * km ELSE 0 END
           ELSE 0 END AS amount
    FROM y ORDER BY ln`);
  mark('outcomes');

  // ---------------------------------------------------------------- outputs
  fs.mkdirSync(args.out, { recursive: true });
  const out = (f) => q(path.join(args.out, f));
  // The claims and their outcomes side by side, both in file order.
  await run(`COPY (SELECT c.claim_id, lpad(c.provider::VARCHAR, 6, '0') AS provider, c.service_date,
                          lpad(c.code::VARCHAR, 4, '0') AS code, o.status, o.amount AS amount_ore, o.rule, o.paragraph
                   FROM claims c POSITIONAL JOIN outcome o)
             TO ${out('lines.csv')} (HEADER, DELIMITER ',')`);
  mark('lines.csv');
  // Statements: services, chronic fees, basishonorar (listings counted on the first of each month).
  const periodRows = await rows(`SELECT year(min(d)) * 12 + month(min(d)) - 1 AS lo, year(max(d)) * 12 + month(max(d)) - 1 AS hi FROM outcome`);
  const { lo, hi } = periodRows[0];
  let basis = 'SELECT NULL::INTEGER AS prov, NULL::BIGINT AS m, NULL::INTEGER AS item, NULL::SMALLINT AS code, NULL::BIGINT AS cnt, NULL::BIGINT AS amount WHERE false';
  if (args.listings && lo !== null) {
    // A listing counts in month m when listed_from <= the 1st of m < listed_to.
    await run(`CREATE TABLE basis AS
      WITH l AS (SELECT provider::INTEGER AS prov, listed_from::DATE AS lf, listed_to::DATE AS lt
                 FROM read_csv(${q(args.listings)}, header = true, all_varchar = true)),
      r AS (SELECT prov, greatest(${lo}, year(lf) * 12 + month(lf) - 1 + (day(lf) > 1)::INTEGER) AS m0,
                   CASE WHEN lt IS NULL THEN ${hi} + 1 ELSE least(${hi} + 1, year(lt) * 12 + month(lt) - 1 + (day(lt) > 1)::INTEGER) END AS m1
            FROM l),
      counts AS (SELECT prov, unnest(range(m0, m1)) AS m FROM r WHERE m1 > m0),
      c AS (SELECT prov, m, count(*) AS cnt, make_date((m // 12)::INTEGER, (m % 12 + 1)::INTEGER, 1) AS first FROM counts GROUP BY prov, m)
      SELECT c.prov, c.m, 2 AS item, NULL::SMALLINT AS code, c.cnt,
             c.cnt * scale(div_round(dy.basis_annual, 12), dy.ppm) AS amount
      FROM c LEFT JOIN days dy ON dy.d = c.first`);
    basis = 'SELECT * FROM basis';
  }
  await run(`CREATE TABLE statements AS
    SELECT prov, m, item, code, sum(cnt)::BIGINT AS cnt, sum(amount)::BIGINT AS amount FROM (
      SELECT prov, year(d) * 12 + month(d) - 1 AS m, 0 AS item, code, quantity AS cnt, amount FROM outcome
        WHERE status <> 'rejected' AND code NOT IN (130, 131, 132)
      UNION ALL SELECT prov, m, 1, code, 1, coalesce(fee, 0) FROM chronic_months
      UNION ALL ${basis})
    GROUP BY prov, m, item, code`);
  await run(`COPY (SELECT lpad(prov::VARCHAR, 6, '0') AS provider,
                          printf('%04d-%02d', (m // 12)::INTEGER, (m % 12 + 1)::INTEGER) AS month,
                          CASE item WHEN 0 THEN 'service' WHEN 1 THEN 'chronic_fee' WHEN 2 THEN 'basishonorar' END AS item,
                          lpad(code::VARCHAR, 4, '0') AS code, cnt AS count, amount AS amount_ore
                   FROM statements ORDER BY statements.prov, statements.m, statements.item, statements.code NULLS FIRST)
             TO ${out('statements.csv')} (HEADER, DELIMITER ',')`);
  await run(`COPY (SELECT lpad(code::VARCHAR, 4, '0') AS code, status, count(*) AS lines, sum(amount)::BIGINT AS amount_ore FROM outcome
                   GROUP BY ALL ORDER BY ALL) TO ${out('totals.csv')} (HEADER, DELIMITER ',')`);
  await run(`COPY (SELECT rule, count(*) AS lines FROM outcome WHERE rule IS NOT NULL GROUP BY ALL ORDER BY ALL)
             TO ${out('rules.csv')} (HEADER, DELIMITER ',')`);
  mark('statements and totals');
  const total = (await rows(`SELECT count(*)::BIGINT AS n, sum(amount)::BIGINT AS a FROM outcome`))[0];
  process.stderr.write(`peer: ${total.n} lines, amount ${total.a} øre, ${((performance.now() - t0) / 1000).toFixed(2)} s\n`);
}

main().catch((e) => {
  process.stderr.write(`settle.mjs: ${e.message}\n`);
  process.exit(1);
});
