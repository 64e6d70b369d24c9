-- Lines as blocks (issue 4, docs/decisions.md "Lines stored as blocks"): the
-- accepted lines of one (run, provider, month) are one row of line_blocks
-- (format: src/storage/line_blocks.h); rejected and review lines are rows of
-- flagged_lines. Every line is stored once. Replaces `lines`: its rejected and
-- review rows are copied here, its accepted rows become blocks in C++
-- (ConvertLegacyLines, same transaction), then `lines` is dropped.

CREATE TABLE line_blocks (
  run_id BIGINT NOT NULL REFERENCES runs(id),
  provider TEXT NOT NULL,
  month TEXT NOT NULL,                -- YYYY-MM of the lines' service_date
  lines BIGINT NOT NULL,              -- accepted lines in the block
  amount_ore BIGINT NOT NULL,         -- their sum
  data TEXT NOT NULL,                 -- base64 of the block's zstd frame
  PRIMARY KEY (provider, month, run_id)
);
CREATE INDEX line_blocks_run ON line_blocks (run_id);

CREATE TABLE flagged_lines (
  run_id BIGINT NOT NULL REFERENCES runs(id),
  seq BIGINT NOT NULL,                -- 1-based position in the run's lines.csv
  claim_id TEXT NOT NULL,
  provider TEXT NOT NULL,
  service_date TEXT NOT NULL,
  month TEXT NOT NULL,
  code TEXT NOT NULL,
  status TEXT NOT NULL,               -- rejected | review
  amount_ore BIGINT NOT NULL,
  rule TEXT NOT NULL,
  reason TEXT NOT NULL,
  paragraph TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
);
CREATE INDEX flagged_lines_provider_month ON flagged_lines (provider, month);
CREATE INDEX flagged_lines_provider_claim ON flagged_lines (provider, claim_id);
CREATE INDEX flagged_lines_rule ON flagged_lines (rule);

INSERT INTO flagged_lines (run_id, seq, claim_id, provider, service_date, month, code, status, amount_ore, rule,
                           reason, paragraph)
  SELECT run_id, seq, claim_id, provider, service_date, month, code, status, amount_ore, rule, reason, ''
  FROM lines WHERE status <> 'accepted';
