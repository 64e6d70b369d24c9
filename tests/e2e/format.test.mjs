// Unit tests of the UI's Danish formats and input parsing (web/format.js, web/errors.js)
// with Node's test runner; run by run.sh before the browser test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { setCatalogue, t } from '../../web/i18n.js';
import { kr, mioKr, pctText, pctPpm, quarterDa, dateDa, parseDateDa, parseAmountOre, parseDecimalDa, parseWholeNumber, decimalText, MINUS } from '../../web/format.js';
import { errorText } from '../../web/errors.js';

const catalogue = JSON.parse(fs.readFileSync(new URL('../../web/i18n/da.json', import.meta.url), 'utf8'));
setCatalogue(catalogue);

test('the catalogue is flat JSON of strings with matching placeholders', () => {
  for (const [k, v] of Object.entries(catalogue)) {
    assert.equal(typeof v, 'string', k);
    assert.match(k, /^[a-z0-9_]+(\.[A-Za-z0-9_.\-]+)+$/, k);
  }
  assert.equal(t('upload.result_heading', { run: 12 }), 'Afregnet som kørsel 12');
});

test('amounts, percentages and quarters are Danish', () => {
  assert.equal(kr(211172), '2.111,72 kr.');
  assert.equal(kr(-5), `${MINUS}0,05 kr.`);
  assert.equal(kr(100000000000001), '1.000.000.000.000,01 kr.');
  assert.equal(mioKr(999470000000), '9.994,7 mio. kr.');
  assert.equal(pctText('-99.70'), `${MINUS}99,70 %`);
  assert.equal(pctText('0.00'), '0,00 %');
  assert.equal(pctPpm(89338, 1), '8,9 %');
  assert.equal(decimalText('1.000000'), '1,000000');
  assert.equal(quarterDa('2025-Q1'), '1. kvt. 2025');
  assert.equal(dateDa('2025-01-01'), '1. januar 2025');
});

test('dates typed the Danish way', () => {
  for (const s of ['15.12.2026', '15-12-2026', '15/12/2026', '2026-12-15', ' 15.12.26 ']) assert.equal(parseDateDa(s), '2026-12-15', s);
  assert.equal(parseDateDa('1.2.2026'), '2026-02-01');
  assert.throws(() => parseDateDa('31.02.2026'), /findes ikke/);
  assert.throws(() => parseDateDa('12/15/2026'), /findes ikke/);
  assert.throws(() => parseDateDa('i morgen'), /er ikke en dato/);
});

test('amounts typed the Danish way, exactly in øre', () => {
  assert.equal(parseAmountOre('1.234,50'), 123450);
  assert.equal(parseAmountOre('1234,5'), 123450);
  assert.equal(parseAmountOre('1 234'), 123400);
  assert.equal(parseAmountOre('10.000.000 kr.'), 1000000000);
  assert.equal(parseAmountOre(`${MINUS}5,25`), -525);
  assert.equal(parseAmountOre('0,07'), 7);
  assert.throws(() => parseAmountOre('1234.50'), /er ikke et beløb/);
  assert.throws(() => parseAmountOre('1,234'), /to decimaler/);
  assert.throws(() => parseAmountOre('12,3,4'), /er ikke et beløb/);
  assert.equal(parseDecimalDa('1.234,5'), '1234,5');
  assert.equal(parseDecimalDa('-20'), '-20');
  assert.equal(parseWholeNumber('1.000'), 1000);
  assert.throws(() => parseWholeNumber('2,5'), /helt tal/);
});

