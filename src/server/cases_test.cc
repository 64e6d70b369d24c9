// Issue 7 API tests (lægedækningspulje, LSU sanctions, employment, data-sharing
// blocks, IT/Partsforum budgets). The fixture of server/testing_server.h: the
// server runs in-process on a free port over SQLite and a real PostgreSQL, with
// a fake settlement and generator.
#include <map>

#include <nlohmann/json.hpp>

#include "common/file.h"
#include "sanctions/sanctions.h"
#include "server/testing_server.h"

namespace almen {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

class CasesTest : public testing::InProcessServerTest {
 protected:
  CasesTest() : InProcessServerTest("cases-test") {}
  static void SetUpTestSuite() { LoadAgreement(/*honour_env_dir=*/true); }
};
json RowWhere(const json& rows, const char* key, const json& value) {
  for (const auto& r : rows)
    if (r[key] == value) return r;
  return {};
}

// The whole pool workflow: application, conflict of interest, decision without
// recommendation refused, scoring, recommendation, decision, instalments,
// status report, evaluation; every step in the audit log.
TEST_P(CasesTest, PoolWorkflowEndToEnd) {
  std::string sek = Login("fond-sekretariat"), board = Login("fond-bestyrelse"), region = Login("region-sjaelland"),
              conflicted = Login("udvalg-plo-2"), member = Login("udvalg-rltn-1"), rltn = Login("rltn");
  json calls = GetJson(sek, "/api/pool/calls");
  ASSERT_EQ(calls["rows"].size(), 1u);  // the demo call
  EXPECT_EQ(calls["rows"][0]["budget_ore"], 2000000000);
  int64_t call = calls["rows"][0]["id"];
  int64_t before = calls["rows"][0]["remaining_ore"];

  json app = Post(region, "/api/pool/applications",
                  {{"call_id", call},
                   {"project_type", "premises"},
                   {"title", "Lægehus i Nakskov"},
                   {"area", "Lolland"},
                   {"amount_ore", 500000000},
                   {"cofinancing_ore", 100000000},
                   {"partners", {{{"type", "municipality"}, {"name", "Lolland Kommune"}}}}},
                  201);
  int64_t id = app["id"];
  std::string base = "/api/pool/applications/" + std::to_string(id);
  // A region applies for itself only; bad project types are refused.
  Post(region, "/api/pool/applications", {{"call_id", call}, {"region_code", "1084"}, {"project_type", "premises"},
                                          {"title", "x"}, {"area", "y"}, {"amount_ore", 1}}, 403);
  Post(region, "/api/pool/applications", {{"call_id", call}, {"project_type", "yacht"}, {"title", "x"}, {"area", "y"},
                                          {"amount_ore", 1}}, 400);

  // Conflict of interest: the PLO member from Region Sjælland cannot score.
  json c = Post(conflicted, base + "/scores", {{"score", 5}, {"recommend", true}}, 403);
  EXPECT_NE(ErrorOf(c).find("conflict of interest"), std::string::npos);
  EXPECT_EQ(GetJson(conflicted, base)["conflict_of_interest"], true);
  // No decision without recommendation; not by other roles.
  json d = Post(board, base + "/decision", {{"grant", true}}, 409);
  EXPECT_NE(ErrorOf(d).find("recommendation"), std::string::npos);
  Post(region, base + "/decision", {{"grant", true}}, 403);
  Post(sek, base + "/recommendation", {{"recommend", true}}, 409);  // not scored yet

  Post(member, base + "/scores", {{"score", 4}, {"recommend", true}, {"comment", "Godt projekt"}}, 200);
  Post(member, base + "/scores", {{"score", 9}}, 400);
  Post(member, base + "/recommendation", {{"recommend", true}, {"amount_ore", 400000000}}, 200);
  Post(member, base + "/scores", {{"score", 3}}, 409);  // scoring closed
  json g = Post(board, base + "/decision", {{"grant", true}, {"note", "Bevilget som indstillet"}}, 200);
  EXPECT_EQ(g["granted_ore"], 400000000);
  Post(board, base + "/decision", {{"grant", true}}, 409);  // decided already

  // Instalments never above the grant.
  Post(sek, base + "/payments", {{"amount_ore", 250000000}, {"paid_on", "2025-07-01"}}, 201);
  json p2 = Post(sek, base + "/payments", {{"amount_ore", 150000000}, {"paid_on", "2025-10-01"}}, 201);
  EXPECT_EQ(p2["instalment"], 2);
  Post(sek, base + "/payments", {{"amount_ore", 1}}, 409);

  // Status report requested and received (by the grantee region).
  json rep = Post(sek, base + "/reports", {{"due", "2025-12-01"}}, 201);
  std::string rpath = "/api/pool/reports/" + std::to_string(rep["id"].get<int64_t>()) + "/receive";
  Post(Login("region-hovedstaden"), rpath, {{"summary", "x"}}, 404);
  Post(region, rpath, {{"summary", "Lokalerne er indrettet; to læger er ansat."}}, 200);
  Post(region, rpath, {{"summary", "igen"}}, 409);

  json a = GetJson(region, base);
  EXPECT_EQ(a["status"], "granted");
  EXPECT_EQ(a["decided_by"], "fond-bestyrelse");
  EXPECT_EQ(a["recommended_by"], "udvalg-rltn-1");
  EXPECT_EQ(a["payments"].size(), 2u);
  EXPECT_EQ(a["reports"][0]["received_by"], "region-sjaelland");
  EXPECT_EQ(a["scores"].size(), 1u);
  EXPECT_EQ(a["partners"][0]["name"], "Lolland Kommune");

  json after = GetJson(sek, "/api/pool/calls");
  EXPECT_EQ(after["rows"][0]["remaining_ore"].get<int64_t>(), before - 400000000);

  // Final evaluation across projects.
  json ev = Post(sek, "/api/pool/calls/" + std::to_string(call) + "/evaluation", {{"text", "Samlet evaluering"}}, 201);
  EXPECT_EQ(ev["figures"]["total"]["granted_ore"], 800000000);  // demo 4 mio. + 4 mio.
  EXPECT_EQ(ev["figures"]["total"]["reports_received"], 1);
  json evg = GetJson(board, "/api/pool/calls/" + std::to_string(call) + "/evaluation");
  EXPECT_EQ(evg["evaluations"].size(), 1u);

  // Every step is in the audit log with who did it.
  json audit = GetJson(rltn, "/api/audit?limit=1000");
  std::map<std::string, std::string> who;
  for (const auto& r : audit["rows"]) who[r["action"].get<std::string>()] = r["username"].get<std::string>();
  EXPECT_EQ(who["pool.application.submit"], "region-sjaelland");
  EXPECT_EQ(who["pool.score"], "udvalg-rltn-1");
  EXPECT_EQ(who["pool.score.refused_conflict"], "udvalg-plo-2");
  EXPECT_EQ(who["pool.recommend"], "udvalg-rltn-1");
  EXPECT_EQ(who["pool.decision"], "fond-bestyrelse");
  EXPECT_EQ(who["pool.payment"], "fond-sekretariat");
  EXPECT_EQ(who["pool.report.request"], "fond-sekretariat");
  EXPECT_EQ(who["pool.report.receive"], "region-sjaelland");
  EXPECT_EQ(who["pool.evaluation"], "fond-sekretariat");
  // Clinics see nothing of the pool.
  GetJson(Login("klinik-111111"), "/api/pool/applications", 403);
  // CSV export of applications.
  auto csv = Get(sek, "/api/pool/applications?format=csv");
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->status, 200);
  EXPECT_NE(csv->body.find("Lægehus i Nakskov"), std::string::npos);
}

