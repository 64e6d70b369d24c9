// Storage tests, run against SQLite and against a real PostgreSQL server
// started by the test (skipped only when the PostgreSQL binaries are absent).
#include "storage/storage.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "storage/testing_db.h"

namespace almen {

const std::vector<std::pair<std::string_view, std::string_view>>& MigrationFiles();
namespace {

namespace fs = std::filesystem;

class StorageTest : public testing::DatabaseTest {};

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
  auto r = HandMadeRun("a", kLines1, kStatements1);
  ASSERT_TRUE(r.ok()) << r.status().message();
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
  auto r = HandMadeRun("a", kLines1, kStatements1);
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

TEST_P(StorageTest, ScopesFilterByRegionAndProvider) {
  ASSERT_TRUE(db_->pool().Borrow()->Exec(
                      "INSERT INTO providers (provider, name, municipality_code, region_code, clinic_type, capacities, "
                      "lto, valid_from, valid_to) VALUES ('111111','Klinik Nord','0101','1084','ordinary',1,0,"
                      "'2020-01-01',''), ('222222','Klinik Vest','0751','1082','ordinary',2,1,'2020-01-01','')")
                  .ok());
  ASSERT_TRUE(HandMadeRun("a",
                          "claim_id,provider,service_date,code,status,amount_ore,rule,reason\n"
                          "c1,111111,2025-01-10,0101,accepted,100,,\n"
                          "c2,222222,2025-01-10,0101,accepted,200,,\n",
                          "provider,month,item,code,count,amount_ore\n"
                          "111111,2025-01,service,0101,1,100\n"
                          "222222,2025-01,service,0101,1,200\n")
                  .ok());
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
