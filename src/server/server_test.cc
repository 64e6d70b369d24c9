// API tests: the server runs in-process on a free port over SQLite and over a
// real PostgreSQL (started by the test), with a small fake settlement engine
// and generator so the tests pin the server's behaviour, not the engine's.
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/csv.h"
#include "common/file.h"
#include "server/app.h"
#include "storage/testing_pg.h"

namespace almen {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

void Write(const fs::path& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }

// Three clinics in three regions: 111111 København (1084), 222222 Aarhus (1082), 333333 Odense (1083).
Status FakeGenerate(const GenerateOptions& o, GenerateSummary* s) {
  fs::create_directories(o.out_dir);
  const char* providers[] = {"111111", "222222", "333333"};
  std::string claims = "claim_id,provider,cpr,service_date,code\n";
  for (int64_t i = 0; i < o.lines; ++i)
    claims += "d" + std::to_string(i) + "," + providers[i % 3] + ",0101801234,2025-0" + std::to_string(1 + i % 3) +
              "-15," + (i % 5 == 0 ? "0120" : "0101") + "\n";
  Write(fs::path(o.out_dir) / "claims.csv", claims);
  Write(fs::path(o.out_dir) / "providers.csv",
        "provider,name,municipality_code,clinic_type,capacities,lto,valid_from,valid_to\n"
        "111111,Lægerne i Valby,0101,ordinary,2,0,2020-01-01,\n"
        "222222,Aarhus Lægehus,0751,ordinary,3,0,2020-01-01,\n"
        "333333,Odense Klinik,0461,ordinary,1,1,2020-01-01,\n");
  Write(fs::path(o.out_dir) / "botilbud.csv",
        "botilbud_id,name,municipality_code,paragraph,places,operator,section,residents\n"
        "B1,Bostedet Valby,0101,SEL108,20,municipal,A,20\n"
        "B2,Bostedet Aarhus,0751,SEL108,40,municipal,A,35\n");
  s->claim_lines = o.lines;
  return Status::Ok();
}

// Pays every line 100,00 kr., rejects 0120 (as if in lægevagt).
Status FakeSettle(const Agreement&, const Pseudonymizer&, const SettleOptions& o, const std::string& out,
                  SettleSummary*) {
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
  std::string statements = "provider,month,item,code,count,amount_ore\n";
  for (const auto& [k, v] : st)
    statements += std::get<0>(k) + "," + std::get<1>(k) + ",service," + std::get<2>(k) + "," +
                  std::to_string(v.first) + "," + std::to_string(v.second) + "\n";
  fs::create_directories(out);
  Write(fs::path(out) / "lines.csv", lines);
  Write(fs::path(out) / "statements.csv", statements);
  Write(fs::path(out) / "summary.json",
        json{{"lines", n}, {"agreement", {{"version", "ok25@test"}, {"hash", "test"}}}}.dump());
  return Status::Ok();
}

class ServerTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    auto a = Agreement::LoadBuiltin();
    ASSERT_TRUE(a.ok()) << a.status().message();
    agreement_ = new Agreement(std::move(*a));
  }

  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("almen-server-test-" + std::to_string(getpid()) + "-" + std::to_string(n_++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    ServeOptions o;
    if (GetParam() == "sqlite") {
      o.db = (dir_ / "almen.db").string();
    } else {
      std::string why;
      auto* pg = testing::TestPostgres::Get(&why);
      if (!pg) GTEST_SKIP() << why;
      o.db = pg->NewDatabase();
    }
    o.demo_lines = 30;
    o.fast_password_hash = true;
    o.threads = 4;
    Pipeline p{FakeGenerate, FakeSettle};
    auto app = App::Create(*agreement_, o, p);
    ASSERT_TRUE(app.ok()) << app.status().message();
    app_ = std::move(*app);
    ASSERT_TRUE(app_->Bootstrap().ok());
    auto port = app_->Bind("127.0.0.1", 0);
    ASSERT_TRUE(port.ok());
    port_ = *port;
    listener_ = std::thread([this] { app_->Listen(); });
  }

  void TearDown() override {
    if (app_) app_->Stop();
    if (listener_.joinable()) listener_.join();
    app_.reset();
    fs::remove_all(dir_);
  }

  httplib::Client Client() { return httplib::Client("127.0.0.1", port_); }

  // Logs in and returns the Cookie header value.
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
  // Uploads a claims body and waits for the job.
  json Upload(const std::string& cookie, const std::string& claims) {
    auto c = Client();
    auto r = c.Post("/api/settlements?name=claims.csv", httplib::Headers{{"Cookie", cookie}}, claims, "text/csv");
    EXPECT_TRUE(r);
    if (!r) return {};
    EXPECT_EQ(r->status, 202) << r->body;
    int64_t id = json::parse(r->body)["job_id"];
    for (int i = 0; i < 500; ++i) {
      json j = GetJson(cookie, "/api/jobs/" + std::to_string(id));
      if (j["state"] == "done" || j["state"] == "failed") return j;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "job did not finish";
    return {};
  }

  static inline Agreement* agreement_ = nullptr;
  static inline int n_ = 0;
  fs::path dir_;
  std::unique_ptr<App> app_;
  std::thread listener_;
  int port_ = 0;
};

int64_t Sum(const json& rows, const char* key) {
  int64_t s = 0;
  for (const auto& r : rows) s += r[key].get<int64_t>();
  return s;
}

TEST_P(ServerTest, HealthAndStaticFiles) {
  auto c = Client();
  auto h = c.Get("/healthz");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, 200);
  EXPECT_EQ(json::parse(h->body)["status"], "ok");
  auto idx = c.Get("/");
  ASSERT_TRUE(idx);
  EXPECT_EQ(idx->status, 200);
  EXPECT_NE(idx->get_header_value("Content-Type").find("text/html"), std::string::npos);
  auto chart = c.Get("/vendor/chart.min.js");
  ASSERT_TRUE(chart);
  EXPECT_EQ(chart->status, 200);
  auto api = c.Get("/api/openapi.json");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 200);
}