TEST_P(CasesTest, PoolBudgetExhaustionAndCommitteeSize) {
  std::string sek = Login("fond-sekretariat"), board = Login("fond-bestyrelse"), region = Login("region-hovedstaden"),
              member = Login("udvalg-plo-1");
  json calls = GetJson(sek, "/api/pool/calls");
  int64_t call = calls["rows"][0]["id"];
  int64_t remaining = calls["rows"][0]["remaining_ore"];  // 16 mio. after the demo grant
  EXPECT_EQ(remaining, 1600000000);
  // The whole 2025 pool is in the demo call: a second 2025 call is refused.
  json nc = Post(sek, "/api/pool/calls", {{"name", "Runde 2"}, {"year", 2025}, {"opens", "2025-08-01"},
                                          {"closes", "2025-09-01"}, {"budget_ore", 100}}, 409);
  EXPECT_NE(ErrorOf(nc).find("left of the 2025 pool"), std::string::npos);

  auto apply = [&](int64_t amount) {
    json a = Post(region, "/api/pool/applications", {{"call_id", call}, {"project_type", "tutors"}, {"title", "Tutorer"},
                                                     {"area", "Bornholm"}, {"amount_ore", amount}}, 201);
    std::string base = "/api/pool/applications/" + std::to_string(a["id"].get<int64_t>());
    Post(member, base + "/scores", {{"score", 5}, {"recommend", true}}, 200);
    Post(member, base + "/recommendation", {{"recommend", true}}, 200);
    return base;
  };
  std::string first = apply(1500000000), second = apply(500000000);
  Post(board, first + "/decision", {{"grant", true}}, 200);
  json refused = Post(board, second + "/decision", {{"grant", true}}, 409);
  EXPECT_NE(ErrorOf(refused).find("exceeds the remaining pool"), std::string::npos);
  json still = GetJson(sek, second);
  EXPECT_EQ(still["status"], "recommended");
  EXPECT_EQ(still["granted_ore"], 0);
  // What is left can be granted; then nothing is left.
  Post(board, second + "/decision", {{"grant", true}, {"amount_ore", 100000000}}, 200);
  EXPECT_EQ(GetJson(sek, "/api/pool/calls")["rows"][0]["remaining_ore"], 0);

  // Three members per party.
  json m = Post(sek, "/api/pool/committee", {{"username", "udvalg-plo-4"}, {"password", "hemmelig-kode"}, {"party", "plo"}},
                409);
  EXPECT_NE(ErrorOf(m).find("3 members"), std::string::npos);
  Post(sek, "/api/pool/committee", {{"username", "x"}, {"password", "hemmelig-kode"}, {"party", "kl"}}, 400);
  Post(region, "/api/pool/committee", {{"username", "x"}, {"password", "hemmelig-kode"}, {"party", "plo"}}, 403);
}

