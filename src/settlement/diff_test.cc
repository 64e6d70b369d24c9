#include "settlement/diff.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <vector>

namespace almen {
namespace {

namespace fs = std::filesystem;

// The files a test wrote, removed when the test binary ends.
struct WrittenFiles {
  std::vector<fs::path> paths;
  ~WrittenFiles() {
    std::error_code ec;
    for (const auto& p : paths) fs::remove(p, ec);
  }
};
WrittenFiles written;

std::string Write(const std::string& name, const std::string& content) {
  fs::path p = fs::temp_directory_path() / ("almen-diff-" + std::to_string(::getpid()) + "-" + name);
  std::ofstream(p, std::ios::binary) << content;
  written.paths.push_back(p);
  return p.string();
}

const char* kHeader = "claim_id,provider,service_date,code,status,amount_ore,rule,reason,paragraph\n";

TEST(LineDiff, ReportsChangedLinesWithTheNewRuleAndWhy) {
  std::string before = Write("b.csv", std::string(kHeader) +
                                          "c1,111111,2025-01-02,0101,accepted,17288,,,§ 1\n"
                                          "c2,111111,2025-01-02,0120,accepted,15000,,,§ 2\n"
                                          "c3,111111,2025-01-03,0101,rejected,0,claim.duplicate,dup,\n"
                                          "c4,111111,2025-01-04,0101,accepted,17288,,,\n");
  std::string after = Write("a.csv", std::string(kHeader) +
                                         "c1,111111,2025-01-02,0101,accepted,17500,,,§ 1\n"
                                         "c2,111111,2025-01-02,0120,rejected,0,0120.not_with_0101,\"Ikke sammen, § 2\",§ 2\n"
                                         "c3,111111,2025-01-03,0101,accepted,17288,,,\n"
                                         "c4,111111,2025-01-04,0101,accepted,17288,,,\n");
  LineDiff d;
  ASSERT_TRUE(d.LoadBeforeCsv(before).ok());
  d.set_reapply_duplicates(true);
  // The views of a LineChange are valid during the callback only: keep copies.
  struct Copy {
    int64_t seq, before_amount_ore, after_amount_ore;
    std::string before_status, after_status, after_rule;
  };
  std::vector<Copy> changes;
  std::vector<std::string> reasons;
  ASSERT_TRUE(d.CompareAfterCsv(after, [&](const LineChange& c) {
                 changes.push_back({c.seq, c.before_amount_ore, c.after_amount_ore, std::string(c.before_status),
                                    std::string(c.after_status), std::string(c.after_rule)});
                 reasons.emplace_back(c.after_reason);
                 return Status::Ok();
               }).ok());
  ASSERT_EQ(changes.size(), 2u);  // c3 stays a duplicate; c4 unchanged
  EXPECT_EQ(changes[0].seq, 1);
  EXPECT_EQ(changes[0].before_amount_ore, 17288);
  EXPECT_EQ(changes[0].after_amount_ore, 17500);
  EXPECT_EQ(changes[1].seq, 2);
  EXPECT_EQ(changes[1].before_status, "accepted");
  EXPECT_EQ(changes[1].after_status, "rejected");
  EXPECT_EQ(changes[1].after_rule, "0120.not_with_0101");
  EXPECT_EQ(reasons[1], "Ikke sammen, § 2");
  auto s = d.SummaryJson();
  EXPECT_EQ(s["lines_compared"], 4);
  EXPECT_EQ(s["changed"], 2);
  EXPECT_EQ(s["status_changed"], 1);
  EXPECT_EQ(s["amount_before_ore"], 17288 + 15000 + 17288);
  EXPECT_EQ(s["amount_after_ore"], 17500 + 17288);
  EXPECT_EQ(s["delta_ore"], 17500 - 17288 - 15000);
  // The duplicate re-applied: the after statement must drop c3 again.
  const auto& adj = d.statement_adjustments();
  ASSERT_EQ(adj.size(), 1u);
  EXPECT_EQ(adj.begin()->second.count, 1);
  EXPECT_EQ(adj.begin()->second.amount_ore, 17288);
}

TEST(LineDiff, CountsLinesOnOneSideOnly) {
  LineDiff d;
  d.AddBefore(1, "accepted", 100, "");
  d.AddBefore(2, "accepted", 100, "");
  d.AddBefore(3, "accepted", 100, "");
  std::string after = Write("a2.csv", std::string(kHeader) + "c1,1,2025-01-01,0101,accepted,100,,,\n");
  ASSERT_TRUE(d.CompareAfterCsv(after, [](const LineChange&) { return Status::Ok(); }).ok());
  auto s = d.SummaryJson();
  EXPECT_EQ(s["changed"], 0);
  EXPECT_EQ(s["lines_only_before"], 2);
}

TEST(DiffStatements, OnlyRowsThatDiffer) {
  std::map<StatementKey, StatementCell> before = {{{"1", "2025-01", "service", "0101"}, {2, 200}},
                                                  {{"1", "2025-01", "service", "0120"}, {1, 150}},
                                                  {{"1", "2025-02", "basishonorar", ""}, {1, 999}}};
  std::map<StatementKey, StatementCell> after = {{{"1", "2025-01", "service", "0101"}, {3, 300}},
                                                 {{"1", "2025-02", "basishonorar", ""}, {1, 999}},
                                                 {{"2", "2025-01", "service", "0101"}, {1, 100}}};
  std::map<StatementKey, StatementCell> adjust = {{{"1", "2025-01", "service", "0101"}, {1, 100}}};
  auto changes = DiffStatements(before, after, adjust);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(std::get<3>(changes[0].key), "0120");
  EXPECT_EQ(changes[0].after.count, 0);
  EXPECT_EQ(std::get<0>(changes[1].key), "2");
}

}  // namespace
}  // namespace almen
