// Lines stored as blocks (accepted) and rows (rejected, review): the reports
// read both exactly as they read the old one-row-per-line table. SQLite and a
// real PostgreSQL (skipped only when its binaries are absent).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "storage/storage.h"
#include "storage/testing_db.h"

namespace almen {
namespace {

namespace fs = std::filesystem;

class LinesStoreTest : public testing::DatabaseTest {
 protected:
  // Every line of Lines(filter), paged `page` at a time.
  std::vector<nlohmann::json> AllPaged(LineFilter f, int64_t page, int64_t* total) {
    std::vector<nlohmann::json> out;
    f.limit = page;
    for (f.offset = 0;; f.offset += page) {
      auto t = db_->Lines(Scope{}, f);
      EXPECT_TRUE(t.ok()) << t.status().message();
      if (!t.ok()) break;
      *total = t->total;
      auto j = t->ToJson();
      for (auto& r : j["rows"]) out.push_back(r);
      if (j["rows"].size() < static_cast<size_t>(page)) break;
    }
    return out;
  }

};

const char* kHeader = "claim_id,provider,service_date,code,status,amount_ore,rule,reason,paragraph\n";
const char* kStatements =
    "provider,month,item,code,count,amount_ore\n"
    "111111,2025-01,service,0101,3,300\n"
    "111111,2025-01,service,0120,1,50\n"
    "111111,2025-02,service,0101,1,100\n"
    "222222,2025-01,service,0101,1,100\n";

std::string Lines1() {
  return std::string(kHeader) +
         "a1,111111,2025-01-20,0101,accepted,100,,Honoreret efter takst.,OK25 pkt. 5.4\n"
         "a2,222222,2025-01-05,0101,accepted,100,,Honoreret efter takst.,OK25 pkt. 5.4\n"
         "a3,111111,2025-01-05,0120,review,50,0120.addon_review,Tillæg gennemses,§ 12 stk. 3\n"
         "a4,111111,2025-02-01,0101,accepted,100,chronic.enrol,\"Tilmeldt, kronikerforløb\",§ 5\n"
         "a5,111111,2025-01-05,0101,rejected,0,0101.twice,Allerede honoreret,§ 7\n"
         "a6,111111,2025-01-05,0101,accepted,100,,Honoreret efter takst.,OK25 pkt. 5.4\n"
         "a7,111111,2025-01-31,0101,accepted,100,,Honoreret efter takst.,OK25 pkt. 5.4\n";
}

TEST_P(LinesStoreTest, LinesKeepOrderPagingFiltersAndParagraph) {
  auto r = HandMadeRun("one", Lines1(), kStatements);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->lines, 7);
  int64_t total = 0;
  // Order: provider, service_date, run_id, seq — across blocks and flagged rows.
  for (int64_t page : {1, 2, 3, 100}) {
    auto all = AllPaged(LineFilter{}, page, &total);
    EXPECT_EQ(total, 7);
    std::vector<std::string> ids;
    for (auto& l : all) ids.push_back(l["claim_id"]);
    EXPECT_EQ(ids, (std::vector<std::string>{"a3", "a5", "a6", "a1", "a7", "a4", "a2"})) << "page " << page;
  }
  auto all = AllPaged(LineFilter{}, 100, &total);
  ASSERT_EQ(all.size(), 7u);
  EXPECT_EQ(all[0]["status"], "review");
  EXPECT_EQ(all[0]["paragraph"], "§ 12 stk. 3");
  EXPECT_EQ(all[0]["seq"], 3);
  EXPECT_EQ(all[2]["claim_id"], "a6");
  EXPECT_EQ(all[2]["service_date"], "2025-01-05");
  EXPECT_EQ(all[2]["status"], "accepted");
  EXPECT_EQ(all[2]["amount_ore"], 100);
  EXPECT_EQ(all[2]["reason"], "Honoreret efter takst.");
  EXPECT_EQ(all[2]["paragraph"], "OK25 pkt. 5.4");
  EXPECT_EQ(all[2]["run_id"], r->run_id);
  EXPECT_EQ(all[5]["reason"], "Tilmeldt, kronikerforløb");
  EXPECT_EQ(all[5]["rule"], "chronic.enrol");