TEST_P(CasesTest, SanctionsRegisterAndEmployment) {
  std::string rltn = Login("rltn");
  auto post_csv = [&](const std::string& body, int expect) {
    auto c = Client();
    auto r = c.Post("/api/sanctions?name=sanctions.csv", httplib::Headers{{"Cookie", rltn}}, body, "text/csv");
    EXPECT_TRUE(r);
    if (!r) return json();
    EXPECT_EQ(r->status, expect) << r->body;
    return json::parse(r->body, nullptr, false);
  };
  post_csv("doctor_id,provider,kind,decided,from_date,to_date,amount_ore\n"
           "L1,111111,d,2025-02-01,2025-03-01,2025-04-01,\n"
           "L1,111111,b,2025-02-01,,,250000\n"
           "L3,,f,2025-01-10,2025-01-10,,\n",
           201);
  // An overlapping suspension is refused and nothing of the file is stored.
  json bad = post_csv("doctor_id,provider,kind,decided,from_date,to_date,amount_ore\n"
                      "L2,222222,a,2025-03-01,,,\n"
                      "L1,111111,e,2025-03-01,2025-03-15,,\n",
                      400);
  EXPECT_NE(ErrorOf(bad).find("overlaps"), std::string::npos);
  json bad2 = post_csv("doctor_id,provider,kind,decided,from_date,to_date,amount_ore\nL2,222222,x,2025-03-01,,,\n", 400);
  EXPECT_EQ(ErrorOf(bad2), "sanctions.csv:2:3 (kind): 'x' is not a sanction kind (a, b, c, d, e or f)");
  EXPECT_EQ(GetJson(rltn, "/api/sanctions")["rows"].size(), 3u);
  // One decision as JSON, with the repetition marker.
  Post(rltn, "/api/sanctions", {{"doctor_id", "L2"}, {"provider", "222222"}, {"kind", "a"}, {"decided", "2025-03-01"},
                                {"repetition", true}, {"case_id", "LSU-12"}}, 201);
  json rows = GetJson(rltn, "/api/sanctions")["rows"];
  EXPECT_EQ(RowWhere(rows, "case_id", "LSU-12")["repetition"], 1);
  Post(Login("plo"), "/api/sanctions", {{"doctor_id", "L9"}, {"kind", "a"}, {"decided", "2025-03-01"}}, 403);
  // A clinic sees its own provider's decisions only.
  std::string clinic = Login("klinik-111111");
  EXPECT_EQ(GetJson(clinic, "/api/sanctions")["rows"].size(), 2u);

  // f) blocks employment in any clinic, nothing registered.
  json e = Post(rltn, "/api/employments", {{"doctor_id", "L3"}, {"provider", "222222"}, {"from_date", "2025-06-01"}}, 409);
  EXPECT_NE(ErrorOf(e).find("§ 114 stk. 2 f"), std::string::npos);
  Post(clinic, "/api/employments", {{"doctor_id", "L5"}, {"from_date", "2025-01-01"}}, 201);
  Post(clinic, "/api/employments", {{"doctor_id", "L5"}, {"provider", "222222"}, {"from_date", "2025-01-01"}}, 403);
  Post(clinic, "/api/employments", {{"doctor_id", "L3"}, {"from_date", "2025-01-01"}}, 409);
  json emp = GetJson(rltn, "/api/employments");
  ASSERT_EQ(emp["rows"].size(), 1u);
  EXPECT_EQ(emp["rows"][0]["provider"], "111111");
  json chk = GetJson(rltn, "/api/employments/check?doctor_id=L3&date=2025-05-01");
  EXPECT_EQ(chk["blocked"], true);
  EXPECT_EQ(GetJson(rltn, "/api/employments/check?doctor_id=L3&date=2025-01-09")["blocked"], false);
  json eff = GetJson(rltn, "/api/sanctions/effect");
  EXPECT_TRUE(eff["stopped"]["rows"].is_array());
  EXPECT_TRUE(eff["collected"]["rows"].is_array());

  // The stored register acts on the next settlement: the suspension (d)
  // stops the line in its period, the repayment (b) is collected by offset
  // against what the clinic is paid (ledger/ledger.h).
  json job = Upload(rltn, "claim_id,provider,cpr,service_date,code\ns1,111111,0101801234,2025-03-10,0101\n"
                          "s2,111111,0202801234,2025-04-10,0101\n");
  EXPECT_EQ(job["state"], "done") << job.dump();
  json stopped = GetJson(rltn, "/api/lines?rule=sanction.suspended");
  ASSERT_EQ(stopped["total"], 1) << stopped.dump();
  EXPECT_EQ(stopped["rows"][0]["claim_id"], "s1");
  json st = GetJson(rltn, "/api/statements?provider=111111");
  int64_t offset = 0;
  for (const auto& r : st["rows"])
    if (r["item"] == "offset") offset += r["amount_ore"].get<int64_t>();
  EXPECT_LT(offset, 0) << st.dump();
}

