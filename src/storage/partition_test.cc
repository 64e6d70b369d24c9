// PostgreSQL partitioning by year and region (migration 0012_pgpart, docs/
// architecture.md "Past one machine"), on a real server started by the test:
// the tables are partitioned, rows land in their year's and region's
// partition, the application's queries prune to it, the append-only tables
// stay append-only on every partition, and a database stored before the
// migration is moved into partitions with nothing lost.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "storage/claim_keys.h"
#include "storage/ledger_store.h"
#include "storage/lines_store.h"
#include "storage/storage.h"
#include "storage/testing_db.h"

namespace almen {

const std::vector<std::pair<std::string_view, std::string_view>>& MigrationFiles();

namespace {

// Two clinics in Region Nordjylland (1081), one in Region Syddanmark (1083).
const char* kProviders =
    "INSERT INTO providers (provider, name, municipality_code, region_code, clinic_type, capacities, lto, valid_from, "
    "valid_to) VALUES ('100001', 'Nord 1', '0851', '1081', 'ordinary', 1, 0, '', ''), ('100002', 'Nord 2', '0851', "
    "'1081', 'ordinary', 1, 0, '', ''), ('300003', 'Syd', '0461', '1083', 'ordinary', 1, 0, '', '')";

// 2025 for both regions, a clinic not in the register (900009), and 2026.
const char* kLines =
    "claim_id,provider,service_date,code,status,amount_ore,rule,reason\n"
    "a1,100001,2025-01-10,0101,accepted,17288,,\n"
    "a2,100001,2025-01-11,0120,rejected,0,0120.not_out_of_hours,Ikke i lægevagt\n"
    "b1,100002,2025-03-02,0101,accepted,17288,,\n"
    "c1,300003,2025-02-03,0101,accepted,17288,,\n"
    "c2,300003,2025-02-04,0201,review,5000,r.review,Til kontrol\n"
    "d1,900009,2025-04-05,0101,accepted,17288,,\n"
    "e1,100001,2026-01-07,0101,accepted,17288,,\n";
const char* kStatements =
    "provider,month,item,code,count,amount_ore\n"
    "100001,2025-01,service,0101,1,17288\n"
    "100002,2025-03,service,0101,1,17288\n"
    "300003,2025-02,service,0101,1,17288\n"
    "300003,2025-02,service,0201,1,5000\n"
    "900009,2025-04,service,0101,1,17288\n"
    "100001,2026-01,service,0101,1,17288\n";

class PartitionTest : public testing::DatabaseTest {
 protected:
  std::vector<SqlRow> Q(const std::string& sql, const SqlParams& p = {}) {
    auto c = db_->pool().Borrow();
    auto rows = c->Query(sql, p);
    EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status().message();
    return rows.ok() ? *rows : std::vector<SqlRow>{};
  }
  int64_t Sync(const std::string& years = "{}") {
    auto r = Q("SELECT almen_partition_sync($1::int[])", {years});
    return r.empty() ? -1 : r[0].Int(0);
  }
  // "provider key" -> the partition holding the row, for every row of `table`.
  std::map<std::string, std::string> Where(const std::string& table, const std::string& key) {
    std::map<std::string, std::string> out;
    for (const auto& r : Q("SELECT provider || ' ' || " + key + ", tableoid::regclass::text FROM " + table))
      out[r.Str(0)] = r.Str(1);
    return out;
  }
  // The leaf partitions of `table` a query reads, from its plan.
  std::set<std::string> Scanned(const std::string& table, const std::string& sql, const SqlParams& p) {
    std::set<std::string> leaves;
    for (const auto& r : Q("SELECT relid::text FROM pg_partition_tree($1::regclass) WHERE isleaf", {table}))
      leaves.insert(r.Str(0));
    std::set<std::string> out;
    static const std::regex on(" on ([a-z0-9_]+)");
    for (const auto& r : Q("EXPLAIN " + sql, p)) {
      const std::string line = r.Str(0);
      for (std::sregex_iterator it(line.begin(), line.end(), on), end; it != end; ++it)
        if (leaves.contains((*it)[1].str())) out.insert((*it)[1].str());
    }
    return out;
  }
  void AddEvent(LedgerTables& t, int64_t run_id, int provider, const char* date, uint64_t patient) {
    almen::NewEvent ne;
    ne.event.patient.hi = patient;
    ne.event.patient.lo = 1;
    ne.event.claim_key = Key128{patient, static_cast<uint64_t>(provider)};
    ne.event.provider = provider;
    ne.event.date = *Date::Parse(date);
    ne.event.code = 120;
    ne.claim_id = "ev" + std::to_string(patient);
    ne.seq = 1;
    ASSERT_TRUE(t.StoreNewEvents(run_id, {ne}).ok());
  }
};

TEST_P(PartitionTest, TablesArePartitionedByYearThenRegion) {
  std::map<std::string, std::string> strategy;
  for (const auto& r : Q("SELECT c.relname, p.partstrat FROM pg_partitioned_table p JOIN pg_class c ON c.oid = "
                         "p.partrelid"))
    strategy[r.Str(0)] = r.Str(1);
  for (const char* t : {"postings", "line_corrections", "ledger_balances", "ledger_events", "line_blocks",
                        "flagged_lines"})
    EXPECT_EQ(strategy[t], "r") << t;
  EXPECT_EQ(strategy["claim_keys"], "l");
  EXPECT_EQ(strategy.size(), 7u);

  // A new database: only the defaults, so no insert can fail.
  auto children = [&](const std::string& parent) {
    std::set<std::string> out;
    for (const auto& r : Q("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE "
                           "i.inhparent = $1::regclass",
                           {parent}))
      out.insert(r.Str(0));
    return out;
  };
  EXPECT_EQ(children("postings"), (std::set<std::string>{"postings_default"}));
  EXPECT_EQ(children("claim_keys"), (std::set<std::string>{"claim_keys_other"}));

  Q(kProviders);
  // 5 tables × (the year, 2 regions), ledger_events the year, claim_keys 2 regions.
  EXPECT_EQ(Sync("{2025}"), 5 * 3 + 1 + 2);
  EXPECT_EQ(Sync("{2025}"), 0);          // idempotent
  EXPECT_EQ(children("postings"), (std::set<std::string>{"postings_default", "postings_2025"}));
  EXPECT_EQ(children("postings_2025"),
            (std::set<std::string>{"postings_2025_r1081", "postings_2025_r1083", "postings_2025_other"}));
  EXPECT_EQ(children("claim_keys"), (std::set<std::string>{"claim_keys_r1081", "claim_keys_r1083", "claim_keys_other"}));
  EXPECT_EQ(children("ledger_events"), (std::set<std::string>{"ledger_events_default", "ledger_events_2025"}));
  auto sub = Q("SELECT c.relname, p.partstrat FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
               "WHERE c.relname IN ('postings_2025', 'ledger_events_2025')");
  ASSERT_EQ(sub.size(), 1u);  // ledger_events_2025 is not partitioned further
  EXPECT_EQ(sub[0].Str(0), "postings_2025");
  EXPECT_EQ(sub[0].Str(1), "l");
  auto bound = Q("SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname = 'postings_2025_r1081'");
  ASSERT_EQ(bound.size(), 1u);
  EXPECT_EQ(bound[0].Str(0), "FOR VALUES IN ('100001', '100002')");
  bound = Q("SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname = 'ledger_events_2025'");
  ASSERT_EQ(bound.size(), 1u);
  EXPECT_EQ(bound[0].Str(0), "FOR VALUES FROM ('2025') TO ('2026')");
}

TEST_P(PartitionTest, RowsLandInTheirYearAndRegionAndTheSyncMovesTheRest) {
  Q(kProviders);
  ASSERT_GT(Sync("{2025}"), 0);
  auto run = HandMadeRun("a", kLines, kStatements);
  ASSERT_TRUE(run.ok()) << run.status().message();
  {
    auto lease = db_->pool().Borrow();
    LedgerTables t(*lease);
    ASSERT_TRUE(lease->Begin().ok());
    AddEvent(t, run->run_id, 100001, "2025-12-31", 1);
    AddEvent(t, run->run_id, 300003, "2025-02-03", 2);
    AddEvent(t, run->run_id, 900009, "2025-04-05", 3);
    LineCorrection lc;
    lc.run_id = run->run_id;
    lc.seq = 3;
    lc.claim_id = "b1";
    lc.provider = 100002;
    lc.date = *Date::Parse("2025-03-02");
    lc.code = 101;
    lc.new_status = LineStatus::kRejected;
    lc.old_amount = Money::FromOre(17288);
    ASSERT_TRUE(t.StoreCorrections(run->run_id, {lc}, "2025-04-01T00:00:00Z").ok());
    ASSERT_TRUE(lease->Commit().ok());
  }

  const std::map<std::string, std::string> blocks = {{"100001 2025-01", "line_blocks_2025_r1081"},
                                                     {"100002 2025-03", "line_blocks_2025_r1081"},
                                                     {"300003 2025-02", "line_blocks_2025_r1083"},
                                                     {"900009 2025-04", "line_blocks_2025_other"},
                                                     {"100001 2026-01", "line_blocks_default"}};
  EXPECT_EQ(Where("line_blocks", "month"), blocks);
  EXPECT_EQ(Where("flagged_lines", "claim_id"),
            (std::map<std::string, std::string>{{"100001 a2", "flagged_lines_2025_r1081"},
                                                {"300003 c2", "flagged_lines_2025_r1083"}}));
  EXPECT_EQ(Where("postings", "month || ' ' || code"),
            (std::map<std::string, std::string>{{"100001 2025-01 0101", "postings_2025_r1081"},
                                                {"100002 2025-03 0101", "postings_2025_r1081"},
                                                {"300003 2025-02 0101", "postings_2025_r1083"},
                                                {"300003 2025-02 0201", "postings_2025_r1083"},
                                                {"900009 2025-04 0101", "postings_2025_other"},
                                                {"100001 2026-01 0101", "postings_default"}}));
  auto balances = Where("ledger_balances", "month || ' ' || code");
  EXPECT_EQ(balances["300003 2025-02 0201"], "ledger_balances_2025_r1083");
  EXPECT_EQ(balances["100001 2026-01 0101"], "ledger_balances_default");
  EXPECT_EQ(Where("ledger_events", "service_date"),
            (std::map<std::string, std::string>{{"100001 2025-12-31", "ledger_events_2025"},
                                                {"300003 2025-02-03", "ledger_events_2025"},
                                                {"900009 2025-04-05", "ledger_events_2025"}}));
  EXPECT_EQ(Where("line_corrections", "claim_id"),
            (std::map<std::string, std::string>{{"100002 b1", "line_corrections_2025_r1081"}}));
  EXPECT_EQ(Where("claim_keys", "run_id"),
            (std::map<std::string, std::string>{{"100001 1", "claim_keys_r1081"},
                                                {"100002 1", "claim_keys_r1081"},
                                                {"300003 1", "claim_keys_r1083"},
                                                {"900009 1", "claim_keys_other"}}));

  // What the application reads, before and after the sync moves rows.
  auto reads = [&] {
    std::string out;
    auto add = [&](const StatusOr<Table>& t) {
      EXPECT_TRUE(t.ok()) << t.status().message();
      if (t.ok()) out += t->ToJson().dump() + "\n";
    };
    add(db_->Statements(Scope{}, "", ""));
    add(db_->Statements(Scope{Scope::Kind::kRegion, "1081"}, "", "2025-01"));
    add(db_->Lines(Scope{}, LineFilter{}));
    LineFilter f;
    f.provider = "900009";
    f.month = "2025-04";
    add(db_->Lines(Scope{}, f));
    add(db_->Overview(Scope{}, "2025"));
    add(db_->Overview(Scope{Scope::Kind::kRegion, "1083"}, ""));
    add(db_->Rejections(Scope{}, ""));
    add(db_->Runs(Scope{Scope::Kind::kRegion, "1081"}));
    add(db_->Providers(Scope{}));
    auto lease = db_->pool().Borrow();
    LedgerTables t(*lease);
    auto prior = t.Prior();
    auto known = prior->KnownClaims(900009, {ClaimKey(900009, "d1"), ClaimKey(900009, "zz")});
    EXPECT_TRUE(known.ok());
    if (known.ok()) out += "known " + std::to_string(known->size()) + "\n";
    ProviderDays days;
    days[900009].insert(Date::Parse("2025-04-05")->days());
    auto day_events = prior->DayEvents(days);
    EXPECT_TRUE(day_events.ok());
    if (day_events.ok()) out += "day events " + std::to_string(day_events->size()) + "\n";
    auto all = t.Balances({});
    EXPECT_TRUE(all.ok());
    if (all.ok()) out += "balances " + std::to_string(all->size()) + "\n";
    return out;
  };
  // 900009 joins Region Hovedstaden; 2026 gets its partitions: the rows in
  // the defaults move, the ids, sums and every read stay.
  auto sums = [&] {
    return Q("SELECT (SELECT COUNT(*) || ' ' || SUM(id) || ' ' || SUM(amount_ore) FROM postings), (SELECT COUNT(*) "
             "|| ' ' || SUM(lines) FROM line_blocks), (SELECT SUM(id) FROM ledger_events)")
        .at(0)
        .cols;
  };
  const auto sums_before = sums();
  Q("INSERT INTO providers (provider, name, municipality_code, region_code, clinic_type, capacities, lto, valid_from, "
    "valid_to) VALUES ('900009', 'Ny', '0101', '1084', 'ordinary', 1, 0, '', '')");
  const std::string before = reads();
  EXPECT_NE(before.find("known 1\nday events 1\nbalances 6\n"), std::string::npos) << before;
  EXPECT_EQ(Where("line_blocks", "month")["900009 2025-04"], "line_blocks_2025_other");
  EXPECT_GT(Sync("{2026}"), 0);
  EXPECT_EQ(sums(), sums_before);
  EXPECT_EQ(Where("line_blocks", "month")["900009 2025-04"], "line_blocks_2025_r1084");
  EXPECT_EQ(Where("line_blocks", "month")["100001 2026-01"], "line_blocks_2026_r1081");
  EXPECT_EQ(Where("postings", "month || ' ' || code")["900009 2025-04 0101"], "postings_2025_r1084");
  EXPECT_EQ(Where("ledger_events", "service_date")["900009 2025-04-05"], "ledger_events_2025");
  EXPECT_EQ(Where("claim_keys", "run_id")["900009 1"], "claim_keys_r1084");
  EXPECT_EQ(Q("SELECT COUNT(*) FROM postings_default").at(0).Int(0), 0);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM postings_2025_other").at(0).Int(0), 0);
  EXPECT_EQ(reads(), before);

  // The partitions keep working for writes: a second run, an event update.
  auto run2 = HandMadeRun("b", "claim_id,provider,service_date,code,status,amount_ore,rule,reason\n"
                               "f1,900009,2025-04-06,0101,accepted,100,,\n",
                          "provider,month,item,code,count,amount_ore\n900009,2025-04,service,0101,1,100\n");
  ASSERT_TRUE(run2.ok()) << run2.status().message();
  auto bal = Q("SELECT amount_ore, tableoid::regclass::text FROM ledger_balances WHERE provider = '900009'");
  ASSERT_EQ(bal.size(), 1u);
  EXPECT_EQ(bal[0].Int(0), 17388);
  EXPECT_EQ(bal[0].Str(1), "ledger_balances_2025_r1084");
  auto lease = db_->pool().Borrow();
  LedgerTables t(*lease);
  ChangedEvent ce;
  const auto ev = Q("SELECT id, service_date FROM ledger_events WHERE provider = '900009'").at(0);
  ce.id = ev.Int(0);
  ce.date = *Date::Parse(ev.Str(1));
  ce.decision.status = LineStatus::kRejected;
  ce.decision.rule = "0120.twice";
  ASSERT_TRUE(t.UpdateEvents({ce}).ok());
  EXPECT_EQ(Q("SELECT rule FROM ledger_events WHERE provider = '900009'").at(0).Str(0), "0120.twice");
}

TEST_P(PartitionTest, TheApplicationsQueriesPruneToOneYearAndRegion) {
  Q(kProviders);
  ASSERT_GT(Sync("{2024,2025,2026}"), 0);
  ASSERT_TRUE(HandMadeRun("a", kLines, kStatements).ok());
  using S = std::set<std::string>;
  // The statement page (Storage::Statements with a provider and a month).
  EXPECT_EQ(Scanned("ledger_balances",
                    "SELECT s.provider, COALESCE(MAX(pr.name), ''), s.month, s.item, s.code, SUM(s.count), "
                    "SUM(s.amount_ore) FROM ledger_balances s LEFT JOIN providers pr ON pr.provider = s.provider WHERE "
                    "NOT (s.count = 0 AND s.amount_ore = 0) AND s.provider = $1 AND s.month = $2 GROUP BY s.provider, "
                    "s.month, s.item, s.code",
                    {std::string("300003"), std::string("2025-02")}),
            S{"ledger_balances_2025_r1083"});
  // A year's overview of one clinic (Overview's range of months).
  EXPECT_EQ(Scanned("ledger_balances",
                    "SELECT month, SUM(amount_ore) FROM ledger_balances WHERE month >= $1 AND month <= $2 AND "
                    "provider = $3 GROUP BY month",
                    {std::string("2025-01"), std::string("2025-12"), std::string("100001")}),
            S{"ledger_balances_2025_r1081"});
  // The lines of a provider and month (Storage::Lines: blocks and flagged rows).
  EXPECT_EQ(Scanned("line_blocks",
                    "SELECT provider, month, run_id, lines FROM line_blocks WHERE 1 = 1 AND provider = $1 AND month = "
                    "$2 ORDER BY provider, month, run_id",
                    {std::string("100001"), std::string("2025-01")}),
            S{"line_blocks_2025_r1081"});
  EXPECT_EQ(Scanned("flagged_lines",
                    "SELECT run_id, seq, claim_id, provider, service_date, code, status, amount_ore, rule, reason, "
                    "paragraph FROM flagged_lines WHERE 1 = 1 AND provider = $1 AND month = $2",
                    {std::string("300003"), std::string("2025-02")}),
            S{"flagged_lines_2025_r1083"});
  // Postings of a clinic's month (the ledger's postings page).
  EXPECT_EQ(Scanned("postings", "SELECT * FROM postings WHERE provider = $1 AND month = $2",
                    {std::string("100001"), std::string("2026-01")}),
            S{"postings_2026_r1081"});
  // The settlement's reads of the history: events on a clinic's days, its claim keys.
  EXPECT_EQ(Scanned("ledger_events",
                    "SELECT id, patient FROM ledger_events WHERE provider = $1 AND service_date >= $2 AND "
                    "service_date <= $3",
                    {std::string("300003"), std::string("2025-02-01"), std::string("2025-02-28")}),
            S{"ledger_events_2025"});
  // A patient's history: one partition per year, not per region and year.
  EXPECT_EQ(Scanned("ledger_events", "SELECT id FROM ledger_events WHERE patient IN ($1, $2)",
                    {std::string("00000000000000010000000000000001"), std::string("x")}),
            (S{"ledger_events_2024", "ledger_events_2025", "ledger_events_2026", "ledger_events_default"}));
  EXPECT_EQ(Scanned("claim_keys", "SELECT run_id, data FROM claim_keys WHERE provider = $1", {std::string("100002")}),
            S{"claim_keys_r1081"});
  // A clinic's lines over all years: its region in every year (and the default).
  EXPECT_EQ(Scanned("line_blocks", "SELECT data FROM line_blocks WHERE provider = $1 AND run_id = $2",
                    {std::string("100002"), int64_t{1}}),
            (S{"line_blocks_2024_r1081", "line_blocks_2025_r1081", "line_blocks_2026_r1081", "line_blocks_default"}));
}

TEST_P(PartitionTest, AppendOnlyHoldsOnEveryPartition) {
  Q(kProviders);
  ASSERT_GT(Sync("{2025}"), 0);
  ASSERT_TRUE(HandMadeRun("a", kLines, kStatements).ok());
  const auto before = Q("SELECT COUNT(*), SUM(amount_ore) FROM postings").at(0).cols;
  auto c = db_->pool().Borrow();
  for (const char* sql : {"UPDATE postings SET amount_ore = 0", "DELETE FROM postings",
                          "UPDATE postings SET month = '2024-01' WHERE provider = '100001'",
                          "DELETE FROM postings_2025_r1081", "UPDATE postings_2025_other SET amount_ore = 1",
                          "DELETE FROM postings_default", "TRUNCATE postings", "TRUNCATE postings_2025",
                          "TRUNCATE postings_2025_r1083", "TRUNCATE postings_default", "TRUNCATE line_corrections",
                          "TRUNCATE line_corrections_2025_r1081"}) {
    Status s = c->Exec(sql);
    EXPECT_FALSE(s.ok()) << sql;
    EXPECT_NE(s.message().find("append-only"), std::string::npos) << sql << ": " << s.message();
  }
  EXPECT_EQ(Q("SELECT COUNT(*), SUM(amount_ore) FROM postings").at(0).cols, before);
  // Partitions made later are guarded as well.
  Q("INSERT INTO providers (provider, name, municipality_code, region_code, clinic_type, capacities, lto, valid_from, "
    "valid_to) VALUES ('900009', 'Ny', '0101', '1084', 'ordinary', 1, 0, '', '')");
  ASSERT_GT(Sync("{2027}"), 0);
  for (const char* sql : {"DELETE FROM postings_2025_r1084", "TRUNCATE postings_2025_r1084", "TRUNCATE postings_2027_other",
                          "TRUNCATE postings_2025_other", "TRUNCATE line_corrections_2027"})
    EXPECT_FALSE(c->Exec(sql).ok()) << sql;
  EXPECT_EQ(Q("SELECT COUNT(*) FROM postings_2025_r1084").at(0).Int(0), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, PartitionTest, ::testing::Values("postgres"),
                         [](const auto& p) { return p.param; });

// A database stored before migration 0012 (versions 1–11 applied as
// Storage::Migrate does, rows written through the ledger's tables) is moved
// into partitions by Storage::Open: every row, with its id and partition.
TEST(PartitionMigration, MovesStoredRowsIntoPartitions_postgres) {
  std::string why;
  auto* pg = testing::TestPostgres::Get(&why);
  if (!pg) GTEST_SKIP() << why;
  const std::string url = pg->NewDatabase();
  int pgpart = 0;  // this migration's version
  for (const auto& [name, content] : MigrationFiles())
    if (name.ends_with("_pgpart.postgresql.sql")) pgpart = std::stoi(std::string(name.substr(0, 4)));
  ASSERT_GT(pgpart, 10);
  {
    auto opened = OpenPostgres(url);
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    SqlConnection& c = **opened;
    ASSERT_TRUE(c.ExecScript("CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, "
                             "applied_at TEXT NOT NULL)")
                    .ok());
    std::map<int, std::pair<std::string, std::string>> todo;
    for (const auto& [name, content] : MigrationFiles()) {
      const std::string n(name);
      const int v = std::stoi(n.substr(0, 4));
      if (v >= pgpart || n.ends_with(".sqlite.sql")) continue;
      std::string sql(content);
      for (size_t p; (p = sql.find("{{ID}}")) != std::string::npos;) sql.replace(p, 6, "BIGSERIAL PRIMARY KEY");
      todo[v] = {n, sql};
    }
    ASSERT_EQ(todo.size(), static_cast<size_t>(pgpart - 1));
    for (const auto& [v, m] : todo) {
      ASSERT_TRUE(c.Begin().ok());
      ASSERT_TRUE(c.ExecScript(m.second).ok()) << m.first;
      if (v == 6) {
        ASSERT_TRUE(storage_internal::ConvertLegacyLines(c).ok());
      }
      if (v == 8) {
        ASSERT_TRUE(BuildClaimKeySegments(c).ok());
      }
      ASSERT_TRUE(c.Exec("INSERT INTO schema_migrations VALUES ($1, $2, 'then')", {int64_t{v}, m.first}).ok());
      ASSERT_TRUE(c.Commit().ok());
    }
    ASSERT_TRUE(c.ExecScript(kProviders).ok());
    // Two runs' lines and postings, written by the ledger's own code.
    std::filesystem::path dir = std::filesystem::temp_directory_path() / ("almen-pgpart-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    for (int run = 1; run <= 2; ++run) {
      ASSERT_TRUE(c.Begin().ok());
      ASSERT_TRUE(c.Query("INSERT INTO runs (created_at, created_by, source, claims_name, claims_sha256, "
                          "agreement_version, agreement_hash, options_json, summary_json) VALUES ('then', 'test', "
                          "'upload', 'c.csv', $1, 'ok25@abc', 'abc', '{}', '{}') RETURNING id",
                          {"sha" + std::to_string(run)})
                      .ok());
      const std::string lines = (dir / ("lines" + std::to_string(run) + ".csv")).string();
      std::ofstream(lines) << kLines;
      LedgerTables t(c);
      ASSERT_TRUE(t.ImportLines(run, lines, "", nullptr, {}).ok());
      std::vector<Posting> ps;
      for (const auto& [provider, month] : std::vector<std::pair<int, const char*>>{
               {100001, "2025-01"}, {300003, "2025-02"}, {900009, "2025-04"}, {100001, "2026-01"}}) {
        Posting p;
        p.run_id = run;
        p.provider = provider;
        p.month = p.book_month = *Month::Parse(month);
        p.item = "service";
        p.code = "0101";
        p.count = 1;
        p.amount_ore = 17288 * run;
        p.kind = "original";
        ps.push_back(p);
      }
      ASSERT_TRUE(t.Post(ps, "then").ok());
      almen::NewEvent ne;
      ne.event.patient.hi = static_cast<uint64_t>(run);
      ne.event.claim_key = Key128{static_cast<uint64_t>(run), 1};
      ne.event.provider = 300003;
      ne.event.date = *Date::Parse("2025-02-03");
      ne.event.code = 120;
      ne.claim_id = "c1";
      ASSERT_TRUE(t.StoreNewEvents(run, {ne}).ok());
      ASSERT_TRUE(c.Commit().ok());
    }
    std::filesystem::remove_all(dir);
  }
  const char* kContent =
      "SELECT (SELECT COUNT(*) || ' ' || SUM(id) || ' ' || SUM(amount_ore) || ' ' || MAX(id) FROM postings), "
      "(SELECT COUNT(*) || ' ' || SUM(amount_ore) FROM ledger_balances), (SELECT COUNT(*) || ' ' || SUM(lines) || ' ' "
      "|| SUM(length(data)) FROM line_blocks), (SELECT COUNT(*) || ' ' || SUM(amount_ore) FROM flagged_lines), "
      "(SELECT COUNT(*) || ' ' || SUM(keys) FROM claim_keys), (SELECT COUNT(*) || ' ' || SUM(id) FROM ledger_events)";
  std::vector<std::optional<std::string>> before;
  {
    auto c = OpenPostgres(url);
    ASSERT_TRUE(c.ok());
    before = (*c)->Query(kContent)->at(0).cols;
    EXPECT_EQ(before[0], "8 36 207456 8");
  }
  auto db = Storage::Open(url);
  ASSERT_TRUE(db.ok()) << db.status().message();
  auto c = (*db)->pool().Borrow();
  EXPECT_EQ(c->Query(kContent)->at(0).cols, before);
  auto where = c->Query("SELECT tableoid::regclass::text, COUNT(*) FROM postings GROUP BY 1 ORDER BY 1");
  ASSERT_TRUE(where.ok());
  std::map<std::string, int64_t> by;
  for (const auto& r : *where) by[r.Str(0)] = r.Int(1);
  EXPECT_EQ(by, (std::map<std::string, int64_t>{{"postings_2025_other", 2},
                                                 {"postings_2025_r1081", 2},
                                                 {"postings_2025_r1083", 2},
                                                 {"postings_2026_r1081", 2}}));
  EXPECT_EQ(c->Query("SELECT COUNT(*) FROM line_blocks_2025_r1083")->at(0).Int(0), 2);
  EXPECT_EQ(c->Query("SELECT COUNT(*) FROM claim_keys_other")->at(0).Int(0), 2);
  // The id sequences went with the tables; append-only holds.
  LedgerTables t(*c);
  ASSERT_TRUE(c->Begin().ok());
  Posting p;
  p.run_id = 2;
  p.provider = 300003;
  p.month = p.book_month = *Month::Parse("2025-02");
  p.item = "service";
  p.code = "0101";
  p.kind = "adjustment";
  ASSERT_TRUE(t.Post({p}, "now").ok());
  ASSERT_TRUE(c->Commit().ok());
  EXPECT_EQ(c->Query("SELECT MAX(id) FROM postings")->at(0).Int(0), 9);
  EXPECT_FALSE(c->Exec("DELETE FROM postings").ok());
  EXPECT_FALSE(c->Exec("TRUNCATE postings_2025_r1083").ok());
  EXPECT_GE(*(*db)->SchemaVersion(), pgpart);
}

}  // namespace
}  // namespace almen
