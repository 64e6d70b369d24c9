-- postings and line_corrections are append-only: UPDATE and DELETE fail.
CREATE TRIGGER postings_no_update BEFORE UPDATE ON postings
BEGIN SELECT RAISE(ABORT, 'postings are append-only'); END;
CREATE TRIGGER postings_no_delete BEFORE DELETE ON postings
BEGIN SELECT RAISE(ABORT, 'postings are append-only'); END;
CREATE TRIGGER line_corrections_no_update BEFORE UPDATE ON line_corrections
BEGIN SELECT RAISE(ABORT, 'line_corrections are append-only'); END;
CREATE TRIGGER line_corrections_no_delete BEFORE DELETE ON line_corrections
BEGIN SELECT RAISE(ABORT, 'line_corrections are append-only'); END;