TEST_P(ServerTest, LoginRequired) {
  auto c = Client();
  auto r = c.Get("/api/lines");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  auto bad = c.Post("/api/login", R"({"username":"rltn","password":"wrong"})", "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 401);
  std::string cookie = Login("rltn");
  json me = GetJson(cookie, "/api/me");
  EXPECT_EQ(me["role"], "rltn");
  auto out = Client().Post("/api/logout", httplib::Headers{{"Cookie", cookie}}, "", "application/json");
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 200);
  GetJson(cookie, "/api/me", 401);
}

TEST_P(ServerTest, DemoDataIsLoaded) {
  std::string cookie = Login("rltn");
  json runs = GetJson(cookie, "/api/settlements");
  ASSERT_EQ(runs["rows"].size(), 1u);
  EXPECT_EQ(runs["rows"][0]["lines"], 30);
  json ov = GetJson(cookie, "/api/overview");
  EXPECT_EQ(ov["year"], "2025");
  EXPECT_EQ(ov["rows"].size(), 3u);
  EXPECT_GT(ov["ramme_ore"].get<int64_t>(), 0);
  EXPECT_EQ(ov["totals"]["accepted"], 24);
  EXPECT_EQ(ov["totals"]["rejected"], 6);
  json rej = GetJson(cookie, "/api/rejections");
  ASSERT_EQ(rej["rows"].size(), 1u);
  EXPECT_EQ(rej["rows"][0]["rule"], "0120.not_out_of_hours");
  json lines = GetJson(cookie, "/api/lines?provider=111111&month=2025-01&limit=5");
  EXPECT_EQ(lines["total"], 10);  // the fake puts all of 111111's lines in January
  EXPECT_EQ(lines["rows"].size(), 5u);
  json ag = GetJson(cookie, "/api/agreement");
  EXPECT_FALSE(ag["fees"].empty());
}

TEST_P(ServerTest, RltnSeesEverythingAndTheAuditLog) {
  std::string cookie = Login("rltn");
  EXPECT_EQ(GetJson(cookie, "/api/lines")["total"], 30);
  EXPECT_EQ(GetJson(cookie, "/api/providers")["rows"].size(), 3u);
  EXPECT_EQ(GetJson(cookie, "/api/botilbud")["rows"].size(), 2u);
  json audit = GetJson(cookie, "/api/audit");
  EXPECT_GT(audit["total"].get<int64_t>(), 0);
}

TEST_P(ServerTest, PloSeesAggregatesButNoLines) {
  std::string cookie = Login("plo");
  GetJson(cookie, "/api/lines", 403);
  GetJson(cookie, "/api/lines?format=csv", 403);
  GetJson(cookie, "/api/audit", 403);
  json st = GetJson(cookie, "/api/statements");
  EXPECT_EQ(Sum(st["rows"], "amount_ore"), 24 * 10000);
  json ov = GetJson(cookie, "/api/overview");
  EXPECT_EQ(ov["totals"]["accepted"], 24);
  auto up = Client().Post("/api/settlements", httplib::Headers{{"Cookie", cookie}}, "claim_id\n", "text/csv");
  ASSERT_TRUE(up);
  EXPECT_EQ(up->status, 403);
}