test('server errors in Danish, with the server\'s message as the fallback', () => {
  assert.equal(errorText(401, { message: 'wrong user name or password' }), 'Forkert brugernavn eller adgangskode.');
  assert.equal(errorText(403, { message: "role 'plo' may not see this" }), 'Din rolle har ikke adgang til disse data.');
  assert.match(errorText(400, { message: 'claims.csv:3:5 (code): unknown code 9999: not in the agreement\'s fee table' }),
    /^Fejl i claims.csv, linje 3, kolonne 5 \(code\): ydelse 9999 findes ikke/);
  assert.match(errorText(409, { message: 'the grant of 5.000,00 kr. exceeds the remaining pool of 1.000,00 kr.; nothing was granted' }), /puljens rest på 1.000,00 kr./);
  assert.equal(errorText(400, { key: 'error.pool.score' }), 'Scoren skal være mellem 1 og 5.');
  // The server's key wins over the English message; its msg is translated too.
  assert.equal(errorText(400, { key: 'error.file.field', message: 'claims.csv:3:5 (provider): changed English',
    vars: { file: 'claims.csv', line: '3', col: '5', field: 'provider', msg: 'provider must be a 6-digit ydernummer' } }),
  t('error.file.field', { file: 'claims.csv', line: '3', col: '5', field: 'provider', msg: t('error.provider_format') }));
  assert.equal(errorText(400, { key: 'error.no.such.key', message: 'something new' }), 'Serveren afviste: something new');
  // The pool, the botilbud register, sanctions and the economy (tests/e2e/errors_coverage.test.mjs covers them all).
  assert.equal(errorText(409, { message: 'application 7 is granted; scoring is closed' }),
    'Ansøgning 7 er bevilget, så scoringen er lukket.');
  assert.equal(errorText(409, { message: "section 'A' of botilbud B0101 already has a fixed doctor in this period (provider 012345 from 2025-03-01 to 2025-09-01)" }),
    'Afsnittet »A« på botilbud B0101 har allerede en fast tilknyttet læge i perioden (ydernummer 012345 fra 2025-03-01 til 2025-09-01).');
  assert.equal(errorText(400, { message: 'refused, nothing changed: places must not be negative' }),
    'Afvist, intet er ændret: Feltet »pladser« kan ikke være negativt.');
  assert.equal(errorText(400, { key: 'error.file.field', message: "sanction:2:3 (kind): 'x' is not a sanction kind (a, b, c, d, e or f)",
    vars: { file: 'sanction', line: '2', col: '3', field: 'kind', msg: "'x' is not a sanction kind (a, b, c, d, e or f)" } }),
  'Fejl i sanction, linje 2, kolonne 3 (kind): »x« er ikke en sanktionstype (a, b, c, d, e eller f)');
  assert.equal(errorText(409, { message: 'employment refused: doctor L1 is excluded from employment in clinics under the agreement (§ 114 stk. 2 f, OK25 pkt. 5.7) from 2025-02-01 (permanent), decided 2025-01-15 (case S-9)' }),
    'Ansættelsen afvises: læge L1 er udelukket fra ansættelse i klinikker under overenskomsten (§ 114 stk. 2 f, OK25 pkt. 5.7) fra 2025-02-01 uden tidsbegrænsning, afgjort 2025-01-15 (sag S-9).');
  assert.equal(errorText(400, { message: "--set Bostedslæger: '8.000' is not an amount in mio. kr. (use e.g. 8,0 or 8.0; no thousands separators)" }),
    'Bostedslæger: »8.000« er ikke et beløb i mio. kr. (skriv fx 8,0, uden tusindtalsseparator).');
  assert.equal(errorText(400, { message: 'no økonomisk ramme for 2026 in the agreement data (ramme_base_ore); the agreement sets no ramme after 31 December 2025' }),
    'Overenskomsten fastsætter ingen økonomisk ramme for 2026; den sidste ramme gælder til 31. december 2025.');
  // A refused attachment keeps the sanction's dates and case.
  assert.equal(errorText(409, { message: 'doctor L1 cannot be attached as fixed doctor: doctor L1 is excluded from employment in clinics under the agreement (§ 114 stk. 2 f, OK25 pkt. 5.7) from 2025-02-01 to 2025-12-31, decided 2025-01-15 (case S-9)' }),
    'Læge L1 kan ikke tilknyttes som fast læge på grund af en sanktion: læge L1 er udelukket fra ansættelse i klinikker under overenskomsten (§ 114 stk. 2 f, OK25 pkt. 5.7) fra 2025-02-01 til 2025-12-31, afgjort 2025-01-15 (sag S-9).');
  assert.equal(errorText(409, { message: 'provider 012345 is excluded by an LSU sanction (§ 114 stk. 2) on 2025-03-01 and cannot be attached as fixed doctor' }),
    'Ydernummer 012345 er udelukket ved en LSU-sanktion (§ 114 stk. 2) pr. 2025-03-01 og kan ikke tilknyttes som fast læge.');
  // A refusal: the specific Danish text where there is one, else the role's.
  assert.equal(errorText(403, { message: 'region 1084 may only attach its own region\'s clinics (provider 012345 is not one of them)' }),
    'Regionen kan kun tilknytte sine egne klinikker; ydernummer 012345 ligger ikke i regionen.');
  assert.equal(errorText(403, { message: 'Klinikken ligger ikke i din region.' }), 'Klinikken ligger ikke i din region.');
  assert.equal(errorText(403, { message: 'something new' }), 'Din rolle har ikke adgang til disse data.');
  assert.equal(errorText(400, { message: 'something new' }), 'Serveren afviste: something new');
});
