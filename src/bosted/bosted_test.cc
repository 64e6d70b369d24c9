// Bostedslæger: register validation, honorarium, coverage (tests/bosted/ fixtures,
// counted by hand in tests/bosted/README.md).
#include <gtest/gtest.h>

#include <string>

#include "bosted/coverage.h"
#include "bosted/honorarium.h"
#include "bosted/register.h"
#include "common/file.h"
#include "settlement/statement.h"

namespace almen {
namespace {

const std::string kDir = std::string(ALMEN_SOURCE_DIR) + "/tests/bosted/";
const std::string kHeader = "botilbud_id,name,municipality_code,paragraph,places,operator,section,residents\n";
const std::string kAttHeader = "botilbud_id,section,provider,from_date,to_date\n";

Date D(const char* s) { return *Date::Parse(s); }
Month M(int y, int m) { return Month::FromYm(y, m); }

const Agreement& Builtin() {
  static const Agreement a = *Agreement::LoadBuiltin();
  return a;
}

BostedRegister Fixture(const ProviderRegistry* providers = nullptr) {
  BostedLoadOptions o;
  o.providers = providers;
  auto r = BostedRegister::Load(kDir + "botilbud.csv", kDir + "attachments.csv", o);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return *r;
}

StatusOr<BostedRegister> Parse(const std::string& b, const std::string& a, BostedLoadOptions o = {}) {
  return BostedRegister::Parse("botilbud.csv", b, "attachments.csv", a, o);
}

// One section with `residents`, one attachment [from, to).
BostedRegister One(int residents, const std::string& from, const std::string& to = "") {
  auto r = Parse(kHeader + "X1,Test,0101,SEL108," + std::to_string(residents) + ",municipal,A," +
                     std::to_string(residents) + "\n",
                 kAttHeader + "X1,A,100001," + from + "," + to + "\n");
  EXPECT_TRUE(r.ok()) << r.status().message();
  return *r;
}

Money Only(const Agreement& a, const BostedRegister& reg, Month m, bool apr24 = false) {
  auto lines = ComputeBostedHonoraria(a, reg, m, m, apr24);
  EXPECT_TRUE(lines.ok()) << lines.status().message();
  Money sum;
  for (const auto& l : *lines) sum += l.amount;
  return sum;
}

// ---- register ---------------------------------------------------------------

TEST(BostedRegister, LoadsTheFixture) {
  auto providers = ProviderRegistry::Load(kDir + "providers.csv");
  ASSERT_TRUE(providers.ok()) << providers.status().message();
  BostedRegister reg = Fixture(&*providers);
  EXPECT_EQ(reg.sections().size(), 7u);
  ASSERT_EQ(reg.attachments().size(), 4u);
  EXPECT_EQ(reg.attachments()[3].section, "A");  // the empty section resolved
  EXPECT_EQ(BostedMunicipalities().size(), 98u);
  EXPECT_EQ(BostedRegions().size(), 5u);
}

struct BadCase {
  const char* name;
  std::string botilbud, attachments, expect;
};

TEST(BostedRegister, BadInputIsAnErrorNamingFileLineColumn) {
  const std::string ok_b = kHeader + "B1,Egely,0101,SEL108,20,municipal,A,20\n";
  const std::string split = kHeader + "B7,Storely,0101,SEL108,60,municipal,A,40\nB7,Storely,0101,SEL108,60,municipal,B,20\n";
  std::vector<BadCase> cases = {
      {"unknown municipality", kHeader + "B1,Egely,0999,SEL108,20,municipal,A,20\n", kAttHeader,
       "botilbud.csv:2:3 (municipality_code): '0999' is not one of the 98 municipality codes"},
      {"unknown paragraph", kHeader + "B1,Egely,0101,SEL999,20,municipal,A,20\n", kAttHeader,
       "botilbud.csv:2:4 (paragraph): 'SEL999' is not a paragraph"},
      {"unknown operator", kHeader + "B1,Egely,0101,SEL108,20,kommunal,A,20\n", kAttHeader,
       "botilbud.csv:2:6 (operator)"},
      {"negative residents", kHeader + "B1,Egely,0101,SEL108,20,municipal,A,-1\n", kAttHeader,
       "botilbud.csv:2:8 (residents): residents must not be negative"},
      {"negative places", kHeader + "B1,Egely,0101,SEL108,-5,municipal,A,20\n", kAttHeader,
       "botilbud.csv:2:5 (places): places must not be negative"},
      {"residents not a number", kHeader + "B1,Egely,0101,SEL108,20,municipal,A,tyve\n", kAttHeader,
       "botilbud.csv:2:8 (residents): residents must be a whole number"},
      {"section twice", ok_b + "B1,Egely,0101,SEL108,20,municipal,A,21\n", kAttHeader,
       "botilbud.csv:3:1: section B1/A is already in the register for this period (line 2)"},
      {"sections disagree", ok_b + "B1,Egely,0147,SEL108,20,municipal,B,20\n", kAttHeader,
       "botilbud.csv:3:3 (municipality_code): botilbud B1: municipality_code differs"},
      {"missing column", "botilbud_id,name,municipality_code,paragraph,places,section,residents\n", kAttHeader,
       "operator"},
      {"non-existent botilbud", ok_b, kAttHeader + "B9,A,100001,2025-01-01,\n",
       "attachments.csv:2:1 (botilbud_id): botilbud 'B9' is not in the register"},
      {"non-existent section", ok_b, kAttHeader + "B1,Z,100001,2025-01-01,\n",
       "attachments.csv:2:2 (section): section 'Z' of botilbud B1 is not in the register"},
      {"section needed", split, kAttHeader + "B7,,100001,2025-01-01,\n",
       "attachments.csv:2:2 (section): botilbud B7 has several sections: name the section"},
      {"overlapping attachments", ok_b,
       kAttHeader + "B1,A,100001,2025-01-01,2025-07-01\nB1,A,100002,2025-06-01,\n",
       "attachments.csv:3:1: section B1/A already has a fixed doctor in this period (line 2, provider 100001)"},
      {"to before from", ok_b, kAttHeader + "B1,A,100001,2025-03-01,2025-02-01\n",
       "attachments.csv:2:5 (to_date): to_date must be after from_date"},
      {"bad date", ok_b, kAttHeader + "B1,A,100001,2025-02-30,\n", "attachments.csv:2:4 (from_date)"},
      {"bad provider", ok_b, kAttHeader + "B1,A,12345,2025-01-01,\n",
       "attachments.csv:2:3 (provider): provider must be a 6-digit ydernummer"},
      {"small section of a split botilbud", split, kAttHeader + "B7,B,100001,2025-01-01,\n",
       "attachments.csv:2:2 (section): section B7/B has 20 residents: a botilbud split into sections needs at "
       "least 30"},
  };
  for (const auto& c : cases) {
    auto r = Parse(c.botilbud, c.attachments);
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput) << c.name;
    EXPECT_NE(r.status().message().find(c.expect), std::string::npos) << c.name << ": " << r.status().message();
  }
}

TEST(BostedRegister, SplitRuleOnlyForSplitBotilbud) {
  // A single-section botilbud of 20 residents may have a fixed doctor.
  EXPECT_TRUE(Parse(kHeader + "B1,Egely,0101,SEL108,20,municipal,A,20\n", kAttHeader + "B1,A,100001,2025-01-01,\n").ok());
  // The large section of a split botilbud may.
  EXPECT_TRUE(Parse(kHeader + "B7,S,0101,SEL108,60,municipal,A,40\nB7,S,0101,SEL108,60,municipal,B,20\n",
                    kAttHeader + "B7,A,100001,2025-01-01,\n")
                  .ok());
  // Exactly 30 is enough.
  EXPECT_TRUE(Parse(kHeader + "B7,S,0101,SEL108,60,municipal,A,30\nB7,S,0101,SEL108,60,municipal,B,30\n",
                    kAttHeader + "B7,B,100001,2025-01-01,\n")
                  .ok());
}

TEST(BostedRegister, ProvidersAndSanctions) {
  auto providers = ProviderRegistry::Load(kDir + "providers.csv");
  ASSERT_TRUE(providers.ok());
  const std::string b = kHeader + "B1,Egely,0101,SEL108,20,municipal,A,20\n";
  BostedLoadOptions o;
  o.providers = &*providers;
  auto r = Parse(b, kAttHeader + "B1,A,999999,2025-01-01,\n", o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("attachments.csv:2:3 (provider): provider 999999 is not in providers.csv"),
            std::string::npos)
      << r.status().message();
  // 100003 is valid from 2024: not on 2023-06-01.
  r = Parse(b, kAttHeader + "B1,A,100003,2023-06-01,\n", o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("has no providers.csv row valid on 2023-06-01"), std::string::npos);
  // Region and udbud clinics are allowed.
  EXPECT_TRUE(Parse(b, kAttHeader + "B1,A,100003,2025-01-01,\n", o).ok());
  EXPECT_TRUE(Parse(b, kAttHeader + "B1,A,100004,2025-01-01,\n", o).ok());
  // The sanctions hook: 100001 excluded in March 2025.
  o.excluded = [](int p, Date d) { return p == 100001 && D("2025-03-01") <= d && d < D("2025-04-01"); };
  r = Parse(b, kAttHeader + "B1,A,100001,2025-03-10,\n", o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("excluded by an LSU sanction on 2025-03-10"), std::string::npos);
  auto ok = Parse(b, kAttHeader + "B1,A,100001,2025-01-01,\n", o);
  ASSERT_TRUE(ok.ok());
  // Excluded days are not paid: March 2025 nothing, February in full.
  EXPECT_EQ(Only(Builtin(), *ok, M(2025, 3)).ore(), 0);
  EXPECT_EQ(Only(Builtin(), *ok, M(2025, 2)).ore(), 211172);
}

TEST(BostedRegister, HistoryRows) {
  // valid_from/valid_to: the section grows from 30 to 31 residents on 1 May 2025.
  const std::string b =
      "botilbud_id,name,municipality_code,paragraph,places,operator,section,residents,valid_from,valid_to\n"
      "B1,E,0101,SEL108,31,municipal,A,30,2024-01-01,2025-05-01\n"
      "B1,E,0101,SEL108,31,municipal,A,31,2025-05-01,\n";
  auto r = Parse(b, kAttHeader + "B1,A,100001,2025-01-01,\n");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(Only(Builtin(), *r, M(2025, 4)).ore(), 211172);
  EXPECT_EQ(Only(Builtin(), *r, M(2025, 5)).ore(), 316758);
  EXPECT_EQ(r->SectionOn("B1", "A", D("2025-04-30"))->residents, 30);
  // Not in the register before 2024: an attachment from 2023 is refused.
  auto bad = Parse(b, kAttHeader + "B1,A,100001,2023-01-01,\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("is not in the register on 2023-01-01"), std::string::npos);
}

// ---- honorarium -------------------------------------------------------------

TEST(BostedHonorarium, ThirtyAndThirtyOneResidents) {
  EXPECT_EQ(Only(Builtin(), One(30, "2025-01-01"), M(2025, 2)).ore(), 211172);  // 2 × 1.055,86
  EXPECT_EQ(Only(Builtin(), One(31, "2025-01-01"), M(2025, 2)).ore(), 316758);  // 3 × 1.055,86
  EXPECT_EQ(Only(Builtin(), One(0, "2025-01-01"), M(2025, 2)).ore(), 211172);
}

TEST(BostedHonorarium, PartMonthsByCalendarDays) {
  // From 15 January: 17 of 31 days. 211172 × 17 / 31 = 115804 exactly.
  EXPECT_EQ(Only(Builtin(), One(20, "2025-01-15"), M(2025, 1)).ore(), 115804);
  // From 10 February (19 of 28 days), 31 residents: 316758 × 19 / 28 = 214942,5 → 214943 (half away from zero).
  EXPECT_EQ(Only(Builtin(), One(31, "2025-02-10"), M(2025, 2)).ore(), 214943);
  // Ends 11 April (to_date exclusive: 10 days of 30): 211172 × 10 / 30 = 70390,67 → 70391.
  EXPECT_EQ(Only(Builtin(), One(20, "2025-01-01", "2025-04-11"), M(2025, 4)).ore(), 70391);
  // One day.
  EXPECT_EQ(Only(Builtin(), One(20, "2025-03-31", "2025-04-01"), M(2025, 3)).ore(), 6812);  // 211172/31 = 6811,97
  // A month with no attached day pays nothing; before the scheme (2024) nothing.
  EXPECT_EQ(Only(Builtin(), One(20, "2025-01-01", "2025-04-01"), M(2025, 4)).ore(), 0);
  EXPECT_EQ(Only(Builtin(), One(20, "2024-06-01"), M(2024, 12)).ore(), 0);
}

TEST(BostedHonorarium, IndexRegulationAndApr24Level) {
  auto files = Builtin().files();
  files["index.csv"] =
      "valid_from,valid_to,factor,paragraph,source,note\n"
      "2000-01-01,2025-04-01,1.000000,§ 64,seed,test\n"
      "2025-04-01,,1.025000,§ 64,illustrative,\"test +2,5 %\"\n";
  auto a = Agreement::LoadFiles(files, "test");
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(Only(*a, One(20, "2025-01-01"), M(2025, 3)).ore(), 211172);
  EXPECT_EQ(Only(*a, One(20, "2025-01-01"), M(2025, 4)).ore(), 216451);  // 211172 × 1,025 = 216451,3
  EXPECT_EQ(Only(*a, One(31, "2025-01-01"), M(2025, 4)).ore(), 324677);  // 316758 × 1,025 = 324676,95
  // Regulated first, then pro rata: 216451 × 10 / 30 = 72150,33 → 72150.
  EXPECT_EQ(Only(*a, One(20, "2025-04-21"), M(2025, 4)).ore(), 72150);
  // apr-24 price level: no index.
  EXPECT_EQ(Only(*a, One(20, "2025-01-01"), M(2025, 4), true).ore(), 211172);
  EXPECT_EQ(Only(*a, One(31, "2025-01-01"), M(2025, 4), true).ore(), 316758);
}

TEST(BostedHonorarium, StatementRows) {
  BostedRegister reg = Fixture();
  StatementAccumulator acc;
  ASSERT_TRUE(AddBostedHonoraria(Builtin(), reg, M(2025, 1), M(2025, 12), false, &acc).ok());
  // B1: 115804 + 11 × 211172; B2/A: 6 × 316758 (100002) + 6 × 316758 (100003); B4: 3 × 316758.
  const int64_t expect = 115804 + 11 * 211172 + 12 * 316758 + 3 * 316758;
  EXPECT_EQ(acc.Total().ore(), expect);
  std::string csv = acc.ToCsv();
  EXPECT_NE(csv.find("100001,2025-01,bosted_honorarium,,1,115804"), std::string::npos) << csv;
  EXPECT_NE(csv.find("100004,2025-05,bosted_honorarium,,1,316758"), std::string::npos) << csv;
  EXPECT_EQ(csv.find("100004,2025-06"), std::string::npos);
}

// ---- coverage -----------------------------------------------------------------

TEST(BostedCoverage, CountedByHand) {
  BostedRegister reg = Fixture();
  auto all = BostedCoverage(reg, D("2025-04-01"), BostedGroupBy::kAll);
  ASSERT_EQ(all.size(), 1u);
  const auto& t = all[0];
  EXPECT_EQ(t.botilbud, 6);
  EXPECT_EQ(t.botilbud_covered, 3);
  EXPECT_EQ(t.places, 154);
  EXPECT_EQ(t.places_covered, 124);
  EXPECT_EQ(t.sections, 7);
  EXPECT_EQ(t.sections_covered, 3);
  EXPECT_EQ(t.residents, 154);
  EXPECT_EQ(t.residents_covered, 94);
  EXPECT_EQ(t.attachments, 3);
  EXPECT_EQ(t.coverage_ppm, 500000);
  EXPECT_EQ(BostedPctDa(t.coverage_ppm), "50,0 %");
  EXPECT_EQ(BostedPctDa(t.places_coverage_ppm), "80,5 %");  // 124/154 = 80,519 %

  // 1 February: B4 not yet.
  auto feb = BostedCoverage(reg, D("2025-02-01"), BostedGroupBy::kAll)[0];
  EXPECT_EQ(feb.botilbud_covered, 2);
  EXPECT_EQ(feb.places_covered, 84);
  // 1 January: nobody yet (B2 from 1 January: yes; B1 from the 15th: no).
  EXPECT_EQ(BostedCoverage(reg, D("2025-01-01"), BostedGroupBy::kAll)[0].botilbud_covered, 1);

  auto by_region = BostedCoverage(reg, D("2025-04-01"), BostedGroupBy::kRegion);
  ASSERT_EQ(by_region.size(), 4u);  // 1082, 1083, 1084 + total
  EXPECT_EQ(by_region[0].key, "1082");
  EXPECT_EQ(by_region[0].botilbud, 2);
  EXPECT_EQ(by_region[0].botilbud_covered, 1);
  EXPECT_EQ(by_region[0].places_covered, 40);
  EXPECT_EQ(by_region[1].key, "1083");
  EXPECT_EQ(by_region[1].botilbud_covered, 0);
  EXPECT_EQ(by_region[2].key, "1084");
  EXPECT_EQ(by_region[2].label, "Region Hovedstaden");
  EXPECT_EQ(by_region[2].botilbud, 3);
  EXPECT_EQ(by_region[2].botilbud_covered, 2);
  EXPECT_EQ(by_region[2].places, 96);
  EXPECT_EQ(by_region[2].places_covered, 84);

  auto by_size = BostedCoverage(reg, D("2025-04-01"), BostedGroupBy::kSize);
  ASSERT_EQ(by_size.size(), 3u);
  EXPECT_EQ(by_size[0].key, "large");
  EXPECT_EQ(by_size[0].botilbud, 2);
  EXPECT_EQ(by_size[0].botilbud_covered, 2);
  EXPECT_EQ(by_size[1].key, "small");
  EXPECT_EQ(by_size[1].botilbud, 4);
  EXPECT_EQ(by_size[1].botilbud_covered, 1);

  auto by_op = BostedCoverage(reg, D("2025-04-01"), BostedGroupBy::kOperator);
  ASSERT_EQ(by_op.size(), 4u);
  EXPECT_EQ(by_op[0].key, "municipal");  // B1, B2, B6
  EXPECT_EQ(by_op[0].botilbud, 3);
  EXPECT_EQ(by_op[0].botilbud_covered, 2);
  EXPECT_EQ(by_op[1].key, "private");  // B3, B5
  EXPECT_EQ(by_op[1].botilbud_covered, 0);
  EXPECT_EQ(by_op[2].key, "regional");
  EXPECT_EQ(by_op[2].botilbud_covered, 1);

  auto by_par = BostedCoverage(reg, D("2025-04-01"), BostedGroupBy::kParagraph);
  ASSERT_EQ(by_par.size(), 4u);  // ABL105, SEL107, SEL108 + total
  EXPECT_EQ(by_par[0].key, "ABL105");
  EXPECT_EQ(by_par[0].botilbud, 2);
  EXPECT_EQ(by_par[0].botilbud_covered, 1);
  EXPECT_EQ(by_par[2].key, "SEL108");
  EXPECT_EQ(by_par[2].botilbud, 3);
  EXPECT_EQ(by_par[2].botilbud_covered, 2);

  BostedCoverageFilter f;
  f.municipality_code = "0101";
  auto k = BostedCoverage(reg, D("2025-04-01"), BostedGroupBy::kAll, f)[0];
  EXPECT_EQ(k.botilbud, 2);
  EXPECT_EQ(k.botilbud_covered, 2);
  EXPECT_EQ(k.sections, 3);
  EXPECT_EQ(k.sections_covered, 2);
}

TEST(BostedCoverage, MunicipalitiesAtZero) {
  BostedRegister reg = Fixture();
  auto apr = BostedTargetGroupJson(Builtin(), reg, D("2025-04-01"));
  ASSERT_TRUE(apr.ok()) << apr.status().message();
  EXPECT_EQ((*apr)["total"]["botilbud"], 5);
  EXPECT_EQ((*apr)["total"]["botilbud_covered"], 3);
  EXPECT_EQ((*apr)["target_botilbud"], 250);
  EXPECT_EQ((*apr)["target_progress_da"], "1,2 %");
  EXPECT_EQ((*apr)["municipalities_with_target_group"], 3);
  ASSERT_EQ((*apr)["municipalities_at_zero"].size(), 1u);
  EXPECT_EQ((*apr)["municipalities_at_zero"][0]["municipality_code"], "0461");
  EXPECT_EQ((*apr)["municipalities_at_zero"][0]["name"], "Odense");

  auto jul = BostedTargetGroupJson(Builtin(), reg, D("2025-07-01"));
  ASSERT_TRUE(jul.ok());
  ASSERT_EQ((*jul)["municipalities_at_zero"].size(), 2u);
  EXPECT_EQ((*jul)["municipalities_at_zero"][0]["municipality_code"], "0461");
  EXPECT_EQ((*jul)["municipalities_at_zero"][1]["municipality_code"], "0751");
  EXPECT_EQ((*jul)["municipalities_at_zero"][1]["botilbud"], 2);
  EXPECT_EQ((*jul)["municipality_target_met"], false);
}

TEST(BostedCoverage, SpendAgainstPace) {
  BostedRegister reg = Fixture();
  auto s = BostedSpendJson(Builtin(), reg, D("2025-03-15"), false);
  ASSERT_TRUE(s.ok()) << s.status().message();
  // January–March: B1 115804 + 2 × 211172; B2/A 3 × 316758; B4 316758.
  EXPECT_EQ((*s)["spend_ore"], 115804 + 2 * 211172 + 4 * 316758);
  EXPECT_EQ((*s)["pace_ore"], 157500000);  // 6,3 mio. × 3 / 12
  EXPECT_EQ((*s)["sizing_problem"], false);
  EXPECT_EQ((*s)["months"].size(), 3u);

  // 300 three-hour attachments all year: 300 × 316758 × 12 = 11,4 mio. > 6,3 mio.: a sizing problem.
  std::string b = kHeader, a = kAttHeader;
  for (int i = 0; i < 300; ++i) {
    b += "Y" + std::to_string(i) + ",T,0101,SEL108,40,municipal,A,40\n";
    a += "Y" + std::to_string(i) + ",A,100001,2025-01-01,\n";
  }
  auto big = Parse(b, a);
  ASSERT_TRUE(big.ok());
  auto s2 = BostedSpendJson(Builtin(), *big, D("2025-12-31"), false);
  ASSERT_TRUE(s2.ok());
  EXPECT_EQ((*s2)["spend_ore"], int64_t{300} * 316758 * 12);
  EXPECT_EQ((*s2)["sizing_problem"], true);
}

TEST(BostedCoverage, Reports) {
  BostedRegister reg = Fixture();
  for (const char* kind : {"q4-regional", "halfway", "end"}) {
    auto r = BostedReportJson(Builtin(), reg, kind, Date::Max());
    ASSERT_TRUE(r.ok()) << kind << ": " << r.status().message();
    EXPECT_FALSE((*r)["title_da"].get<std::string>().empty());
  }
  auto q4 = BostedReportJson(Builtin(), reg, "q4-regional", Date::Max());
  EXPECT_EQ((*q4)["date"], "2025-10-01");
  EXPECT_EQ((*q4)["regions"].size(), 5u);
  auto end = BostedReportJson(Builtin(), reg, "end", Date::Max());
  EXPECT_EQ((*end)["date"], "2025-12-31");
  // Municipal botilbud: B1, B2 (0101), B6 (0461).
  const auto& mun = (*end)["municipal"]["by_municipality"];
  ASSERT_EQ(mun.size(), 3u);  // 0101, 0461, total
  EXPECT_EQ(mun[0]["key"], "0101");
  EXPECT_EQ(mun[0]["botilbud_covered"], 2);
  EXPECT_EQ(mun[2]["botilbud"], 3);
  EXPECT_FALSE(BostedReportJson(Builtin(), reg, "nope", Date::Max()).ok());
}

}  // namespace
}  // namespace almen