TEST_P(ServerTest, RegionSeesOnlyItsClinics) {
  std::string cookie = Login("region-hovedstaden");
  json lines = GetJson(cookie, "/api/lines?limit=1000");
  EXPECT_EQ(lines["total"], 10);
  for (const auto& r : lines["rows"]) EXPECT_EQ(r["provider"], "111111");
  EXPECT_EQ(GetJson(cookie, "/api/lines?provider=222222")["total"], 0);
  json st = GetJson(cookie, "/api/statements");
  for (const auto& r : st["rows"]) EXPECT_EQ(r["provider"], "111111");
  json ov = GetJson(cookie, "/api/overview");
  EXPECT_EQ(ov["totals"]["accepted"], 8);
  EXPECT_EQ(Sum(ov["rows"], "spend_ore"), 8 * 10000);
  EXPECT_TRUE(ov["ramme_ore"].is_null());  // the national ramme is not a region's figure
  json runs = GetJson(cookie, "/api/settlements");
  EXPECT_EQ(runs["rows"][0]["lines"], 10);
  EXPECT_FALSE(GetJson(cookie, "/api/settlements/1").contains("summary"));
  json rej = GetJson(cookie, "/api/rejections");
  EXPECT_EQ(rej["rows"][0]["lines"], 2);
  json bo = GetJson(cookie, "/api/botilbud");
  ASSERT_EQ(bo["rows"].size(), 1u);
  EXPECT_EQ(bo["rows"][0]["botilbud_id"], "B1");
  GetJson(cookie, "/api/audit", 403);
  GetJson(cookie, "/api/ramme", 403);
  // Exports are filtered the same way.
  auto csv = Get(cookie, "/api/lines?format=csv");
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->body.find("222222"), std::string::npos);
  EXPECT_EQ(csv->body.find("333333"), std::string::npos);
}

TEST_P(ServerTest, ClinicSeesOnlyItself) {
  std::string cookie = Login("klinik-222222");
  json lines = GetJson(cookie, "/api/lines?limit=1000");
  EXPECT_EQ(lines["total"], 10);
  for (const auto& r : lines["rows"]) EXPECT_EQ(r["provider"], "222222");
  EXPECT_EQ(GetJson(cookie, "/api/statements?provider=111111")["rows"].size(), 0u);
  EXPECT_EQ(GetJson(cookie, "/api/providers")["rows"].size(), 1u);
  json ov = GetJson(cookie, "/api/overview");
  EXPECT_EQ(Sum(ov["rows"], "spend_ore"), 8 * 10000);
  GetJson(cookie, "/api/botilbud", 403);
  GetJson(cookie, "/api/audit", 403);
}

TEST_P(ServerTest, MunicipalitySeesItsBotilbudButNoClinicData) {
  std::string cookie = Login("kommune-0101");
  for (const char* p : {"/api/lines", "/api/statements", "/api/overview", "/api/rejections", "/api/providers",
                        "/api/settlements", "/api/audit", "/api/statements?format=xlsx"})
    GetJson(cookie, p, 403);
  json bo = GetJson(cookie, "/api/botilbud");
  ASSERT_EQ(bo["rows"].size(), 1u);
  EXPECT_EQ(bo["rows"][0]["municipality_code"], "0101");
  GetJson(cookie, "/api/agreement");
}

TEST_P(ServerTest, UploadSettlesAndIsIdempotent) {
  std::string cookie = Login("rltn");
  std::string claims = "claim_id,provider,cpr,service_date,code\nu1,111111,0101801234,2025-04-02,0101\n"
                       "u2,111111,0101801234,2025-04-03,0101\n";
  json j1 = Upload(cookie, claims);
  EXPECT_EQ(j1["state"], "done") << j1.dump();
  EXPECT_FALSE(j1["already_imported"].get<bool>());
  int64_t run = j1["run_id"];
  // Same file again: a no-op that names the earlier run.
  json j2 = Upload(cookie, claims);
  EXPECT_EQ(j2["state"], "done");
  EXPECT_TRUE(j2["already_imported"].get<bool>());
  EXPECT_EQ(j2["run_id"], run);
  EXPECT_EQ(GetJson(cookie, "/api/settlements")["rows"].size(), 2u);
  // A later file repeating u1 (and the demo's d0): both rejected as duplicates.
  json j3 = Upload(cookie, "claim_id,provider,cpr,service_date,code\nu1,111111,0101801234,2025-04-02,0101\n"
                           "u3,111111,0101801234,2025-04-05,0101\nd1,222222,0101801234,2025-02-15,0101\n");
  EXPECT_EQ(j3["state"], "done");
  EXPECT_EQ(j3["duplicates"], 2);
  json dup = GetJson(cookie, "/api/lines?rule=claim.duplicate");
  EXPECT_EQ(dup["total"], 2);
  json st = GetJson(cookie, "/api/statements?provider=111111&month=2025-04");
  EXPECT_EQ(Sum(st["rows"], "amount_ore"), 3 * 10000);  // u1, u2, u3 once each
  json run3 = GetJson(cookie, "/api/settlements/" + std::to_string(j3["run_id"].get<int64_t>()));
  EXPECT_EQ(run3["duplicates"], 2);
  EXPECT_EQ(run3["agreement_version"], "ok25@test");
  // Bad input fails the job and leaves nothing.
  json bad = Upload(cookie, "claim_id,provider\nx,1\n");
  EXPECT_EQ(bad["state"], "failed");
  EXPECT_EQ(GetJson(cookie, "/api/settlements")["rows"].size(), 3u);
}