  LineFilter f;
  f.status = "accepted";
  EXPECT_EQ(AllPaged(f, 2, &total).size(), 5u);
  EXPECT_EQ(total, 5);
  f = {};
  f.status = "rejected";
  EXPECT_EQ(AllPaged(f, 2, &total).size(), 1u);
  f = {};
  f.rule = "chronic.enrol";
  auto chronic = AllPaged(f, 2, &total);
  ASSERT_EQ(total, 1);
  EXPECT_EQ(chronic[0]["claim_id"], "a4");
  f = {};
  f.code = "0101";
  f.provider = "111111";
  f.month = "2025-01";
  auto jan = AllPaged(f, 2, &total);
  EXPECT_EQ(total, 4);  // a5 (rejected), a6, a1, a7
  f = {};
  f.run_id = r->run_id + 1;
  EXPECT_EQ(AllPaged(f, 2, &total).size(), 0u);
  EXPECT_EQ(total, 0);

  // Aggregates.
  auto ov = db_->Overview(Scope{}, "2025");
  ASSERT_TRUE(ov.ok());
  auto oj = ov->ToJson()["rows"];
  ASSERT_EQ(oj.size(), 2u);
  EXPECT_EQ(oj[0]["month"], "2025-01");
  EXPECT_EQ(oj[0]["accepted"], 4);
  EXPECT_EQ(oj[0]["rejected"], 1);
  EXPECT_EQ(oj[0]["review"], 1);
  EXPECT_EQ(oj[0]["lines_amount_ore"], 450);
  EXPECT_EQ(oj[1]["accepted"], 1);
  auto runs = db_->Runs(Scope{Scope::Kind::kProvider, "111111"});
  ASSERT_TRUE(runs.ok());
  auto rj = runs->ToJson()["rows"][0];
  EXPECT_EQ(rj["lines"], 6);
  EXPECT_EQ(rj["accepted"], 4);
  EXPECT_EQ(rj["rejected"], 1);
  EXPECT_EQ(rj["review"], 1);
  EXPECT_EQ(rj["amount_ore"], 450);
  auto all_runs = db_->Runs(Scope{})->ToJson()["rows"][0];
  EXPECT_EQ(all_runs["lines"], 7);
  EXPECT_EQ(all_runs["accepted"], 5);
  EXPECT_EQ(all_runs["amount_ore"], 550);
  auto rej = db_->Rejections(Scope{}, "");
  ASSERT_TRUE(rej.ok());
  EXPECT_EQ(rej->rows.size(), 2u);

