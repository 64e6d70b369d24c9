// The ramme statement (ramme.h): offset rules, normalisation, listings, LTO
// capacities, the B1 corrections, ceiling clawbacks and the § 64 regulation.
#include "economy/economy.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/file.h"
#include "economy/economy_testing.h"

namespace almen {
namespace {

using namespace economy_testing;

TEST(Ramme, NoOverrun) {
  auto j = Ramme(Input2025(-5 * kMio));
  EXPECT_TRUE(j["complete"].get<bool>());
  EXPECT_EQ(j["ramme_ore"], kRamme2025);
  EXPECT_EQ(j["overrun_ore"], -5 * kMio);
  EXPECT_EQ(j["offset_ore"], 0);
  EXPECT_EQ(j["offset_rule"], "no_overrun");
  EXPECT_EQ(j["quarters"].size(), 4u);
  EXPECT_EQ(j["quarters"][0]["quarter"], "2025-Q1");
  EXPECT_EQ(j["quarters"][0]["ramme_ore"], kRamme2025 / 4);
}

TEST(Ramme, HalfPercentNoOffsetThenPointFourWithPreviousIsOffset) {
  const int64_t half = kRamme2025 * 5 / 1000;  // 0,5 %
  auto y1 = Ramme(Input2025(half));
  EXPECT_EQ(y1["overrun_pct"], "0.50");
  EXPECT_EQ(y1["offset_ore"], 0);
  EXPECT_EQ(y1["offset_rule"], "within_tolerance");
  EXPECT_TRUE(y1["offset_plan"].empty());

  const int64_t point4 = kRamme2025 * 4 / 1000;  // 0,4 %
  RammeInput in = Input2025(point4);
  in.previous_overrun_pct = "0.5";
  auto y2 = Ramme(in);
  EXPECT_EQ(y2["overrun_pct"], "0.40");
  EXPECT_EQ(y2["offset_rule"], "second_year_within_tolerance");
  EXPECT_EQ(y2["offset_ore"], point4);  // the whole overrun: not exempt
  ASSERT_EQ(y2["offset_plan"].size(), 2u);
  EXPECT_EQ(y2["offset_plan"][0]["from"], "2026-04-01");
  EXPECT_EQ(y2["offset_plan"][1]["from"], "2026-10-01");
  EXPECT_EQ(y2["offset_plan"][0]["amount_ore"].get<int64_t>() + y2["offset_plan"][1]["amount_ore"].get<int64_t>(),
            point4);

  // Without a previous overrun the same 0,4 % is exempt.
  EXPECT_EQ(Ramme(Input2025(point4))["offset_ore"], 0);
  // A previous year within the ramme does not lift the exemption.
  in.previous_overrun_pct = "0";
  EXPECT_EQ(Ramme(in)["offset_ore"], 0);
}

TEST(Ramme, ExactlyPointSixIsNotBeyondTolerance) {
  const int64_t tol = kRamme2025 * 6 / 1000;
  for (const char* basis : {"excess_over_tolerance", "full_overrun"}) {
    RammeInput in = Input2025(tol);
    in.offset_basis = basis;
    auto j = Ramme(in);
    EXPECT_EQ(j["overrun_pct"], "0.60");
    EXPECT_EQ(j["tolerance_ore"], tol);
    EXPECT_EQ(j["offset_rule"], "within_tolerance") << basis;
    EXPECT_EQ(j["offset_ore"], 0) << basis;
  }
  // One øre more is beyond: full basis (the default) repays everything, excess basis 1 øre.
  RammeInput in = Input2025(tol + 1);
  EXPECT_EQ(Ramme(in)["offset_ore"], tol + 1);
  EXPECT_EQ(Ramme(in)["offset_basis"], "full_overrun");
  in.offset_basis = "excess_over_tolerance";
  EXPECT_EQ(Ramme(in)["offset_ore"], 1);
  // Exactly 0,6 % after a previous 0,6 % is the second year: offset in full.
  RammeInput second = Input2025(tol);
  second.previous_overrun_pct = "0,6";
  EXPECT_EQ(Ramme(second)["offset_ore"], tol);
  // The parameter flips the reading of "ud over 0,6 procent".
  Agreement flipped = WithParameter("offset_at_exactly_tolerance,0", "offset_at_exactly_tolerance,1");
  RammeInput full = Input2025(tol);
  full.offset_basis = "full_overrun";
  EXPECT_EQ(Ramme(full, flipped)["offset_ore"], tol);
}

TEST(Ramme, Scenario2023Replay) {
  auto text = ReadFile(kDir + "/expenses_2023.csv");
  ASSERT_TRUE(text.ok());
  auto rows = ParseExpensesCsv("expenses_2023.csv", *text);
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  RammeInput in;
  in.year = 2023;
  in.expenses = *rows;
  auto j = Ramme(in);
  const int64_t ramme = 964'300'000'000;  // 9.643,0 mio. kr. (illustrative)
  // 2023 has 52 ISO weeks: the spend is not scaled (H2, iso_weeks). The fixture
  // was built for the old × 364/365 rule, so its overrun is now 1,68 % (161,86 mio. kr.).
  EXPECT_TRUE(j["complete"].get<bool>());
  EXPECT_EQ(j["ramme_ore"], ramme);
  EXPECT_EQ(j["normalisation"]["method"], "iso_weeks");
  EXPECT_EQ(j["spend_ore"], j["spend_actual_ore"]);
  EXPECT_EQ(j["spend_ore"], 980'486'464'286);
  EXPECT_EQ(j["overrun_pct"], "1.68");
  EXPECT_EQ(j["overrun_ore"], 16'186'464'286);
  EXPECT_EQ(j["offset_basis"], "full_overrun");
  EXPECT_EQ(j["offset_ore"], 16'186'464'286);  // the whole overrun (H1)
  EXPECT_EQ(j["offset_plan"][0]["from"], "2024-04-01");
  EXPECT_EQ(j["offset_plan"][0]["amount_ore"], 8'093'232'143);
  EXPECT_GT(j["spend_by_category_ore"]["profylakse"].get<int64_t>(), 0);  // recorded, not counted
  in.offset_basis = "excess_over_tolerance";
  EXPECT_EQ(Ramme(in)["offset_ore"], 16'186'464'286 - 5'785'800'000);
  // The literal alternative reproduces the figures the fixture was made for: 1,40 %, 0,8 % of the ramme.
  in.week_normalisation = "days_364";
  auto old = Ramme(in);
  EXPECT_EQ(old["overrun_pct"], "1.40");
  EXPECT_EQ(old["overrun_ore"], ramme * 14 / 1000);
  EXPECT_EQ(old["offset_ore"], ramme * 8 / 1000);
  in.offset_basis = "half";
  EXPECT_EQ(ComputeRamme(Builtin(), in).status().code(), StatusCode::kInvalidInput);
  in.offset_basis = "";
  in.week_normalisation = "weeks";
  EXPECT_EQ(ComputeRamme(Builtin(), in).status().code(), StatusCode::kInvalidInput);
}

TEST(Ramme, NormalisedTo52Weeks) {
  RammeInput in;
  in.year = 2024;  // 366 days, 52 ISO weeks: not scaled
  in.expenses = {{1081, {2024, 1}, ExpenseCategory::kDay, Money::FromOre(366'000'000)}};
  auto r = ComputeRamme(Builtin(), in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)["spend_actual_ore"], 366'000'000);
  EXPECT_EQ((*r)["spend_ore"], 366'000'000);
  EXPECT_EQ((*r)["quarters"][0]["spend_ore"], 366'000'000);
  EXPECT_EQ((*r)["normalisation"]["days_in_year"], 366);
  EXPECT_EQ((*r)["normalisation"]["iso_weeks_in_year"], 52);
  in.week_normalisation = "days_364";  // the literal alternative: × 364/366
  EXPECT_EQ((*ComputeRamme(Builtin(), in))["spend_ore"], 364'000'000);
}

TEST(Ramme, PartialYearIsIncomplete) {
  RammeOptions o;
  o.year = 2025;
  o.expenses_path = kDir + "/expenses_2025_partial.csv";
  auto r = RammeStatement(Builtin(), o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_FALSE((*r)["complete"].get<bool>());
  EXPECT_TRUE((*r)["offset_ore"].is_null());
  EXPECT_TRUE((*r)["overrun_ore"].is_null());
  EXPECT_FALSE((*r)["quarters"][3]["complete"].get<bool>());
  EXPECT_TRUE((*r)["quarters"][2]["complete"].get<bool>());
  EXPECT_EQ((*r)["year_to_date"]["quarters"], 3);
  EXPECT_NE((*r)["missing"].dump().find("1085"), std::string::npos);
  // No expenses at all is incomplete too.
  RammeInput none;
  EXPECT_FALSE(Ramme(none)["complete"].get<bool>());
}

TEST(Ramme, ListedPatientsRegulateQuarters) {
  RammeOptions o;
  o.year = 2025;
  o.expenses_path = kDir + "/expenses_2025.csv";
  o.listed_path = kDir + "/listed_2025.csv";
  auto r = RammeStatement(Builtin(), o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const auto& j = *r;
  EXPECT_TRUE(j["complete"].get<bool>());
  // No region has a praksisplan agreement on talk therapy: its 15 mio. kr. count
  // as spend and the ramme is not reduced (Bilag 1; ramme_talk_therapy_agreement_*).
  const int64_t annual = kRamme2025;
  EXPECT_EQ(j["ramme_components"]["talk_therapy_reduction_ore"], 0);
  EXPECT_EQ(j["ramme_components"]["talk_therapy_outside_ore"], 0);
  EXPECT_EQ(j["ramme_components"]["annual_ore"], annual);
  EXPECT_EQ(j["quarters"][0]["ramme_ore"], annual / 4);  // base quarter: ratio 1
  EXPECT_EQ(j["quarters"][1]["listing_ratio"], "1.001000");
  int64_t sum = 0;
  for (const auto& q : j["quarters"]) sum += q["ramme_ore"].get<int64_t>();
  EXPECT_EQ(j["ramme_ore"], sum);
  EXPECT_GT(sum, annual);
}

// ---------- LTO capacity mechanism ----------

CapacityRow Clinic(std::string id, ClinicType t, int64_t caps, bool lto, Date from, Date to = Date::Max()) {
  CapacityRow p;
  p.provider = std::move(id);
  p.clinic_type = t;
  p.capacities = caps;
  p.lto = lto;
  p.period = {from, to};
  return p;
}

const Date kOld = Date::FromYmd(2020, 1, 1);
const Date kStatement = Date::FromYmd(2026, 1, 1);

TEST(Lto, FixtureLedger) {
  auto text = ReadFile(kDir + "/providers_lto.csv");
  ASSERT_TRUE(text.ok());
  auto providers = ParseProvidersCsv("providers_lto.csv", *text);
  ASSERT_TRUE(providers.ok()) << providers.status().message();
  auto r = ComputeLtoMechanism(Builtin(), 2025, *providers, kStatement);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->baseline_capacities, 70);
  // +5 (new clinic), takeover of the region clinic not counted, +4, +3, -5 = 7 additional.
  EXPECT_EQ(r->addition.ore(), 7 * 26'700'000);
  ASSERT_FALSE(r->ledger.empty());
  EXPECT_EQ(r->ledger.front().date, Date::FromYmd(2024, 7, 1));
  EXPECT_EQ(r->ledger.back().date, Date::FromYmd(2025, 12, 31));
  int64_t peak = 0;
  for (const auto& e : r->ledger) {
    peak = std::max(peak, e.additional);
    EXPECT_NE(e.date, Date::FromYmd(2025, 3, 1)) << "a takeover is no adjustment";
  }
  EXPECT_EQ(peak, 12);
}

TEST(Lto, TakeoverExcludedButGrowthAfterItCounts) {
  std::vector<CapacityRow> p = {
      Clinic("1", ClinicType::kOrdinary, 50, true, kOld),
      Clinic("2", ClinicType::kUdbud, 4, true, kOld, Date::FromYmd(2025, 2, 1)),
      Clinic("2", ClinicType::kOrdinary, 4, true, Date::FromYmd(2025, 2, 1), Date::FromYmd(2025, 6, 1)),
      Clinic("2", ClinicType::kOrdinary, 6, true, Date::FromYmd(2025, 6, 1)),
  };
  auto r = ComputeLtoMechanism(Builtin(), 2025, p, kStatement);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->baseline_capacities, 50);
  EXPECT_EQ(CountedLtoCapacities(p, Date::FromYmd(2025, 3, 1)), 50);
  EXPECT_EQ(r->addition.ore(), 2 * 26'700'000);
}

TEST(Lto, CrossingSeventyFiveAndTheCap) {
  auto with = [](int64_t extra) {
    return std::vector<CapacityRow>{Clinic("1", ClinicType::kOrdinary, 100, true, kOld),
                                    Clinic("2", ClinicType::kOrdinary, extra, true, Date::FromYmd(2025, 3, 1)),
                                    Clinic("3", ClinicType::kOrdinary, 500, false, kOld)};
  };
  auto at = [&](int64_t extra, const Agreement& a) {
    auto r = ComputeLtoMechanism(a, 2025, with(extra), kStatement);
    EXPECT_TRUE(r.ok());
    return *r;
  };
  EXPECT_EQ(at(74, Builtin()).addition.ore(), 74 * 26'700'000);  // 19.758.000 kr.
  EXPECT_EQ(at(75, Builtin()).addition.ore(), 2'000'000'000);     // 20.025.000 capped at 20 mio.
  EXPECT_EQ(at(80, Builtin()).ledger.back().additional, 75);
  EXPECT_EQ(at(80, Builtin()).addition.ore(), 2'000'000'000);
  // With a higher cap the 75-capacity limit binds.
  Agreement high = WithParameter("lto_capacity_cap_ore,2000000000", "lto_capacity_cap_ore,3000000000");
  EXPECT_EQ(at(80, high).addition.ore(), 75 * 26'700'000);
  EXPECT_EQ(at(75, high).addition.ore(), 75 * 26'700'000);
}

TEST(Lto, FallsBackButNeverBelowBaseline) {
  std::vector<CapacityRow> p = {
      Clinic("1", ClinicType::kOrdinary, 100, true, kOld, Date::FromYmd(2025, 2, 1)),
      Clinic("1", ClinicType::kOrdinary, 110, true, Date::FromYmd(2025, 2, 1), Date::FromYmd(2025, 7, 1)),
      Clinic("1", ClinicType::kOrdinary, 104, true, Date::FromYmd(2025, 7, 1), Date::FromYmd(2025, 10, 1)),
      Clinic("1", ClinicType::kOrdinary, 90, true, Date::FromYmd(2025, 10, 1)),
  };
  auto r = ComputeLtoMechanism(Builtin(), 2025, p, kStatement);
  ASSERT_TRUE(r.ok());
  std::vector<std::pair<std::string, int64_t>> got;
  for (const auto& e : r->ledger) got.push_back({e.date.ToIso(), e.amount.ore()});
  EXPECT_EQ(got.front(), (std::pair<std::string, int64_t>{"2024-07-01", 0}));
  EXPECT_EQ(r->ledger[1].amount.ore(), 10 * 26'700'000);
  bool saw_down = false;
  for (const auto& e : r->ledger) {
    EXPECT_GE(e.amount.ore(), 0);
    if (e.date == Date::FromYmd(2025, 7, 1)) {
      EXPECT_EQ(e.amount.ore(), 4 * 26'700'000);
      saw_down = true;
    }
  }
  EXPECT_TRUE(saw_down);
  EXPECT_EQ(r->addition.ore(), 0);  // 90 < baseline 100: zero, not negative
}

TEST(Lto, AdditionRaisesTheRamme) {
  RammeInput in = Input2025(0);
  in.providers = std::vector<CapacityRow>{Clinic("1", ClinicType::kOrdinary, 10, true, kOld),
                                          Clinic("2", ClinicType::kOrdinary, 3, true, Date::FromYmd(2025, 5, 1))};
  auto j = Ramme(in);
  EXPECT_EQ(j["lto_capacity_addition_ore"], 3 * 26'700'000);
  EXPECT_EQ(j["ramme_ore"], kRamme2025 + 3 * 26'700'000);
  EXPECT_FALSE(j["lto_ledger"].empty());
  in.lto_activity_increase = Money::FromOre(50'000'000);  // condition: activity rose by only 0,5 mio.
  EXPECT_EQ(Ramme(in)["lto_capacity_addition_ore"], 50'000'000);
}

// ---------- B1 corrections: spirometry and sundhedstjek på botilbud ----------

constexpr int64_t kSpiroAlloc = 1'200'000'000;  // 12,0 mio. kr. (illustrative parameter)
constexpr int64_t kTjekAlloc = 650'000'000;     // 6,5 mio. kr. (illustrative parameter)

// A complete 2025 with day spend 1 % over the ramme, plus a year's spend of
// the two categories (in region 1081, a quarter each; nullopt = no rows).
RammeInput WithCategorySpend(std::optional<int64_t> spiro, std::optional<int64_t> tjek) {
  RammeInput in = Input2025(kRamme2025 / 100);
  auto add = [&](ExpenseCategory c, int64_t year_total) {
    for (int q = 1; q <= 4; ++q)
      in.expenses.push_back({kFirstRegion, Quarter{2025, q}, c, QuarterPart4(year_total, q)});
  };
  if (spiro) add(ExpenseCategory::kSpirometry, *spiro);
  if (tjek) add(ExpenseCategory::kSundhedstjekBotilbud, *tjek);
  return in;
}

const nlohmann::json& Correction(const nlohmann::json& j, const std::string& name) {
  for (const auto& c : j["ramme_components"]["corrections"])
    if (c["name"] == name) return c;
  static const nlohmann::json none;
  ADD_FAILURE() << "no correction " << name;
  return none;
}

void ExpectQuartersAddUp(const nlohmann::json& j) {
  int64_t sum = 0, corr = 0;
  for (const auto& q : j["quarters"]) {
    sum += q["ramme_ore"].get<int64_t>();
    corr += q["corrections_ore"].get<int64_t>();
  }
  EXPECT_EQ(sum, j["ramme_ore"].get<int64_t>());
  EXPECT_EQ(corr, j["ramme_components"]["corrections_ore"].get<int64_t>());
  EXPECT_EQ(j["ramme_apr24_ore"].get<int64_t>() + j["price_regulation"]["amount_ore"].get<int64_t>() +
                j["ramme_components"]["corrections_ore"].get<int64_t>(),
            j["ramme_ore"].get<int64_t>());
}

TEST(RammeCorrections, UnspentReducesTheRamme) {
  auto j = Ramme(WithCategorySpend(900'000'000, 500'000'000));  // 9,0 of 12,0 and 5,0 of 6,5 mio. kr.
  const auto& s = Correction(j, "spirometry");
  EXPECT_EQ(s["status"], "final");
  EXPECT_TRUE(s["applied"].get<bool>());
  EXPECT_EQ(s["allocation_ore"], kSpiroAlloc);
  EXPECT_EQ(s["spend_ore"], 900'000'000);
  EXPECT_EQ(s["unspent_ore"], 300'000'000);
  EXPECT_EQ(s["amount_ore"], -300'000'000);
  EXPECT_EQ(s["source"], "illustrative");
  EXPECT_NE(s["text"].get<std::string>().find("reduceres"), std::string::npos);
  const auto& t = Correction(j, "sundhedstjek_botilbud");
  EXPECT_EQ(t["amount_ore"], -150'000'000);
  EXPECT_EQ(j["ramme_components"]["corrections_ore"], -450'000'000);
  EXPECT_EQ(j["ramme_ore"], kRamme2025 - 450'000'000);
  // The spend of the categories still counts as spend (only the ramme moves).
  EXPECT_EQ(j["spend_actual_ore"].get<int64_t>(),
            Ramme(Input2025(kRamme2025 / 100))["spend_actual_ore"].get<int64_t>() + 1'400'000'000);
  ExpectQuartersAddUp(j);
  EXPECT_EQ(j["quarters"][0]["corrections_ore"], -112'500'000);
}

TEST(RammeCorrections, ExactlySpentIsNoCorrection) {
  auto j = Ramme(WithCategorySpend(kSpiroAlloc, kTjekAlloc));
  EXPECT_EQ(Correction(j, "spirometry")["amount_ore"], 0);
  EXPECT_EQ(Correction(j, "sundhedstjek_botilbud")["amount_ore"], 0);
  EXPECT_NE(Correction(j, "spirometry")["text"].get<std::string>().find("netop forbrugt"), std::string::npos);
  EXPECT_EQ(j["ramme_ore"], kRamme2025);
  ExpectQuartersAddUp(j);
}

TEST(RammeCorrections, OverspentSundhedstjekRaisesOverspentSpirometryDoesNot) {
  auto j = Ramme(WithCategorySpend(1'500'000'000, 800'000'000));  // 15,0 > 12,0 and 8,0 > 6,5
  const auto& s = Correction(j, "spirometry");
  EXPECT_EQ(s["excess_ore"], 300'000'000);
  EXPECT_EQ(s["amount_ore"], 0);  // no raise for spirometry
  EXPECT_FALSE(s["raises_if_exceeded"].get<bool>());
  const auto& t = Correction(j, "sundhedstjek_botilbud");
  EXPECT_EQ(t["excess_ore"], 150'000'000);
  EXPECT_EQ(t["amount_ore"], 150'000'000);  // raised by the excess
  EXPECT_NE(t["text"].get<std::string>().find("opreguleres"), std::string::npos);
  EXPECT_EQ(j["ramme_ore"], kRamme2025 + 150'000'000);
  ExpectQuartersAddUp(j);
  // One øre either side of the sundhedstjek allocation.
  EXPECT_EQ(Correction(Ramme(WithCategorySpend(kSpiroAlloc, kTjekAlloc + 1)), "sundhedstjek_botilbud")["amount_ore"], 1);
  EXPECT_EQ(Correction(Ramme(WithCategorySpend(kSpiroAlloc, kTjekAlloc - 1)), "sundhedstjek_botilbud")["amount_ore"], -1);
  EXPECT_EQ(Correction(Ramme(WithCategorySpend(kSpiroAlloc + 1, kTjekAlloc)), "spirometry")["amount_ore"], 0);
  EXPECT_EQ(Correction(Ramme(WithCategorySpend(kSpiroAlloc - 1, kTjekAlloc)), "spirometry")["amount_ore"], -1);
}

TEST(RammeCorrections, NotReportedCategoryIsNotCorrected) {
  auto j = Ramme(WithCategorySpend(std::nullopt, std::nullopt));
  EXPECT_EQ(Correction(j, "spirometry")["status"], "not_reported");
  EXPECT_FALSE(Correction(j, "spirometry")["applied"].get<bool>());
  EXPECT_EQ(j["ramme_ore"], kRamme2025);
  // A reported zero is a real zero: the whole allocation is unspent.
  auto z = Ramme(WithCategorySpend(0, std::nullopt));
  EXPECT_EQ(Correction(z, "spirometry")["amount_ore"], -kSpiroAlloc);
  EXPECT_EQ(Correction(z, "sundhedstjek_botilbud")["status"], "not_reported");
  // No allocation in the data for 2023: no correction lines at all.
  auto text = ReadFile(kDir + "/expenses_2023.csv");
  ASSERT_TRUE(text.ok());
  RammeInput in;
  in.year = 2023;
  in.expenses = *ParseExpensesCsv("expenses_2023.csv", *text);
  EXPECT_TRUE(Ramme(in)["ramme_components"]["corrections"].empty());
}

TEST(RammeCorrections, PartialYearIsProvisionalAndNotApplied) {
  RammeInput in = WithCategorySpend(600'000'000, 500'000'000);  // 1,5 and 1,25 mio. kr. a quarter
  std::erase_if(in.expenses, [](const ExpenseRow& e) { return e.quarter.q == 4 && e.region == kLastRegion; });
  auto j = Ramme(in);
  EXPECT_FALSE(j["complete"].get<bool>());
  const auto& s = Correction(j, "spirometry");
  EXPECT_EQ(s["status"], "provisional");
  EXPECT_FALSE(s["applied"].get<bool>());
  EXPECT_EQ(s["amount_ore"], 0);
  EXPECT_EQ(s["provisional"]["quarters"], 3);
  EXPECT_EQ(s["provisional"]["allocation_ore"], 900'000'000);  // 3/4 of 12,0 mio. kr.
  EXPECT_EQ(s["provisional"]["spend_ore"], 450'000'000);
  EXPECT_EQ(s["provisional"]["amount_ore"], -450'000'000);
  EXPECT_NE(s["text"].get<std::string>().find("Foreløbig"), std::string::npos);
  const auto& t = Correction(j, "sundhedstjek_botilbud");
  EXPECT_EQ(t["provisional"]["allocation_ore"], 487'500'000);
  EXPECT_EQ(t["provisional"]["amount_ore"], 375'000'000 - 487'500'000);
  EXPECT_EQ(j["ramme_ore"], kRamme2025);  // nothing applied
  EXPECT_EQ(j["year_to_date"]["ramme_ore"], kRamme2025 * 3 / 4);
}

// ---------- Ceiling clawbacks: recorded, never counted ----------

TEST(RammeExclusions, CeilingClawbackIsShownNotCounted) {
  RammeInput base = Input2025(0);
  RammeInput in = base;
  in.expenses.push_back({1083, {2025, 1}, ExpenseCategory::kCeilingClawback, Money::FromOre(-45'000'000)});
  auto j = Ramme(in);
  auto b = Ramme(base);
  EXPECT_EQ(j["spend_ore"], b["spend_ore"]);
  EXPECT_EQ(j["ramme_ore"], b["ramme_ore"]);
  EXPECT_EQ(j["offset_ore"], b["offset_ore"]);
  EXPECT_EQ(j["spend_by_category_ore"]["ceiling_clawback"], -45'000'000);
  EXPECT_EQ(j["quarters"][0]["excluded_ore"], -45'000'000);
  bool shown = false;
  for (const auto& e : j["exclusions"])
    if (e["category"] == "ceiling_clawback") {
      shown = true;
      EXPECT_EQ(e["amount_ore"], -45'000'000);
      EXPECT_FALSE(e["counted"].get<bool>());
    }
  EXPECT_TRUE(shown);
  // Excluded even by data that forgets to list it.
  Agreement forgot = WithParameter(";framework_agreements;ceiling_clawback,", ";framework_agreements,");
  EXPECT_EQ(Ramme(in, forgot)["spend_ore"], b["spend_ore"]);
  // expenses.csv accepts the category (extension of interfaces.md).
  auto rows = ParseExpensesCsv("x.csv", "region_code,quarter,category,amount_ore\n1081,2025-Q2,ceiling_clawback,-100\n");
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  EXPECT_EQ((*rows)[0].category, ExpenseCategory::kCeilingClawback);
}

TEST(RammeExclusions, StatementItemsMapToCategories) {
  const Date on = Date::FromYmd(2025, 1, 1);
  auto cat = [&](const char* item, const char* code) { return StatementExpenseCategory(Builtin(), on, item, code); };
  EXPECT_EQ(cat("service", "7113"), ExpenseCategory::kSpirometry);
  EXPECT_EQ(cat("service", "7121"), ExpenseCategory::kSpirometry);
  EXPECT_EQ(cat("service", "0123"), ExpenseCategory::kSundhedstjekBotilbud);
  EXPECT_EQ(cat("service", "0101"), ExpenseCategory::kDay);
  EXPECT_EQ(cat("service", "2102"), ExpenseCategory::kCervicalCytology);
  EXPECT_EQ(cat("service", "8120"), ExpenseCategory::kProfylakse);
  EXPECT_EQ(cat("chronic_fee", "0131"), ExpenseCategory::kDay);
  EXPECT_EQ(cat("basishonorar", ""), ExpenseCategory::kBasishonorar);
  EXPECT_EQ(cat("bosted_honorarium", ""), ExpenseCategory::kFixedDoctorHonoraria);
  EXPECT_EQ(cat("ceiling_clawback", ""), ExpenseCategory::kCeilingClawback);
  EXPECT_EQ(cat("offset", ""), std::nullopt);
  // Bilag 1: local agreements (4xxx) and framework agreements are outside the ramme, not day spend.
  EXPECT_EQ(cat("service", "4000"), ExpenseCategory::kLocalAgreements);
  EXPECT_EQ(cat("service", "4711"), ExpenseCategory::kLocalAgreements);
  EXPECT_EQ(cat("service", "6101"), ExpenseCategory::kTalkTherapy);
  Agreement fw = WithParameter("ramme_framework_agreement_codes,,text", "ramme_framework_agreement_codes,3001-3009;3500,text");
  EXPECT_EQ(StatementExpenseCategory(fw, on, "service", "3005"), ExpenseCategory::kFrameworkAgreements);
  EXPECT_EQ(StatementExpenseCategory(fw, on, "service", "3500"), ExpenseCategory::kFrameworkAgreements);
  EXPECT_EQ(StatementExpenseCategory(fw, on, "service", "3501"), ExpenseCategory::kDay);
  // Before 2025 the data name no spirometry codes: 7113 is day spend.
  EXPECT_EQ(StatementExpenseCategory(Builtin(), Date::FromYmd(2024, 1, 1), "service", "7113"), ExpenseCategory::kDay);
}

// ---------- § 64 wage/price regulation of the ramme ----------

// The built-in agreement with +2 % from 1 April 2025 and +3 % from 1 October 2025.
Agreement Indexed2025() {
  auto files = Builtin().files();
  std::string& idx = files.at("index.csv");
  for (auto [from, to] : {std::pair<std::string, std::string>{"2025-04-01,2025-10-01,1.000000", "2025-04-01,2025-10-01,1.020000"},
                          {"2025-10-01,,1.000000", "2025-10-01,,1.030000"}}) {
    size_t at = idx.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    idx.replace(at, from.size(), to);
  }
  auto r = Agreement::LoadFiles(files, "test");
  EXPECT_TRUE(r.ok()) << r.status().message();
  return *r;
}

TEST(RammePriceLevel, BuiltinIndexLeavesTheFiguresUnchanged) {
  auto j = Ramme(Input2025(0));
  EXPECT_EQ(j["price_level"], "regulated");
  EXPECT_EQ(j["ramme_ore"], kRamme2025);
  EXPECT_EQ(j["ramme_apr24_ore"], kRamme2025);
  EXPECT_EQ(j["price_regulation"]["amount_ore"], 0);
  EXPECT_EQ(j["price_regulation"]["level_date"], "2024-04-01");
  EXPECT_EQ(j["quarters"][1]["index_factor"], "1.000000");
}

TEST(RammePriceLevel, QuartersAreRegulatedByTheIndexInForce) {
  const Agreement a = Indexed2025();
  RammeInput in = Input2025(0);
  auto j = Ramme(in, a);
  const int64_t q = kRamme2025 / 4;  // 252.650.000.000 øre, exact
  EXPECT_EQ(j["quarters"][0]["ramme_ore"], q);
  EXPECT_EQ(j["quarters"][1]["ramme_ore"], q * 102 / 100);  // 257.703.000.000
  EXPECT_EQ(j["quarters"][2]["ramme_ore"], q * 102 / 100);
  EXPECT_EQ(j["quarters"][3]["ramme_ore"], q * 103 / 100);  // 260.229.500.000
  EXPECT_EQ(j["quarters"][3]["ramme_apr24_ore"], q);
  EXPECT_EQ(j["quarters"][3]["index_factor"], "1.030000");
  EXPECT_EQ(j["ramme_ore"], 1'028'285'500'000);
  EXPECT_EQ(j["ramme_apr24_ore"], kRamme2025);
  EXPECT_EQ(j["price_regulation"]["amount_ore"], 17'685'500'000);
  // The same spend is now 1,72 % under the regulated ramme (it was on the apr-24 ramme).
  EXPECT_EQ(j["overrun_ore"], kRamme2025 - 1'028'285'500'000);
  ExpectQuartersAddUp(j);
  // Spend settled at the apr-24 level is compared with the unregulated ramme.
  in.price_level = "apr-24";
  auto u = Ramme(in, a);
  EXPECT_EQ(u["price_level"], "apr-24");
  EXPECT_EQ(u["ramme_ore"], kRamme2025);
  EXPECT_EQ(u["overrun_ore"], 0);
  in.price_level = "jan-99";
  EXPECT_EQ(ComputeRamme(a, in).status().code(), StatusCode::kInvalidInput);
}

TEST(RammePriceLevel, CorrectionAllocationsAreRegulatedToo) {
  RammeInput in = WithCategorySpend(kSpiroAlloc, kTjekAlloc);
  auto j = Ramme(in, Indexed2025());
  // 3,0 mio. kr. a quarter: 3,0 + 3,06 + 3,06 + 3,09 = 12,21 mio. kr.
  EXPECT_EQ(Correction(j, "spirometry")["allocation_ore"], 1'221'000'000);
  EXPECT_EQ(Correction(j, "spirometry")["amount_ore"], -21'000'000);
  // 1,625 mio. kr. a quarter: 1,625 + 1,6575 + 1,6575 + 1,67375 = 6,61375 mio. kr.
  EXPECT_EQ(Correction(j, "sundhedstjek_botilbud")["allocation_ore"], 661'375'000);
  ExpectQuartersAddUp(j);
}

TEST(RammePriceLevel, Replay2023IsStatedAtItsOwnLevel) {
  auto text = ReadFile(kDir + "/expenses_2023.csv");
  ASSERT_TRUE(text.ok());
  RammeInput in;
  in.year = 2023;
  in.expenses = *ParseExpensesCsv("expenses_2023.csv", *text);
  auto j = Ramme(in);
  // Stated at the 2023 level (index 0,973046 all year): ratio 1 in every quarter.
  EXPECT_EQ(j["price_regulation"]["level_date"], "2023-01-01");
  EXPECT_EQ(j["quarters"][0]["index_factor"], "0.973046");
  EXPECT_EQ(j["ramme_ore"], 964'300'000'000);
  EXPECT_EQ(j["overrun_pct"], "1.68");
}

}  // namespace
}  // namespace almen
