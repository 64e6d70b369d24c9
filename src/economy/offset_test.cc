// The offset (Bilag 1 pkt. 1–2): monotonic in the overrun under both bases and
// both previous-year states, and recovered through the regulation and, if
// needed, the basishonorar as dated agreement rows (offset.h).
#include "economy/offset.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "economy/economy.h"

namespace almen {
namespace {

const Agreement& Builtin() {
  static const Agreement a = [] {
    auto r = Agreement::LoadBuiltin();
    if (!r.ok()) std::abort();
    return *r;
  }();
  return a;
}

Agreement WithIndex(const std::vector<std::pair<std::string, std::string>>& replacements) {
  auto files = Builtin().files();
  std::string& idx = files.at("index.csv");
  for (const auto& [from, to] : replacements) {
    size_t at = idx.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    idx.replace(at, from.size(), to);
  }
  auto r = Agreement::LoadFiles(files, "test");
  EXPECT_TRUE(r.ok()) << r.status().message();
  return *r;
}

constexpr int64_t kMio = 100'000'000;
constexpr int64_t kRamme = 1'010'600'000'000;  // the 2025 ramme without listings or LTO: 10.106,0 mio. kr.
const Ppm kTolerance{6'000};

// ---------- Item 6: the offset amount is monotonic ----------

TEST(OffsetDecision, MonotonicOverAGridOfOverrunsBothBasesAndPreviousYears) {
  // Overruns from −0,5 % to 2 % of the ramme in steps of 0,01 %, plus ±1 øre around 0 and 0,6 %.
  std::vector<int64_t> overruns;
  for (int64_t bp = -50; bp <= 200; ++bp) overruns.push_back(kRamme * bp / 10'000);
  for (int64_t d : {-1, 0, 1}) {
    overruns.push_back(d);
    overruns.push_back(kRamme * 6 / 1000 + d);
  }
  std::sort(overruns.begin(), overruns.end());
  const std::vector<std::optional<int64_t>> previous = {std::nullopt, 0, -200'000, 500'000, 600'000, 1'000'000};
  for (OffsetBasis basis : {OffsetBasis::kFullOverrun, OffsetBasis::kExcessOverTolerance})
    for (bool at_exact : {false, true})
      for (const auto& prev : previous) {
        SCOPED_TRACE(std::string(OffsetBasisName(basis)) + " prev=" + (prev ? std::to_string(*prev) : "none") +
                     " at_exact=" + std::to_string(at_exact));
        Money last = Money::FromOre(-1);
        for (int64_t o : overruns) {
          OffsetDecision d = DecideOffset({Money::FromOre(kRamme), Money::FromOre(o), kTolerance, at_exact, basis, prev});
          EXPECT_GE(d.offset, last) << "overrun " << o << " gives a smaller offset than a smaller overrun";
          EXPECT_GE(d.offset, Money::Zero());
          EXPECT_LE(d.offset, std::max(Money::FromOre(o), Money::Zero()));  // never more than the overrun
          // An exempt previous year never lowers the offset; the full basis never gives less than the excess basis.
          OffsetDecision first = DecideOffset({Money::FromOre(kRamme), Money::FromOre(o), kTolerance, at_exact, basis, {}});
          EXPECT_GE(d.offset, first.offset);
          OffsetDecision excess = DecideOffset(
              {Money::FromOre(kRamme), Money::FromOre(o), kTolerance, at_exact, OffsetBasis::kExcessOverTolerance, prev});
          OffsetDecision full =
              DecideOffset({Money::FromOre(kRamme), Money::FromOre(o), kTolerance, at_exact, OffsetBasis::kFullOverrun, prev});
          EXPECT_GE(full.offset, excess.offset);
          last = d.offset;
        }
      }
}

TEST(OffsetDecision, TheIssueExampleIsNoLongerInverted) {
  // Issue 13: after an exempt year, 0,50 % cost 50,5 mio. kr. but 0,65 % only 5,4 mio. kr.
  const std::optional<int64_t> prev = 400'000;  // 0,4 % last year: exempt
  for (OffsetBasis basis : {OffsetBasis::kFullOverrun, OffsetBasis::kExcessOverTolerance}) {
    auto half = DecideOffset({Money::FromOre(kRamme), Money::FromOre(kRamme * 50 / 10'000), kTolerance, false, basis, prev});
    auto more = DecideOffset({Money::FromOre(kRamme), Money::FromOre(kRamme * 65 / 10'000), kTolerance, false, basis, prev});
    EXPECT_EQ(half.offset.ore(), 5'053'000'000);  // 50,53 mio. kr.: the whole 0,50 %
    EXPECT_EQ(half.rule, "second_year_within_tolerance");
    EXPECT_EQ(more.offset.ore(), 6'568'900'000);  // 65,689 mio. kr.: the whole 0,65 %, not 5,05
    EXPECT_EQ(more.rule, "second_year_beyond_tolerance");
  }
  // Without an exempt previous year: full basis repays the whole overrun beyond 0,6 %, excess the part above.
  auto full = DecideOffset({Money::FromOre(kRamme), Money::FromOre(kRamme * 65 / 10'000), kTolerance, false,
                            OffsetBasis::kFullOverrun, {}});
  auto excess = DecideOffset({Money::FromOre(kRamme), Money::FromOre(kRamme * 65 / 10'000), kTolerance, false,
                              OffsetBasis::kExcessOverTolerance, {}});
  EXPECT_EQ(full.offset.ore(), 6'568'900'000);
  EXPECT_EQ(excess.offset.ore(), 6'568'900'000 - 6'063'600'000);
  auto within = DecideOffset({Money::FromOre(kRamme), Money::FromOre(kRamme * 50 / 10'000), kTolerance, false,
                              OffsetBasis::kFullOverrun, {}});
  EXPECT_EQ(within.offset, Money::Zero());
  EXPECT_EQ(within.rule, "within_tolerance");
}

TEST(OffsetDecision, PreviousYearExemptOnlyWhenOverrunAndWithinTolerance) {
  EXPECT_FALSE(PreviousYearExempt(std::nullopt, kTolerance, false));
  EXPECT_FALSE(PreviousYearExempt(0, kTolerance, false));
  EXPECT_FALSE(PreviousYearExempt(-100, kTolerance, false));
  EXPECT_TRUE(PreviousYearExempt(1, kTolerance, false));
  EXPECT_TRUE(PreviousYearExempt(600'000, kTolerance, false));  // exactly 0,6 % was not offset
  EXPECT_FALSE(PreviousYearExempt(600'000, kTolerance, true));  // … unless exactly 0,6 % is "beyond"
  EXPECT_FALSE(PreviousYearExempt(600'001, kTolerance, false));
}

TEST(OffsetDecision, DefaultBasisIsTheFullOverrun) {
  const Parameter* p = Builtin().ParameterOn("offset_basis", Date::FromYmd(2025, 1, 1));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->value, "full_overrun");
}

// ---------- Item 11: regulation first, then the basishonorar ----------

// +2 % on 1 April 2026 and +1,5 % on 1 October 2026 (illustrative rows for the test).
Agreement Regulated2026() {
  return WithIndex({{"2025-10-01,,1.000000", "2025-10-01,2026-04-01,1.000000"}});
}
Agreement WithRegulation(const std::string& april, const std::string& october) {
  auto files = Regulated2026().files();
  files.at("index.csv") += "2026-04-01,2026-10-01," + april + ",Overenskomst § 64,illustrative,test\n" +
                           "2026-10-01,,"  + october + ",Overenskomst § 64,illustrative,test\n";
  auto r = Agreement::LoadFiles(files, "test");
  EXPECT_TRUE(r.ok()) << r.status().message();
  return *r;
}

TEST(OffsetPlan, RegulationReductionRecoversTheOffsetOverTwoPeriods) {
  const Agreement a = WithRegulation("1.020000", "1.035300");
  // 100 mio. kr. offset on a year of 10.000 mio. kr. spend (2.800 mio. basishonorar).
  OffsetPlanInput in{2025, Money::FromOre(100 * kMio), Date::FromYmd(2026, 1, 1), Money::FromOre(10'000 * kMio),
                     Money::FromOre(2'800 * kMio)};
  auto plan = PlanOffset(a, in);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  ASSERT_EQ(plan->periods.size(), 2u);
  const auto& p1 = plan->periods[0];
  const auto& p2 = plan->periods[1];
  EXPECT_EQ(p1.from, Date::FromYmd(2026, 4, 1));
  EXPECT_EQ(p1.to, Date::FromYmd(2026, 10, 1));
  EXPECT_EQ(p2.to, Date::FromYmd(2027, 4, 1));
  EXPECT_EQ(p1.amount.ore(), 50 * kMio);
  EXPECT_EQ(p1.floor, 1'000'000);  // the level before the first regulation
  EXPECT_FALSE(p1.regulation_capped);
  EXPECT_FALSE(p2.regulation_capped);
  // Δ1 = 50 mio. × 365 × 1,0 / (10.000 mio. × 183 days) = 0,009973 (ppm 9973): 2 % → 1,0027 %.
  EXPECT_EQ(p1.regulation_reduction, 9'973);
  EXPECT_EQ(p1.reduced_index, 1'010'027);
  EXPECT_EQ(p2.regulation_reduction, 10'027);  // 182 days
  // Recovered within the rounding of one ppm of the index (≤ 2.500 kr. a period).
  EXPECT_LE(std::abs(p1.rounding.ore()), 300'000);
  EXPECT_LE(std::abs(p2.rounding.ore()), 300'000);
  EXPECT_EQ(p1.recovered_by_basishonorar, Money::Zero());
  EXPECT_EQ(plan->unrecovered, Money::Zero());
  // The rows of agreement data: an index row per period, no basishonorar row.
  const std::string csv = OffsetOverlayCsv(*plan);
  EXPECT_NE(csv.find("index,,1.010027,2026-04-01,2026-10-01,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("ramme_statement:2025"), std::string::npos);
  EXPECT_EQ(csv.find("basishonorar_annual_ore"), std::string::npos);
  // Loaded as agreement data, settlement's index lookup sees the reduction in its period only.
  auto files = a.files();
  files["offset_overlay.csv"] = csv;
  auto with = Agreement::LoadFiles(files, "with offset");
  ASSERT_TRUE(with.ok()) << with.status().message();
  EXPECT_EQ(with->IndexOn(Date::FromYmd(2026, 3, 31))->factor.value, 1'000'000);
  EXPECT_EQ(with->IndexOn(Date::FromYmd(2026, 4, 1))->factor.value, 1'010'027);
  EXPECT_EQ(with->IndexOn(Date::FromYmd(2026, 12, 1))->factor.value, 1'035'300 - 10'027);
  EXPECT_EQ(with->IndexOn(Date::FromYmd(2027, 4, 1))->factor.value, 1'035'300);  // settled after two periods
  EXPECT_EQ(SourceLabel(with->IndexOn(Date::FromYmd(2026, 4, 1))->provenance), "ramme_statement:2025");
}

TEST(OffsetPlan, WhereTheRegulationIsNotEnoughTheBasishonorarIsReduced) {
  // The shipped index has no regulation after 1 October 2025 (placeholder 1,000000): all of it
  // falls on the basishonorar.
  OffsetPlanInput in{2025, Money::FromOre(20 * kMio), Date::FromYmd(2026, 1, 1), Money::FromOre(10'000 * kMio),
                     Money::FromOre(2'800 * kMio)};
  auto plan = PlanOffset(Builtin(), in);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const auto& p1 = plan->periods[0];
  EXPECT_TRUE(p1.regulation_capped);
  EXPECT_EQ(p1.regulation_reduction, 0);
  EXPECT_EQ(p1.basishonorar_annual.ore(), 48'034);
  // 10 mio. kr. of 2.800 mio. × 183/365 basishonorar: 0,7123 % → 48.034 − 342 øre.
  EXPECT_EQ(p1.reduced_basishonorar_annual.ore(), 48'034 - 342);
  EXPECT_LE(std::abs(p1.rounding.ore()), 3'000'000);  // one øre a year per patient ≈ 29.000 kr. a period
  EXPECT_EQ(plan->unrecovered, Money::Zero());
  const std::string csv = OffsetOverlayCsv(*plan);
  EXPECT_NE(csv.find("parameter,basishonorar_annual_ore,47692,2026-04-01,2026-10-01,"), std::string::npos) << csv;
  auto files = Builtin().files();
  files["offset_overlay.csv"] = csv;
  auto with = Agreement::LoadFiles(files, "with offset");
  ASSERT_TRUE(with.ok()) << with.status().message();
  EXPECT_EQ(with->MoneyParameter("basishonorar_annual_ore", Date::FromYmd(2026, 5, 1))->ore(), 47'692);
  EXPECT_EQ(with->MoneyParameter("basishonorar_annual_ore", Date::FromYmd(2027, 4, 1))->ore(), 48'034);

  // Part regulation, part basishonorar: +0,2 % on 1 April cannot carry 100 mio. kr.
  const Agreement small = WithRegulation("1.002000", "1.002000");
  in.offset = Money::FromOre(100 * kMio);
  auto mixed = PlanOffset(small, in);
  ASSERT_TRUE(mixed.ok());
  const auto& m1 = mixed->periods[0];
  EXPECT_TRUE(m1.regulation_capped);
  EXPECT_EQ(m1.regulation_reduction, 2'000);  // the whole regulation
  EXPECT_EQ(m1.reduced_index, 1'000'000);     // never below the level before
  EXPECT_GT(m1.recovered_by_regulation, Money::Zero());
  EXPECT_GT(m1.recovered_by_basishonorar, Money::Zero());
  EXPECT_LE(std::abs((m1.amount - m1.recovered_by_regulation - m1.recovered_by_basishonorar).ore()), 3'000'000);

  // Neither is enough: the rest is unrecovered and named.
  in.offset = Money::FromOre(5'000 * kMio);
  auto huge = PlanOffset(Builtin(), in);
  ASSERT_TRUE(huge.ok());
  EXPECT_GT(huge->unrecovered, Money::Zero());
  EXPECT_EQ(huge->periods[0].reduced_basishonorar_annual, Money::Zero());
  EXPECT_FALSE(huge->warnings.empty());
}

TEST(OffsetPlan, ClinicEffectIsAViewThatAddsUpToThePlan) {
  const Agreement a = WithRegulation("1.020000", "1.035300");
  OffsetPlanInput in{2025, Money::FromOre(100 * kMio), Date::FromYmd(2026, 1, 1), Money::FromOre(10'000 * kMio),
                     Money::FromOre(2'800 * kMio)};
  auto plan = PlanOffset(a, in);
  ASSERT_TRUE(plan.ok());
  // Three clinics holding the whole year's spend.
  std::vector<ClinicSpend> clinics = {{100001, "1084", Money::FromOre(5'000 * kMio), Money::FromOre(1'400 * kMio)},
                                      {100002, "1081", Money::FromOre(3'000 * kMio), Money::FromOre(840 * kMio)},
                                      {100003, "1085", Money::FromOre(2'000 * kMio), Money::FromOre(560 * kMio)}};
  auto view = ClinicOffsetEffects(*plan, clinics);
  ASSERT_EQ(view["clinics"].size(), 3u);
  Money recovered = Money::Zero();
  for (const auto& p : plan->periods) recovered += p.recovered_by_regulation + p.recovered_by_basishonorar;
  EXPECT_LE(std::abs(view["total_ore"].get<int64_t>() - recovered.ore()), 6);
  EXPECT_EQ(view["clinics"][0]["total_ore"].get<int64_t>(),
            view["clinics"][0]["periods"][0]["regulation_ore"].get<int64_t>() +
                view["clinics"][0]["periods"][1]["regulation_ore"].get<int64_t>());
  // Half the spend, half the effect (± 1 øre).
  EXPECT_LE(std::abs(view["clinics"][0]["total_ore"].get<int64_t>() * 2 - recovered.ore()), 6);
}

TEST(OffsetPlan, TheRammeStatementCarriesThePlan) {
  // 1 % over the 2025 ramme, full basis: 101,06 mio. kr. in two halves, all on the basishonorar with the
  // shipped (placeholder) index.
  RammeInput in;
  in.year = 2025;
  for (int q = 1; q <= 4; ++q)
    for (int reg = kFirstRegion; reg <= kLastRegion; ++reg) {
      in.expenses.push_back({reg, Quarter{2025, q}, ExpenseCategory::kDay, Money::FromOre(kRamme * 101 / 100 / 20 - 140 * kMio)});
      in.expenses.push_back({reg, Quarter{2025, q}, ExpenseCategory::kBasishonorar, Money::FromOre(140 * kMio)});
    }
  auto j = ComputeRamme(Builtin(), in);
  ASSERT_TRUE(j.ok()) << j.status().message();
  EXPECT_EQ((*j)["offset_ore"], kRamme / 100);
  ASSERT_EQ((*j)["offset_plan"].size(), 2u);
  const auto& p = (*j)["offset_plan"][0];
  EXPECT_EQ(p["from"], "2026-04-01");
  EXPECT_EQ(p["amount_ore"], kRamme / 200);
  EXPECT_TRUE(p["regulation_capped"].get<bool>());
  EXPECT_LT(p["reduced_basishonorar_annual_ore"].get<int64_t>(), 48'034);
  EXPECT_NE(p["text"].get<std::string>().find("basishonoraret nedsættes"), std::string::npos);
  // almen offset reads the same numbers back from the JSON.
  auto pin = OffsetPlanInputFromRammeJson(*j);
  ASSERT_TRUE(pin.ok()) << pin.status().message();
  EXPECT_EQ(pin->expected_basishonorar.ore(), 20 * 140 * kMio);
  EXPECT_EQ(pin->statement_date, Date::FromYmd(2026, 1, 1));
  auto again = PlanOffset(Builtin(), *pin);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(OffsetPlanJson(*again), (*j)["offset_plan"]);
  EXPECT_FALSE(OffsetPlanInputFromRammeJson(nlohmann::json{{"year", 2025}}).ok());
}

}  // namespace
}  // namespace almen
