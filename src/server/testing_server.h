// Test helper: the in-process server fixture of the API tests. Each test gets
// its own temporary directory and database, SQLite or a fresh database on the
// throw-away PostgreSQL of storage/testing_pg.h (the test parameter, "sqlite"
// or "postgres": the CTest filters `*sqlite*` / `*postgres*` rely on these
// names), and an App listening on a free loopback port in a thread of its own.
// Also a small fake generator and settlement engine, so that the tests pin the
// server's behaviour, not the engine's. Header-only; tests only.
//
// Example:
//   class MyTest : public testing::InProcessServerTest {
//    protected:
//     MyTest() : InProcessServerTest("my-test") {}
//   };
//   TEST_P(MyTest, Health) { EXPECT_EQ(GetJson(Login("rltn"), "/api/me")["username"], "rltn"); }
//   INSTANTIATE_TEST_SUITE_P(Backends, MyTest, ::testing::Values("sqlite", "postgres"),
//                            [](const auto& p) { return p.param; });
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <tuple>
#include <utility>

#include <nlohmann/json.hpp>

#include "common/csv.h"
#include "common/file.h"
#include "server/app.h"
#include "storage/testing_pg.h"

namespace almen::testing {

inline void WriteTestFile(const std::filesystem::path& p, const std::string& s) {
  std::ofstream(p, std::ios::binary) << s;
}

// Three clinics in three regions: 111111 København (1084), 222222 Aarhus
// (1082), 333333 Odense (1083); line i goes to clinic i % 3 in 2025-0(1 + i % 3)
// for patient i and is a 0120 in lægevagt (rejected: 0120.not_out_of_hours)
// when i % 5 == 0, else a 0101 (177,53 kr. in 2025). Two botilbud (Valby,
// Aarhus). The real engine settles it (ledger/ledger.h).
inline Status FakeGenerate(const GenerateOptions& o, GenerateSummary* s) {
  namespace fs = std::filesystem;
  fs::create_directories(o.out_dir);
  const char* providers[] = {"111111", "222222", "333333"};
  std::string claims = "claim_id,provider,cpr,service_date,code,setting\n";
  for (int64_t i = 0; i < o.lines; ++i) {
    char cpr[16];
    std::snprintf(cpr, sizeof cpr, "%02d%02d80%04d", static_cast<int>(1 + i % 28), static_cast<int>(1 + (i / 28) % 12),
                  static_cast<int>(1000 + i % 9000));
    claims += "d" + std::to_string(i) + "," + providers[i % 3] + "," + cpr + ",2025-0" + std::to_string(1 + i % 3) +
              "-15," + (i % 5 == 0 ? "0120,out_of_hours" : "0101,clinic") + "\n";
  }
  WriteTestFile(fs::path(o.out_dir) / "claims.csv", claims);
  WriteTestFile(fs::path(o.out_dir) / "providers.csv",
                "provider,name,municipality_code,clinic_type,capacities,lto,valid_from,valid_to\n"
                "111111,Lægerne i Valby,0101,ordinary,2,0,2020-01-01,\n"
                "222222,Aarhus Lægehus,0751,ordinary,3,0,2020-01-01,\n"
                "333333,Odense Klinik,0461,ordinary,1,1,2020-01-01,\n");
  WriteTestFile(fs::path(o.out_dir) / "botilbud.csv",
                "botilbud_id,name,municipality_code,paragraph,places,operator,section,residents\n"
                "B1,Bostedet Valby,0101,SEL108,20,municipal,A,20\n"
                "B2,Bostedet Aarhus,0751,SEL108,40,municipal,A,35\n");
  s->claim_lines = o.lines;
  return Status::Ok();
}

// Settles `o.claims_path` into `out`: pays every line 100,00 kr., rejects 0120
// (as if in lægevagt); one `service` statement row per (provider, month, code).
// `extra_statement_rows` (CSV rows, each ending in "\n") come first.
inline Status FakeSettleClaims(const SettleOptions& o, const std::string& out,
                               const std::string& extra_statement_rows = "") {
  namespace fs = std::filesystem;
  using json = nlohmann::json;
  ALMEN_ASSIGN_OR_RETURN(std::string text, ReadFile(o.claims_path));
  ALMEN_ASSIGN_OR_RETURN(CsvReader r, CsvReader::Open("claims.csv", text));
  ALMEN_RETURN_IF_ERROR(r.RequireColumns({"claim_id", "provider", "service_date", "code"}));
  int ci = r.Column("claim_id"), cp = r.Column("provider"), cd = r.Column("service_date"), cc = r.Column("code");
  std::string lines = "claim_id,provider,service_date,code,status,amount_ore,rule,reason\n";
  std::map<std::tuple<std::string, std::string, std::string>, std::pair<int64_t, int64_t>> st;
  int64_t n = 0;
  while (true) {
    ALMEN_ASSIGN_OR_RETURN(bool more, r.Next());
    if (!more) break;
    ++n;
    std::string code(r.field(cc)), date(r.field(cd)), provider(r.field(cp));
    bool rej = code == "0120";
    lines += std::string(r.field(ci)) + "," + provider + "," + date + "," + code + "," +
             (rej ? "rejected,0,0120.not_out_of_hours,Årsstatus betales ikke i lægevagt (Bilag 3)." : "accepted,10000,,") +
             "\n";
    if (!rej) {
      auto& a = st[{provider, date.substr(0, 7), code}];
      a.first += 1;
      a.second += 10000;
    }
  }
  std::string statements = "provider,month,item,code,count,amount_ore\n" + extra_statement_rows;
  for (const auto& [k, v] : st)
    statements += std::get<0>(k) + "," + std::get<1>(k) + ",service," + std::get<2>(k) + "," +
                  std::to_string(v.first) + "," + std::to_string(v.second) + "\n";
  fs::create_directories(out);
  WriteTestFile(fs::path(out) / "lines.csv", lines);
  WriteTestFile(fs::path(out) / "statements.csv", statements);
  WriteTestFile(fs::path(out) / "summary.json",
                json{{"lines", n}, {"agreement", {{"version", "ok25@test"}, {"hash", "test"}}}}.dump());
  return Status::Ok();
}

// FakeSettleClaims as a Pipeline's settle step.
inline Status FakeSettle(const Agreement&, const Pseudonymizer&, const SettleOptions& o, const std::string& out,
                         SettleSummary*) {
  return FakeSettleClaims(o, out);
}

// The fixture. The test parameter names the database: "sqlite" or "postgres"
// (skipped when PostgreSQL is not available). SetUp starts the server with
// agreement_ (loaded once per suite by SetUpTestSuite) and the pipeline given
// to the constructor; a derived fixture may change options_ in its
// constructor (the defaults: 30 demo lines, fast password hashes, 4 threads).
class InProcessServerTest : public ::testing::TestWithParam<std::string> {
 protected:
  using json = nlohmann::json;

