-- Nothing to do in SQLite: partitioning by year and region is PostgreSQL's
-- (0012_pgpart.postgresql.sql). This file keeps the schema versions of the
-- two dialects equal.
SELECT 1;
