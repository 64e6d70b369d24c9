-- PostgreSQL only: the tables that grow with the lines are partitioned by
-- year, then by region (docs/architecture.md "Past one machine").
--
--   postings, line_corrections, ledger_balances, line_blocks, flagged_lines:
--     RANGE (month)         one partition per year:  FROM ('2025') TO ('2026'),
--     LIST (provider)       each year one partition per region: its ydernumre;
--   claim_keys (no year on its rows): LIST (provider) per region only;
--   ledger_events: RANGE (service_date) per year only ('2025-12-31' < '2026').
--
-- The region level lists ydernumre, not a region column: no row carries its
-- region (a clinic's region is its municipality's, in `providers`), and every
-- query of the application names providers, so `provider = $1` prunes to one
-- region and `month = $2` to one year without a change to the queries.
-- ledger_events has no region level: its main read is a patient's history
-- (`patient IN (…)`), and a patient's events lie at every clinic the patient
-- went to, in any region; each history read would probe every region.
--
-- Nothing can fail to insert: every level has a DEFAULT partition
-- (<table>_default for years without a partition, <year partition>_other and
-- claim_keys_other for ydernumre in no region's list). almen_partition_sync()
-- creates the partitions of new years and of clinics new in the register, and
-- moves the rows the defaults hold into them; run it when a year begins and
-- after new clinics are registered (docs/architecture.md). It takes the
-- ledger's lock, so it waits for a running settlement.
--
-- Unique keys of a partitioned table include its partition keys: the
-- id-keyed tables get (id, month, provider) or (id, service_date). The
-- append-only triggers of 0009 are set on the partitioned parents (row
-- triggers reach every partition); TRUNCATE triggers are per table, so every
-- partition of postings and line_corrections gets its own.

-- Which tables: the year column ('' = no year level), whether years are
-- split by region, append-only.
CREATE TABLE almen_partitioned (
  name TEXT PRIMARY KEY,
  year_column TEXT NOT NULL,
  by_region BOOLEAN NOT NULL,
  append_only BOOLEAN NOT NULL
);
INSERT INTO almen_partitioned (name, year_column, by_region, append_only) VALUES
  ('postings', 'month', true, true),
  ('line_corrections', 'month', true, true),
  ('ledger_balances', 'month', true, false),
  ('ledger_events', 'service_date', false, false),
  ('line_blocks', 'month', true, false),
  ('flagged_lines', 'month', true, false),
  ('claim_keys', '', true, false);

-- TRUNCATE on a partition of an append-only table fails too.
CREATE FUNCTION almen_partition_guard(tbl TEXT, append_only BOOLEAN) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF append_only THEN
    EXECUTE format('CREATE TRIGGER no_truncate BEFORE TRUNCATE ON %I FOR EACH STATEMENT '
                   'EXECUTE FUNCTION ledger_append_only()', tbl);
  END IF;
END
$$;

-- The region partitions of `parent` (LIST (provider)): for every region, the
-- ydernumre of the register (`providers`) that no partition of `parent` lists
-- yet become a new partition <parent>_r<region> (or _r<region>_2, _3, … when
-- the region has one). Rows of those ydernumre in <parent>_other are moved
-- (the default partition is detached, emptied into `parent` again and
-- dropped). Returns the partitions created.
CREATE FUNCTION almen_partition_regions(parent TEXT, append_only BOOLEAN) RETURNS INTEGER LANGUAGE plpgsql AS $$
DECLARE
  other TEXT := parent || '_other';
  listed TEXT[];
  fresh TEXT[];
  moving BOOLEAN;
  r RECORD;
  part TEXT;
  k INTEGER;
  n INTEGER := 0;
BEGIN
  SELECT coalesce(array_agg(m[1]), '{}') INTO listed
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid,
         regexp_matches(coalesce(pg_get_expr(c.relpartbound, c.oid), ''), '''([^'']*)''', 'g') AS m
   WHERE i.inhparent = parent::regclass;
  SELECT coalesce(array_agg(provider), '{}') INTO fresh
    FROM providers WHERE region_code <> '' AND NOT (provider = ANY (listed));
  IF cardinality(fresh) = 0 THEN
    RETURN 0;
  END IF;
  EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE provider = ANY ($1))', other) INTO moving USING fresh;
  IF moving THEN
    EXECUTE format('ALTER TABLE %I DETACH PARTITION %I', parent, other);
    EXECUTE format('ALTER TABLE %I RENAME TO %I', other, other || '_old');
  END IF;
  FOR r IN SELECT region_code, array_agg(provider ORDER BY provider) AS providers FROM providers
            WHERE provider = ANY (fresh) GROUP BY region_code ORDER BY region_code LOOP
    part := parent || '_r' || r.region_code;
    k := 1;
    WHILE to_regclass(quote_ident(part)) IS NOT NULL LOOP
      k := k + 1;
      part := parent || '_r' || r.region_code || '_' || k;
    END LOOP;
    EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES IN (%s)', part, parent,
                   (SELECT string_agg(quote_literal(p), ', ') FROM unnest(r.providers) AS p));
    PERFORM almen_partition_guard(part, append_only);
    n := n + 1;
  END LOOP;
  IF moving THEN
    EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT', other, parent);
    PERFORM almen_partition_guard(other, append_only);
    EXECUTE format('INSERT INTO %I SELECT * FROM %I', parent, other || '_old');
    EXECUTE format('DROP TABLE %I', other || '_old');
  END IF;
  RETURN n;
