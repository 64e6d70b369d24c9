// The ledger in the API (routes_ledger.h), on SQLite and PostgreSQL: postings
// and corrections with rule, paragraph, reason and cause; lines as corrected;
// closings (rltn only) with their payment list and a clinic's
// honorarspecifikation; every route scoped to the user's clinics.
#include <gtest/gtest.h>

#include "server/testing_server.h"

namespace almen {
namespace {

using json = nlohmann::json;

class LedgerApiTest : public testing::InProcessServerTest {
 protected:
  LedgerApiTest() : InProcessServerTest("ledger-api-test") {}
};

int64_t SumOf(const json& rows, const char* col) {
  int64_t s = 0;
  for (const auto& r : rows) s += r[col].get<int64_t>();
  return s;
}

TEST_P(LedgerApiTest, PostingsCorrectionsClosingsAndSpecifications) {
  const std::string rltn = Login("rltn");
  // The demo ran first (run 1). A consultation, and later the annual status
  // of the same contact: the consultation is reversed.
  json a = Upload(rltn, "claim_id,provider,cpr,service_date,code,contact_id\nk1,111111,0505801233,2025-04-07,0101,K\n");
  ASSERT_EQ(a["state"], "done") << a.dump();
  json b = Upload(rltn, "claim_id,provider,cpr,service_date,code,contact_id\nk2,111111,0505801233,2025-04-07,0120,K\n");
  ASSERT_EQ(b["state"], "done") << b.dump();
  EXPECT_EQ(b["corrections"], 1);

  json corr = GetJson(rltn, "/api/corrections");
  ASSERT_EQ(corr["total"], 1) << corr.dump();
  EXPECT_EQ(corr["rows"][0]["claim_id"], "k1");
  EXPECT_EQ(corr["rows"][0]["rule"], "0120.not_with_0101");
  EXPECT_EQ(corr["rows"][0]["cause"], "k2");
  EXPECT_EQ(corr["rows"][0]["change_ore"], -17753);

  json run_postings = GetJson(rltn, "/api/postings?run=" + std::to_string(b["run_id"].get<int64_t>()) + "&code=0101");
  ASSERT_EQ(run_postings["total"], 2);
  EXPECT_EQ(SumOf(run_postings["rows"], "amount_ore"), -17753);
  for (const auto& p : run_postings["rows"]) {
    EXPECT_FALSE(p["reason"].get<std::string>().empty());
    EXPECT_FALSE(p["paragraph"].get<std::string>().empty());
  }
  // The lines page shows k1 as it is now.
  json lines = GetJson(rltn, "/api/lines?provider=111111&month=2025-04");
  bool seen = false;
  for (const auto& l : lines["rows"])
    if (l["claim_id"] == "k1") {
      seen = true;
      EXPECT_EQ(l["status"], "rejected");
      EXPECT_EQ(l["corrected_by_run"], b["run_id"]);
    }
  EXPECT_TRUE(seen);

  // Sorting and paging on the server.
  json page = GetJson(rltn, "/api/postings?sort=-amount_ore&limit=2&offset=1");
  EXPECT_EQ(page["rows"].size(), 2u);
  EXPECT_GE(page["rows"][0]["amount_ore"].get<int64_t>(), page["rows"][1]["amount_ore"].get<int64_t>());
  GetJson(rltn, "/api/postings?limit=-1", 400);

  // Closing: rltn only; the payment list and a clinic's specification.
  Post(Login("region-hovedstaden"), "/api/ledger/closings", {{"month", "2025-01"}}, 403);
  json closed = Post(rltn, "/api/ledger/closings", {{"month", "2025-01"}}, 201);
  EXPECT_EQ(closed["month"], "2025-01");
  Post(rltn, "/api/ledger/closings", {{"month", "2025-01"}}, 409);
  json pay = GetJson(rltn, "/api/ledger/payments?month=2025-01");
  EXPECT_EQ(SumOf(pay["rows"], "amount_ore"), closed["amount_ore"].get<int64_t>());
  json spec = GetJson(Login("klinik-111111"), "/api/ledger/specification?provider=111111&month=2025-01");
  EXPECT_EQ(SumOf(spec["rows"], "amount_ore"),
            [&] {
              for (const auto& r : pay["rows"])
                if (r["provider"] == "111111") return r["amount_ore"].get<int64_t>();
              return int64_t{-1};
            }());
  // A clinic sees only itself; another's specification is empty.
  json other = GetJson(Login("klinik-111111"), "/api/ledger/specification?provider=222222&month=2025-01");
  EXPECT_EQ(other["rows"].size(), 0u);
  json clinic_pay = GetJson(Login("klinik-111111"), "/api/ledger/payments?month=2025-01");
  for (const auto& r : clinic_pay["rows"]) EXPECT_EQ(r["provider"], "111111");
  GetJson(Login("plo"), "/api/corrections", 403);
  GetJson(Login("kommune-0101"), "/api/postings", 403);
  // A late claim for the closed month is booked in the next open one.
  json late = Upload(rltn, "claim_id,provider,cpr,service_date,code\nk3,111111,0606801233,2025-01-20,0101\n");
  ASSERT_EQ(late["state"], "done");
  json lp = GetJson(rltn, "/api/postings?run=" + std::to_string(late["run_id"].get<int64_t>()));
  ASSERT_EQ(lp["total"], 1);
  EXPECT_EQ(lp["rows"][0]["month"], "2025-01");
  EXPECT_EQ(lp["rows"][0]["book_month"], "2025-02");
  json summary = GetJson(rltn, "/api/ledger");
  EXPECT_EQ(summary["last_closed"], "2025-01");
  EXPECT_EQ(summary["open_month"], "2025-02");
  // Exports.
  auto csv = Get(rltn, "/api/ledger/specification?provider=111111&month=2025-01&format=csv");
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->status, 200);
}

INSTANTIATE_TEST_SUITE_P(Backends, LedgerApiTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace almen
