// Re-run and diff through the API (issue 4), with the real settlement engine
// on a small generated data set: a run replayed under its own agreement
// changes nothing; under a corrected agreement (the 0101 fee) exactly the
// affected lines and statement rows change, with their rule and paragraph;
// roles; the kept inputs are sealed (no CPR in the database).
// SQLite (label `server`) and a real PostgreSQL started by the test.
#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include <nlohmann/json.hpp>

#include "common/date.h"
#include "common/file.h"
#include "server/testing_server.h"
#include "storage/reruns.h"
#include "storage/storage.h"

namespace almen {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// The built-in agreement with the 2025 fee of 0101 raised by 1,00 kr.
StatusOr<Agreement> CorrectedAgreement(const Agreement& a) {
  auto files = a.files();
  std::string& fees = files.at("fees.csv");
  const std::string from = "0101,Konsultation,consultation,17753,", to = "0101,Konsultation,consultation,17853,";
  auto p = fees.find(from);
  if (p == std::string::npos) return Internal("fees.csv: the 2025 row of 0101 was not found");
  fees.replace(p, from.size(), to);
  return Agreement::LoadFiles(std::move(files), "corrected");
}
class RerunTest : public testing::InProcessServerTest {
 protected:
  RerunTest() : InProcessServerTest("rerun-test", Pipeline::Default()) { options_.demo_lines = 3000; }

  static void SetUpTestSuite() {
    LoadAgreement(/*honour_env_dir=*/false);
    if (!agreement_) return;
    auto c = CorrectedAgreement(*agreement_);
    ASSERT_TRUE(c.ok()) << c.status().message();
    corrected_ = new Agreement(std::move(*c));
  }

  // Starts a re-run and waits for its job; returns the job.
  json Rerun(const std::string& cookie, int64_t run, const std::string& mode, int expect = 202) {
    auto r = Client().Post(("/api/settlements/" + std::to_string(run) + "/rerun?agreement=" + mode).c_str(),
                           httplib::Headers{{"Cookie", cookie}}, "", "text/plain");
    EXPECT_TRUE(r);
    if (!r) return {};
    EXPECT_EQ(r->status, expect) << r->body;
    if (r->status != 202) return json::parse(r->body, nullptr, false);
    return WaitForJob(cookie, json::parse(r->body)["job_id"].get<int64_t>(), 1500, "re-run job");
  }

