-- almen schema, version 1. Portable between SQLite and PostgreSQL;
-- {{ID}} is replaced by the dialect's auto-increment primary key
-- (SQLite: INTEGER PRIMARY KEY AUTOINCREMENT, PostgreSQL: BIGSERIAL PRIMARY KEY).
-- Money is BIGINT øre; dates are ISO text (YYYY-MM-DD), months YYYY-MM,
-- timestamps ISO 8601 UTC text. No CPR in clear anywhere (agreement.md §E).

-- One settlement run: a claim file settled by `Settle` and imported.
CREATE TABLE runs (
  id {{ID}},
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  source TEXT NOT NULL,               -- upload | demo
  claims_name TEXT NOT NULL,
  claims_sha256 TEXT NOT NULL,
  agreement_version TEXT NOT NULL,    -- e.g. ok25@3f2a…
  agreement_hash TEXT NOT NULL,       -- SHA-256 of the agreement data set
  options_json TEXT NOT NULL,         -- the SettleOptions used (replayable)
  summary_json TEXT NOT NULL,         -- Settle's summary.json
  lines BIGINT NOT NULL DEFAULT 0,
  accepted BIGINT NOT NULL DEFAULT 0,
  rejected BIGINT NOT NULL DEFAULT 0,
  review BIGINT NOT NULL DEFAULT 0,
  duplicates BIGINT NOT NULL DEFAULT 0,   -- lines flipped to claim.duplicate at import
  amount_ore BIGINT NOT NULL DEFAULT 0,
  statement_amount_ore BIGINT NOT NULL DEFAULT 0
);

-- Every imported input file, by content hash: a re-import is a no-op.
CREATE TABLE imported_files (
  id {{ID}},
  sha256 TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,                 -- claims | providers | listings | botilbud | attachments
  name TEXT NOT NULL,
  bytes BIGINT NOT NULL,
  rows_count BIGINT NOT NULL,
  run_id BIGINT REFERENCES runs(id),
  imported_at TEXT NOT NULL,
  imported_by TEXT NOT NULL
);

-- lines.csv of each run (interfaces.md), plus the derived month.
CREATE TABLE lines (
  run_id BIGINT NOT NULL REFERENCES runs(id),
  seq BIGINT NOT NULL,
  claim_id TEXT NOT NULL,
  provider TEXT NOT NULL,
  service_date TEXT NOT NULL,
  month TEXT NOT NULL,
  code TEXT NOT NULL,
  status TEXT NOT NULL,               -- accepted | rejected | review
  amount_ore BIGINT NOT NULL,
  rule TEXT NOT NULL,
  reason TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
);
CREATE INDEX lines_provider_month ON lines (provider, month);
CREATE INDEX lines_provider_claim ON lines (provider, claim_id);

-- statements.csv of each run.
CREATE TABLE statements (
  run_id BIGINT NOT NULL REFERENCES runs(id),
  provider TEXT NOT NULL,
  month TEXT NOT NULL,
  item TEXT NOT NULL,
  code TEXT NOT NULL,
  count BIGINT NOT NULL,
  amount_ore BIGINT NOT NULL
);
CREATE INDEX statements_provider_month ON statements (provider, month);
CREATE INDEX statements_run ON statements (run_id);

-- Clinics (ydernumre), latest import wins; region derived from the municipality.
CREATE TABLE providers (
  provider TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  municipality_code TEXT NOT NULL,
  region_code TEXT NOT NULL,
  clinic_type TEXT NOT NULL,
  capacities BIGINT NOT NULL,
  lto BIGINT NOT NULL,
  valid_from TEXT NOT NULL,
  valid_to TEXT NOT NULL
);
CREATE INDEX providers_region ON providers (region_code);

CREATE TABLE botilbud (
  botilbud_id TEXT NOT NULL,
  section TEXT NOT NULL,
  name TEXT NOT NULL,
  municipality_code TEXT NOT NULL,
  paragraph TEXT NOT NULL,
  places BIGINT NOT NULL,
  operator TEXT NOT NULL,
  residents BIGINT NOT NULL,
  PRIMARY KEY (botilbud_id, section)
);

CREATE TABLE attachments (
  botilbud_id TEXT NOT NULL,
  section TEXT NOT NULL,
  provider TEXT NOT NULL,
  from_date TEXT NOT NULL,
  to_date TEXT NOT NULL,
  PRIMARY KEY (botilbud_id, section, provider, from_date)
);

CREATE TABLE users (
  id {{ID}},
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,        -- libsodium crypto_pwhash_str (argon2id)
  role TEXT NOT NULL,                 -- rltn | region | plo | municipality | clinic
  scope TEXT NOT NULL,                -- region code, municipality code, provider, or empty
  created_at TEXT NOT NULL
);

-- Sessions by SHA-256 of the random cookie token (the token itself is never stored).
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);

-- Append-only (enforced by triggers in migration 0002).
CREATE TABLE audit_log (
  id {{ID}},
  at TEXT NOT NULL,
  username TEXT NOT NULL,
  action TEXT NOT NULL,
  detail TEXT NOT NULL
);
