// Golden tests of the højestegrænse, quality payments and offset rows
// (ceiling.h) at their edges. Fixtures: tests/economy/ceiling_*.csv,
// quality_*.csv (README there). Every expected figure is worked by hand in the
// comment beside it.
#include "economy/ceiling.h"

#include <gtest/gtest.h>

#include "common/file.h"
#include "economy/ramme.h"

namespace almen {
namespace {

const std::string kDir = ALMEN_ECONOMY_TEST_DIR;

const Agreement& Ok25() {
  static const Agreement a = [] {
    auto r = Agreement::LoadBuiltin();
    EXPECT_TRUE(r.ok()) << r.status().message();
    return std::move(r).value();
  }();
  return a;
}

std::string Read(const std::string& name) {
  auto t = ReadFile(kDir + "/" + name);
  EXPECT_TRUE(t.ok()) << t.status().message();
  return t.ok() ? *t : std::string();
}

const CeilingClinicResult* Clinic(const CeilingResult& r, int provider) {
  for (const auto& c : r.clinics)
    if (c.provider == provider) return &c;
  return nullptr;
}

// Two clinics with identical populations (one woman of 30, whole year = 12
// patient-months each) and costs a and x: expected = (a + x) / 2 each, so the
// ratio of the second is 2x / (a + x).
CeilingInput Pair(int year, int64_t a, int64_t x) {
  CeilingInput in;
  in.year = year;
  auto groups = LoadCeilingGroups(Ok25(), year);
  EXPECT_TRUE(groups.ok());
  int g = CeilingGroupOf(*groups, Sex::kFemale, 30);
  EXPECT_GE(g, 0);
  for (int p : {200001, 200002}) {
    in.population[p].assign(groups->size(), 0);
    in.population[p][static_cast<size_t>(g)] = 12;
  }
  in.statements.push_back({200001, Month::FromYm(year, 5), "service", 101, 1, Money::FromOre(a)});
  in.statements.push_back({200002, Month::FromYm(year, 5), "service", 101, 1, Money::FromOre(x)});
  return in;
}

TEST(Ceiling, JustBelowTwentyPercentIsWithin) {
  // 2 × 119.900.000 / 200.000.000 = 1,199 → 19,9 %.
  auto r = ComputeCeilings(Ok25(), Pair(2025, 80'100'000, 119'900'000));
  ASSERT_TRUE(r.ok()) << r.status().message();
  const auto* c = Clinic(*r, 200002);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->deviation_pct, "19.90");
  EXPECT_EQ(c->ratio_ppm, 1'199'000);
  EXPECT_FALSE(c->above);
  EXPECT_EQ(c->status, "within");
  EXPECT_TRUE(CeilingClawbackRows(*r).empty());
}

TEST(Ceiling, ExactlyTwentyPercentIsNotMoreThanTwenty) {
  // 2 × 120.000.000 / 200.000.000 = 1,2 exactly: "more than 20 %" is false.
  auto r = ComputeCeilings(Ok25(), Pair(2025, 80'000'000, 120'000'000));
  ASSERT_TRUE(r.ok());
  const auto* c = Clinic(*r, 200002);
  EXPECT_EQ(c->deviation_pct, "20.00");
  EXPECT_FALSE(c->above);
  EXPECT_EQ(c->status, "within");
  EXPECT_EQ(c->clawback, Money::Zero());
}

TEST(Ceiling, JustAboveTwentyPercentGetsCeilingAndClawback) {
  // 2 × 120.100.000 / 200.000.000 = 1,201 → 20,1 %. Expected 100.000.000,
  // ceiling 120 % = 120.000.000, clawback 100.000 øre (1.000 kr.) in March 2026.
  auto r = ComputeCeilings(Ok25(), Pair(2025, 79'900'000, 120'100'000));
  ASSERT_TRUE(r.ok());
  const auto* c = Clinic(*r, 200002);
  EXPECT_EQ(c->deviation_pct, "20.10");
  EXPECT_TRUE(c->above);
  EXPECT_EQ(c->status, "ceiling");
  EXPECT_EQ(c->expected, Money::FromOre(100'000'000));
  EXPECT_EQ(c->ceiling, Money::FromOre(120'000'000));
  EXPECT_EQ(c->clawback, Money::FromOre(100'000));
  auto rows = CeilingClawbackRows(*r);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].provider, 200002);
  EXPECT_EQ(rows[0].item, "ceiling_clawback");
  EXPECT_EQ(rows[0].month, Month::FromYm(2026, 3));
  EXPECT_EQ(rows[0].amount, Money::FromOre(-100'000));
  EXPECT_EQ(Clinic(*r, 200001)->status, "within");  // 20,1 % below average: no floor
}

TEST(Ceiling, TwentyFivePercentBefore2025) {
  // 2 × 122.500.000 / 200.000.000 = 1,225 → 22,5 %: within 25 % in 2024, above 20 % in 2025.
  auto r24 = ComputeCeilings(Ok25(), Pair(2024, 77'500'000, 122'500'000));
  ASSERT_TRUE(r24.ok()) << r24.status().message();
  EXPECT_EQ(r24->threshold.value, 250'000);
  EXPECT_EQ(Clinic(*r24, 200002)->status, "within");
  auto r25 = ComputeCeilings(Ok25(), Pair(2025, 77'500'000, 122'500'000));
  ASSERT_TRUE(r25.ok());
  EXPECT_EQ(Clinic(*r25, 200002)->status, "ceiling");
  // 25,1 % in 2024: ceiling 125.000.000, clawback 100.000; booked March 2025.
  auto r = ComputeCeilings(Ok25(), Pair(2024, 74'900'000, 125'100'000));
  ASSERT_TRUE(r.ok());
  const auto* c = Clinic(*r, 200002);
  EXPECT_EQ(c->status, "ceiling");
  EXPECT_EQ(c->ceiling, Money::FromOre(125'000'000));
  EXPECT_EQ(c->clawback, Money::FromOre(100'000));
  EXPECT_EQ(*c->clawback_month, Month::FromYm(2025, 3));
}

// The fixture population (ceiling_listings.csv, 2025, weights of parameters_ceiling.csv):
//   100001: two women born 1990 (K 25-44, w 1,00): 24 patient-months, W = 24,0
//   100002: a woman born 1945 (K 75-84, w 1,80) and a man born 1990 (M 25-44, w 0,60): W = 21,6 + 7,2 = 28,8
//   100003: a man born 1990: W = 7,2
//   100004: listed only until June 2024: no patient-months in 2025
// Cost (service + chronic_fee, without 8320 and 2102, 2025 only): 240.000 / 288.000 / 96.000;
// 100005 has cost but no listed patients (not standardised, not in the reference).
// A = 624.000, W = 60,0; reference per patient-year: K 25-44 = 624.000 × 12 / 60 = 124.800,
// K 75-84 = 1,8 × 124.800 = 224.640, M 25-44 = 0,6 × 124.800 = 74.880.
// Expected: 100001 249.600 (-3,85 %), 100002 299.520 (-3,85 %), 100003 74.880 (+28,21 %):
// ceiling 1,2 × 74.880 = 89.856, clawback 96.000 − 89.856 = 6.144.
StatusOr<CeilingInput> FixtureInput(const std::string& decisions, bool attachments) {
  CeilingInput in;
  in.year = 2025;
  ALMEN_ASSIGN_OR_RETURN(in.statements, ParseCeilingStatementsCsv("ceiling_statements.csv", Read("ceiling_statements.csv")));
  ALMEN_ASSIGN_OR_RETURN(auto groups, LoadCeilingGroups(Ok25(), 2025));
  ALMEN_ASSIGN_OR_RETURN(in.population,
                         CeilingPopulationFromListings("ceiling_listings.csv", Read("ceiling_listings.csv"), 2025, groups));
  ALMEN_ASSIGN_OR_RETURN(in.clinics, ParseCeilingProviders("ceiling_providers.csv", Read("ceiling_providers.csv"), 2025));
  if (attachments) {
    ALMEN_ASSIGN_OR_RETURN(auto b, ParseCeilingAttachments("ceiling_attachments.csv", Read("ceiling_attachments.csv"), 2025));
    in.bosted_providers = b;
  }
  if (!decisions.empty()) {
    ALMEN_ASSIGN_OR_RETURN(in.decisions, ParseCeilingDecisions(decisions, Read(decisions)));
  }
  return in;
}

TEST(Ceiling, StandardisationOnAHandCheckedPopulation) {
  auto in = FixtureInput("", false);
  ASSERT_TRUE(in.ok()) << in.status().message();
  EXPECT_EQ(in->population.count(100004), 0u);
  auto r = ComputeCeilings(Ok25(), *in);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->reference, "country");
  EXPECT_EQ(r->reference_cost.at("country"), Money::FromOre(624'000));
  const auto& groups = r->groups;
  const auto& per_year = r->reference_cost_per_year.at("country");
  EXPECT_EQ(per_year[static_cast<size_t>(CeilingGroupOf(groups, Sex::kFemale, 30))], Money::FromOre(124'800));
  EXPECT_EQ(per_year[static_cast<size_t>(CeilingGroupOf(groups, Sex::kFemale, 80))], Money::FromOre(224'640));
  EXPECT_EQ(per_year[static_cast<size_t>(CeilingGroupOf(groups, Sex::kMale, 30))], Money::FromOre(74'880));

  const auto* c1 = Clinic(*r, 100001);
  EXPECT_EQ(c1->cost, Money::FromOre(240'000));
  EXPECT_EQ(c1->patient_months, 24);
  EXPECT_EQ(c1->expected, Money::FromOre(249'600));
  EXPECT_EQ(c1->deviation_pct, "-3.85");
  EXPECT_EQ(c1->region, "1084");
  const auto* c2 = Clinic(*r, 100002);
  EXPECT_EQ(c2->expected, Money::FromOre(299'520));
  EXPECT_EQ(c2->status, "within");
  const auto* c3 = Clinic(*r, 100003);
  EXPECT_EQ(c3->expected, Money::FromOre(74'880));
  EXPECT_EQ(c3->ratio_ppm, 1'282'051);
  EXPECT_EQ(c3->deviation_pct, "28.21");
  EXPECT_EQ(c3->status, "ceiling");  // no attachments file: not assessed as bostedslæge
  EXPECT_EQ(c3->ceiling, Money::FromOre(89'856));
  EXPECT_EQ(c3->clawback, Money::FromOre(6'144));
  EXPECT_EQ(Clinic(*r, 100005)->status, "no_patients");
  EXPECT_FALSE(r->warnings.empty());

  auto j = CeilingResultToJson(*r);
  EXPECT_EQ(j["threshold_pct"], "20.00");
  EXPECT_EQ(j["limit_pct"], "120");
  EXPECT_EQ(j["totals"]["clawback_ore"], 6144);
  EXPECT_EQ(j["totals"]["ceilings"], 1);
  // No CPR anywhere in the outputs.
  for (const std::string& out : {j.dump(), CeilingsToCsv(*r)}) {
    EXPECT_EQ(out.find("150690"), std::string::npos);
    EXPECT_EQ(out.find("100345"), std::string::npos);
  }
}

TEST(Ceiling, RegionReferenceComparesWithinTheRegion) {
  auto in = FixtureInput("", false);
  ASSERT_TRUE(in.ok());
  in->reference = "region";
  auto r = ComputeCeilings(Ok25(), *in);
  ASSERT_TRUE(r.ok());
  // Each clinic is alone in its region: it is its own reference.
  for (int p : {100001, 100002, 100003}) EXPECT_EQ(Clinic(*r, p)->deviation_pct, "0.00") << p;
  EXPECT_EQ(r->reference_cost.at("1083"), Money::FromOre(96'000));
  in->clinics.clear();
  EXPECT_FALSE(ComputeCeilings(Ok25(), *in).ok());  // region needs providers
}

TEST(Ceiling, BostedslaegeWithoutDecisionGetsAnAssessmentTaskAndNoCeiling) {
  auto in = FixtureInput("", true);
  ASSERT_TRUE(in.ok()) << in.status().message();
  EXPECT_TRUE(in->bosted_providers->count(100003));
  EXPECT_FALSE(in->bosted_providers->count(100001));  // attachment ended 2024-12-31
  auto r = ComputeCeilings(Ok25(), *in);
  ASSERT_TRUE(r.ok());
  const auto* c = Clinic(*r, 100003);
  EXPECT_TRUE(c->above);
  EXPECT_TRUE(c->bosted);
  EXPECT_EQ(c->status, "assessment_pending");
  EXPECT_EQ(c->clawback, Money::Zero());
  EXPECT_TRUE(CeilingClawbackRows(*r).empty());
  auto j = CeilingResultToJson(*r);
  ASSERT_EQ(j["tasks"].size(), 1u);
  EXPECT_EQ(j["tasks"][0]["kind"], "concrete_assessment");
  EXPECT_EQ(j["tasks"][0]["state"], "pending");
  EXPECT_EQ(j["totals"]["assessment_pending"], 1);
}

TEST(Ceiling, DecisionExemptSetsNoCeiling) {
  auto in = FixtureInput("ceiling_decisions_exempt.csv", true);
  ASSERT_TRUE(in.ok()) << in.status().message();
  auto r = ComputeCeilings(Ok25(), *in);
  ASSERT_TRUE(r.ok());
  const auto* c = Clinic(*r, 100003);
  EXPECT_EQ(c->status, "exempt");
  ASSERT_TRUE(c->decision);
  EXPECT_NE(c->decision->reason.find("bostedslæge"), std::string::npos);
  EXPECT_TRUE(CeilingClawbackRows(*r).empty());
  EXPECT_EQ(CeilingResultToJson(*r)["tasks"][0]["state"], "decided");
}

TEST(Ceiling, DecisionNotExemptSetsCeilingBookedAfterTheDecision) {
  auto in = FixtureInput("ceiling_decisions_not_exempt.csv", true);
  ASSERT_TRUE(in.ok());
  auto r = ComputeCeilings(Ok25(), *in);
  ASSERT_TRUE(r.ok());
  const auto* c = Clinic(*r, 100003);
  EXPECT_EQ(c->status, "ceiling");
  EXPECT_EQ(c->clawback, Money::FromOre(6'144));
  // Decided 20 May 2026, after the default March: booked in June 2026.
  EXPECT_EQ(*c->clawback_month, Month::FromYm(2026, 6));
  auto rows = CeilingClawbackRows(*r);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].amount, Money::FromOre(-6'144));
  // statements_with_clawback.csv: the row sorts last for its provider.
  std::string csv = CeilingStatementsToCsv(rows);
  EXPECT_EQ(csv, "provider,month,item,code,count,amount_ore\n100003,2026-06,ceiling_clawback,,1,-6144\n");
}

TEST(Ceiling, BadInputsAreRefusedWithFileLineColumn) {
  auto d = ParseCeilingDecisions("ceiling_decisions_duplicate.csv", Read("ceiling_decisions_duplicate.csv"));
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("ceiling_decisions_duplicate.csv:3"), std::string::npos) << d.status().message();
  auto l = CeilingPopulationFromListings("l.csv", "provider,cpr,listed_from\n100001,3213901234,2025-01-01\n", 2025,
                                         *LoadCeilingGroups(Ok25(), 2025));
  ASSERT_FALSE(l.ok());
  EXPECT_NE(l.status().message().find("l.csv:2"), std::string::npos);
  EXPECT_EQ(l.status().message().find("3213901234"), std::string::npos);  // never repeats the CPR
  auto s = ParseCeilingStatementsCsv("s.csv", "provider,month,item,code,count,amount_ore\n100001,2025-01,bonus,,1,5\n");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("s.csv:2:3"), std::string::npos) << s.status().message();
}

// Quality payments, 2025 (counted on 1 January): listed 100001: 2 (1084), 100002: 2 (1082),
// 100003: 1 (1083). Insured = listed: 1084 2 × 5,78 = 11,56 kr. … The fund's 7,3 mio. by
// insured 2:2:1 → 2,92 / 2,92 / 1,46 mio. Cluster K-Byen (100001, 100002) 4 × 3,65 = 14,60 kr.;
// K-Fyn starts 1 June 2025: not counted.
TEST(Quality, PerRegionAndCluster) {
  QualityInput in;
  in.year = 2025;
  auto listed = QualityListedOn("ceiling_listings.csv", Read("ceiling_listings.csv"), Date::FromYmd(2025, 1, 1));
  ASSERT_TRUE(listed.ok());
  in.listed = *listed;
  in.clinics = *ParseCeilingProviders("ceiling_providers.csv", Read("ceiling_providers.csv"), 2025);
  in.clusters = *ParseQualityClusters("quality_clusters.csv", Read("quality_clusters.csv"));
  auto j = ComputeQualityPayments(Ok25(), in);
  ASSERT_TRUE(j.ok()) << j.status().message();
  std::map<std::string, nlohmann::json> by_region;
  for (const auto& r : (*j)["regions"]) by_region[r["region"]] = r;
  EXPECT_EQ(by_region["1084"]["insured"], 2);
  EXPECT_EQ(by_region["1084"]["quality_ore"], 1156);
  EXPECT_EQ(by_region["1084"]["cluster_ore"], 730);
  EXPECT_EQ(by_region["1084"]["fund_ore"], 292'000'000);
  EXPECT_EQ(by_region["1082"]["fund_ore"], 292'000'000);
  EXPECT_EQ(by_region["1083"]["fund_ore"], 146'000'000);
  EXPECT_EQ(by_region["1083"]["cluster_ore"], 0);
  EXPECT_EQ(by_region["1081"]["quality_ore"], 0);
  ASSERT_EQ((*j)["clusters"].size(), 1u);
  EXPECT_EQ((*j)["clusters"][0]["cluster_id"], "K-Byen");
  EXPECT_EQ((*j)["clusters"][0]["amount_ore"], 1460);
  EXPECT_EQ((*j)["totals"]["fund_ore"], 730'000'000);
  EXPECT_EQ((*j)["totals"]["total_ore"], 2890 + 1460 + 730'000'000);

  // A given insured count replaces the listed count for that region.
  in.insured["1084"] = 1'900'000;
  j = ComputeQualityPayments(Ok25(), in);
  ASSERT_TRUE(j.ok());
  for (const auto& r : (*j)["regions"])
    if (r["region"] == "1084") {
      EXPECT_EQ(r["quality_ore"], int64_t{1'900'000} * 578);  // 10.982.000 kr.
      EXPECT_EQ(r["insured_source"], "given");
    }

  // 2024: 4,87 kr. per cluster patient (before the 25 % cut), no fund money.
  in.insured.clear();
  in.year = 2024;
  in.listed = *QualityListedOn("ceiling_listings.csv", Read("ceiling_listings.csv"), Date::FromYmd(2024, 1, 1));
  j = ComputeQualityPayments(Ok25(), in);
  ASSERT_TRUE(j.ok()) << j.status().message();
  EXPECT_EQ((*j)["rates"]["cluster_per_patient_ore"], 487);
  EXPECT_EQ((*j)["clusters"][0]["amount_ore"], 4 * 487);
  EXPECT_EQ((*j)["totals"]["fund_ore"], 0);
}

TEST(Ceiling, ApportionIsExact) {
  EXPECT_EQ(CeilingApportion(10, {1, 1, 1}), (std::vector<int64_t>{4, 3, 3}));
  EXPECT_EQ(CeilingApportion(-10, {1, 1, 1}), (std::vector<int64_t>{-4, -3, -3}));
  EXPECT_EQ(CeilingApportion(5, {0, 0}), (std::vector<int64_t>{0, 0}));
}

}  // namespace
}  // namespace almen
