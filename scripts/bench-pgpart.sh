#!/usr/bin/env bash
# PostgreSQL partitioning by year and region (migration 0012_pgpart, issue 14 item 5): the same
# stored year unpartitioned and partitioned, side by side in one sitting. Not part of CI; results
# go into docs/performance.md ("PostgreSQL partitioning").
#
# First store a year twice with scripts/bench-ledger.sh (docs/performance.md has the commands):
# FLAT without migration 0012 (marked applied before almen first opens it), PART with it and
# almen_partition_sync after the first batch. Then:
#
#   PG=postgresql://postgres@127.0.0.1:55432 FLAT=almen_flat10 PART=almen_part10 \
#     scripts/bench-pgpart.sh WORKDIR [ROUNDS] [YEARS]
#
# WORKDIR is bench-ledger.sh's (its gen/claims-040.csv becomes a week of new claims: the same
# lines with new claim and contact ids). On template copies of FLAT and PART, alternately:
# the timed settlement of that week (ROUNDS times, wall time and stages), the application's main
# queries (pgbench, 10 s each), table sizes; with YEARS=5 first copies the stored 2025 four times
# as 2021–2024 (months, service dates and chronic enrolments shifted; the ledger's period from
# 2021-01) to measure a store of five years. The copies keep 2025's prices and registers, so the
# timed run's monthly items differ from what the copies hold and are adjusted: the same work on
# both stores. Needs psql and pgbench.
set -euo pipefail
work=${1:?WORKDIR}
rounds=${2:-3}
years=${3:-1}
pg=${PG:-postgresql://postgres@127.0.0.1:5432}
flat=${FLAT:-almen_flat10}
part=${PART:-almen_part10}
almen=${ALMEN:-build-rel/src/cli/almen}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
pgbench=$(command -v pgbench || echo "$bin/pgbench")
export TZ=Europe/Copenhagen ALMEN_PSEUDONYM_KEY=${ALMEN_PSEUDONYM_KEY:-bench-ledger-key}
sql() { psql -q -v ON_ERROR_STOP=1 "$pg/$1" "${@:2}"; }
copy() { sql postgres -c "DROP DATABASE IF EXISTS $2" -c "CREATE DATABASE $2 TEMPLATE $1"; }

week=$work/extra-week.csv
awk -F, 'BEGIN { OFS = "," } NR == 1 { print; next } { $1 = $1 "9"; $7 = $7 "b"; print }' \
  "$work/gen/claims-040.csv" >"$week"

copy "$flat" bench_pgpart_flat
copy "$part" bench_pgpart_part
if [ "$years" = 5 ]; then
  for k in flat part; do
    sql "bench_pgpart_$k" <<'EOF'
DO $$
DECLARE y int;
BEGIN
  IF to_regproc('almen_partition_sync') IS NOT NULL THEN PERFORM almen_partition_sync(ARRAY[2021, 2022, 2023, 2024]); END IF;
  FOR y IN 2021..2024 LOOP
    INSERT INTO postings (run_id, provider, month, book_month, item, code, count, amount_ore, kind, status, rule,
                          paragraph, reason, cause, line_run_id, line_seq, created_at)
      SELECT run_id, provider, y || substr(month, 5), y || substr(book_month, 5), item, code, count, amount_ore, kind,
             status, rule, paragraph, reason, cause, line_run_id, line_seq, created_at
      FROM postings WHERE month LIKE '2025-%';
    INSERT INTO ledger_balances SELECT provider, y || substr(month, 5), item, code, count, amount_ore
      FROM ledger_balances WHERE month LIKE '2025-%';
    INSERT INTO line_blocks SELECT run_id, provider, y || substr(month, 5), lines, amount_ore, data, contacts
      FROM line_blocks WHERE month LIKE '2025-%';
    INSERT INTO flagged_lines SELECT run_id, seq + (2025 - y) * 100000000, claim_id, provider,
             y || substr(service_date, 5), y || substr(month, 5), code, status, amount_ore, rule, reason, paragraph,
             contact, price_ore, quantity
      FROM flagged_lines WHERE month LIKE '2025-%';
    INSERT INTO ledger_events (patient, provider, service_date, code, claim_key, claim_id, contact, trip, course,
                               indication, setting, km, minutes, price_ore, run_id, seq, facts_categories,
                               facts_present, status, rule, amount_ore, reason, paragraph, enrol_from, enrol_to, quantity)
      SELECT patient, provider, y || substr(service_date, 5), code, claim_key, claim_id, contact, trip, course,
             indication, setting, km, minutes, price_ore, run_id, seq, facts_categories, facts_present, status, rule,
             amount_ore, reason, paragraph,
             CASE WHEN enrol_from = '' THEN '' ELSE (y + substr(enrol_from, 1, 4)::int - 2025) || substr(enrol_from, 5) END,
             CASE WHEN enrol_to = '' THEN '' ELSE (y + substr(enrol_to, 1, 4)::int - 2025) || substr(enrol_to, 5) END,
             quantity
      FROM ledger_events WHERE service_date LIKE '2025-%';
  END LOOP;
  -- The ledger's period covers the copied years: the monthly items are owed over all 60 months.
  UPDATE ledger_period SET first_month = '2021-01';
END $$;
EOF
  done
fi
for k in flat part; do sql "bench_pgpart_$k" -c "VACUUM ANALYZE"; done

echo "== settling a week of new claims ($(($(wc -l <"$week") - 1)) lines) into copies of the stored years"
for i in $(seq 1 "$rounds"); do
  for k in flat part; do
    copy "bench_pgpart_$k" "bench_pgpart_${k}_run"
    rm -rf "$work/pgpart-out"
    ALMEN_TIMING=1 /usr/bin/time -f "$k round $i: %e s wall, %U s user, %M KB peak RSS" "$almen" settle \
      --claims "$week" --db "$pg/bench_pgpart_${k}_run" --out "$work/pgpart-out" 2>&1 |
      grep -E "round|ledger (settle|import lines|history|postings|monthly items)|prior: events|almen: run" |
      sed 's/timing: //; s/  */ /g' | tr '\n' ';'
    echo
  done
done

echo "== queries (pgbench -M extended, one client, 10 s each)"
q=$work/pgpart-queries
mkdir -p "$q"
provider=$(psql -Atq "$pg/bench_pgpart_part" -c "SELECT provider FROM ledger_balances GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 1")
region=$(psql -Atq "$pg/bench_pgpart_part" -c "SELECT region_code FROM providers WHERE provider = '$provider'")
list=$(psql -Atq "$pg/bench_pgpart_part" -c "SELECT string_agg(provider, ',') FROM providers WHERE region_code = '$region'")
patients=$(psql -Atq "$pg/bench_pgpart_part" -c "SELECT string_agg(quote_literal(patient), ',') FROM (SELECT patient FROM ledger_events GROUP BY patient ORDER BY md5(patient) LIMIT 50) p")
maxid=$(psql -Atq "$pg/bench_pgpart_part" -c "SELECT MAX(id) FROM ledger_events")
cat >"$q/statement.sql" <<EOF
SELECT s.provider, COALESCE(MAX(pr.name), ''), s.month, s.item, s.code, SUM(s.count), SUM(s.amount_ore) FROM ledger_balances s LEFT JOIN providers pr ON pr.provider = s.provider WHERE NOT (s.count = 0 AND s.amount_ore = 0) AND s.provider = '$provider' AND s.month = '2025-06' GROUP BY s.provider, s.month, s.item, s.code ORDER BY s.provider, s.month, s.item, s.code;
EOF
cat >"$q/lines.sql" <<EOF
SELECT provider, month, run_id, lines FROM line_blocks WHERE 1 = 1 AND provider = '$provider' AND month = '2025-06' ORDER BY provider, month, run_id;
SELECT provider, month, COUNT(*) FROM flagged_lines WHERE 1 = 1 AND provider = '$provider' AND month = '2025-06' GROUP BY provider, month;
EOF
cat >"$q/day_events.sql" <<EOF
SELECT id, patient, service_date, contact, trip, code, setting, indication, status FROM ledger_events WHERE provider = '$provider' AND service_date >= '2025-06-01' AND service_date <= '2025-06-30';
EOF
echo "SELECT run_id, data FROM claim_keys WHERE provider = '$provider';" >"$q/claim_keys.sql"
echo "SELECT month, COALESCE(SUM(amount_ore), 0) FROM ledger_balances WHERE 1 = 1 AND month >= '2025-01' AND month <= '2025-12' AND provider IN (SELECT provider FROM providers WHERE region_code = '$region') GROUP BY month;" >"$q/region_year.sql"
echo "SELECT month, COALESCE(SUM(amount_ore), 0) FROM ledger_balances WHERE month >= '2025-01' AND month <= '2025-12' AND provider = ANY ('{$list}'::text[]) GROUP BY month;" >"$q/region_list.sql"
cat >"$q/year_overview.sql" <<EOF
SELECT month, COALESCE(SUM(lines), 0), COALESCE(SUM(amount_ore), 0) FROM line_blocks WHERE 1 = 1 AND month >= '2025-01' AND month <= '2025-12' GROUP BY month;
SELECT month, COALESCE(SUM(amount_ore), 0) FROM ledger_balances WHERE 1 = 1 AND month >= '2025-01' AND month <= '2025-12' GROUP BY month;
EOF
echo "SELECT id, patient, provider, service_date FROM ledger_events WHERE patient IN ($patients);" >"$q/patients.sql"
cat >"$q/update_event.sql" <<EOF
\set id random(1, $maxid)
BEGIN;
UPDATE ledger_events SET facts_categories = 1, facts_present = 0, status = 'accepted', rule = '', amount_ore = 0, reason = '', paragraph = '', enrol_from = '', enrol_to = '' WHERE id = :id;
ROLLBACK;
EOF
for name in statement lines day_events claim_keys region_year region_list year_overview patients update_event; do
  for k in flat part; do
    out=$("$pgbench" -n -M extended -c 1 -T 10 -f "$q/$name.sql" "$pg/bench_pgpart_$k" 2>&1)
    printf '%-14s %-5s %s\n' "$name" "$k" "$(grep -oE 'latency average = [0-9.]+ ms' <<<"$out")"
  done
done

echo "== sizes (heap, TOAST and indexes over all partitions; bytes per stored line)"
for k in flat part; do
  echo "-- $k"
  sql "bench_pgpart_$k" -P footer=off <<'EOF'
WITH t(name) AS (VALUES ('line_blocks'), ('flagged_lines'), ('claim_keys'), ('ledger_events'), ('postings'),
                        ('ledger_balances'), ('line_corrections'), ('listings'), ('sealed_chunks')),
     n AS (SELECT SUM(lines) AS lines FROM runs),
     sz AS (SELECT name, COALESCE((SELECT SUM(pg_total_relation_size(relid)) FROM pg_partition_tree(name::regclass)),
                                  pg_total_relation_size(name::regclass)) AS bytes,
                   (SELECT COUNT(*) FROM pg_partition_tree(name::regclass) WHERE isleaf) AS partitions FROM t)
SELECT name, partitions, pg_size_pretty(bytes) AS size, round(bytes::numeric / (SELECT lines FROM n), 1) AS bytes_per_line
FROM sz UNION ALL
SELECT 'database', NULL, pg_size_pretty(pg_database_size(current_database())),
       round(pg_database_size(current_database())::numeric / (SELECT lines FROM n), 1) ORDER BY 1;
EOF
done
