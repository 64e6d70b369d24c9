// Server errors in Danish. The API answers {"error": {"code", "message"}}, and
// where it has one a stable {"key", "vars"} (the key names a catalogue entry
// "error.…"; today the file errors "file:line:col (field): msg", see
// src/server/respond.h): a key the catalogue knows is used first, its `msg`
// translated in turn. Other messages users can meet are recognised here by
// pattern and mapped to catalogue keys; anything else is shown as
// "Serveren afviste: <message>" so nothing is hidden.
import { t, has } from './i18n.js';

// [pattern on the English message, catalogue key]; named groups become {vars}.
const PATTERNS = [
  [/^wrong user name or password$/, 'error.login_failed'],
  [/^(not logged in|session expired or unknown; log in again)$/, 'error.session_expired'],
  [/^upload a claims CSV/, 'error.upload.no_claims'],
  [/^cancelled: the server is shutting down|^re-run cancelled/, 'error.job.cancelled'],
  [/^(?<file>[^:\s]+):(?<line>\d+):(?<col>\d+) \((?<field>[^)]+)\): (?<msg>.*)$/, 'error.file.field'],
  [/^(?<file>[^:\s]+):(?<line>\d+):(?<col>\d+): (?<msg>.*)$/, 'error.file.record'],
  [/^a re-run settles the run's own claim file/, 'error.rerun.no_claims'],
  [/^the run's claim file was not kept/, 'error.rerun.not_kept'],
  [/^the call's budget (?<budget>\S+ kr\.) exceeds what is left of the (?<year>\d{4}) pool \((?<left>\S+ kr\.) of (?<pool>\S+ kr\.)\)/, 'error.pool.call_budget'],
  [/^call (?<id>\d+) is not open for applications/, 'error.pool.call_closed'],
  [/^opens must be before closes/, 'error.pool.opens_closes'],
  [/^application (?<id>\d+) is decided already/, 'error.pool.decided'],
  [/^application (?<id>\d+) is (?<status>\w+), not submitted/, 'error.pool.not_submitted'],
  [/^the committee has not scored application (?<id>\d+)/, 'error.pool.not_scored'],
  [/^no decision without the assessment committee's recommendation/, 'error.pool.no_recommendation'],
  [/^the grant of (?<amount>\S+ kr\.) exceeds the remaining pool of (?<left>\S+ kr\.)/, 'error.pool.grant_exceeds'],
  [/^application (?<id>\d+) has no grant to pay/, 'error.pool.no_grant'],
  [/^the instalment would bring payments to (?<total>\S+ kr\.), above the grant of (?<grant>\S+ kr\.)/, 'error.pool.instalment'],
  [/^status reports are requested from granted projects only/, 'error.pool.report_granted_only'],
  [/^report (?<id>\d+) was received already/, 'error.pool.report_received'],
  [/^conflict of interest/, 'error.pool.conflict_of_interest'],
  [/^a region applies for itself only/, 'error.pool.region_self'],
  [/^the grant must be positive and at most the amount applied for/, 'error.pool.grant_range'],
  [/^the recommended amount must be positive and at most the amount applied for/, 'error.pool.recommend_range'],
  [/^score must be 1–5/, 'error.pool.score'],
  [/^each partner needs a type and a name/, 'error.pool.partner'],
  [/^partner type must be/, 'error.pool.partner_type'],
  [/^amount_ore must be positive|^budget_ore must be positive/, 'error.amount_positive'],
  [/^cofinancing_ore may not be negative/, 'error.cofinancing_negative'],
  [/^the spend would exceed the (?<year>\d{4}) budget of (?<budget>\S+ kr\.)/, 'error.budget.exceeded'],
  [/^provider (?<provider>\d+) is excluded by an LSU sanction/, 'error.bosted.provider_sanctioned'],
  [/^doctor (?<doctor>\S+) cannot be attached as fixed doctor/, 'error.bosted.doctor_blocked'],
  [/^municipality \d+ may not change botilbud of municipality/, 'error.bosted.other_municipality'],
  [/^region \d+ may not attach doctors to botilbud outside its region/, 'error.bosted.other_region'],
  [/^a botilbud cannot move to another municipality/, 'error.bosted.move'],
  [/^to_date must be after from_date/, 'error.period_order'],
  [/^provider must be a 6-digit ydernummer/, 'error.provider_format'],
  [/^date must be YYYY-MM-DD|is not a valid date \(YYYY-MM-DD\)/, 'error.date_format'],
  [/^a clinic registers its own employees only/, 'error.clinic_own_employees'],
  [/^a clinic asks for itself only/, 'error.clinic_self'],
  [/^cpr: (?<msg>.*)$/, 'error.cpr_invalid'],
  [/^cpr is required/, 'error.cpr_required'],
  [/^only rltn (uploads|withdraws) expense files|^only rltn computes/, 'error.forbidden'],
  [/^quarter .*(outside|not in|must be)/, 'error.economy.quarter'],
  [/^refused, nothing changed: (?<msg>.*)$/, 'error.refused_nothing_changed'],
  [/^no (application|call|job|settlement run|report|block|expense file) /, 'error.not_found'],
];

// Messages inside messages (file errors, "refused, nothing changed: …") are translated too.
const FIELD_MESSAGES = [
  [/^claim_id is empty$/, 'error.claim.claim_id_empty'],
  [/^provider must be a 6-digit ydernummer$/, 'error.provider_format'],
  [/^'(?<value>[^']*)' is not a valid date \(YYYY-MM-DD\)$/, 'error.claim.date'],
  [/^code must be a 4-digit ydelsesnummer, got '(?<value>[^']*)'$/, 'error.claim.code_format'],
  [/^unknown code (?<value>\S+): not in the agreement's fee table$/, 'error.claim.code_unknown'],
  [/^missing from the header: (?<columns>.*)$/, 'error.file.missing_columns'],
  [/^expected (?<want>\d+) fields as in the header, found (?<got>\d+)$/, 'error.file.field_count'],
  [/^the field contains bytes that are not valid UTF-8$/, 'error.file.utf8'],
  [/^a quoted field is not closed/, 'error.file.quote'],
];

function match(list, message) {
  for (const [re, key] of list) {
    const m = re.exec(message);
    if (m && has(key)) return { key, vars: { ...(m.groups || {}) } };
  }
  return null;
}

function inner(message) {
  const m = match(FIELD_MESSAGES, message) || match(PATTERNS, message);
  return m ? t(m.key, m.vars) : message;
}

// status: HTTP status; err: the body's "error" object (or undefined).
export function errorText(status, err) {
  if (err && err.key && has(err.key)) {
    const vars = { ...(err.vars || {}) };
    if (typeof vars.msg === 'string') vars.msg = inner(vars.msg);
    return t(err.key, vars);
  }
  const message = (err && err.message) || '';
  if (status === 403 && !/^conflict of interest|^a region applies|^a clinic/.test(message)) return t('error.forbidden');
  if (status === 401 && !message) return t('error.session_expired');
  const m = match(PATTERNS, message);
  if (m) {
    if (m.vars.msg !== undefined) m.vars.msg = inner(m.vars.msg);
    return t(m.key, m.vars);
  }
  if (status === 404 && !message) return t('error.not_found');
  if (status >= 500) return t('error.server', { status });
  return message ? t('error.fallback', { message }) : t('error.http', { status });
}
