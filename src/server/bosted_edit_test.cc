// Issue 6 item 1: editing the botilbud register through the API (history,
// roles, validation, audit, LSU sanctions) and the stored register in the
// server's monthly run (item 2). In-process server over SQLite and a real
// PostgreSQL, with the fixture of server/testing_server.h and a fake
// settlement that reports the register it was given.
#include <nlohmann/json.hpp>

#include "bosted/register.h"
#include "server/testing_server.h"

namespace almen {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// testing::FakeSettle, plus the register files the server hands to Settle: one
// bosted_honorarium row per attachment valid on 2025-01-15 (2.111,72 kr.), as a
// stand-in for Settle.
Status FakeSettle(const Agreement&, const Pseudonymizer&, const SettleOptions& o, const std::string& out,
                  SettleSummary*) {
  std::string bosted_rows;
  if (!o.botilbud_path.empty()) {
    auto reg = BostedRegister::Load(o.botilbud_path, o.attachments_path);
    if (!reg.ok()) return reg.status();
    for (const auto* a : reg->AttachmentsOn(Date::FromYmd(2025, 1, 15)))
      bosted_rows += std::to_string(a->provider) + ",2025-01,bosted_honorarium,,1,211172\n";
  }
  return testing::FakeSettleClaims(o, out, bosted_rows);
}

class BostedEditTest : public testing::InProcessServerTest {
 protected:
  BostedEditTest() : InProcessServerTest("bosted-edit-test", Pipeline{testing::FakeGenerate, FakeSettle}) {}
  static void SetUpTestSuite() { LoadAgreement(/*honour_env_dir=*/true); }
};
json Where(const json& rows, const std::string& section, const json& valid_from) {
  for (const auto& r : rows)
    if (r["section"] == section && r["valid_from"] == valid_from) return r;
  return {};
}

json NewB9() {
  return {{"botilbud_id", "B9"}, {"name", "Bostedet Amager"}, {"paragraph", "SEL108"}, {"places", 70},
          {"operator", "municipal"}, {"valid_from", "2025-01-01"},
          {"sections", {{{"section", "A"}, {"residents", 35}}, {{"section", "B"}, {"residents", 31}}}}};
}

TEST_P(BostedEditTest, MunicipalityAddsAndChangesItsBotilbudWithHistory) {
  std::string k = Login("kommune-0101");
  json h = Post(k, "/api/bosted/botilbud", NewB9(), 201);
  ASSERT_EQ(h["sections"].size(), 2u);
  EXPECT_EQ(h["sections"][0]["municipality_code"], "0101");  // the municipality's own by default
  // A change from 1 June: more places, residents of A; B unchanged but carried over.
  h = Put(k, "/api/bosted/botilbud/B9",
          {{"valid_from", "2025-06-01"}, {"places", 72}, {"sections", {{{"section", "A"}, {"residents", 36}}}}}, 200);
  ASSERT_EQ(h["sections"].size(), 4u);
  EXPECT_EQ(Where(h["sections"], "A", "2025-01-01")["valid_to"], "2025-06-01");
  EXPECT_EQ(Where(h["sections"], "A", "2025-01-01")["residents"], 35);  // never overwritten
  EXPECT_EQ(Where(h["sections"], "A", "2025-06-01")["residents"], 36);
  EXPECT_EQ(Where(h["sections"], "B", "2025-06-01")["places"], 72);
  EXPECT_EQ(Where(h["sections"], "B", "2025-06-01")["valid_to"], nullptr);
  // The register on a date shows the row valid then.
  auto residents_on = [&](const std::string& date) {
    json reg = GetJson(k, "/api/bosted/register?date=" + date);
    for (const auto& r : reg["rows"])
      if (r["botilbud_id"] == "B9" && r["section"] == "A") return r["residents"];
    return json();
  };
  EXPECT_EQ(residents_on("2025-05-31"), 35);
  EXPECT_EQ(residents_on("2025-06-01"), 36);
  // A second change on the same date is refused (history), nothing changed.
  json e = Put(k, "/api/bosted/botilbud/B9", {{"valid_from", "2025-06-01"}, {"places", 80}}, 409);
  EXPECT_NE(ErrorOf(e).find("already has a change from 2025-06-01"), std::string::npos) << ErrorOf(e);
  // Attach a fixed doctor, then end the attachment; end section B.
  h = Post(k, "/api/bosted/attachments",
           {{"botilbud_id", "B9"}, {"section", "A"}, {"provider", "111111"}, {"from_date", "2025-02-01"},
            {"listed_residents", 10}},
           201);
  ASSERT_EQ(h["attachments"].size(), 1u);
  h = Put(k, "/api/bosted/attachments",
          {{"botilbud_id", "B9"}, {"section", "A"}, {"provider", "111111"}, {"from_date", "2025-02-01"},
           {"to_date", "2025-09-01"}},
          200);
  EXPECT_EQ(h["attachments"][0]["to_date"], "2025-09-01");
  // Extending an ended attachment is refused.
  Put(k, "/api/bosted/attachments",
      {{"botilbud_id", "B9"}, {"section", "A"}, {"provider", "111111"}, {"from_date", "2025-02-01"},
       {"to_date", "2025-12-01"}},
      409);
  h = Put(k, "/api/bosted/botilbud/B9", {{"valid_from", "2025-10-01"}, {"sections", {{{"section", "B"}, {"end", true}}}}},
          200);
  EXPECT_EQ(Where(h["sections"], "B", "2025-06-01")["valid_to"], "2025-10-01");
  EXPECT_TRUE(Where(h["sections"], "B", "2025-10-01").is_null());
  // Every change is in the audit log.
  std::string audit = GetJson(Login("rltn"), "/api/audit?limit=1000").dump();
  for (const char* a : {"bosted.botilbud.create", "bosted.botilbud.change", "bosted.attachment.create",
                        "bosted.attachment.end"})
    EXPECT_NE(audit.find(a), std::string::npos) << a;
}

TEST_P(BostedEditTest, MunicipalityCannotEditAnotherMunicipalitysBotilbud) {
  std::string k = Login("kommune-0101");
  // B2 is Aarhus's (0751).
  json e = Put(k, "/api/bosted/botilbud/B2", {{"valid_from", "2025-06-01"}, {"places", 41}}, 403);
  EXPECT_NE(ErrorOf(e).find("0751"), std::string::npos);
  json b = NewB9();
  b["municipality_code"] = "0751";
  Post(k, "/api/bosted/botilbud", b, 403);
  Post(k, "/api/bosted/attachments", {{"botilbud_id", "B2"}, {"provider", "222222"}, {"from_date", "2025-02-01"}}, 403);
  GetJson(k, "/api/bosted/botilbud/B2", 403);
  // Other roles: a region attaches in its own region only; plo and clinics edit nothing.
  Post(Login("region-hovedstaden"), "/api/bosted/attachments",
       {{"botilbud_id", "B2"}, {"provider", "222222"}, {"from_date", "2025-02-01"}}, 403);
  Post(Login("region-midtjylland"), "/api/bosted/attachments",
       {{"botilbud_id", "B2"}, {"provider", "222222"}, {"from_date", "2025-02-01"}}, 201);
  Put(Login("plo"), "/api/bosted/botilbud/B1", {{"valid_from", "2025-06-01"}, {"places", 21}}, 403);
  Put(Login("klinik-111111"), "/api/bosted/botilbud/B1", {{"valid_from", "2025-06-01"}, {"places", 21}}, 403);
  // rltn may change any.
  Put(Login("rltn"), "/api/bosted/botilbud/B2", {{"valid_from", "2025-06-01"}, {"places", 41}}, 200);
  // Nothing of B2 was changed by the refused requests.
  json h = GetJson(Login("rltn"), "/api/bosted/botilbud/B2");
  EXPECT_EQ(h["sections"].size(), 2u);
  EXPECT_EQ(h["attachments"].size(), 1u);
}

TEST_P(BostedEditTest, BadInputIsRefusedAndNothingChanges) {
  std::string k = Login("kommune-0101");
  json b = NewB9();
  b["paragraph"] = "SEL999";
  EXPECT_NE(ErrorOf(Post(k, "/api/bosted/botilbud", b, 400)).find("'SEL999' is not a paragraph"), std::string::npos);
  b = NewB9();
  b["sections"][1]["residents"] = -1;
  EXPECT_EQ(ErrorOf(Post(k, "/api/bosted/botilbud", b, 400)), "residents must not be negative");
  Put(k, "/api/bosted/botilbud/B1", {{"valid_from", "2025-06-01"}, {"sections", {{{"section", "A"}, {"residents", -3}}}}},
      400);
  GetJson(k, "/api/bosted/botilbud/B9", 404);  // nothing stored
  // Attachments: unknown section, unknown provider, overlap.
  json e = Post(k, "/api/bosted/attachments",
                {{"botilbud_id", "B1"}, {"section", "Z"}, {"provider", "111111"}, {"from_date", "2025-02-01"}}, 400);
  EXPECT_EQ(ErrorOf(e), "section 'Z' of botilbud B1 is not in the register");
  Post(k, "/api/bosted/attachments", {{"botilbud_id", "B1"}, {"provider", "999999"}, {"from_date", "2025-02-01"}}, 400);
  Post(k, "/api/bosted/attachments", {{"botilbud_id", "B1"}, {"provider", "111111"}, {"from_date", "2025-02-01"}}, 201);
  e = Post(k, "/api/bosted/attachments",
           {{"botilbud_id", "B1"}, {"provider", "333333"}, {"from_date", "2025-05-01"}, {"to_date", "2025-07-01"}}, 409);
  EXPECT_NE(ErrorOf(e).find("already has a fixed doctor in this period (provider 111111"), std::string::npos);
  Post(k, "/api/bosted/attachments", {{"botilbud_id", "NOPE"}, {"provider", "111111"}, {"from_date", "2025-02-01"}},
       404);
  // Splitting B1 (20 residents) into two small sections while it has a fixed doctor: the 30-residents rule.
  e = Put(k, "/api/bosted/botilbud/B1", {{"valid_from", "2025-06-01"}, {"sections", {{{"section", "B"}, {"residents", 5}}}}},
          400);
  EXPECT_NE(ErrorOf(e).find("at least 30 residents"), std::string::npos) << ErrorOf(e);
  json h = GetJson(k, "/api/bosted/botilbud/B1");
  EXPECT_EQ(h["sections"].size(), 1u);
  EXPECT_EQ(h["attachments"].size(), 1u);
  // Not a JSON object.
  auto c = Client();
  auto r = c.Post("/api/bosted/botilbud", httplib::Headers{{"Cookie", k}}, "x", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
}

TEST_P(BostedEditTest, SanctionedDoctorsCannotBeAttached) {
  std::string rltn = Login("rltn");
  auto c = Client();
  auto r = c.Post("/api/sanctions?name=sanctions.csv", httplib::Headers{{"Cookie", rltn}},
                  "doctor_id,provider,kind,decided,from_date,to_date,amount_ore\n"
                  "L1,111111,e,2025-02-01,2025-03-01,,\n"
                  "L3,,f,2025-01-10,2025-04-01,2025-10-01,\n",
                  "text/csv");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  std::string k = Login("kommune-0101");
  // e) of provider 111111 from 1 March: no attachment starting then.
  json e = Post(k, "/api/bosted/attachments",
                {{"botilbud_id", "B1"}, {"provider", "111111"}, {"from_date", "2025-04-01"}}, 409);
  EXPECT_NE(ErrorOf(e).find("§ 114 stk. 2"), std::string::npos) << ErrorOf(e);
  // f) of doctor L3 (employment ban) overlapping the attachment period, whatever the clinic.
  e = Post(k, "/api/bosted/attachments",
           {{"botilbud_id", "B1"}, {"provider", "333333"}, {"doctor_id", "L3"}, {"from_date", "2025-02-01"}}, 409);
  EXPECT_NE(ErrorOf(e).find("L3"), std::string::npos) << ErrorOf(e);
  EXPECT_EQ(GetJson(k, "/api/bosted/botilbud/B1")["attachments"].size(), 0u);
  // Before the ban and ending before it: allowed.
  Post(k, "/api/bosted/attachments",
       {{"botilbud_id", "B1"}, {"provider", "333333"}, {"doctor_id", "L3"}, {"from_date", "2025-02-01"},
        {"to_date", "2025-04-01"}},
       201);
  EXPECT_NE(GetJson(rltn, "/api/audit?limit=1000").dump().find("bosted.edit.refused"), std::string::npos);
}

// Item 2: an uploaded claims file is settled with the stored register, so the
// statements get the bostedslæge honorarium of attachments made in the UI.
TEST_P(BostedEditTest, MonthlyRunUsesTheStoredRegister) {
  std::string k = Login("kommune-0101");
  Post(k, "/api/bosted/attachments", {{"botilbud_id", "B1"}, {"provider", "111111"}, {"from_date", "2025-01-01"}}, 201);
  std::string rltn = Login("rltn");
  json job = Upload(rltn, "claim_id,provider,cpr,service_date,code\nu1,111111,0101801234,2025-01-20,0101\n");
  ASSERT_EQ(job["state"], "done") << job.dump();
  json st = GetJson(rltn, "/api/statements?provider=111111&month=2025-01")["rows"];
  bool found = false;
  for (const auto& row : st)
    if (row["item"] == "bosted_honorarium" && row["amount_ore"] == 211172) found = true;
  EXPECT_TRUE(found) << st.dump();
}

INSTANTIATE_TEST_SUITE_P(Backends, BostedEditTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace almen
