// Test helper: a fixture with a fresh database per test, SQLite or a new
// database on the throw-away PostgreSQL of testing_pg.h (the test parameter,
// "sqlite" or "postgres"; the CTest filters rely on these names), in a
// temporary directory of its own; and HandMadeRun, which stores a hand-made
// lines.csv and statement as a run, for tests of the line store and reports
// that must not depend on the engine. With ALMEN_TEST_PG_PARTITIONS set, the
// PostgreSQL databases are partitioned by year and region as runs arrive
// (PartitionEveryRun). Header-only; tests only.
//
// Example:
//   class MyTest : public testing::DatabaseTest {};
//   TEST_P(MyTest, Opens) { EXPECT_TRUE(db_->SchemaVersion().ok()); }
//   INSTANTIATE_TEST_SUITE_P(Backends, MyTest, ::testing::Values("sqlite", "postgres"),
//                            [](const auto& p) { return p.param; });
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "common/csv.h"
#include "common/file.h"
#include "storage/ledger_store.h"
#include "storage/storage.h"
#include "storage/testing_pg.h"

namespace almen::testing {

class DatabaseTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("almen-db-test-" + std::to_string(getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    if (GetParam() == "sqlite") {
      url_ = (dir_ / "test.db").string();
    } else {
      std::string why;
      auto* pg = TestPostgres::Get(&why);
      if (!pg) GTEST_SKIP() << why;
      url_ = pg->NewDatabase();
    }
    auto s = Storage::Open(url_);
    ASSERT_TRUE(s.ok()) << s.status().message();
    db_ = std::move(*s);
    if (GetParam() == "postgres" && std::getenv("ALMEN_TEST_PG_PARTITIONS")) PartitionEveryRun();
  }

  // ALMEN_TEST_PG_PARTITIONS (a second CTest run of the PostgreSQL tests,
  // migration 0012_pgpart): the years 2024–2026 get their partitions, and the
  // end of every run (its UPDATE of `runs`, inside its transaction) creates
  // the region partitions of the clinics it registered and moves its rows
  // there, so the tests read and write partitions, not the defaults.
  void PartitionEveryRun() {
    auto c = db_->pool().Borrow();
    Status s = c->ExecScript(
        "SELECT almen_partition_sync(ARRAY[2024, 2025, 2026]);"
        "CREATE FUNCTION almen_test_partition_sync() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN PERFORM almen_partition_sync(); RETURN NULL; END $$;"
        "CREATE TRIGGER almen_test_partition_sync AFTER UPDATE ON runs FOR EACH STATEMENT "
        "EXECUTE FUNCTION almen_test_partition_sync();");
    ASSERT_TRUE(s.ok()) << s.message();
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string Write(const std::string& name, const std::string& content) {
    const auto p = dir_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }

  struct HandMade {
    int64_t run_id = 0, lines = 0;
  };
  // Stores `lines_csv` (lines.csv format) as a new run, and the rows of
  // `statements_csv` (statements.csv format) as its postings.
  StatusOr<HandMade> HandMadeRun(const std::string& name, const std::string& lines_csv,
                                 const std::string& statements_csv) {
    const std::string lines = Write(name + "/lines.csv", lines_csv);
    auto lease = db_->pool().Borrow();
    SqlConnection& c = *lease;
    ALMEN_RETURN_IF_ERROR(c.Begin());
    ALMEN_ASSIGN_OR_RETURN(
        auto rows, c.Query("INSERT INTO runs (created_at, created_by, source, claims_name, claims_sha256, "
                           "agreement_version, agreement_hash, options_json, summary_json) VALUES ($1,'test','upload',"
                           "$2,$3,'ok25@abc','abc','{}','{}') RETURNING id",
                           {std::string("2025-03-01T00:00:00Z"), name + ".csv", "sha-" + name}));
    HandMade out;
    out.run_id = rows.at(0).Int(0);
    LedgerTables t(c);
    ALMEN_ASSIGN_OR_RETURN(auto li, t.ImportLines(out.run_id, lines, "", nullptr, {}));
    out.lines = li.lines;
    ALMEN_RETURN_IF_ERROR(c.Exec("UPDATE runs SET lines = $1, accepted = $2, rejected = $3, review = $4, amount_ore = $5 "
                                 "WHERE id = $6",
                                 {li.lines, li.accepted, li.rejected, li.review, li.amount_ore, out.run_id}));
    ALMEN_ASSIGN_OR_RETURN(CsvReader r, CsvReader::Open("statements.csv", statements_csv));
    std::vector<Posting> postings;
    while (true) {
      ALMEN_ASSIGN_OR_RETURN(bool more, r.Next());
      if (!more) break;
      Posting p;
      p.run_id = out.run_id;
      p.provider = std::atoi(std::string(r.field(r.Column("provider"))).c_str());
      p.month = p.book_month = *Month::Parse(r.field(r.Column("month")));
      p.item = std::string(r.field(r.Column("item")));
      p.code = std::string(r.field(r.Column("code")));
      p.count = std::atoll(std::string(r.field(r.Column("count"))).c_str());
      p.amount_ore = std::atoll(std::string(r.field(r.Column("amount_ore"))).c_str());
      p.kind = "original";
      postings.push_back(p);
    }
    ALMEN_RETURN_IF_ERROR(t.Post(postings, "2025-03-01T00:00:00Z"));
    ALMEN_RETURN_IF_ERROR(c.Commit());
    return out;
  }

  static inline int counter_ = 0;
  std::filesystem::path dir_;
  std::string url_;
  std::unique_ptr<Storage> db_;
};

}  // namespace almen::testing