TEST_P(CasesTest, SharingBlocksHonouredAndNoCprAnywhere) {
  std::string clinic = Login("klinik-111111"), rltn = Login("rltn");
  const std::string cpr = "0101801234", other = "020290-4321";
  json blk = Post(clinic, "/api/sharing/blocks", {{"cpr", cpr}, {"note_type", "journal_note"}, {"sector", "hospital"}}, 201);
  json no = Post(clinic, "/api/sharing/check", {{"cpr", "010180-1234"}, {"note_type", "journal_note"}, {"sector", "hospital"}},
                 200);
  EXPECT_EQ(no["allowed"], false);
  EXPECT_EQ(no["block_id"], blk["id"]);
  EXPECT_NE(no["reason"].get<std::string>().find("frabedt sig deling af journalnotater med sygehuse"), std::string::npos);
  EXPECT_EQ(Post(clinic, "/api/sharing/check", {{"cpr", cpr}, {"note_type", "lab_values"}, {"sector", "hospital"}}, 200)["allowed"],
            true);
  EXPECT_EQ(Post(clinic, "/api/sharing/check", {{"cpr", cpr}, {"note_type", "journal_note"}, {"sector", "municipality"}}, 200)["allowed"],
            true);
  EXPECT_EQ(Post(clinic, "/api/sharing/check", {{"cpr", other}, {"note_type", "journal_note"}, {"sector", "hospital"}}, 200)["allowed"],
            true);
  // A block on everything; then revoked.
  json all = Post(rltn, "/api/sharing/blocks", {{"cpr", other}}, 201);
  EXPECT_EQ(Post(rltn, "/api/sharing/check", {{"cpr", other}, {"provider", "222222"}, {"note_type", "lab_values"},
                                              {"sector", "municipality"}}, 200)["allowed"],
            false);
  Post(rltn, "/api/sharing/blocks/" + std::to_string(all["id"].get<int64_t>()) + "/revoke", json::object(), 200);
  EXPECT_EQ(Post(rltn, "/api/sharing/check", {{"cpr", other}, {"provider", "222222"}, {"note_type", "lab_values"},
                                              {"sector", "municipality"}}, 200)["allowed"],
            true);
  // Bad input; a clinic asks for itself only; the error never repeats the CPR.
  json bad = Post(clinic, "/api/sharing/check", {{"cpr", "3213801234"}, {"note_type", "journal_note"}, {"sector", "hospital"}}, 400);
  EXPECT_EQ(ErrorOf(bad).find("3213801234"), std::string::npos);
  Post(clinic, "/api/sharing/check", {{"cpr", cpr}, {"provider", "222222"}, {"note_type", "journal_note"}, {"sector", "hospital"}},
       403);
  Post(clinic, "/api/sharing/check", {{"cpr", cpr}, {"note_type", "x"}, {"sector", "hospital"}}, 400);
  Post(Login("plo"), "/api/sharing/check", {{"cpr", cpr}, {"note_type", "journal_note"}, {"sector", "hospital"}}, 403);

  // Every answer logged (6 answers), without CPR.
  json log = GetJson(rltn, "/api/sharing/log");
  EXPECT_EQ(log["rows"].size(), 6u);
  EXPECT_EQ(GetJson(clinic, "/api/sharing/log")["rows"].size(), 4u);
  for (const char* path : {"/api/sharing/log?format=csv", "/api/sharing/blocks?format=csv", "/api/audit?format=csv"}) {
    auto r = Get(rltn, path);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body.find("0101801234"), std::string::npos) << path;
    EXPECT_EQ(r->body.find("010180"), std::string::npos) << path;
    EXPECT_EQ(r->body.find("020290"), std::string::npos) << path;
  }
  GetJson(clinic, "/api/sharing/blocks", 403);
}

