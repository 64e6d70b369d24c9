-- Post-payment control (efterkontrol, issue 16, docs/control.md). Portable SQL
-- as 0001. A control case is the workflow record of one clinic and period:
-- the indicators and reasons it was opened for, the audit sample (seeded, so
-- the selection can be reproduced), the documentation asked of the clinic and
-- its answers, the finding per sampled line and the conclusion. Money never
-- lives here: a confirmed error is recovered as postings (item `recovery`,
-- kind `correction`) in the ledger; these tables only say how much and why.
-- No CPR and no patient pseudonym anywhere.

CREATE TABLE control_cases (
  id {{ID}},
  provider TEXT NOT NULL,
  region_code TEXT NOT NULL,
  period_from TEXT NOT NULL,          -- YYYY-MM
  period_to TEXT NOT NULL,            -- YYYY-MM (inclusive)
  status TEXT NOT NULL,               -- open | documentation_requested | answered | concluded
  opened_at TEXT NOT NULL,
  opened_by TEXT NOT NULL,
  risk_json TEXT NOT NULL,            -- the clinic's indicators, score and reasons when the case was opened
  method TEXT NOT NULL,               -- '' (no sample yet) | mus | stratified
  seed TEXT NOT NULL,                 -- the selection's seed (decimal), kept so it can be redrawn
  confidence_ppm BIGINT NOT NULL,
  tolerable_error_ore BIGINT NOT NULL,
  expected_error_ore BIGINT NOT NULL,
  population_lines BIGINT NOT NULL,
  population_ore BIGINT NOT NULL,
  sample_size BIGINT NOT NULL,
  interval_ore BIGINT NOT NULL,       -- MUS: the sampling interval
  sampled_at TEXT NOT NULL,
  sampled_by TEXT NOT NULL,
  request_text TEXT NOT NULL,         -- the documentation asked of the clinic
  requested_at TEXT NOT NULL,
  requested_by TEXT NOT NULL,
  due_date TEXT NOT NULL,
  conclusion TEXT NOT NULL,
  concluded_at TEXT NOT NULL,
  concluded_by TEXT NOT NULL,
  evaluation_json TEXT NOT NULL,      -- the sample's evaluation at the conclusion
  projected_error_ore BIGINT NOT NULL,
  upper_error_ore BIGINT NOT NULL,
  recovered_ore BIGINT NOT NULL,      -- Σ recovery postings of the case (≥ 0: the amount taken back)
  lsu_case_id TEXT NOT NULL           -- '' or the reference an LSU decision names (sanctions.case_id)
);
CREATE INDEX control_cases_provider ON control_cases (provider);

-- The strata of a stratified sample (one row 'all' for MUS).
CREATE TABLE control_strata (
  case_id BIGINT NOT NULL REFERENCES control_cases(id),
  stratum TEXT NOT NULL,
  lines BIGINT NOT NULL,
  amount_ore BIGINT NOT NULL,
  sample_size BIGINT NOT NULL,
  PRIMARY KEY (case_id, stratum)
);

-- The sampled lines (a stored line by run and seq) and the finding on each.
CREATE TABLE control_sample_lines (
  case_id BIGINT NOT NULL REFERENCES control_cases(id),
  item BIGINT NOT NULL,               -- 1..n in selection order
  run_id BIGINT NOT NULL,
  seq BIGINT NOT NULL,
  claim_id TEXT NOT NULL,
  service_date TEXT NOT NULL,
  code TEXT NOT NULL,
  stratum TEXT NOT NULL,
  amount_ore BIGINT NOT NULL,         -- the line's paid amount when sampled (its book value)
  hits BIGINT NOT NULL,               -- MUS: sampling points in the line (a line ≥ the interval may hold several)
  paragraph TEXT NOT NULL,            -- the line's paragraph
  finding TEXT NOT NULL,              -- '' (not reviewed) | correct | error
  error_ore BIGINT NOT NULL,          -- overpaid on the line (0 ≤ error ≤ amount)
  note TEXT NOT NULL,                 -- the reviewer's reason (Danish)
  finding_paragraph TEXT NOT NULL,    -- the paragraph the error breaks
  found_by TEXT NOT NULL,
  found_at TEXT NOT NULL,
  recovered_ore BIGINT NOT NULL,
  PRIMARY KEY (case_id, item)
);

-- The documentation request, the clinic's answers and notes on a case.
CREATE TABLE control_messages (
  id {{ID}},
  case_id BIGINT NOT NULL REFERENCES control_cases(id),
  at TEXT NOT NULL,
  by_user TEXT NOT NULL,
  role TEXT NOT NULL,
  kind TEXT NOT NULL,                 -- request | answer | note
  text TEXT NOT NULL,
  item BIGINT NOT NULL                -- the sampled line it concerns, 0 = the case
);
CREATE INDEX control_messages_case ON control_messages (case_id);
