-- The botilbud register with history (issue 6): a municipality edits its own
-- botilbud through the API; a change never overwrites a row, it ends the row
-- valid on the change date (valid_to) and adds a new one from that date.
-- Periods are half-open [valid_from, valid_to); '' = open. Portable SQL as 0001.

CREATE TABLE botilbud_v4 (
  id {{ID}},
  botilbud_id TEXT NOT NULL,
  section TEXT NOT NULL,
  name TEXT NOT NULL,
  municipality_code TEXT NOT NULL,
  paragraph TEXT NOT NULL,
  places BIGINT NOT NULL,
  operator TEXT NOT NULL,
  residents BIGINT NOT NULL,
  valid_from TEXT NOT NULL DEFAULT '',
  valid_to TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL DEFAULT ''
);
INSERT INTO botilbud_v4 (botilbud_id, section, name, municipality_code, paragraph, places, operator, residents)
  SELECT botilbud_id, section, name, municipality_code, paragraph, places, operator, residents FROM botilbud;
DROP TABLE botilbud;
ALTER TABLE botilbud_v4 RENAME TO botilbud;
CREATE UNIQUE INDEX botilbud_section_from ON botilbud (botilbud_id, section, valid_from);
CREATE INDEX botilbud_municipality ON botilbud (municipality_code);

-- Attachments: the fixed doctor's person (for LSU f) employment bans),
-- residents listed with the fixed doctor, and who registered it.
ALTER TABLE attachments ADD COLUMN doctor_id TEXT NOT NULL DEFAULT '';
ALTER TABLE attachments ADD COLUMN listed_residents BIGINT NOT NULL DEFAULT -1;
ALTER TABLE attachments ADD COLUMN created_at TEXT NOT NULL DEFAULT '';
ALTER TABLE attachments ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