TEST_P(ServerTest, ExportsCsvAndXlsxAndAuditsThem) {
  std::string cookie = Login("rltn");
  auto csv = Get(cookie, "/api/statements?format=csv");
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->status, 200);
  EXPECT_EQ(csv->body.rfind("provider,name,month,item,code,count,amount_ore\n", 0), 0u);
  EXPECT_NE(csv->get_header_value("Content-Disposition").find("statements.csv"), std::string::npos);
  auto xlsx = Get(cookie, "/api/lines?format=xlsx");
  ASSERT_TRUE(xlsx);
  EXPECT_EQ(xlsx->status, 200);
  EXPECT_EQ(xlsx->body.substr(0, 2), "PK");
  for (const char* p : {"/api/rejections?format=csv", "/api/overview?format=xlsx", "/api/providers?format=csv",
                        "/api/settlements?format=csv", "/api/agreement?format=csv&table=fees",
                        "/api/audit?format=csv"}) {
    auto r = Get(cookie, p);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << p << r->body;
  }
  json audit = GetJson(cookie, "/api/audit?limit=100");
  int exports = 0;
  for (const auto& r : audit["rows"])
    if (r["action"] == "export") ++exports;
  EXPECT_GE(exports, 8);
}

// The what-if moves the totals, the ramme and the ramme statement computed from
// the stored settlements (issue 5 item 6).
TEST_P(ServerTest, EconomyWhatIfMovesTotalsRammeAndStatement) {
  std::string cookie = Login("rltn");
  auto post = [&](const std::string& who, const json& body, int expect = 200) {
    auto r = Client().Post("/api/economy/whatif", httplib::Headers{{"Cookie", who}}, body.dump(), "application/json");
    EXPECT_TRUE(r);
    if (!r) return json();
    EXPECT_EQ(r->status, expect) << r->body;
    return json::parse(r->body, nullptr, false);
  };
  json j = post(cookie, {{"lto_capacities_recruited", 30}, {"bosted_botilbud_covered", 200}});
  // 30 × 267.000 kr. = 8,01 mio. (seed 20,0); 200 × 2.111,72 × 12 = 5,068128 mio. (seed 6,3).
  EXPECT_EQ(j["total"]["y2025_ore"], 30'430'000'000 - 1'199'000'000 - 123'187'200);
  EXPECT_EQ(j["ramme"]["change_ore"], -1'199'000'000);
  EXPECT_EQ(j["ramme_2025_ore"], 1'012'600'000'000 - 1'199'000'000);
  const json& st = j["ramme_statement"];
  ASSERT_TRUE(st.is_object()) << j.dump();
  EXPECT_EQ(st["source"], "stored_settlements");
  EXPECT_EQ(st["before"]["source"], "stored_settlements");
  // The demo's one LTO clinic has not grown since the baseline: the computed
  // addition is 0, the what-if assumes 8,01 mio. kr.
  EXPECT_EQ(st["before"]["lto_capacity_addition_ore"], 0);
  EXPECT_EQ(st["after"]["lto_capacity_addition_ore"], 801'000'000);
  EXPECT_EQ(st["change"]["ramme_ore"], 801'000'000);
  EXPECT_EQ(st["after"]["ramme_ore"].get<int64_t>() - st["before"]["ramme_ore"].get<int64_t>(), 801'000'000);
  // Only January–March are settled: no offset from a partial year, before or after.
  EXPECT_FALSE(st["after"]["complete"].get<bool>());
  EXPECT_TRUE(st["after"]["offset_ore"].is_null());
  EXPECT_TRUE(st["change"]["offset_ore"].is_null());
  // The old request form still works; bad requests are 400.
  json old = post(cookie, {{"set", {"Bostedslæger/Heraf aktivitet=6.0"}}});
  EXPECT_EQ(old["ramme_statement"]["change"]["ramme_ore"], 130'000'000);
  post(cookie, {{"lto_capacities_recruited", -3}}, 400);
  post(cookie, json::array(), 400);
  // Other roles see the table but not the national statement.
  json clinic = post(Login("klinik-222222"), {{"lto_capacities_recruited", 30}});
  EXPECT_EQ(clinic["ramme"]["change_ore"], -1'199'000'000);
  EXPECT_TRUE(clinic["ramme_statement"].is_null());
}

INSTANTIATE_TEST_SUITE_P(Backends, ServerTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace almen
