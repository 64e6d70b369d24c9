-- Re-runs and diffs (issue 4: "any run can be re-run and diffed").
--
-- The inputs of a settlement are kept sealed (zstd + XChaCha20-Poly1305,
-- common/sealed.h; the key is derived from the deployment's pseudonym secret),
-- because claim files and listings hold CPR numbers in clear. Keyed by the
-- claim file's content hash (runs.claims_sha256): written after the run's
-- import commits, so a failed import leaves none behind, and a run without
-- them (imported before this migration, or whose archiving failed) says so.
CREATE TABLE sealed_inputs (
  claims_sha256 TEXT NOT NULL,
  kind TEXT NOT NULL,                 -- claims | providers | listings | botilbud | attachments | sanctions
  name TEXT NOT NULL,
  sha256 TEXT NOT NULL,               -- of the plain file
  bytes BIGINT NOT NULL,
  chunks BIGINT NOT NULL,             -- chunk 0 = header; complete when all are stored
  PRIMARY KEY (claims_sha256, kind)
);
CREATE TABLE sealed_chunks (
  claims_sha256 TEXT NOT NULL,
  kind TEXT NOT NULL,
  chunk BIGINT NOT NULL,
  data TEXT NOT NULL,                 -- base64
  PRIMARY KEY (claims_sha256, kind, chunk)
);

-- Every agreement data set a run was settled with, by content hash, so a run
-- can be replayed under its own agreement (files as a JSON object name → text).
CREATE TABLE agreement_versions (
  hash TEXT PRIMARY KEY,
  version TEXT NOT NULL,
  files_json TEXT NOT NULL,
  stored_at TEXT NOT NULL
);

-- A re-run of a stored run and what changed (lines and statement rows that
-- differ; unchanged ones are not stored).
CREATE TABLE reruns (
  id {{ID}},
  run_id BIGINT NOT NULL REFERENCES runs(id),
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  agreement_mode TEXT NOT NULL,       -- original | current
  before_agreement_version TEXT NOT NULL,
  after_agreement_version TEXT NOT NULL,
  after_agreement_hash TEXT NOT NULL,
  lines BIGINT NOT NULL,
  changed BIGINT NOT NULL,
  amount_before_ore BIGINT NOT NULL,
  amount_after_ore BIGINT NOT NULL,
  statement_rows_changed BIGINT NOT NULL,
  statement_before_ore BIGINT NOT NULL,
  statement_after_ore BIGINT NOT NULL,
  summary_json TEXT NOT NULL
);
CREATE INDEX reruns_run ON reruns (run_id);

CREATE TABLE rerun_lines (
  rerun_id BIGINT NOT NULL REFERENCES reruns(id),
  seq BIGINT NOT NULL,
  claim_id TEXT NOT NULL,
  provider TEXT NOT NULL,
  service_date TEXT NOT NULL,
  code TEXT NOT NULL,
  before_status TEXT NOT NULL,
  before_amount_ore BIGINT NOT NULL,
  before_rule TEXT NOT NULL,
  after_status TEXT NOT NULL,
  after_amount_ore BIGINT NOT NULL,
  after_rule TEXT NOT NULL,
  after_reason TEXT NOT NULL,
  after_paragraph TEXT NOT NULL,
  PRIMARY KEY (rerun_id, seq)
);

CREATE TABLE rerun_statements (
  rerun_id BIGINT NOT NULL REFERENCES reruns(id),
  provider TEXT NOT NULL,
  month TEXT NOT NULL,
  item TEXT NOT NULL,
  code TEXT NOT NULL,
  before_count BIGINT NOT NULL,
  before_amount_ore BIGINT NOT NULL,
  after_count BIGINT NOT NULL,
  after_amount_ore BIGINT NOT NULL
);
CREATE INDEX rerun_statements_rerun ON rerun_statements (rerun_id, provider);
