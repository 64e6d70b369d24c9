// API tests of the stored economy inputs (issue 5, migration 0007): expense
// files merged into the ramme statement, and højestegrænser / quality payments
// computed from the stored CPR-free listing profile, the same after a restart.
// The server runs in-process over SQLite and a real PostgreSQL, with the fake
// settlement engine of server/testing_server.h (three clinics, January–March
// 2025, 80.000 øre of `day` spend per region and quarter).
#include <cstdio>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "server/ramme_storage.h"
#include "server/testing_server.h"

namespace almen {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

class EconomyStoreTest : public testing::InProcessServerTest {
 protected:
  EconomyStoreTest() : InProcessServerTest("ecostore-test") {}
  static int64_t Q(const json& ramme, int q) { return ramme["quarters"][q - 1]["spend_ore"].get<int64_t>(); }
};
TEST_P(EconomyStoreTest, ExpenseFilesAreStoredMergedAndRefusedWhole) {
  const std::string rltn = Login("rltn");
  json before = GetJson(rltn, "/api/economy/ramme?year=2025");
  EXPECT_EQ(Q(before, 1), 426'072);  // 3 regions × 8 paid 0101 lines × 177,53 kr.
  EXPECT_EQ(before["expenses"]["rows"], 0);

  const std::string file =
      "region_code,quarter,category,amount_ore\n"
      "1084,2025-Q1,out_of_hours,500000\n"     // added (not settled by almen)
      "1082,2025-Q1,day,100000\n"              // replaces the settled 142.024 of 1082's day
      "1083,2025-Q1,local_agreements,70000\n"  // excluded: recorded, not counted
      "1081,2025-Q2,other,2500\n";
  auto [st, up] = PostFile(rltn, "/api/economy/expenses?year=2025", "expenses", "udgifter-q1.csv", file);
  ASSERT_EQ(st, 201) << up.dump();
  EXPECT_EQ(up["rows"], 4);
  EXPECT_EQ(up["amount_ore"], 672'500);
  EXPECT_FALSE(up["already_imported"].get<bool>());

  json after = GetJson(rltn, "/api/economy/ramme?year=2025");
  EXPECT_EQ(Q(after, 1), 142'024 + 500'000 + 100'000 + 142'024);
  EXPECT_EQ(Q(after, 2), 2'500);
  EXPECT_EQ(after["quarters"][0]["excluded_ore"], 70'000);
  ASSERT_EQ(after["expenses"]["replaced"].size(), 1u) << after["expenses"].dump();
  EXPECT_EQ(after["expenses"]["replaced"][0]["region"], "1082");
  EXPECT_EQ(after["expenses"]["replaced"][0]["settled_ore"], 142'024);
  EXPECT_EQ(after["expenses"]["replaced"][0]["expense_ore"], 100'000);

  // The same content again: a no-op naming the stored file.
  auto [st2, again] = PostFile(rltn, "/api/economy/expenses?year=2025", "expenses", "kopi.csv", file);
  EXPECT_EQ(st2, 200);
  EXPECT_TRUE(again["already_imported"].get<bool>());
  EXPECT_EQ(again["file_id"], up["file_id"]);

  // Bad input: 400 with file:line:col, and nothing of the file stored.
  auto refused = [&](const std::string& path, const std::string& content, const std::string& expect) {
    auto [s, j] = PostFile(rltn, path, "expenses", "ret.csv", content);
    EXPECT_EQ(s, 400) << content;
    std::string msg = j["error"]["message"].get<std::string>();
    EXPECT_NE(msg.find(expect), std::string::npos) << msg;
  };
  const std::string head = "region_code,quarter,category,amount_ore\n";
  refused("/api/economy/expenses?year=2025", head + "1085,2025-Q3,other,1\n1084,2025-Q1,out_of_hours,9\n",
          "ret.csv:3:1 (region_code): region 1084, 2025-Q1, out_of_hours is already stored from udgifter-q1.csv");
  refused("/api/economy/expenses?year=2025", head + "1085,2025-Q3,other,1\n1085,2024-Q4,other,1\n",
          "ret.csv:3:2 (quarter): quarter 2024-Q4 is outside the upload's period 2025");
  refused("/api/economy/expenses?year=2025&quarter=2025-Q3", head + "1085,2025-Q3,other,1\n1085,2025-Q4,other,1\n",
          "ret.csv:3:2 (quarter)");
  refused("/api/economy/expenses?year=2025", head + "1090,2025-Q3,other,1\n", "ret.csv:2:1 (region_code)");
  refused("/api/economy/expenses?year=2025", head + "1085,2025-Q3,dagtid,1\n", "ret.csv:2:3 (category)");
  refused("/api/economy/expenses?year=2025", head + "1085,2025-Q3,other,1\n1085,2025-Q3,other,2\n",
          "ret.csv:3:1 (region_code): duplicate row");
  json listing = GetJson(rltn, "/api/economy/expenses?year=2025");
  EXPECT_EQ(listing["rows"].size(), 4u);  // none of the refused files' rows (e.g. 1085 2025-Q3)
  EXPECT_EQ(GetJson(rltn, "/api/economy/ramme?year=2025")["quarters"][2]["spend_ore"], 0);

  // Roles: only rltn uploads; a region lists its own rows; clinics are refused.
  auto [ps, pj] = PostFile(Login("plo"), "/api/economy/expenses?year=2025", "expenses", "x.csv", head);
  EXPECT_EQ(ps, 403);
  json region = GetJson(Login("region-hovedstaden"), "/api/economy/expenses?year=2025");
  ASSERT_EQ(region["rows"].size(), 1u);
  EXPECT_EQ(region["rows"][0]["category"], "out_of_hours");
  GetJson(Login("klinik-111111"), "/api/economy/expenses?year=2025", 403);
  // The region's quarter view counts its expense rows too.
  json rq = GetJson(Login("region-hovedstaden"), "/api/economy/ramme?year=2025");
  EXPECT_EQ(Q(rq, 1), 142'024 + 500'000);

  // Audited: the import and each refusal.
  json audit = GetJson(rltn, "/api/audit?limit=200");
  int imports = 0, refusals = 0, noops = 0;
  for (const auto& r : audit["rows"]) {
    imports += r["action"] == "expenses.import";
    refusals += r["action"] == "expenses.refused";
    noops += r["action"] == "expenses.reimport_noop";
  }
  EXPECT_EQ(imports, 1);
  EXPECT_EQ(refusals, 6);
  EXPECT_EQ(noops, 1);

  // The CLI's path (RammeStatementFromDatabase) gives the same statement.
  if (GetParam() == "sqlite") {
    RammeOptions ro;
    ro.year = 2025;
    auto cli = RammeStatementFromDatabase(*agreement_, ro, options_.db);
    ASSERT_TRUE(cli.ok()) << cli.status().message();
    json served = GetJson(rltn, "/api/economy/ramme?year=2025");
    EXPECT_EQ((*cli)["quarters"], served["quarters"]);
    EXPECT_EQ((*cli)["ramme_ore"], served["ramme_ore"]);
    EXPECT_EQ((*cli)["forecast"], served["forecast"]);
  }

  // Correcting a stored file: withdraw it (rltn only, audited), then upload
  // again; the same content is then a new import, not a no-op.
  auto del = [&](const std::string& cookie, const std::string& path) {
    auto r = Client().Delete(path.c_str(), httplib::Headers{{"Cookie", cookie}});
    EXPECT_TRUE(r);
    return r ? r->status : 0;
  };
  const std::string file_path = "/api/economy/expenses/" + std::to_string(up["file_id"].get<int64_t>());
  EXPECT_EQ(del(Login("plo"), file_path), 403);
  EXPECT_EQ(del(rltn, "/api/economy/expenses/999999"), 404);
  EXPECT_EQ(del(rltn, file_path), 200);
  EXPECT_EQ(GetJson(rltn, "/api/economy/expenses?year=2025")["rows"].size(), 0u);
  EXPECT_EQ(Q(GetJson(rltn, "/api/economy/ramme?year=2025"), 1), Q(before, 1));
  EXPECT_EQ(del(rltn, file_path), 404);
  auto [st3, again3] = PostFile(rltn, "/api/economy/expenses?year=2025", "expenses", "udgifter-q1.csv", file);
  EXPECT_EQ(st3, 201) << again3.dump();
  EXPECT_FALSE(again3["already_imported"].get<bool>());
  EXPECT_EQ(GetJson(rltn, "/api/economy/expenses?year=2025")["rows"].size(), 4u);
  bool withdrawn = false;
  const json log = GetJson(rltn, "/api/audit?limit=200");
  for (const auto& r : log["rows"]) withdrawn |= r["action"] == "expenses.withdraw";
  EXPECT_TRUE(withdrawn);
}

// listings.csv: two patients at 111111, one at 222222, one at 333333 (one
// leaves 222222 in the summer). CPR numbers appear only here, never in the DB.
const char* kListings =
    "provider,cpr,listed_from,listed_to\n"
    "111111,2403551234,2010-01-01,\n"
    "111111,1207894321,2015-05-01,\n"
    "222222,3108424771,2000-01-01,2025-07-01\n"
    "333333,0502014338,2019-01-01,\n";

TEST_P(EconomyStoreTest, CeilingsAndQualitySurviveARestartWithoutCpr) {
  std::string rltn = Login("rltn");
  EXPECT_FALSE(GetJson(rltn, "/api/economy/ceilings?year=2025")["available"].get<bool>());
  auto [s1, ceilings] = PostFile(rltn, "/api/economy/ceilings?year=2025&reference=country", "listings",
                                 "listings.csv", kListings);
  ASSERT_EQ(s1, 200) << ceilings.dump();
  ASSERT_EQ(ceilings["clinics"].size(), 3u) << ceilings.dump();
  auto [s2, quality] = PostFile(rltn, "/api/economy/quality?year=2025", "listings", "listings.csv", kListings);
  ASSERT_EQ(s2, 200) << quality.dump();
  // Patient-months: 111111 24, 222222 6 (January–June), 333333 12.
  std::map<std::string, int64_t> months;
  for (const auto& c : ceilings["clinics"]) months[c["provider"].get<std::string>()] = c["patient_months"];
  EXPECT_EQ(months["111111"], 24);
  EXPECT_EQ(months["222222"], 6);
  EXPECT_EQ(months["333333"], 12);

  Stop();
  Start();
  rltn = Login("rltn");
  json c2 = GetJson(rltn, "/api/economy/ceilings?year=2025");
  ASSERT_TRUE(c2["available"].get<bool>()) << c2.dump();
  EXPECT_EQ(c2["clinics"], ceilings["clinics"]);
  EXPECT_EQ(c2["reference"], "country");
  EXPECT_EQ(c2["groups"], ceilings["groups"]);
  json q2 = GetJson(rltn, "/api/economy/quality?year=2025");
  ASSERT_TRUE(q2["available"].get<bool>()) << q2.dump();
  EXPECT_EQ(q2["regions"], quality["regions"]);
  EXPECT_EQ(q2["clusters"], quality["clusters"]);
  EXPECT_EQ(q2.dump().size(), quality.dump().size());
  // A region still sees only its own clinics after the restart.
  json rc = GetJson(Login("region-hovedstaden"), "/api/economy/ceilings?year=2025");
  ASSERT_EQ(rc["clinics"].size(), 1u);
  EXPECT_EQ(rc["clinics"][0]["provider"], "111111");

  if (GetParam() == "sqlite") {
    Stop();  // closes the database (WAL checkpoint); read every file of it
    std::string bytes;
    for (const auto& e : fs::directory_iterator(dir_))
      if (e.path().filename().string().rfind("almen.db", 0) == 0) {
        std::ifstream f(e.path(), std::ios::binary);
        std::stringstream ss;
        ss << f.rdbuf();
        bytes += ss.str();
      }
    ASSERT_GT(bytes.size(), 10000u);
    for (const char* secret : {"2403551234", "240355-1234", "1207894321", "3108424771", "0502014338", "1955-03-24",
                               "1989-07-12", "24035512", "2001-02-05", "1942-08-31"})
      EXPECT_EQ(bytes.find(secret), std::string::npos) << secret << " is stored in the database";
    EXPECT_NE(bytes.find("listing_profiles"), std::string::npos);
    Start();
  }
}

// Without a listings.csv the ceilings and quality payments are computed from
// the ledger's listings register, which an upload with listings.csv fills.
TEST_P(EconomyStoreTest, CeilingsAndQualityFromTheLedgersListingsRegister) {
  const std::string rltn = Login("rltn");
  auto post_nothing = [&](const char* path) -> std::pair<int, json> {
    auto r = Client().Post(path, httplib::Headers{{"Cookie", rltn}}, "", "");
    if (!r) return {0, json()};
    return {r->status, json::parse(r->body, nullptr, false)};
  };
  auto [s0, none] = post_nothing("/api/economy/ceilings?year=2025&reference=country");
  EXPECT_EQ(s0, 400) << none.dump();
  EXPECT_NE(ErrorOf(none).find("tilmeld"), std::string::npos) << none.dump();

  httplib::MultipartFormDataItems items = {
      {"claims", "claim_id,provider,cpr,service_date,code\nl1,111111,2403551234,2025-02-03,0101\n", "claims.csv",
       "text/csv"},
      {"listings", kListings, "listings.csv", "text/csv"}};
  auto r = Client().Post("/api/settlements", httplib::Headers{{"Cookie", rltn}}, items);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 202) << r->body;
  json job = WaitForJob(rltn, json::parse(r->body)["job_id"].get<int64_t>());
  ASSERT_EQ(job["state"], "done") << job.dump();

  auto [s1, ceilings] = post_nothing("/api/economy/ceilings?year=2025&reference=country");
  ASSERT_EQ(s1, 200) << ceilings.dump();
  std::map<std::string, int64_t> months;
  for (const auto& c : ceilings["clinics"]) months[c["provider"].get<std::string>()] = c["patient_months"];
  EXPECT_EQ(months["111111"], 24);
  EXPECT_EQ(months["222222"], 6);
  EXPECT_EQ(months["333333"], 12);
  auto [s2, quality] = post_nothing("/api/economy/quality?year=2025");
  ASSERT_EQ(s2, 200) << quality.dump();
  EXPECT_TRUE(GetJson(rltn, "/api/economy/quality?year=2025")["available"].get<bool>());
}

INSTANTIATE_TEST_SUITE_P(Backends, EconomyStoreTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& param_info) { return param_info.param; });

// The fake data set over all twelve months of 2025 (line i in month 1 + i % 12),
// so that a whole year is settled and the offset can be stated.
Status FakeGenerateYear(const GenerateOptions& o, GenerateSummary* s) {
  ALMEN_RETURN_IF_ERROR(testing::FakeGenerate(o, s));
  const char* providers[] = {"111111", "222222", "333333"};
  std::string claims = "claim_id,provider,cpr,service_date,code\n";
  for (int64_t i = 0; i < o.lines; ++i) {
    char date[16];
    std::snprintf(date, sizeof date, "2025-%02d-15", static_cast<int>(1 + i % 12));
    claims += "y" + std::to_string(i) + "," + providers[i % 3] + ",0101801234," + date + ",0101\n";
  }
  testing::WriteTestFile(fs::path(o.out_dir) / "claims.csv", claims);
  return Status::Ok();
}

class OffsetViewTest : public testing::InProcessServerTest {
 protected:
  OffsetViewTest() : InProcessServerTest("offset-view", Pipeline{FakeGenerateYear, nullptr}) {
    options_.demo_lines = 36;
  }
};

// GET /api/economy/offset: the offset as the text applies it (reduced regulation and basishonorar as
// dated agreement rows) and its estimated effect per clinic; a view, scoped by role.
TEST_P(OffsetViewTest, TheOffsetIsAPlanAndAViewScopedByRole) {
  const std::string rltn = Login("rltn");
  json none = GetJson(rltn, "/api/economy/offset?year=2025");
  EXPECT_FALSE(none["available"].get<bool>());  // regions 1081 and 1085 have no spend yet: incomplete
  // Regions 1081 and 1085 report 2.600 mio. kr. a quarter (700 mio. of it basishonorar): ≈ 10,7 bn over the ramme.
  std::string file = "region_code,quarter,category,amount_ore\n";
  for (int q = 1; q <= 4; ++q)
    for (const char* r : {"1081", "1085"}) {
      file += std::string(r) + ",2025-Q" + std::to_string(q) + ",day,190000000000\n";
      file += std::string(r) + ",2025-Q" + std::to_string(q) + ",basishonorar,70000000000\n";
    }
  auto [st, up] = PostFile(rltn, "/api/economy/expenses?year=2025", "expenses", "udgifter-2025.csv", file);
  ASSERT_EQ(st, 201) << up.dump();
  json v = GetJson(rltn, "/api/economy/offset?year=2025");
  ASSERT_TRUE(v["available"].get<bool>()) << v.dump();
  json ramme = GetJson(rltn, "/api/economy/ramme?year=2025");
  EXPECT_EQ(v["offset_ore"], ramme["offset_ore"]);
  EXPECT_EQ(v["offset_rule"], "beyond_tolerance");
  ASSERT_EQ(v["plan"].size(), 2u);
  EXPECT_EQ(v["plan"][0]["from"], "2026-04-01");
  EXPECT_NE(v["overlay_csv"].get<std::string>().find("ramme_statement:2025"), std::string::npos);
  ASSERT_EQ(v["clinics"]["clinics"].size(), 3u);
  // A region sees its own clinic; a municipality nothing.
  json region = GetJson(Login("region-hovedstaden"), "/api/economy/offset?year=2025");
  ASSERT_EQ(region["clinics"]["clinics"].size(), 1u);
  EXPECT_EQ(region["clinics"]["clinics"][0]["provider"], 111111);
  auto c = Client();
  auto r = c.Get("/api/economy/offset?year=2025", {{"Cookie", Login("kommune-0101")}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  // Nothing was paid: no offset rows in the statements.
  json statements = GetJson(rltn, "/api/statements");
  for (const auto& row : statements["rows"]) EXPECT_NE(row["item"], "offset");
}

INSTANTIATE_TEST_SUITE_P(Backends, OffsetViewTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& param_info) { return param_info.param; });

class RammeCountingTest : public testing::InProcessServerTest {
 protected:
  RammeCountingTest() : InProcessServerTest("ramme-counting") {}
};

// Two smears (2102), a local-agreement code (4101) and talk therapy (6101) for clinic
// 111111 (Hovedstaden) in January 2025, beside the demo's eight paid 0101 there.
const char* kRammeCodes =
    "claim_id,provider,cpr,service_date,code\n"
    "r1,111111,0707801233,2025-01-20,2102\nr2,111111,0808801234,2025-01-20,2102\n"
    "r3,111111,0909801233,2025-01-21,4101\nr4,111111,1010801234,2025-01-22,6101\n";

// Bilag 1 (issue 13 item 7): from stored statements, local agreements are outside the ramme
// and one 0101 per 2102 goes with the smear; talk therapy counts (no region has its agreement).
TEST_P(RammeCountingTest, StoredStatementsAreCountedAsBilag1Says) {
  ASSERT_EQ(Upload(Login("rltn"), kRammeCodes)["state"], "done");
  json r = GetJson(Login("rltn"), "/api/economy/ramme?year=2025");
  EXPECT_EQ(r["spend_by_category_ore"]["local_agreements"], 10'000);
  EXPECT_EQ(r["spend_by_category_ore"]["cervical_cytology"], 24'000 + 2 * 17'753);
  EXPECT_EQ(r["spend_by_category_ore"]["talk_therapy"], 60'000);
  EXPECT_EQ(r["statement_spend"]["cytology_companions"], 2);
  // Clinic 111111's eight paid 0101 in January (8 × 177,53 kr.) less the two that go with the
  // smears, plus the talk therapy, counted; 222222 and 333333 as before.
  EXPECT_EQ(r["quarters"][0]["spend_ore"], 142'024 - 35'506 + 60'000 + 142'024 + 142'024);

  // Hovedstaden's praksisplan agreement from 1 January 2025 with an agreed 12-month amount of
  // 4 mio. kr.: its talk therapy leaves the spend and the ramme is reduced by 4 mio. kr.
  auto files = agreement_->files();
  std::string& tt = files.at("parameters_talk_therapy.csv");
  tt.replace(tt.find("ramme_talk_therapy_agreement_1084,none,"), 39, "ramme_talk_therapy_agreement_1084,2025-01-01,");
  tt += "ramme_talk_therapy_reduction_1084_ore,400000000,ore,2025-01-01,,Bilag 1 Økonomiprotokollat,illustrative,test\n";
  auto agreed = Agreement::LoadFiles(files, "test");
  ASSERT_TRUE(agreed.ok()) << agreed.status().message();
  Start(*agreed);
  json t = GetJson(Login("rltn"), "/api/economy/ramme?year=2025");
  EXPECT_EQ(t["ramme_components"]["talk_therapy_reduction_ore"], 400'000'000);
  EXPECT_EQ(t["ramme_components"]["talk_therapy_outside_ore"], 60'000);
  EXPECT_EQ(t["quarters"][0]["spend_ore"], 142'024 - 35'506 + 142'024 + 142'024);
}

INSTANTIATE_TEST_SUITE_P(Backends, RammeCountingTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace almen