TEST_P(CasesTest, ItSubsidyAndPartsforumBudgets) {
  std::string plo = Login("plo");
  json b = GetJson(plo, "/api/budgets?year=2025");
  json it = RowWhere(b["budgets"], "budget", "it_subsidy"), pf = RowWhere(b["budgets"], "budget", "partsforum");
  EXPECT_EQ(it["budget_ore"], 2100000000);
  EXPECT_EQ(pf["budget_ore"], 900000000);
  EXPECT_EQ(it["remaining_ore"], 2100000000 - 525000000);  // demo spend
  json over = Post(plo, "/api/budgets/spend", {{"budget", "it_subsidy"}, {"amount_ore", 1600000000},
                                               {"spent_on", "2025-06-30"}, {"description", "Drift 2. kvartal"}}, 409);
  EXPECT_NE(ErrorOf(over).find("exceed"), std::string::npos);
  json ok = Post(plo, "/api/budgets/spend", {{"budget", "it_subsidy"}, {"amount_ore", 525000000},
                                             {"spent_on", "2025-06-30"}, {"description", "Drift 2. kvartal"}}, 201);
  EXPECT_EQ(ok["remaining_ore"], 2100000000 - 1050000000);
  Post(plo, "/api/budgets/spend", {{"budget", "lottery"}, {"amount_ore", 1}, {"spent_on", "2025-06-30"},
                                   {"description", "x"}}, 400);
  Post(Login("region-sjaelland"), "/api/budgets/spend", {{"budget", "partsforum"}, {"amount_ore", 1},
                                                         {"spent_on", "2025-06-30"}, {"description", "x"}}, 403);
}

INSTANTIATE_TEST_SUITE_P(Backends, CasesTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace almen
