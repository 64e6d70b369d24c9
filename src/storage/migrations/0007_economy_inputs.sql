-- Economy inputs that survive a restart (issue 5). Portable SQL as 0001.

-- Expense files (expenses.csv, interfaces.md): spend the ramme counts that almen
-- does not settle itself, per region, quarter and category. One row per key in
-- the whole database: a second file naming a stored key is refused (the file
-- is recorded in imported_files, kind 'expenses'; a re-upload is a no-op).
CREATE TABLE expenses (
  region_code TEXT NOT NULL,          -- 1081..1085
  quarter TEXT NOT NULL,              -- YYYY-Qn
  category TEXT NOT NULL,             -- an expenses.csv category name
  amount_ore BIGINT NOT NULL,
  file_id BIGINT NOT NULL REFERENCES imported_files(id),
  line BIGINT NOT NULL,               -- the row's line in its file
  PRIMARY KEY (region_code, quarter, category)
);
CREATE INDEX expenses_file ON expenses (file_id);

-- The CPR-free listing profile of a year, from the latest listings.csv uploaded
-- for ceilings or quality payments: per provider and month, patients listed on
-- the month's first day per sex and age group of the year's standardisation
-- table (ceiling_age_groups), and all patients listed on that day. No CPR, no
-- pseudonym, no birth date: counts only.
CREATE TABLE listing_profiles (
  year BIGINT NOT NULL,
  provider TEXT NOT NULL,
  month TEXT NOT NULL,                -- YYYY-MM (counted on the 1st)
  sex TEXT NOT NULL,                  -- F | M
  age_from BIGINT NOT NULL,
  age_to BIGINT NOT NULL,             -- exclusive
  patients BIGINT NOT NULL,
  PRIMARY KEY (year, provider, month, sex, age_from)
);
CREATE TABLE listing_counts (
  year BIGINT NOT NULL,
  provider TEXT NOT NULL,
  month TEXT NOT NULL,                -- YYYY-MM (counted on the 1st)
  listed BIGINT NOT NULL,
  PRIMARY KEY (year, provider, month)
);
-- Which file the year's profile came from.
CREATE TABLE listing_profile_files (
  year BIGINT PRIMARY KEY,
  sha256 TEXT NOT NULL,
  name TEXT NOT NULL,
  bytes BIGINT NOT NULL,
  providers BIGINT NOT NULL,
  uploaded_at TEXT NOT NULL,
  uploaded_by TEXT NOT NULL
);

-- The settings of the last ceiling/quality computation of a year, so that the
-- result is computed again from the stored profile and statements after a
-- restart. extra_csv: decisions.csv (ceilings) or clusters.csv (quality); neither holds CPR.
CREATE TABLE economy_computations (
  year BIGINT NOT NULL,
  kind TEXT NOT NULL,                 -- ceilings | quality
  reference TEXT NOT NULL DEFAULT '', -- ceilings: region | country | '' (parameter)
  extra_csv TEXT NOT NULL DEFAULT '',
  computed_at TEXT NOT NULL,
  computed_by TEXT NOT NULL,
  PRIMARY KEY (year, kind)
);
