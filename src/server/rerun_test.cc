// Re-run and diff through the API (issue 4), with the real settlement engine
// on a small generated data set: a run replayed under its own agreement
// changes nothing; under a corrected agreement (the 0101 fee) exactly the
// affected lines and statement rows change, with their rule and paragraph;
// roles; the kept inputs are sealed (no CPR in the database).
// SQLite (label `server`) and a real PostgreSQL started by the test.
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/file.h"
#include "server/app.h"
#include "storage/reruns.h"
#include "storage/storage.h"
#include "storage/testing_pg.h"

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

class RerunTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    auto a = Agreement::LoadBuiltin();
    ASSERT_TRUE(a.ok()) << a.status().message();
    builtin_ = new Agreement(std::move(*a));
    auto c = CorrectedAgreement(*builtin_);
    ASSERT_TRUE(c.ok()) << c.status().message();
    corrected_ = new Agreement(std::move(*c));
  }

  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("almen-rerun-test-" + std::to_string(getpid()) + "-" + std::to_string(n_++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    if (GetParam() == "sqlite") {
      options_.db = (dir_ / "almen.db").string();
    } else {
      std::string why;
      auto* pg = testing::TestPostgres::Get(&why);
      if (!pg) GTEST_SKIP() << why;
      options_.db = pg->NewDatabase();
    }
    options_.demo_lines = 3000;
    options_.fast_password_hash = true;
    options_.threads = 4;
    Start(*builtin_);
  }

  void Start(const Agreement& agreement) {
    Stop();
    auto app = App::Create(agreement, options_, Pipeline::Default());
    ASSERT_TRUE(app.ok()) << app.status().message();
    app_ = std::move(*app);
    ASSERT_TRUE(app_->Bootstrap().ok());
    auto port = app_->Bind("127.0.0.1", 0);
    ASSERT_TRUE(port.ok());
    port_ = *port;
    listener_ = std::thread([this] { app_->Listen(); });
  }
  void Stop() {
    if (app_) app_->Stop();
    if (listener_.joinable()) listener_.join();
    app_.reset();
  }
  void TearDown() override {
    Stop();
    fs::remove_all(dir_);
  }

  httplib::Client Client() { return httplib::Client("127.0.0.1", port_); }
  std::string Login(const std::string& user) {
    auto r = Client().Post("/api/login", json{{"username", user}, {"password", user}}.dump(), "application/json");
    EXPECT_TRUE(r && r->status == 200) << user;
    if (!r) return "";
    std::string sc = r->get_header_value("Set-Cookie");
    return sc.substr(0, sc.find(';'));
  }
  json GetJson(const std::string& cookie, const std::string& path, int expect = 200) {
    auto r = Client().Get(path.c_str(), httplib::Headers{{"Cookie", cookie}});
    EXPECT_TRUE(r);
    if (!r) return {};
    EXPECT_EQ(r->status, expect) << path << ": " << r->body;
    return json::parse(r->body, nullptr, false);
  }
  // Starts a re-run and waits for its job; returns the job.
  json Rerun(const std::string& cookie, int64_t run, const std::string& mode, int expect = 202) {
    auto r = Client().Post(("/api/settlements/" + std::to_string(run) + "/rerun?agreement=" + mode).c_str(),
                           httplib::Headers{{"Cookie", cookie}}, "", "text/plain");
    EXPECT_TRUE(r);
    if (!r) return {};
    EXPECT_EQ(r->status, expect) << r->body;
    if (r->status != 202) return json::parse(r->body, nullptr, false);
    int64_t id = json::parse(r->body)["job_id"];
    for (int i = 0; i < 1500; ++i) {
      json j = GetJson(cookie, "/api/jobs/" + std::to_string(id));
      if (j["state"] == "done" || j["state"] == "failed") return j;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "re-run job did not finish";
    return {};
  }

  static inline Agreement* builtin_ = nullptr;
  static inline Agreement* corrected_ = nullptr;
  static inline int n_ = 0;
  ServeOptions options_;
  fs::path dir_;
  std::unique_ptr<App> app_;
  std::thread listener_;
  int port_ = 0;
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
  EXPECT_EQ(r1["before_agreement_version"], builtin_->version());
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
