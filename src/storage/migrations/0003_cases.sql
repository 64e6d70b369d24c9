-- Case work of the agreement (agreement.md §G, issue 7). Portable SQL as 0001.
-- Every step carries who did it and when (ISO 8601 UTC) and is also written
-- to audit_log by the server. No CPR anywhere: sharing blocks are keyed by the
-- keyed CPR pseudonym (32 hex digits).

-- G1 Lægedækningspulje: calls with a budget.
CREATE TABLE pool_calls (
  id {{ID}},
  name TEXT NOT NULL,
  year BIGINT NOT NULL,
  budget_ore BIGINT NOT NULL,
  opens TEXT NOT NULL,                -- YYYY-MM-DD
  closes TEXT NOT NULL,
  status TEXT NOT NULL,               -- open | closed | evaluated
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL
);

-- The assessment committee: 3 members appointed by each party (rltn, plo).
CREATE TABLE pool_committee (
  username TEXT PRIMARY KEY,
  party TEXT NOT NULL,                -- rltn | plo
  region_code TEXT NOT NULL,          -- the member's region (conflict of interest), '' for none
  appointed_at TEXT NOT NULL,
  appointed_by TEXT NOT NULL
);

CREATE TABLE pool_applications (
  id {{ID}},
  call_id BIGINT NOT NULL REFERENCES pool_calls(id),
  region_code TEXT NOT NULL,          -- the applying region (1081–1085)
  partners TEXT NOT NULL,             -- JSON array [{type, name}]
  project_type TEXT NOT NULL,
  title TEXT NOT NULL,
  area TEXT NOT NULL,
  amount_ore BIGINT NOT NULL,         -- applied for
  cofinancing_ore BIGINT NOT NULL,
  status TEXT NOT NULL,               -- submitted | recommended | not_recommended | granted | refused | closed
  submitted_at TEXT NOT NULL,
  submitted_by TEXT NOT NULL,
  recommendation TEXT,                -- recommend | decline
  recommended_ore BIGINT,
  recommendation_note TEXT,
  recommended_at TEXT,
  recommended_by TEXT,
  decision TEXT,                      -- grant | refuse
  granted_ore BIGINT NOT NULL DEFAULT 0,
  decision_note TEXT,
  decided_at TEXT,
  decided_by TEXT
);
CREATE INDEX pool_applications_call ON pool_applications (call_id);

CREATE TABLE pool_scores (
  application_id BIGINT NOT NULL REFERENCES pool_applications(id),
  username TEXT NOT NULL,
  score BIGINT NOT NULL,              -- 1–5
  recommend BIGINT NOT NULL,          -- 0/1: the member's own view
  comment TEXT NOT NULL,
  scored_at TEXT NOT NULL,
  PRIMARY KEY (application_id, username)
);

CREATE TABLE pool_payments (
  id {{ID}},
  application_id BIGINT NOT NULL REFERENCES pool_applications(id),
  instalment BIGINT NOT NULL,
  amount_ore BIGINT NOT NULL,
  paid_on TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL
);

CREATE TABLE pool_reports (
  id {{ID}},
  application_id BIGINT NOT NULL REFERENCES pool_applications(id),
  requested_at TEXT NOT NULL,
  requested_by TEXT NOT NULL,
  due TEXT NOT NULL,
  received_at TEXT,
  received_by TEXT,
  summary TEXT
);

CREATE TABLE pool_evaluations (
  id {{ID}},
  call_id BIGINT NOT NULL REFERENCES pool_calls(id),
  text TEXT NOT NULL,
  figures_json TEXT NOT NULL,         -- the cross-project figures at the time
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL
);

-- G2 LSU sanctions register (sanctions.csv columns + extensions).
CREATE TABLE sanctions (
  id {{ID}},
  doctor_id TEXT NOT NULL,
  provider TEXT NOT NULL,             -- ydernummer or ''
  kind TEXT NOT NULL,                 -- a | b | c | d | e | f
  decided TEXT NOT NULL,
  from_date TEXT NOT NULL,
  to_date TEXT NOT NULL,              -- '' = open
  amount_ore BIGINT NOT NULL,
  repetition BIGINT NOT NULL,
  case_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL
);

-- §§ 23–26 employed doctors per clinic.
CREATE TABLE employments (
  id {{ID}},
  doctor_id TEXT NOT NULL,
  provider TEXT NOT NULL,
  from_date TEXT NOT NULL,
  to_date TEXT NOT NULL,              -- '' = open
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL
);
CREATE INDEX employments_provider ON employments (provider);

-- G3 patients' blocks on sharing journal notes / lab values.
CREATE TABLE sharing_blocks (
  id {{ID}},
  pseudonym TEXT NOT NULL,            -- keyed CPR pseudonym, never the CPR
  note_type TEXT NOT NULL,            -- journal_note | lab_values | all
  sector TEXT NOT NULL,               -- hospital | municipality | other_practice | all
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  revoked_at TEXT,
  revoked_by TEXT
);
CREATE INDEX sharing_blocks_pseudonym ON sharing_blocks (pseudonym);

-- Every answer of the sharing API (without CPR).
CREATE TABLE sharing_log (
  id {{ID}},
  at TEXT NOT NULL,
  username TEXT NOT NULL,
  provider TEXT NOT NULL,
  note_type TEXT NOT NULL,
  sector TEXT NOT NULL,
  allowed BIGINT NOT NULL,
  block_id BIGINT,
  pseudonym_prefix TEXT NOT NULL      -- first 8 hex digits of the pseudonym, for follow-up
);

-- Spend against the IT subsidy (21,0 mio. kr.) and Partsforum (9 mio. kr.).
CREATE TABLE budget_spend (
  id {{ID}},
  budget TEXT NOT NULL,               -- it_subsidy | partsforum
  year BIGINT NOT NULL,
  amount_ore BIGINT NOT NULL,
  spent_on TEXT NOT NULL,
  description TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL
);
