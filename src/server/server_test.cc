// API tests: the server runs in-process on a free port over SQLite and over a
// real PostgreSQL (started by the test), with the small fake settlement engine
// and generator of server/testing_server.h so the tests pin the server's
// behaviour, not the engine's.
#include <map>

#include <nlohmann/json.hpp>

#include "server/testing_server.h"

namespace almen {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

class ServerTest : public testing::InProcessServerTest {
 protected:
  ServerTest() : InProcessServerTest("server-test") {}
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
  EXPECT_EQ(Sum(st["rows"], "amount_ore"), 24 * 17753);
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
  EXPECT_EQ(Sum(ov["rows"], "spend_ore"), 8 * 17753);
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

// Issue 15: the Danish export the UI's buttons ask for (lang=da + the columns
// shown) is scoped like the JSON: a region's export holds its clinics only, and
// a column list cannot widen it (a column the route does not give stays empty).
TEST_P(ServerTest, RegionDanishExportHoldsOnlyItsClinics) {
  std::string cookie = Login("region-hovedstaden");
  const std::string cols = httplib::detail::encode_query_param(
      R"([{"key":"provider","label":"Ydernummer"},{"key":"amount_ore","label":"Beløb","type":"kr"},)"
      R"({"key":"status","label":"Status","type":"enum","enum":"status"},{"key":"cpr","label":"CPR"}])");
  auto csv = Get(cookie, "/api/lines?format=csv&lang=da&columns=" + cols);
  ASSERT_TRUE(csv);
  ASSERT_EQ(csv->status, 200) << csv->body;
  const std::string& b = csv->body;
  ASSERT_EQ(b.rfind("\xEF\xBB\xBFYdernummer;Beløb;Status;CPR\r\n", 0), 0u) << b;
  int rows = 0;
  for (size_t p = b.find("\r\n"); p != std::string::npos && p + 2 < b.size(); p = b.find("\r\n", p + 2)) {
    ++rows;
    EXPECT_EQ(b.substr(p + 2, 7), "111111;") << b;
  }
  EXPECT_EQ(rows, 10);
  EXPECT_EQ(b.find("222222"), std::string::npos);
  EXPECT_EQ(b.find("333333"), std::string::npos);
  EXPECT_NE(b.find("111111;177,53;godkendt;\r\n"), std::string::npos) << b;
  EXPECT_NE(b.find(";afvist;"), std::string::npos) << b;
  // The same for an XLSX of the statements, and a clinic's own export.
  auto xlsx = Get(cookie, "/api/statements?format=xlsx&lang=da&columns=" + cols);
  ASSERT_TRUE(xlsx);
  EXPECT_EQ(xlsx->status, 200);
  EXPECT_EQ(xlsx->body.substr(0, 2), "PK");
  auto clinic = Get(Login("klinik-222222"), "/api/lines?format=csv&lang=da&columns=" + cols);
  ASSERT_TRUE(clinic);
  EXPECT_EQ(clinic->body.find("111111"), std::string::npos);
  EXPECT_NE(clinic->body.find("222222;"), std::string::npos);
  // A municipality may not export lines at all, Danish or not.
  GetJson(Login("kommune-0101"), "/api/lines?format=csv&lang=da&columns=" + cols, 403);
  // A bad column list is a 400, not an export.
  GetJson(cookie, "/api/lines?format=csv&lang=da&columns=%5B1%5D", 400);
  GetJson(cookie, "/api/lines?format=csv&columns=" + cols, 400);  // columns only with lang=da
  // Audited as a Danish export.
  bool audited = false;
  const json audit = GetJson(Login("rltn"), "/api/audit?limit=100");
  for (const auto& r : audit["rows"])
    if (r["action"] == "export" && r["username"] == "region-hovedstaden" &&
        r["detail"].get<std::string>().rfind("csv da lines /api/lines rows=10", 0) == 0)
      audited = true;
  EXPECT_TRUE(audited) << audit.dump();
}

TEST_P(ServerTest, ClinicSeesOnlyItself) {
  std::string cookie = Login("klinik-222222");
  json lines = GetJson(cookie, "/api/lines?limit=1000");
  EXPECT_EQ(lines["total"], 10);
  for (const auto& r : lines["rows"]) EXPECT_EQ(r["provider"], "222222");
  EXPECT_EQ(GetJson(cookie, "/api/statements?provider=111111")["rows"].size(), 0u);
  EXPECT_EQ(GetJson(cookie, "/api/providers")["rows"].size(), 1u);
  json ov = GetJson(cookie, "/api/overview");
  EXPECT_EQ(Sum(ov["rows"], "spend_ore"), 8 * 17753);
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
  EXPECT_EQ(Sum(st["rows"], "amount_ore"), 3 * 17753);  // u1, u2, u3 once each
  json run3 = GetJson(cookie, "/api/settlements/" + std::to_string(j3["run_id"].get<int64_t>()));
  EXPECT_EQ(run3["duplicates"], 2);
  EXPECT_EQ(run3["agreement_version"].get<std::string>().rfind("ok25@", 0), 0u);
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