  // `name` names the temporary directory (almen-<name>-<pid>-<n>).
  explicit InProcessServerTest(std::string name, Pipeline pipeline = Pipeline{FakeGenerate, FakeSettle})
      : name_(std::move(name)), pipeline_(std::move(pipeline)) {
    options_.demo_lines = 30;
    options_.fast_password_hash = true;
    options_.threads = 4;
  }

  // The built-in agreement, or with `honour_env_dir` the data set in
  // ALMEN_TEST_AGREEMENT_DIR when set (e.g. while a shared file is being edited).
  static void LoadAgreement(bool honour_env_dir) {
    const char* dir = honour_env_dir ? std::getenv("ALMEN_TEST_AGREEMENT_DIR") : nullptr;
    auto a = dir ? Agreement::LoadDirectory(dir) : Agreement::LoadBuiltin();
    ASSERT_TRUE(a.ok()) << a.status().message();
    agreement_ = new Agreement(std::move(*a));
  }
  static void SetUpTestSuite() { LoadAgreement(false); }

  void SetUp() override {
    namespace fs = std::filesystem;
    dir_ = fs::temp_directory_path() / ("almen-" + name_ + "-" + std::to_string(getpid()) + "-" + std::to_string(n_++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    options_.work_dir = (dir_ / "work").string();
    if (GetParam() == "sqlite") {
      options_.db = (dir_ / "almen.db").string();
    } else {
      std::string why;
      auto* pg = TestPostgres::Get(&why);
      if (!pg) GTEST_SKIP() << why;
      options_.db = pg->NewDatabase();
    }
    Start();
  }

  void TearDown() override {
    Stop();
    std::filesystem::remove_all(dir_);
  }

  // (Re)starts the server on options_.db with `agreement` (default agreement_).
  void Start() { Start(*agreement_); }
  void Start(const Agreement& agreement) {
    Stop();
    auto app = App::Create(agreement, options_, pipeline_);
    ASSERT_TRUE(app.ok()) << app.status().message();
    app_ = std::move(*app);
    ASSERT_TRUE(app_->Bootstrap().ok());
    auto port = app_->Bind("127.0.0.1", 0);
    ASSERT_TRUE(port.ok());
    port_ = *port;
    listener_ = std::thread([this] { app_->Listen(); });
  }

  // Stops the server and closes its database.
  void Stop() {
    if (app_) app_->Stop();
    if (listener_.joinable()) listener_.join();
    app_.reset();
  }

  httplib::Client Client() { return httplib::Client("127.0.0.1", port_); }
  // The server's own origin, as a browser on its pages sends it with every POST.
  std::string Origin() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Logs in (password = user name unless given) and returns the Cookie header value.
  std::string Login(const std::string& user, const std::string& password = "") {
    auto c = Client();
    auto r = c.Post("/api/login", json{{"username", user}, {"password", password.empty() ? user : password}}.dump(),
                    "application/json");
    EXPECT_TRUE(r) << "no response";
    if (!r) return "";
    EXPECT_EQ(r->status, 200) << user << ": " << r->body;
    std::string sc = r->get_header_value("Set-Cookie");
    EXPECT_NE(sc.find("HttpOnly"), std::string::npos);
    return sc.substr(0, sc.find(';'));
  }

  httplib::Result Get(const std::string& cookie, const std::string& path) {
    auto c = Client();
    return c.Get(path.c_str(), httplib::Headers{{"Cookie", cookie}});
  }
  json GetJson(const std::string& cookie, const std::string& path, int expect = 200) {
    auto r = Get(cookie, path);
    EXPECT_TRUE(r);
    if (!r) return {};
    EXPECT_EQ(r->status, expect) << path << ": " << r->body;
    return json::parse(r->body, nullptr, false);
  }
  // POST/PUT of a JSON body; expects status `expect` and returns the answer.
  json Post(const std::string& cookie, const std::string& path, const json& body, int expect) {
    auto c = Client();
    return Expect(c.Post(path.c_str(), httplib::Headers{{"Cookie", cookie}, {"Origin", Origin()}}, body.dump(),
                         "application/json"),
                  path, body, expect);
  }
  json Put(const std::string& cookie, const std::string& path, const json& body, int expect) {
    auto c = Client();
    return Expect(c.Put(path.c_str(), httplib::Headers{{"Cookie", cookie}, {"Origin", Origin()}}, body.dump(),
                        "application/json"),
                  path, body, expect);
  }
  // Multipart POST of one file field; returns {status, body}.
  std::pair<int, json> PostFile(const std::string& cookie, const std::string& path, const std::string& field,
                                const std::string& filename, const std::string& content) {
    httplib::MultipartFormDataItems items = {{field, content, filename, "text/csv"}};
    auto r = Client().Post(path.c_str(), httplib::Headers{{"Cookie", cookie}, {"Origin", Origin()}}, items);
    EXPECT_TRUE(r);
    if (!r) return {0, json()};
    return {r->status, json::parse(r->body, nullptr, false)};
  }
  static std::string ErrorOf(const json& j) {
    return j.contains("error") ? j["error"]["message"].get<std::string>() : "";
  }

  // Polls job `id` every 20 ms until it is done or failed (at most `tries`
  // times); returns the job, or {} after a failure naming `what`.
  json WaitForJob(const std::string& cookie, int64_t id, int tries = 500, const std::string& what = "job") {
    for (int i = 0; i < tries; ++i) {
      json j = GetJson(cookie, "/api/jobs/" + std::to_string(id));
      if (j["state"] == "done" || j["state"] == "failed") return j;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << what << " did not finish";
    return {};
  }
  // Uploads a claims body and waits for the job.
  json Upload(const std::string& cookie, const std::string& claims) {
    auto c = Client();
    auto r = c.Post("/api/settlements?name=claims.csv", httplib::Headers{{"Cookie", cookie}}, claims, "text/csv");
    EXPECT_TRUE(r);
    if (!r) return {};
    EXPECT_EQ(r->status, 202) << r->body;
    return WaitForJob(cookie, json::parse(r->body)["job_id"].get<int64_t>());
  }

  static inline Agreement* agreement_ = nullptr;
  ServeOptions options_;
  std::filesystem::path dir_;
  std::unique_ptr<App> app_;
  std::thread listener_;
  int port_ = 0;

 private:
  json Expect(const httplib::Result& r, const std::string& path, const json& body, int expect) {
    EXPECT_TRUE(r) << path;
    if (!r) return {};
    EXPECT_EQ(r->status, expect) << path << " " << body.dump() << ": " << r->body;
    return json::parse(r->body, nullptr, false);
  }

  static inline int n_ = 0;
  std::string name_;
  Pipeline pipeline_;
};

}  // namespace almen::testing
