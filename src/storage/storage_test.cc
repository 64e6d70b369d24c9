// Storage tests, run against SQLite and against a real PostgreSQL server
// started by the test (skipped only when the PostgreSQL binaries are absent).
#include "storage/storage.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "storage/testing_pg.h"

namespace almen {

const std::vector<std::pair<std::string_view, std::string_view>>& MigrationFiles();
namespace {

namespace fs = std::filesystem;

void Write(const fs::path& p, const std::string& s) {
  std::ofstream(p, std::ios::binary) << s;
}

class StorageTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("almen-storage-" + std::to_string(getpid()) + "-" +
                                        std::to_string(counter_++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::string url;
    if (GetParam() == "sqlite") {
      url = (dir_ / "test.db").string();
    } else {
      std::string why;
      auto* pg = testing::TestPostgres::Get(&why);
      if (!pg) GTEST_SKIP() << why;
      url = pg->NewDatabase();
    }
    auto s = Storage::Open(url);
    ASSERT_TRUE(s.ok()) << s.status().message();
    db_ = std::move(*s);
  }
  void TearDown() override {
    db_.reset();
    fs::remove_all(dir_);
  }

  // A hand-made settlement of `claims` (the engine's output format).
  RunImport MakeRun(const std::string& name, const std::string& claims, const std::string& lines,
                    const std::string& statements) {
    fs::path d = dir_ / name;
    fs::create_directories(d);
    Write(d / "claims.csv", claims);
    Write(d / "lines.csv", lines);
    Write(d / "statements.csv", statements);
    Write(d / "summary.json", R"({"lines":2,"agreement":{"version":"ok25@abc","hash":"abc"}})");
    RunImport r;
    r.inputs = {{"claims", "claims.csv", (d / "claims.csv").string()}};
    r.settle_dir = d.string();
    r.user = "test";
    r.source = "upload";
    r.now = "2025-03-01T00:00:00Z";
    return r;
  }

  static inline int counter_ = 0;
  fs::path dir_;
  std::unique_ptr<Storage> db_;
};

const char* kLines1 =
    "claim_id,provider,service_date,code,status,amount_ore,rule,reason\n"
    "c1,123456,2025-01-10,0101,accepted,17288,,\n"
    "c2,123456,2025-01-11,0120,rejected,0,0120.not_out_of_hours,Ikke i lægevagt\n";
const char* kStatements1 =
    "provider,month,item,code,count,amount_ore\n"
    "123456,2025-01,service,0101,1,17288\n";

TEST_P(StorageTest, MigratesAndImports) {
  // The highest migration in src/storage/migrations/.
  int64_t highest = 0;
  for (const auto& [name, content] : MigrationFiles()) highest = std::max<int64_t>(highest, std::stoll(std::string(name.substr(0, 4))));
  EXPECT_GE(highest, 4);
  EXPECT_EQ(*db_->SchemaVersion(), highest);
  auto r = db_->ImportRun(MakeRun("a", "claim_id\nc1\nc2\n", kLines1, kStatements1), nullptr, {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_FALSE(r->already_imported);
  EXPECT_EQ(r->lines, 2);
  auto runs = db_->Runs(Scope{});
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->rows.size(), 1u);
  auto j = runs->ToJson()["rows"][0];
  EXPECT_EQ(j["accepted"], 1);
  EXPECT_EQ(j["rejected"], 1);
  EXPECT_EQ(j["amount_ore"], 17288);
  EXPECT_EQ(j["agreement_version"], "ok25@abc");
}

TEST_P(StorageTest, ForEachLineVisitsEveryStoredLine) {
  auto r = db_->ImportRun(MakeRun("a", "claim_id\nc1\nc2\n", kLines1, kStatements1), nullptr, {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  std::map<int64_t, StoredLine> seen;
  ASSERT_TRUE(db_->ForEachLine(r->run_id, [&](const StoredLine& l) {
                   seen[l.seq] = l;
                   return Status::Ok();
                 }).ok());
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].claim_id, "c1");
  EXPECT_EQ(seen[1].amount_ore, 17288);
  EXPECT_EQ(seen[2].status, "rejected");
  EXPECT_EQ(seen[2].rule, "0120.not_out_of_hours");
  EXPECT_EQ(seen[2].reason, "Ikke i lægevagt");
  // An error from the callback stops the walk and is returned.
  int calls = 0;
  Status s = db_->ForEachLine(r->run_id, [&](const StoredLine&) {
    ++calls;
    return InvalidInput("stop");
  });
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(calls, 1);
}

TEST_P(StorageTest, SameFileTwiceIsANoOp) {
  auto run = MakeRun("a", "claim_id\nc1\nc2\n", kLines1, kStatements1);
  auto r1 = db_->ImportRun(run, nullptr, {});
  ASSERT_TRUE(r1.ok());
  auto r2 = db_->ImportRun(run, nullptr, {});
  ASSERT_TRUE(r2.ok()) << r2.status().message();
  EXPECT_TRUE(r2->already_imported);
  EXPECT_EQ(r2->run_id, r1->run_id);
  EXPECT_EQ(*db_->CountRuns(), 1);
  auto lines = db_->Lines(Scope{}, LineFilter{});
  EXPECT_EQ(lines->total, 2);
}

TEST_P(StorageTest, ClaimInLaterFileIsRejectedAsDuplicate) {
  ASSERT_TRUE(db_->ImportRun(MakeRun("a", "claim_id\nc1\nc2\n", kLines1, kStatements1), nullptr, {}).ok());
  // A different file repeating c1 (already paid) and a new c3.
  auto r = db_->ImportRun(MakeRun("b", "claim_id\nc1\nc3\n",
                                  "claim_id,provider,service_date,code,status,amount_ore,rule,reason\n"
                                  "c1,123456,2025-01-10,0101,accepted,17288,,\n"
                                  "c3,123456,2025-01-12,0101,accepted,17288,,\n",
                                  "provider,month,item,code,count,amount_ore\n"
                                  "123456,2025-01,service,0101,2,34576\n"),
                          nullptr, {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->duplicates, 1);
  LineFilter f;
  f.run_id = r->run_id;
  f.rule = "claim.duplicate";
  auto dup = db_->Lines(Scope{}, f);
  ASSERT_EQ(dup->total, 1);
  auto row = dup->ToJson()["rows"][0];
  EXPECT_EQ(row["claim_id"], "c1");
  EXPECT_EQ(row["status"], "rejected");
  EXPECT_EQ(row["amount_ore"], 0);
  // The run's statement no longer pays it.
  auto st = db_->Statements(Scope{}, "123456", "2025-01");
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->ToJson()["rows"][0]["amount_ore"], 17288 * 2);  // c1 once + c3
}

TEST_P(StorageTest, FailedImportLeavesNothing) {
  auto run = MakeRun("a", "claim_id\nc1\nc2\n",
                     "claim_id,provider,service_date,code,status,amount_ore,rule,reason\n"
                     "c1,123456,2025-01-10,0101,accepted,17288,,\n"
                     "c2,123456,2025-01-11,0101,accepted,notanumber,,\n",
                     kStatements1);
  auto r = db_->ImportRun(run, nullptr, {});
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(*db_->CountRuns(), 0);
  EXPECT_EQ(db_->Lines(Scope{}, LineFilter{})->total, 0);
  EXPECT_FALSE(db_->FindImportedFile(*Storage::FileSha256(run.inputs[0].path))->has_value());
}

TEST_P(StorageTest, CancelledImportRollsBack) {
  std::string lines = "claim_id,provider,service_date,code,status,amount_ore,rule,reason\n";
  for (int i = 0; i < 20000; ++i) lines += "c" + std::to_string(i) + ",123456,2025-01-10,0101,accepted,100,,\n";
  std::atomic<bool> cancel{true};
  auto r = db_->ImportRun(MakeRun("a", "claim_id\nx\n", lines, kStatements1), &cancel, {});
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(*db_->CountRuns(), 0);
}

TEST_P(StorageTest, ScopesFilterByRegionAndProvider) {
  auto run = MakeRun("a", "claim_id\nc1\n",
                     "claim_id,provider,service_date,code,status,amount_ore,rule,reason\n"
                     "c1,111111,2025-01-10,0101,accepted,100,,\n"
                     "c2,222222,2025-01-10,0101,accepted,200,,\n",
                     "provider,month,item,code,count,amount_ore\n"
                     "111111,2025-01,service,0101,1,100\n"
                     "222222,2025-01,service,0101,1,200\n");
  Write(dir_ / "providers.csv",
        "provider,name,municipality_code,clinic_type,capacities,lto,valid_from,valid_to\n"
        "111111,Klinik Nord,0101,ordinary,1,0,2020-01-01,\n"
        "222222,Klinik Vest,0751,ordinary,2,1,2020-01-01,\n");
  run.inputs.push_back({"providers", "providers.csv", (dir_ / "providers.csv").string()});
  ASSERT_TRUE(db_->ImportRun(run, nullptr, {}).ok());
  Scope hovedstaden{Scope::Kind::kRegion, "1084"};
  auto lines = db_->Lines(hovedstaden, LineFilter{});
  ASSERT_EQ(lines->total, 1);
  EXPECT_EQ(lines->ToJson()["rows"][0]["provider"], "111111");
  auto ov = db_->Overview(hovedstaden, "2025");
  ASSERT_EQ(ov->rows.size(), 1u);
  EXPECT_EQ(ov->ToJson()["rows"][0]["spend_ore"], 100);
  Scope clinic{Scope::Kind::kProvider, "222222"};
  EXPECT_EQ(db_->Statements(clinic, "", "")->rows.size(), 1u);
  EXPECT_EQ(db_->Statements(clinic, "111111", "")->rows.size(), 0u);
  auto runs = db_->Runs(clinic)->ToJson()["rows"][0];
  EXPECT_EQ(runs["amount_ore"], 200);
  EXPECT_EQ(runs["lines"], 1);
}

TEST_P(StorageTest, AuditLogIsAppendOnly) {
  ASSERT_TRUE(db_->Audit("2025-01-01T00:00:00Z", "rltn", "export", "lines").ok());
  auto c = db_->pool().Borrow();
  EXPECT_FALSE(c->Exec("UPDATE audit_log SET username = 'x'").ok());
  EXPECT_FALSE(c->Exec("DELETE FROM audit_log").ok());
  EXPECT_EQ(db_->AuditLog(10, 0)->total, 1);
}

TEST_P(StorageTest, UsersAndSessions) {
  ASSERT_TRUE(db_->CreateUser("rltn", "hash", "rltn", "", "2025-01-01T00:00:00Z").ok());
  EXPECT_FALSE(db_->CreateUser("rltn", "hash", "rltn", "", "2025-01-01T00:00:00Z").ok());
  auto u = db_->FindUser("rltn");
  ASSERT_TRUE(u.ok() && u->has_value());
  ASSERT_TRUE(db_->CreateSession("th", (*u)->id, "2025-01-01T00:00:00Z", "2025-01-02T00:00:00Z").ok());
  EXPECT_TRUE(db_->SessionUser("th", "2025-01-01T12:00:00Z")->has_value());
  EXPECT_FALSE(db_->SessionUser("th", "2025-01-03T00:00:00Z")->has_value());
  ASSERT_TRUE(db_->DeleteSession("th").ok());
  EXPECT_FALSE(db_->SessionUser("th", "2025-01-01T12:00:00Z")->has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends, StorageTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace almen