  // ForEachLine sees every line once, with its paragraph.
  std::map<int64_t, StoredLine> seen;
  ASSERT_TRUE(db_->ForEachLine(r->run_id, [&](const StoredLine& l) {
                   seen[l.seq] = l;
                   return Status::Ok();
                 }).ok());
  ASSERT_EQ(seen.size(), 7u);
  EXPECT_EQ(seen[4].service_date, "2025-02-01");
  EXPECT_EQ(seen[4].paragraph, "§ 5");
  EXPECT_EQ(seen[3].status, "review");
  EXPECT_EQ(seen[3].paragraph, "§ 12 stk. 3");
}

// Sorting on the server (LineFilter::sort): across blocks and flagged rows,
// stable under every page size; only where no block must be decoded beyond
// the groups of the page (LineSortColumns); the claim filter.
TEST_P(LinesStoreTest, LinesSortOnTheServerWhereNoBlockIsDecodedInVain) {
  ASSERT_TRUE(HandMadeRun("one", Lines1(), kStatements).ok());
  auto ids = [&](LineFilter f) {
    std::vector<std::vector<std::string>> out;
    for (int64_t page : {1, 2, 3, 100}) {
      int64_t total = 0;
      std::vector<std::string> v;
      for (auto& l : AllPaged(f, page, &total)) v.push_back(l["claim_id"]);
      out.push_back(v);
    }
    for (size_t i = 1; i < out.size(); ++i) EXPECT_EQ(out[i], out[0]) << "sort " << f.sort << ", page size " << i;
    return out[0];
  };
  using V = std::vector<std::string>;
  LineFilter f;
  f.sort = "provider";
  EXPECT_EQ(ids(f), (V{"a3", "a5", "a6", "a1", "a7", "a4", "a2"}));
  f.sort = "-provider";
  EXPECT_EQ(ids(f), (V{"a2", "a3", "a5", "a6", "a1", "a7", "a4"}));
  f.provider = "111111";
  f.sort = "-service_date";
  EXPECT_EQ(ids(f), (V{"a4", "a7", "a1", "a6", "a5", "a3"}));
  f.month = "2025-01";
  f.sort = "amount_ore";
  EXPECT_EQ(ids(f), (V{"a5", "a3", "a6", "a1", "a7"}));
  f.sort = "-amount_ore";
  EXPECT_EQ(ids(f), (V{"a6", "a1", "a7", "a3", "a5"}));
  f.sort = "code";
  EXPECT_EQ(ids(f), (V{"a5", "a6", "a1", "a7", "a3"}));
  f.sort = "-code";
  EXPECT_EQ(ids(f), (V{"a3", "a5", "a6", "a1", "a7"}));
  f.sort = "status";
  EXPECT_EQ(ids(f), (V{"a6", "a1", "a7", "a5", "a3"}));
  f.sort = "-rule";
  EXPECT_EQ(ids(f), (V{"a3", "a5", "a6", "a1", "a7"}));
  // Rejected and review lines are rows: every column, in SQL.
  f = {};
  f.status = "review";
  f.sort = "-amount_ore";
  EXPECT_EQ(ids(f), (V{"a3"}));
  EXPECT_EQ(LineSortColumns(f).size(), 6u);
  // Accepted lines of all clinics by code would decode every block: refused.
  f = {};
  f.sort = "code";
  auto refused = db_->Lines(Scope{}, f);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(LineSortColumns(f), (V{"provider"}));
  f.provider = "111111";
  EXPECT_EQ(LineSortColumns(f), (V{"provider", "service_date"}));
  f.sort = "-service_date; DROP TABLE runs";
  EXPECT_FALSE(db_->Lines(Scope{}, f).ok());
  // A claim: in a block or a flagged row.
  f = {};
  f.claim = "a6";
  EXPECT_EQ(ids(f), (V{"a6"}));
  f.claim = "a5";
  EXPECT_EQ(ids(f), (V{"a5"}));
  f.status = "accepted";
  EXPECT_EQ(ids(f), (V{}));
}

TEST_P(LinesStoreTest, MigrationMovesOldLinesIntoBlocks) {
  ASSERT_TRUE(HandMadeRun("one", Lines1(), kStatements).ok());
  int64_t total = 0;
  auto before = AllPaged(LineFilter{}, 100, &total);
  // Back to the schema before 0006: the old table holding the same lines.
  {
    auto c = db_->pool().Borrow();
    ASSERT_TRUE(c->ExecScript(
                     "CREATE TABLE lines (run_id BIGINT NOT NULL, seq BIGINT NOT NULL, claim_id TEXT NOT NULL, "
                     "provider TEXT NOT NULL, service_date TEXT NOT NULL, month TEXT NOT NULL, code TEXT NOT NULL, "
                     "status TEXT NOT NULL, amount_ore BIGINT NOT NULL, rule TEXT NOT NULL, reason TEXT NOT NULL, "
                     "PRIMARY KEY (run_id, seq))")
                    .ok());
    for (const auto& l : before)
      ASSERT_TRUE(c->Exec("INSERT INTO lines VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
                          {l["run_id"].get<int64_t>(), l["seq"].get<int64_t>(), l["claim_id"].get<std::string>(),
                           l["provider"].get<std::string>(), l["service_date"].get<std::string>(),
                           l["service_date"].get<std::string>().substr(0, 7), l["code"].get<std::string>(),
                           l["status"].get<std::string>(), l["amount_ore"].get<int64_t>(),
                           l["rule"].get<std::string>(), l["reason"].get<std::string>()})
                      .ok());
    ASSERT_TRUE(c->ExecScript("DROP TABLE line_blocks; DROP TABLE flagged_lines; "
                              "DELETE FROM schema_migrations WHERE version = 6")
                    .ok());
  }
  db_.reset();
  auto s = Storage::Open(url_);
  ASSERT_TRUE(s.ok()) << s.status().message();
  db_ = std::move(*s);
  auto after = AllPaged(LineFilter{}, 3, &total);
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i) {
    // The old table had no paragraph.
    auto b = before[i];
    b["paragraph"] = "";
    EXPECT_EQ(after[i], b) << i;
  }
  auto c = db_->pool().Borrow();
  EXPECT_FALSE(c->Query("SELECT 1 FROM lines").ok());  // dropped
}

INSTANTIATE_TEST_SUITE_P(Backends, LinesStoreTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace almen