  static inline Agreement* corrected_ = nullptr;
};

TEST_P(RerunTest, ReplayChangesNothingAndACorrectedFeeChangesExactlyItsLines) {
  std::string rltn = Login("rltn");
  json run = GetJson(rltn, "/api/settlements/1");
  ASSERT_EQ(run["rerunnable"], true) << run.dump();
  EXPECT_NE(std::find(run["kept_inputs"].begin(), run["kept_inputs"].end(), "claims"), run["kept_inputs"].end());

  // Under its own agreement: identical.
  json job = Rerun(rltn, 1, "original");
  ASSERT_EQ(job["state"], "done") << job.dump();
  const int64_t same = job["rerun_id"];
  json r0 = GetJson(rltn, "/api/reruns/" + std::to_string(same));
  EXPECT_EQ(r0["changed"], 0) << r0.dump();
  EXPECT_EQ(r0["statement_rows_changed"], 0);
  EXPECT_EQ(r0["lines"], 3000);
  EXPECT_EQ(r0["amount_before_ore"], r0["amount_after_ore"]);

  // The server restarted with a corrected agreement (0101 + 1,00 kr. in 2025).
  Start(*corrected_);
  rltn = Login("rltn");
  job = Rerun(rltn, 1, "current");
  ASSERT_EQ(job["state"], "done") << job.dump();
  const int64_t id = job["rerun_id"];
  json r1 = GetJson(rltn, "/api/reruns/" + std::to_string(id));
  ASSERT_GT(r1["changed"].get<int64_t>(), 0) << r1.dump();
  EXPECT_EQ(r1["after_agreement_version"], corrected_->version());
  EXPECT_EQ(r1["before_agreement_version"], agreement_->version());
  json lines = GetJson(rltn, "/api/reruns/" + std::to_string(id) + "/lines?limit=100000");
  ASSERT_EQ(lines["total"], r1["changed"]);
  int64_t line_delta = 0;
  for (const auto& l : lines["rows"]) {
    EXPECT_EQ(l["code"], "0101") << l.dump();
    EXPECT_EQ(l["before_status"], l["after_status"]);
    EXPECT_GT(l["after_amount_ore"].get<int64_t>(), l["before_amount_ore"].get<int64_t>());
    line_delta += l["after_amount_ore"].get<int64_t>() - l["before_amount_ore"].get<int64_t>();
  }
  EXPECT_EQ(r1["amount_after_ore"].get<int64_t>() - r1["amount_before_ore"].get<int64_t>(), line_delta);
  json st = GetJson(rltn, "/api/reruns/" + std::to_string(id) + "/statements");
  int64_t st_delta = 0;
  for (const auto& s : st["rows"]) {
    EXPECT_EQ(s["item"], "service");
    EXPECT_EQ(s["code"], "0101");
    EXPECT_EQ(s["before_count"], s["after_count"]);
    st_delta += s["delta_ore"].get<int64_t>();
  }
  EXPECT_EQ(st_delta, line_delta);
  EXPECT_EQ(GetJson(rltn, "/api/reruns?run_id=1")["rows"].size(), 2u);
  // The stored run itself is untouched.
  EXPECT_EQ(GetJson(rltn, "/api/settlements/1")["amount_ore"], run["amount_ore"]);

  // Replaying under the run's own (no longer current) agreement: loaded from
  // the stored agreement data set, again nothing changes.
  job = Rerun(rltn, 1, "original");
  ASSERT_EQ(job["state"], "done") << job.dump();
  EXPECT_EQ(GetJson(rltn, "/api/reruns/" + std::to_string(job["rerun_id"].get<int64_t>()))["changed"], 0);

  // Roles: only rltn starts re-runs; plo sees no line rows; a region sees its
  // own clinics' changes only.
  std::string plo = Login("plo"), region = Login("region-hovedstaden");
  Rerun(plo, 1, "current", 403);
  Rerun(region, 1, "current", 403);
  GetJson(plo, "/api/reruns/" + std::to_string(id) + "/lines", 403);
  std::set<std::string> own;
  const json statements = GetJson(region, "/api/statements");
  for (const auto& p : statements["rows"]) own.insert(p["provider"].get<std::string>());
  json mine = GetJson(region, "/api/reruns/" + std::to_string(id) + "/lines?limit=100000");
  ASSERT_FALSE(own.empty());
  for (const auto& l : mine["rows"]) EXPECT_TRUE(own.count(l["provider"].get<std::string>())) << l.dump();
  EXPECT_GT(mine["total"].get<int64_t>(), 0);
  EXPECT_LT(mine["total"].get<int64_t>(), lines["total"].get<int64_t>());
  json mine_summary = GetJson(region, "/api/reruns/" + std::to_string(id));
  EXPECT_EQ(mine_summary["changed"], mine["total"]);
  EXPECT_TRUE(mine_summary["lines"].is_null());
  EXPECT_FALSE(mine_summary.contains("summary"));
  Rerun(rltn, 1, "sideways", 400);
  Rerun(rltn, 99, "current", 404);
}

TEST_P(RerunTest, ASanctionRegisteredAfterTheRunShowsInARerunWithTheStoredRegisters) {
  std::string rltn = Login("rltn");
  // The clinic with most lines, and a suspension (d) over the whole year.
  const json st = GetJson(rltn, "/api/statements");
  std::map<std::string, int64_t> count;
  for (const auto& r : st["rows"])
    if (r["item"] == "service") count[r["provider"].get<std::string>()] += r["count"].get<int64_t>();
  ASSERT_FALSE(count.empty());
  auto top = std::max_element(count.begin(), count.end(), [](auto& a, auto& b) { return a.second < b.second; });
  const std::string provider = top->first;
  // Its latest fixed-doctor attachment start, if any.
  std::string attached_from;
  {
    auto db = Storage::Open(options_.db, 1);
    ASSERT_TRUE(db.ok());
    auto rows = (*db)->pool().Borrow()->Query("SELECT COALESCE(MAX(from_date), '') FROM attachments WHERE provider = $1",
                                              {provider});
    ASSERT_TRUE(rows.ok());
    attached_from = (*rows)[0].Str(0);
  }
  auto sanction = [&](const std::string& from) {
    return Client().Post("/api/sanctions", httplib::Headers{{"Cookie", rltn}},
                         json{{"doctor_id", "L1"},
                              {"provider", provider},
                              {"kind", "d"},
                              {"decided", "2024-12-01"},
                              {"from_date", from},
                              {"to_date", "2026-01-01"}}
                             .dump(),
                         "application/json");
  };
  // A suspension covering the start of an attachment the clinic holds is
  // refused (the register would no longer be valid), nothing registered.
  std::string from = "2025-01-01";
  if (!attached_from.empty() && attached_from >= "2025-01-01") {
    auto refused = sanction(from);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 409) << refused->body;
    EXPECT_NE(refused->body.find("tilknyt"), std::string::npos) << refused->body;
    EXPECT_EQ(GetJson(rltn, "/api/sanctions")["rows"].size(), 0u);
    // From the day after that attachment starts.
    from = Date::Parse(attached_from)->AddDays(1).ToIso();
  }
  auto post = sanction(from);
  ASSERT_TRUE(post);
  ASSERT_EQ(post->status, 201) << post->body;

