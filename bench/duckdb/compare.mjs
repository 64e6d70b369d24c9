#!/usr/bin/env node
// Compares a settlement by `almen settle` (ALMEN_OUT: lines.csv, statements.csv,
// summary.json) with the DuckDB peer's (PEER_OUT: lines.csv, statements.csv,
// totals.csv, rules.csv): totals per code and status, lines per rule, the
// statements row by row, and the lines one by one (claim_id, provider, date,
// code, status, amount, rule). Prints every difference; exit 0 when they agree,
// 1 when they differ.
//
// Usage: node compare.mjs ALMEN_OUT PEER_OUT
import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';
import path from 'node:path';

const [almenOut, peerOut] = process.argv.slice(2);
if (!almenOut || !peerOut) {
  process.stderr.write('usage: node compare.mjs ALMEN_OUT PEER_OUT\n');
  process.exit(2);
}
const q = (s) => `'${String(s).replaceAll("'", "''")}'`;
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const rows = async (sql) => (await con.runAndReadAll(sql)).getRowObjectsJS();
const lines = (dir) => `read_csv(${q(path.join(dir, 'lines.csv'))}, header = true, all_varchar = true)`;
const stmts = (dir) => `read_csv(${q(path.join(dir, 'statements.csv'))}, header = true, all_varchar = true)`;
let differences = 0;
const report = (what, list, show) => {
  if (list.length === 0) {
    console.log(`compare: ${what}: identical`);
    return;
  }
  differences += list.length;
  console.log(`compare: ${what}: ${list.length} differ`);
  for (const r of list.slice(0, 20)) console.log(`  ${show(r)}`);
};

// Totals per code and status.
await con.run(`CREATE TABLE a AS SELECT code, status, count(*)::BIGINT AS lines, sum(amount_ore::BIGINT)::BIGINT AS amount
               FROM ${lines(almenOut)} GROUP BY ALL`);
await con.run(`CREATE TABLE p AS SELECT code, status, lines::BIGINT AS lines, amount_ore::BIGINT AS amount
               FROM read_csv(${q(path.join(peerOut, 'totals.csv'))}, header = true, all_varchar = true)`);
const totals = await rows(`SELECT coalesce(a.code, p.code) AS code, coalesce(a.status, p.status) AS status,
    a.lines AS almen_lines, p.lines AS peer_lines, a.amount AS almen_amount, p.amount AS peer_amount
  FROM a FULL JOIN p ON a.code = p.code AND a.status = p.status
  WHERE a.lines IS DISTINCT FROM p.lines OR a.amount IS DISTINCT FROM p.amount ORDER BY 1, 2`);
report('totals per code and status', totals, (r) =>
  `${r.code} ${r.status}: almen ${r.almen_lines} lines ${r.almen_amount} øre, peer ${r.peer_lines} lines ${r.peer_amount} øre`);
const sums = (await rows(`SELECT (SELECT count(*) FROM a)::BIGINT AS keys, (SELECT sum(lines) FROM a)::BIGINT AS lines,
    (SELECT sum(amount) FROM a)::BIGINT AS amount`))[0];
console.log(`compare: ${sums.keys} code/status pairs, ${sums.lines} lines, ${sums.amount} øre (almen)`);

// Lines per rule id.
const byRule = JSON.parse(fs.readFileSync(path.join(almenOut, 'summary.json'), 'utf8')).by_rule ?? {};
const peerRules = Object.fromEntries((await rows(`SELECT rule, lines::BIGINT AS n FROM read_csv(${q(path.join(peerOut, 'rules.csv'))},
    header = true, all_varchar = true)`)).map((r) => [r.rule, Number(r.n)]));
const ruleDiffs = [...new Set([...Object.keys(byRule), ...Object.keys(peerRules)])].sort()
  .filter((k) => (byRule[k] ?? 0) !== (peerRules[k] ?? 0)).map((k) => ({ k, a: byRule[k] ?? 0, p: peerRules[k] ?? 0 }));
report('lines per rule', ruleDiffs, (r) => `${r.k}: almen ${r.a}, peer ${r.p}`);

// Statements row by row (provider, month, item, code).
const st = await rows(`WITH a AS (SELECT * FROM ${stmts(almenOut)}), p AS (SELECT * FROM ${stmts(peerOut)})
  SELECT coalesce(a.provider, p.provider) AS provider, coalesce(a.month, p.month) AS month, coalesce(a.item, p.item) AS item,
         coalesce(a.code, p.code) AS code, a.count AS almen_count, p.count AS peer_count, a.amount_ore AS almen_amount, p.amount_ore AS peer_amount
  FROM a FULL JOIN p ON a.provider = p.provider AND a.month = p.month AND a.item = p.item AND a.code IS NOT DISTINCT FROM p.code
  WHERE a.count IS DISTINCT FROM p.count OR a.amount_ore IS DISTINCT FROM p.amount_ore ORDER BY ALL`);
report('statement rows', st, (r) =>
  `${r.provider} ${r.month} ${r.item} ${r.code ?? ''}: almen ${r.almen_count} / ${r.almen_amount} øre, peer ${r.peer_count} / ${r.peer_amount} øre`);

// Line by line, in file order.
// (Tables keep the file's order: rowid is the line's place.)
await con.run(`CREATE TABLE la AS SELECT * FROM ${lines(almenOut)}`);
await con.run(`CREATE TABLE lp AS SELECT * FROM ${lines(peerOut)}`);
const ln = await rows(`WITH a AS (SELECT rowid + 1 AS n, * FROM la), p AS (SELECT rowid + 1 AS n, * FROM lp)
  SELECT a.n, a.claim_id, a.provider, a.code, a.status AS almen_status, p.status AS peer_status, a.amount_ore AS almen_amount,
         p.amount_ore AS peer_amount, a.rule AS almen_rule, p.rule AS peer_rule
  FROM a FULL JOIN p ON a.n = p.n
  WHERE a.claim_id IS DISTINCT FROM p.claim_id OR a.provider IS DISTINCT FROM p.provider OR a.code IS DISTINCT FROM p.code
     OR a.status IS DISTINCT FROM p.status OR a.amount_ore IS DISTINCT FROM p.amount_ore OR a.rule IS DISTINCT FROM p.rule
  ORDER BY a.n LIMIT 1000`);
report('lines (first 1000 differences)', ln, (r) =>
  `line ${r.n} ${r.provider}/${r.claim_id} ${r.code}: almen ${r.almen_status} ${r.almen_amount} ${r.almen_rule ?? ''}, peer ${r.peer_status} ${r.peer_amount} ${r.peer_rule ?? ''}`);

console.log(differences === 0 ? 'compare: almen and the peer agree' : `compare: ${differences} differences`);
process.exit(differences === 0 ? 0 : 1);