END
$$;

-- Creates the year partitions of `years` and of the years whose rows are in a
-- <table>_default, each with its region partitions and an _other default
-- (ledger_events: the year only);
-- adds region partitions for clinics new in the register; moves the rows the
-- defaults hold where they belong. Idempotent. Returns the partitions created.
--   SELECT almen_partition_sync(ARRAY[2026]);
CREATE FUNCTION almen_partition_sync(years INTEGER[] DEFAULT '{}') RETURNS INTEGER LANGUAGE plpgsql AS $$
DECLARE
  t RECORD;
  c RECORD;
  dflt TEXT;
  held INTEGER[];
  fresh INTEGER[];
  moving BOOLEAN;
  y INTEGER;
  n INTEGER := 0;
BEGIN
  PERFORM pg_advisory_xact_lock(7461);  -- the ledger's lock (LedgerTables::Lock)
  FOR t IN SELECT name, year_column, by_region, append_only FROM almen_partitioned ORDER BY name LOOP
    IF t.year_column = '' THEN
      n := n + almen_partition_regions(t.name, t.append_only);
      CONTINUE;
    END IF;
    dflt := t.name || '_default';
    EXECUTE format('SELECT coalesce(array_agg(DISTINCT substr(%I, 1, 4)::int), ''{}'') FROM %I '
                   'WHERE %I ~ ''^[12][0-9]{3}''', t.year_column, dflt, t.year_column) INTO held;
    SELECT coalesce(array_agg(DISTINCT w ORDER BY w), '{}') INTO fresh
      FROM unnest(held || years) AS w
     WHERE w BETWEEN 1000 AND 2998 AND to_regclass(quote_ident(t.name || '_' || w)) IS NULL;
    moving := held && fresh;
    IF moving THEN
      EXECUTE format('ALTER TABLE %I DETACH PARTITION %I', t.name, dflt);
      EXECUTE format('ALTER TABLE %I RENAME TO %I', dflt, dflt || '_old');
    END IF;
    FOREACH y IN ARRAY fresh LOOP
      EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', t.name || '_' || y, t.name,
                     y::text, (y + 1)::text) || CASE WHEN t.by_region THEN ' PARTITION BY LIST (provider)' ELSE '' END;
      PERFORM almen_partition_guard(t.name || '_' || y, t.append_only);
      IF t.by_region THEN
        EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT', t.name || '_' || y || '_other', t.name || '_' || y);
        PERFORM almen_partition_guard(t.name || '_' || y || '_other', t.append_only);
      END IF;
      n := n + 1;
    END LOOP;
    FOR c IN SELECT cl.relname FROM pg_inherits i JOIN pg_class cl ON cl.oid = i.inhrelid
              WHERE i.inhparent = t.name::regclass AND cl.relkind = 'p' ORDER BY cl.relname LOOP
      n := n + almen_partition_regions(c.relname, t.append_only);
    END LOOP;
    IF moving THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT', dflt, t.name);
      PERFORM almen_partition_guard(dflt, t.append_only);
      EXECUTE format('INSERT INTO %I SELECT * FROM %I', t.name, dflt || '_old');
      EXECUTE format('DROP TABLE %I', dflt || '_old');
    END IF;
  END LOOP;
  RETURN n;
END
$$;

-- The tables as they are, renamed; the partitioned ones take their names.
ALTER TABLE postings RENAME TO postings_old;
ALTER TABLE line_corrections RENAME TO line_corrections_old;
ALTER TABLE ledger_balances RENAME TO ledger_balances_old;
ALTER TABLE ledger_events RENAME TO ledger_events_old;
ALTER TABLE line_blocks RENAME TO line_blocks_old;
ALTER TABLE flagged_lines RENAME TO flagged_lines_old;
ALTER TABLE claim_keys RENAME TO claim_keys_old;

CREATE TABLE postings (LIKE postings_old INCLUDING DEFAULTS) PARTITION BY RANGE (month);
CREATE TABLE line_corrections (LIKE line_corrections_old INCLUDING DEFAULTS) PARTITION BY RANGE (month);
CREATE TABLE ledger_balances (LIKE ledger_balances_old INCLUDING DEFAULTS) PARTITION BY RANGE (month);
CREATE TABLE ledger_events (LIKE ledger_events_old INCLUDING DEFAULTS) PARTITION BY RANGE (service_date);
CREATE TABLE line_blocks (LIKE line_blocks_old INCLUDING DEFAULTS) PARTITION BY RANGE (month);
CREATE TABLE flagged_lines (LIKE flagged_lines_old INCLUDING DEFAULTS) PARTITION BY RANGE (month);
CREATE TABLE claim_keys (LIKE claim_keys_old INCLUDING DEFAULTS) PARTITION BY LIST (provider);