  // With the kept registers: nothing changes (the sanction is not in them).
  json job = Rerun(rltn, 1, "current");
  ASSERT_EQ(job["state"], "done") << job.dump();
  EXPECT_EQ(GetJson(rltn, "/api/reruns/" + std::to_string(job["rerun_id"].get<int64_t>()))["changed"], 0);

  // With the registers as stored now: that clinic's paid lines are stopped.
  // (A suspended doctor may not hold a botilbud attachment, so the stored
  // register would be refused: a corrected, empty attachments file replaces it.)
  httplib::MultipartFormDataItems files = {
      {"attachments", "botilbud_id,section,provider,from_date,to_date\n", "attachments.csv", "text/csv"}};
  auto r = Client().Post("/api/settlements/1/rerun?agreement=current&registers=stored",
                         httplib::Headers{{"Cookie", rltn}}, files);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 202) << r->body;
  int64_t job_id = json::parse(r->body)["job_id"];
  job = WaitForJob(rltn, job_id, 1500, "re-run job");
  ASSERT_EQ(job["state"], "done") << job.dump();
  const int64_t id = job["rerun_id"];
  json sum = GetJson(rltn, "/api/reruns/" + std::to_string(id));
  ASSERT_GT(sum["changed"].get<int64_t>(), 0);
  EXPECT_EQ(sum["summary"]["inputs"]["registers"], "stored");
  EXPECT_EQ(sum["summary"]["inputs"]["replaced"], json::array({"attachments"}));
  json lines = GetJson(rltn, "/api/reruns/" + std::to_string(id) + "/lines?limit=100000&provider=" + provider);
  ASSERT_GT(lines["total"].get<int64_t>(), 0);
  int64_t stopped = 0;
  for (const auto& l : lines["rows"]) {
    // Lines before the suspension may change with the removed attachments.
    if (l["service_date"].get<std::string>() < from) continue;
    if (l["before_status"] == "rejected") continue;  // already rejected for another reason
    ++stopped;
    EXPECT_EQ(l["after_status"], "rejected");
    EXPECT_EQ(l["after_rule"], "sanction.suspended");
    EXPECT_EQ(l["after_amount_ore"], 0);
  }
  EXPECT_GT(stopped, 0);
  EXPECT_LT(sum["amount_after_ore"].get<int64_t>(), sum["amount_before_ore"].get<int64_t>());
  // A claim file cannot be replaced, and a bad registers value is refused.
  httplib::MultipartFormDataItems items = {{"claims", "x\n", "claims.csv", "text/csv"}};
  auto bad = Client().Post("/api/settlements/1/rerun", httplib::Headers{{"Cookie", rltn}}, items);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  auto bad2 = Client().Post("/api/settlements/1/rerun?registers=some", httplib::Headers{{"Cookie", rltn}}, "",
                            "text/plain");
  ASSERT_TRUE(bad2);
  EXPECT_EQ(bad2->status, 400);
}

TEST_P(RerunTest, KeptInputsAreSealed) {
  if (GetParam() != "sqlite") GTEST_SKIP() << "the database file is inspected on SQLite";
  Stop();
  // Open the inputs with the deployment's key: they hold CPR numbers…
  auto db = Storage::Open(options_.db);
  ASSERT_TRUE(db.ok());
  auto rows = (*db)->pool().Borrow()->Query("SELECT claims_sha256 FROM runs WHERE id = 1");
  ASSERT_TRUE(rows.ok() && rows->size() == 1);
  auto ps = Pseudonymizer::FromEnvironment();
  ASSERT_TRUE(ps.ok());
  fs::create_directories(dir_ / "open");
  auto inputs = UnsealInputs(**db, (*rows)[0].Str(0), ps->archive_key(), (dir_ / "open").string());
  ASSERT_TRUE(inputs.ok()) << inputs.status().message();
  auto claims = ReadFile((dir_ / "open" / "claims.csv").string());
  ASSERT_TRUE(claims.ok());
  std::smatch m;
  std::string text = *claims;
  ASSERT_TRUE(std::regex_search(text, m, std::regex(R"(,(\d{6}-?\d{4}),)")));
  const std::string cpr = m[1];
  // …which appear nowhere in the database file, and a wrong key opens nothing.
  db->reset();
  auto bytes = ReadFile(options_.db);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(bytes->find(cpr), std::string::npos);
  auto db2 = Storage::Open(options_.db);
  ASSERT_TRUE(db2.ok());
  fs::create_directories(dir_ / "wrong");
  EXPECT_FALSE(UnsealInputs(**db2, (*rows)[0].Str(0), Pseudonymizer("another key").archive_key(),
                            (dir_ / "wrong").string())
                   .ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, RerunTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace almen
