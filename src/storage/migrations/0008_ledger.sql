-- The settlement ledger (docs/ledger.md). Portable SQL as 0001.
-- Money is BIGINT øre; months YYYY-MM; dates YYYY-MM-DD; no CPR anywhere
-- (patients are keyed pseudonyms, hex).

-- Every amount paid: append-only (UPDATE and DELETE are refused by triggers,
-- migration 0009). A posting belongs to its service `month` and is paid in
-- its `book_month` (the first open month when its own month was closed).
CREATE TABLE postings (
  id {{ID}},
  run_id BIGINT NOT NULL,             -- the run (or ledger action) that made it
  provider TEXT NOT NULL,
  month TEXT NOT NULL,
  book_month TEXT NOT NULL,
  item TEXT NOT NULL,                 -- service | chronic_fee | basishonorar | bosted_honorarium | offset | ceiling_clawback | recovery
  code TEXT NOT NULL,                 -- '' when the item has none
  count BIGINT NOT NULL,
  amount_ore BIGINT NOT NULL,
  kind TEXT NOT NULL,                 -- original | reversal | correction | adjustment
  status TEXT NOT NULL,               -- service lines: accepted | review; else ''
  rule TEXT NOT NULL,
  paragraph TEXT NOT NULL,
  reason TEXT NOT NULL,               -- Danish
  cause TEXT NOT NULL,                -- what caused a correction or adjustment (claim id, register, action)
  line_run_id BIGINT NOT NULL,        -- a corrected line: its run and seq (0 = none)
  line_seq BIGINT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX postings_provider_month ON postings (provider, month, item, code);
CREATE INDEX postings_book ON postings (book_month, provider);
CREATE INDEX postings_run ON postings (run_id);

-- Σ postings per (provider, month, item, code), kept in the same transaction
-- as the postings (a test checks it equals the sum).
CREATE TABLE ledger_balances (
  provider TEXT NOT NULL,
  month TEXT NOT NULL,
  item TEXT NOT NULL,
  code TEXT NOT NULL,
  count BIGINT NOT NULL,
  amount_ore BIGINT NOT NULL,
  PRIMARY KEY (provider, month, item, code)
);
CREATE INDEX ledger_balances_month ON ledger_balances (month);

-- Patient history: every event line with its current decision.
CREATE TABLE ledger_events (
  id {{ID}},
  patient TEXT NOT NULL,              -- keyed pseudonym (hex)
  provider TEXT NOT NULL,
  service_date TEXT NOT NULL,
  code TEXT NOT NULL,
  claim_key TEXT NOT NULL,            -- hex of the 128-bit claim key
  claim_id TEXT NOT NULL,
  contact TEXT NOT NULL,              -- hex of the 64-bit contact key, '' = none
  trip TEXT NOT NULL,                 -- hex, '' = none
  course TEXT NOT NULL,               -- hex, '' = none
  indication BIGINT NOT NULL,
  setting BIGINT NOT NULL,
  km BIGINT NOT NULL,
  minutes BIGINT NOT NULL,
  price_ore BIGINT NOT NULL,
  run_id BIGINT NOT NULL,
  seq BIGINT NOT NULL,
  facts_categories BIGINT NOT NULL,
  facts_present BIGINT NOT NULL,
  status TEXT NOT NULL,
  rule TEXT NOT NULL,
  amount_ore BIGINT NOT NULL,
  reason TEXT NOT NULL,
  paragraph TEXT NOT NULL,
  enrol_from TEXT NOT NULL,           -- accepted chronic enrolments: [enrol_from, enrol_to) months
  enrol_to TEXT NOT NULL,
  quantity BIGINT NOT NULL
);
CREATE INDEX ledger_events_patient ON ledger_events (patient);
CREATE INDEX ledger_events_day ON ledger_events (provider, service_date);
CREATE INDEX ledger_events_enrol ON ledger_events (enrol_from);

-- A stored line whose outcome a later run changed.
CREATE TABLE line_corrections (
  id {{ID}},
  run_id BIGINT NOT NULL,             -- the run that changed it
  line_run_id BIGINT NOT NULL,
  line_seq BIGINT NOT NULL,
  claim_id TEXT NOT NULL,
  provider TEXT NOT NULL,
  service_date TEXT NOT NULL,
  month TEXT NOT NULL,
  code TEXT NOT NULL,
  old_status TEXT NOT NULL,
  old_amount_ore BIGINT NOT NULL,
  old_rule TEXT NOT NULL,
  status TEXT NOT NULL,
  amount_ore BIGINT NOT NULL,
  rule TEXT NOT NULL,
  reason TEXT NOT NULL,
  paragraph TEXT NOT NULL,
  cause TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX line_corrections_line ON line_corrections (line_run_id, line_seq);
CREATE INDEX line_corrections_provider ON line_corrections (provider, month);
CREATE INDEX line_corrections_run ON line_corrections (run_id);

-- The contact of each stored line, and what a flagged line is paid when no
-- contact rule stops it (accepted lines in blocks carry their contact in the
-- block, format version 2).
ALTER TABLE flagged_lines ADD COLUMN contact TEXT NOT NULL DEFAULT '';
ALTER TABLE flagged_lines ADD COLUMN price_ore BIGINT NOT NULL DEFAULT 0;
ALTER TABLE flagged_lines ADD COLUMN quantity BIGINT NOT NULL DEFAULT 1;
-- A block's contacts in brief: the sorted low 32 bits of its lines' contact
-- keys (claim_keys.h encoding), so a later run decodes only the blocks that
-- may hold a contact it looks for ('' = unknown: decode).
ALTER TABLE line_blocks ADD COLUMN contacts TEXT NOT NULL DEFAULT '';

-- Claim keys per run and provider, for the duplicate check of later runs:
-- the sorted 32-bit fingerprints of the claim keys (settlement/types.h) as
-- varint deltas, zstd, base64 (storage/claim_keys.h). A fingerprint seen
-- before is checked against the stored claim ids themselves.
CREATE TABLE claim_keys (
  run_id BIGINT NOT NULL,
  provider TEXT NOT NULL,
  keys BIGINT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (provider, run_id)
);

-- Which days of a month have stored lines of a provider (bit d = day d).
CREATE TABLE ledger_days (
  provider TEXT NOT NULL,
  month TEXT NOT NULL,
  days BIGINT NOT NULL,
  PRIMARY KEY (provider, month)
);

-- The ledger's period: the hull of every service month received.
CREATE TABLE ledger_period (
  id BIGINT PRIMARY KEY,              -- always 1
  first_month TEXT NOT NULL,
  last_month TEXT NOT NULL
);

-- Months closed for payment, in order.
CREATE TABLE ledger_closings (
  month TEXT PRIMARY KEY,
  closed_at TEXT NOT NULL,
  closed_by TEXT NOT NULL,
  providers BIGINT NOT NULL,
  amount_ore BIGINT NOT NULL
);

-- The listings register, CPR-free: the patient's keyed pseudonym, birth date
-- and sex (from the CPR), the provider and the listing period.
CREATE TABLE listings (
  patient TEXT NOT NULL,
  provider TEXT NOT NULL,
  listed_from TEXT NOT NULL,
  listed_to TEXT NOT NULL,            -- '' = still listed
  birth_date TEXT NOT NULL,
  sex TEXT NOT NULL,                  -- F | M
  run_id BIGINT NOT NULL,
  PRIMARY KEY (patient, provider, listed_from)
);
CREATE INDEX listings_provider ON listings (provider);
-- Patients listed on the 1st of a month as steps: listed(provider, m) = Σ
-- delta of the provider's rows with month <= m (kept with `listings`).
CREATE TABLE listing_steps (
  provider TEXT NOT NULL,
  month TEXT NOT NULL,
  delta BIGINT NOT NULL,
  PRIMARY KEY (provider, month)
);

-- Provider register with history: every version of a ydernummer with its
-- validity; `providers` keeps the latest version of each (for names, regions
-- and scopes).
CREATE TABLE provider_versions (
  provider TEXT NOT NULL,
  valid_from TEXT NOT NULL,
  valid_to TEXT NOT NULL,             -- '' = open
  name TEXT NOT NULL,
  municipality_code TEXT NOT NULL,
  region_code TEXT NOT NULL,
  clinic_type TEXT NOT NULL,
  capacities BIGINT NOT NULL,
  lto BIGINT NOT NULL,
  run_id BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (provider, valid_from)
);
INSERT INTO provider_versions (provider, valid_from, valid_to, name, municipality_code, region_code, clinic_type,
                               capacities, lto, run_id, created_at)
  SELECT provider, valid_from, valid_to, name, municipality_code, region_code, clinic_type, capacities, lto, 0, ''
  FROM providers;

-- What each upload changed in the registers.
CREATE TABLE register_changes (
  id {{ID}},
  run_id BIGINT NOT NULL,
  register TEXT NOT NULL,             -- providers | listings | botilbud | attachments | sanctions
  changed BIGINT NOT NULL,            -- rows added or changed
  detail TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX register_changes_run ON register_changes (run_id);

-- Settings of the ledger. frozen_through: the last month of the runs stored
-- before the ledger existed; the ledger does not recompute the monthly items
-- of months up to it (docs/decisions.md "Ledger").
CREATE TABLE ledger_meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
INSERT INTO ledger_meta (key, value)
  SELECT 'frozen_through', (SELECT MAX(month) FROM statements) WHERE EXISTS (SELECT 1 FROM statements);

-- The runs that came before the ledger: their statements become postings.
INSERT INTO postings (run_id, provider, month, book_month, item, code, count, amount_ore, kind, status, rule,
                      paragraph, reason, cause, line_run_id, line_seq, created_at)
  SELECT s.run_id, s.provider, s.month, s.month, s.item, s.code, s.count, s.amount_ore, 'legacy', '', '', '',
         'Overført fra afregning ' || s.run_id || ' (importeret før hovedbogen).', '', 0, 0, r.created_at
  FROM statements s JOIN runs r ON r.id = s.run_id;
INSERT INTO ledger_balances (provider, month, item, code, count, amount_ore)
  SELECT provider, month, item, code, SUM(count), SUM(amount_ore) FROM statements GROUP BY provider, month, item, code;
