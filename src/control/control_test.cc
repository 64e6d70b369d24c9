// Unit tests of post-payment control's pure parts: the indicators against
// peers (indicators.h) and audit sampling (sampling.h).
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "control/indicators.h"
#include "control/load.h"
#include "control/sampling.h"

namespace almen::control {
namespace {

// Ten ordinary clinics in one region, alike: 1.000 listed patients of weight
// 1 (12.000 patient-months), 120 annual statuses, 2.000 lines, 1.000
// contacts; then one of them is changed by the test.
ControlData Alike() {
  ControlData d;
  d.from = *Month::Parse("2025-01");
  d.to = *Month::Parse("2025-12");
  for (int i = 0; i < 10; ++i) {
    const int p = 100001 + i;
    d.clinics.push_back({p, "Klinik " + std::to_string(i), "1084", "ordinary", false});
    ClinicActivity& a = d.activity[p];
    a.patient_months = 12000;
    a.weighted_months_ppm = 12000LL * 1'000'000;
    a.paid_ore = 100'000'000 + i * 100'000;  // 1 mio. kr., a little spread
    a.annual_status_lines = 120 + i;
    a.annual_status_ore = a.annual_status_lines * 41255;
    a.home_visit_lines = 50 + i;
    a.home_visit_ore = a.home_visit_lines * 30000;
    a.lines = 2000;
    a.rejected_lines = 10 + i;
    a.review_lines = 5;
    a.review_ore = 5 * 5572;
    a.late_lines = 40;
    a.late_ore = 40 * 17753;
    a.contacts = 1000;
    a.pairs[PairKey(101, 2101)] = {300, 300 * 23000};
    a.patient_days = 300;
  }
  return d;
}

const ClinicRisk& Find(const std::vector<ClinicRisk>& rs, int provider) {
  for (const auto& r : rs)
    if (r.clinic.provider == provider) return r;
  ADD_FAILURE() << "no clinic " << provider;
  static ClinicRisk none;
  return none;
}

TEST(Indicators, AClinicBillingAnnualStatusToMostPatientsRanksFirstWithThatReason) {
  ControlData d = Alike();
  ClinicActivity& a = d.activity[100004];
  a.annual_status_lines = 800;  // 0,8 per patient against ~0,12
  a.annual_status_ore = 800 * 41255;
  const auto rs = ComputeRisk(d, Settings{});
  const ClinicRisk& r = Find(rs, 100004);
  EXPECT_EQ(r.rank_in_region, 1);
  ASSERT_FALSE(r.reasons.empty());
  EXPECT_EQ(r.reasons[0], IndicatorId::kAnnualStatus);
  const IndicatorResult& x = r.indicators[static_cast<size_t>(IndicatorId::kAnnualStatus)];
  EXPECT_TRUE(x.flagged);
  EXPECT_EQ(x.value, 800'000);        // 0,80 per weighted patient-year (millionths)
  EXPECT_EQ(x.peers.n, 9);
  EXPECT_EQ(x.percentile_tenths, 1000);
  // At stake: the lines above the peers' median, priced at the clinic's own 0120.
  EXPECT_EQ(x.at_stake_ore, (800 - x.peers.median * 1000 / 1'000'000) * 41255);
  EXPECT_EQ(r.score_tenths, 100);     // capped at z = 10
  EXPECT_EQ(r.materiality_ore, x.at_stake_ore);
  // The others are not flagged for it.
  for (const auto& o : rs) {
    if (o.clinic.provider != 100004) {
      EXPECT_FALSE(o.indicators[static_cast<size_t>(IndicatorId::kAnnualStatus)].flagged);
    }
  }
}

TEST(Indicators, StandardisationByAgeAndSex) {
  // The same activity on an old list (weight 2) is half the rate per weighted patient.
  ControlData d = Alike();
  d.activity[100002].weighted_months_ppm = 12000LL * 2'000'000;
  const auto rs = ComputeRisk(d, Settings{});
  const auto& x = Find(rs, 100002).indicators[static_cast<size_t>(IndicatorId::kHomeVisits)];
  EXPECT_EQ(x.value, 25'500);  // 51 visits / 2.000 weighted patient-years
  EXPECT_EQ(Find(rs, 100002).weighted_patients_milli, 2'000'000);
}

TEST(Indicators, SharesSameDayElsewhereAndRareCombinations) {
  ControlData d = Alike();
  d.activity[100007].shared_patient_days = 120;  // 40 % of its patient-days
  d.activity[100007].shared_lines = 120;
  d.activity[100007].shared_ore = 120 * 41255;
  d.activity[100003].pairs[PairKey(120, 411)] = {80, 80 * 71255};  // 0120 and a home visit in one contact: 0,8 %
  const auto rs = ComputeRisk(d, Settings{});
  const ClinicRisk& shared = Find(rs, 100007);
  EXPECT_EQ(shared.indicators[static_cast<size_t>(IndicatorId::kSameDayElsewhere)].value, 400'000);
  EXPECT_TRUE(shared.indicators[static_cast<size_t>(IndicatorId::kSameDayElsewhere)].flagged);
  EXPECT_EQ(shared.indicators[static_cast<size_t>(IndicatorId::kSameDayElsewhere)].at_stake_ore, 120 * 41255);
  const ClinicRisk& combo = Find(rs, 100003);
  const auto& u = combo.indicators[static_cast<size_t>(IndicatorId::kUnusualCombinations)];
  EXPECT_EQ(u.value, 80'000);
  EXPECT_TRUE(u.flagged);
  EXPECT_EQ(u.detail["rare_pairs"][0]["codes"], "0120+0411");
  // 0101+2101 is common: nobody is flagged for it.
  EXPECT_EQ(Find(rs, 100001).indicators[static_cast<size_t>(IndicatorId::kUnusualCombinations)].value, 0);
}

TEST(Indicators, PeerGroupsWidenWhenSmall) {
  ControlData d = Alike();
  d.clinics[0].lto = true;  // alone in (region, ordinary, LTO)
  d.clinics[1].clinic_type = "region";
  const auto rs = ComputeRisk(d, Settings{});
  EXPECT_EQ(Find(rs, 100001).group.level, "region_type");
  EXPECT_EQ(Find(rs, 100002).group.level, "region");
  EXPECT_EQ(Find(rs, 100003).group.level, "region_type_lto");
  EXPECT_EQ(Find(rs, 100003).group.clinics, 8);
  Settings s;
  s.min_peers = 20;
  EXPECT_EQ(Find(ComputeRisk(d, s), 100003).group.level, "scope");
}

TEST(Indicators, NoListedPatientsMeansNoPerPatientIndicator) {
  ControlData d = Alike();
  d.activity[100005].patient_months = 0;
  d.activity[100005].weighted_months_ppm = 0;
  const auto rs = ComputeRisk(d, Settings{});
  EXPECT_FALSE(Find(rs, 100005).indicators[static_cast<size_t>(IndicatorId::kFeePerPatient)].available);
  EXPECT_TRUE(Find(rs, 100005).indicators[static_cast<size_t>(IndicatorId::kRejectionRate)].available);
}

TEST(Indicators, DanishReasonAndValues) {
  EXPECT_EQ(ValueDa(IndicatorId::kFeePerPatient, 123456), "1.234,56 kr.");
  EXPECT_EQ(ValueDa(IndicatorId::kAnnualStatus, 805000), "0,81");
  EXPECT_EQ(ValueDa(IndicatorId::kRejectionRate, 125000), "12,5 %");
  EXPECT_EQ(PairText(PairKey(2101, 101)), "0101+2101");
  EXPECT_EQ(ParseIndicator("late_bills"), IndicatorId::kLateBills);
  EXPECT_FALSE(ParseIndicator("nope"));
}

TEST(Period, YearOrMonths) {
  auto y = ParsePeriod("2025", "", "");
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->first.ToString(), "2025-01");
  EXPECT_EQ(y->second.ToString(), "2025-12");
  EXPECT_FALSE(ParsePeriod("", "2025-05", "2025-01").ok());
  EXPECT_FALSE(ParsePeriod("", "2020-01", "2025-01").ok());
  EXPECT_FALSE(ParsePeriod("25", "", "").ok());
}

TEST(Sampling, PoissonFactorsAndSampleSize) {
  // The textbook factors (AICPA Audit Sampling, table C-3).
  EXPECT_EQ(PoissonFactor(0, 950000).value, 2995732);
  EXPECT_EQ(PoissonFactor(1, 950000).value, 4743865);
  EXPECT_EQ(PoissonFactor(0, 900000).value, 2302585);
  EXPECT_EQ(PoissonFactor(2, 900000).value, 5322320);
  // 1 mio. kr. at 95 % with a tolerable error of 50.000 kr.: ⌈1.000.000 × 3,0 / 50.000⌉ = 60.
  SamplePlan p;
  p.tolerable_error_ore = 5'000'000;
  auto n = MusSampleSize(100'000'000, 100'000, p);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->n, 60);
  EXPECT_EQ(n->interval_ore, 1'666'667);
  // With 10.000 kr. expected: 50.000 − 10.000 × 1,6 = 34.000 → 89.
  p.expected_error_ore = 1'000'000;
  EXPECT_EQ(MusSampleSize(100'000'000, 100'000, p)->n, 89);
  p.expected_error_ore = 4'000'000;  // 40.000 × 1,6 > 50.000
  EXPECT_FALSE(MusSampleSize(100'000'000, 100'000, p).ok());
  p.expected_error_ore = 0;
  p.confidence_ppm = 970000;
  EXPECT_FALSE(MusSampleSize(100'000'000, 100'000, p).ok());
  // Never more lines than there are.
  p.confidence_ppm = 950000;
  EXPECT_EQ(MusSampleSize(100'000'000, 7, p)->n, 7);
}

std::vector<PopulationLine> Population(int n) {
  std::vector<PopulationLine> v;
  for (int i = 0; i < n; ++i) {
    PopulationLine l;
    l.run_id = 1;
    l.seq = i + 1;
    l.claim_id = std::to_string(i + 1);
    l.code = i % 10 == 0 ? "0120" : "0101";
    l.amount_ore = i % 10 == 0 ? 41255 : 17753;
    l.stratum = i % 10 == 0 ? "annual_status" : "other";
    v.push_back(l);
  }
  v[5].amount_ore = 5'000'000;  // one line larger than the interval
  return v;
}

TEST(Sampling, MusSelectionIsReproducibleAndProportionalToAmount) {
  const auto pop = Population(2000);
  SamplePlan p;
  p.seed = 42;
  int64_t total = 0;
  for (const auto& l : pop) total += l.amount_ore;
  p.tolerable_error_ore = total / 20;  // n = ⌈20 × 2,9957⌉ = 60
  auto a = DrawSample(pop, p), b = DrawSample(pop, p);
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->n, 60);
  ASSERT_EQ(a->lines.size(), b->lines.size());
  for (size_t i = 0; i < a->lines.size(); ++i) EXPECT_EQ(a->lines[i].index, b->lines[i].index);
  // The large line is always in, with several sampling points.
  auto big = std::find_if(a->lines.begin(), a->lines.end(), [](const SampledLine& s) { return s.index == 5; });
  ASSERT_NE(big, a->lines.end());
  EXPECT_GE(big->hits, 2);
  int64_t hits = 0;
  for (const auto& s : a->lines) hits += s.hits;
  EXPECT_LE(hits, 60);
  EXPECT_GE(hits, 59);
  p.seed = 43;
  auto c = DrawSample(pop, p);
  std::set<size_t> sa, sc;
  for (const auto& s : a->lines) sa.insert(s.index);
  for (const auto& s : c->lines) sc.insert(s.index);
  EXPECT_NE(sa, sc);
}

TEST(Sampling, StratifiedAllocatesToRiskStrata) {
  const auto pop = Population(2000);
  SamplePlan p;
  p.method = "stratified";
  p.seed = 7;
  int64_t total = 0;
  for (const auto& l : pop) total += l.amount_ore;
  p.tolerable_error_ore = total / 20;
  auto s = DrawSample(pop, p);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->strata.size(), 2u);
  int64_t risk = 0, other = 0;
  for (const auto& l : s->lines) (pop[l.index].stratum == "other" ? other : risk) += 1;
  EXPECT_EQ(risk, s->strata[0].sample_size);  // "annual_status" sorts first
  EXPECT_GT(risk, 0);
  EXPECT_GT(other, 0);
  std::set<size_t> distinct;
  for (const auto& l : s->lines) distinct.insert(l.index);
  EXPECT_EQ(distinct.size(), s->lines.size());
}

TEST(Sampling, MusEvaluationIsTheStringerBound) {
  SamplePlan p;
  p.tolerable_error_ore = 10'000'000;
  const int64_t j = 1'000'000;  // 10.000 kr.
  std::vector<Stratum> strata = {{"all", 100, 60'000'000, 3}};
  // Two errors: 100 % of a 500 kr. line, 25 % of a 1.000 kr. line; one
  // line above the interval overpaid by 2.000 kr.; the rest correct.
  std::vector<ReviewedLine> lines = {{"all", 50'000, true, 50'000},
                                     {"all", 100'000, true, 25'000},
                                     {"all", 2'000'000, true, 200'000},
                                     {"all", 30'000, true, 0}};
  Evaluation e = Evaluate(p, j, strata, lines);
  EXPECT_TRUE(e.complete);
  EXPECT_EQ(e.errors, 3);
  EXPECT_EQ(e.basic_precision_ore, 2'995'732);
  // Projections: 1,0 × J and 0,25 × J; the top line counts 200.000.
  EXPECT_EQ(e.most_likely_error_ore, 1'000'000 + 250'000 + 200'000);
  const int64_t r1 = 4'743'865 - 2'995'732, r2 = 6'295'794 - 4'743'865;
  EXPECT_EQ(e.upper_error_ore, 2'995'732 + 200'000 + (1'000'000 * r1 + 500'000) / 1'000'000 +
                                   (250'000 * r2 + 500'000) / 1'000'000);
  EXPECT_TRUE(e.accepted);
  lines[3].reviewed = false;
  EXPECT_FALSE(Evaluate(p, j, strata, lines).complete);
}

TEST(Sampling, StratifiedEvaluationProjectsPerStratum) {
  SamplePlan p;
  p.method = "stratified";
  p.tolerable_error_ore = 1'000'000;
  std::vector<Stratum> strata = {{"annual_status", 100, 4'125'500, 2}, {"other", 900, 15'977'700, 2}};
  std::vector<ReviewedLine> lines = {{"annual_status", 41'255, true, 41'255},
                                     {"annual_status", 41'255, true, 0},
                                     {"other", 17'753, true, 0},
                                     {"other", 17'753, true, 0}};
  Evaluation e = Evaluate(p, 0, strata, lines);
  EXPECT_EQ(e.most_likely_error_ore, 2'062'750);  // half the 0120 money
  EXPECT_GT(e.upper_error_ore, e.most_likely_error_ore);
  EXPECT_FALSE(e.accepted);
  EXPECT_EQ(e.strata[0]["projected_error_ore"], 2'062'750);
}

}  // namespace
}  // namespace almen::control