CREATE TABLE postings_default PARTITION OF postings DEFAULT;
CREATE TABLE line_corrections_default PARTITION OF line_corrections DEFAULT;
CREATE TABLE ledger_balances_default PARTITION OF ledger_balances DEFAULT;
CREATE TABLE ledger_events_default PARTITION OF ledger_events DEFAULT;
CREATE TABLE line_blocks_default PARTITION OF line_blocks DEFAULT;
CREATE TABLE flagged_lines_default PARTITION OF flagged_lines DEFAULT;
CREATE TABLE claim_keys_other PARTITION OF claim_keys DEFAULT;
SELECT almen_partition_guard('postings', true), almen_partition_guard('postings_default', true),
       almen_partition_guard('line_corrections', true), almen_partition_guard('line_corrections_default', true);

-- The partitions of the years stored so far and of the registered clinics,
-- before the rows are copied in (each row is written once, where it belongs).
SELECT almen_partition_sync(ARRAY(
  SELECT DISTINCT substr(k, 1, 4)::int FROM (
    SELECT month AS k FROM postings_old UNION SELECT month FROM line_corrections_old
    UNION SELECT month FROM ledger_balances_old UNION SELECT service_date FROM ledger_events_old
    UNION SELECT month FROM line_blocks_old UNION SELECT month FROM flagged_lines_old) AS keys
  WHERE k ~ '^[12][0-9]{3}'));

INSERT INTO postings SELECT * FROM postings_old;
INSERT INTO line_corrections SELECT * FROM line_corrections_old;
INSERT INTO ledger_balances SELECT * FROM ledger_balances_old;
INSERT INTO ledger_events SELECT * FROM ledger_events_old;
INSERT INTO line_blocks SELECT * FROM line_blocks_old;
INSERT INTO flagged_lines SELECT * FROM flagged_lines_old;
INSERT INTO claim_keys SELECT * FROM claim_keys_old;

-- The id sequences go with the new tables before the old ones are dropped.
ALTER SEQUENCE postings_id_seq OWNED BY postings.id;
ALTER SEQUENCE line_corrections_id_seq OWNED BY line_corrections.id;
ALTER SEQUENCE ledger_events_id_seq OWNED BY ledger_events.id;
DROP TABLE postings_old, line_corrections_old, ledger_balances_old, ledger_events_old, line_blocks_old,
  flagged_lines_old, claim_keys_old;

-- Keys and indexes as in 0006/0008; keys extended by the partition keys.
ALTER TABLE postings ADD PRIMARY KEY (id, month, provider);
CREATE INDEX postings_provider_month ON postings (provider, month, item, code);
CREATE INDEX postings_book ON postings (book_month, provider);
CREATE INDEX postings_run ON postings (run_id);

ALTER TABLE line_corrections ADD PRIMARY KEY (id, month, provider);
CREATE INDEX line_corrections_line ON line_corrections (line_run_id, line_seq);
CREATE INDEX line_corrections_provider ON line_corrections (provider, month);
CREATE INDEX line_corrections_run ON line_corrections (run_id);

ALTER TABLE ledger_balances ADD PRIMARY KEY (provider, month, item, code);
CREATE INDEX ledger_balances_month ON ledger_balances (month);

ALTER TABLE ledger_events ADD PRIMARY KEY (id, service_date);
CREATE INDEX ledger_events_patient ON ledger_events (patient);
CREATE INDEX ledger_events_day ON ledger_events (provider, service_date);
CREATE INDEX ledger_events_enrol ON ledger_events (enrol_from);

ALTER TABLE line_blocks ADD PRIMARY KEY (provider, month, run_id);
ALTER TABLE line_blocks ADD FOREIGN KEY (run_id) REFERENCES runs (id);
CREATE INDEX line_blocks_run ON line_blocks (run_id);

ALTER TABLE flagged_lines ADD PRIMARY KEY (run_id, seq, month, provider);
ALTER TABLE flagged_lines ADD FOREIGN KEY (run_id) REFERENCES runs (id);
CREATE INDEX flagged_lines_provider_month ON flagged_lines (provider, month);
CREATE INDEX flagged_lines_provider_claim ON flagged_lines (provider, claim_id);
CREATE INDEX flagged_lines_rule ON flagged_lines (rule);

ALTER TABLE claim_keys ADD PRIMARY KEY (provider, run_id);

-- Append-only as in 0009 (the old tables' triggers went with them).
CREATE TRIGGER postings_no_change BEFORE UPDATE OR DELETE ON postings
  FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER line_corrections_no_change BEFORE UPDATE OR DELETE ON line_corrections
  FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
