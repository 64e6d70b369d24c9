-- postings and line_corrections are append-only: UPDATE, DELETE and TRUNCATE fail.
CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END
$$;
CREATE TRIGGER postings_no_change BEFORE UPDATE OR DELETE ON postings
  FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER postings_no_truncate BEFORE TRUNCATE ON postings
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER line_corrections_no_change BEFORE UPDATE OR DELETE ON line_corrections
  FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER line_corrections_no_truncate BEFORE TRUNCATE ON line_corrections
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
