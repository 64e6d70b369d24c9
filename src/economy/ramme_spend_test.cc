// What the ramme counts (Bilag 1): statement rows, the "2102 inkl. én 0101"
// rule, talk therapy by region, the first statement, and the numbers of the
// agreement text as traceable rows.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "economy/economy.h"
#include "economy/ramme.h"

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

// The built-in agreement with one text replacement in the parameters*.csv file that holds it.
Agreement WithEconomyParameter(const std::string& from, const std::string& to) {
  auto files = Builtin().files();
  bool found = false;
  for (auto& [name, text] : files) {
    if (name.rfind("parameters", 0) != 0) continue;
    size_t at = text.find(from);
    if (at == std::string::npos) continue;
    text.replace(at, from.size(), to);
    found = true;
    break;
  }
  EXPECT_TRUE(found) << from;
  auto r = Agreement::LoadFiles(files, "test");
  EXPECT_TRUE(r.ok()) << r.status().message();
  return *r;
}

constexpr int64_t kMio = 100'000'000;

StatementSpendRow Row(int region, int provider, int month, const char* item, const char* code, int64_t count,
                      int64_t ore) {
  return {region, provider, Month::FromYm(2025, month), item, code, count, Money::FromOre(ore)};
}

Money Sum(const StatementSpend& s, ExpenseCategory c, int region = 0) {
  Money m = Money::Zero();
  for (const auto& e : s.rows)
    if (e.category == c && e.quarter.year == 2025 && (region == 0 || e.region == region)) m += e.amount;
  return m;
}

// ---------- Item 7: local agreements, framework agreements, cytology with one 0101 ----------

TEST(StatementSpend, LocalAndFrameworkAgreementsAreOutsideTheRamme) {
  auto s = SpendFromStatements(Builtin(), 2025,
                               {Row(1081, 0, 1, "service", "0101", 10, 177'530),
                                Row(1081, 0, 1, "service", "4101", 3, 30'000),
                                Row(1081, 0, 2, "service", "6101", 1, 60'000)});
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(Sum(*s, ExpenseCategory::kDay).ore(), 177'530);
  EXPECT_EQ(Sum(*s, ExpenseCategory::kLocalAgreements).ore(), 30'000);
  EXPECT_EQ(Sum(*s, ExpenseCategory::kTalkTherapy).ore(), 60'000);
  EXPECT_TRUE(RammeNotCountedCategories(Builtin(), 2025).count(ExpenseCategory::kLocalAgreements));
  EXPECT_TRUE(RammeNotCountedCategories(Builtin(), 2025).count(ExpenseCategory::kFrameworkAgreements));
}

TEST(StatementSpend, CervicalCytologyTakesOneZeroOneZeroOnePerSmear) {
  // Clinic 200001: 4 smears, 10 consultations (1.775,30 kr.) → 4 × 177,53 kr. leave day spend.
  // Clinic 200002: 3 smears, 2 consultations → only the 2 billed consultations.
  // Clinic 200003: no smear → nothing moves. Clinic 200001 in February: smear only.
  auto s = SpendFromStatements(Builtin(), 2025,
                               {Row(1084, 200001, 1, "service", "2102", 4, 48'000),
                                Row(1084, 200001, 1, "service", "0101", 10, 177'530),
                                Row(1084, 200002, 1, "service", "2102", 3, 36'000),
                                Row(1084, 200002, 1, "service", "0101", 2, 35'506),
                                Row(1085, 200003, 1, "service", "0101", 5, 88'765),
                                Row(1084, 200001, 2, "service", "2102", 1, 12'000)});
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->cytology_companions, 6);
  EXPECT_EQ(s->cytology_companion_amount.ore(), 4 * 17'753 + 35'506);
  EXPECT_EQ(Sum(*s, ExpenseCategory::kCervicalCytology).ore(), 48'000 + 36'000 + 12'000 + 4 * 17'753 + 35'506);
  EXPECT_EQ(Sum(*s, ExpenseCategory::kDay, 1084).ore(), 6 * 17'753);
  EXPECT_EQ(Sum(*s, ExpenseCategory::kDay, 1085).ore(), 88'765);
  // The parameter says how many companions per smear; 0 turns the rule off.
  Agreement none = WithEconomyParameter("ramme_cervical_cytology_companions,1,", "ramme_cervical_cytology_companions,0,");
  auto n = SpendFromStatements(none, 2025, {Row(1084, 200001, 1, "service", "2102", 4, 48'000),
                                            Row(1084, 200001, 1, "service", "0101", 10, 177'530)});
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->cytology_companions, 0);
  EXPECT_EQ(CytologyPairCodes(Builtin(), 2025), (std::vector<std::string>{"2102", "0101"}));
}

TEST(StatementSpend, UnknownRegionAndItemsOutsideTheAccountsAreNotCounted) {
  auto s = SpendFromStatements(Builtin(), 2025,
                               {Row(0, 0, 3, "service", "0101", 1, 17'753), Row(1082, 0, 3, "offset", "", 0, -5'000),
                                Row(1082, 0, 3, "basishonorar", "", 100, 400'283)});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->unknown_region.ore(), 17'753);
  EXPECT_EQ(s->outside_accounts.ore(), -5'000);
  EXPECT_EQ(Sum(*s, ExpenseCategory::kBasishonorar).ore(), 400'283);
}

// ---------- Item 9: "normeret til 52 uger" ----------

TEST(WeekNormalisation, IsoWeeksAndFiftyThreeWeekYears) {
  // 53 ISO weeks when 1 January is a Thursday, or a Wednesday in a leap year.
  for (int y : {2004, 2009, 2015, 2020, 2026, 2032}) EXPECT_EQ(IsoWeeksInYear(y), 53) << y;
  for (int y : {2021, 2022, 2023, 2024, 2025, 2027, 2028}) EXPECT_EQ(IsoWeeksInYear(y), 52) << y;
  auto n25 = SpendNormalisationOf(Builtin(), 2025, "");
  ASSERT_TRUE(n25.ok());
  EXPECT_EQ(n25->method, "iso_weeks");
  EXPECT_EQ(n25->Apply(Money::FromOre(1'000'000'000'000)).ore(), 1'000'000'000'000);  // 2025: 52 weeks, unscaled
  auto n26 = SpendNormalisationOf(Builtin(), 2026, "");
  ASSERT_TRUE(n26.ok());
  EXPECT_EQ(n26->denominator, 53);
  // 53 weeks of spend → 52: 10.600 mio. kr. × 52/53 = 10.400 mio. kr.
  EXPECT_EQ(n26->Apply(Money::FromOre(1'060'000'000'000)).ore(), 1'040'000'000'000);
  auto d = SpendNormalisationOf(Builtin(), 2025, "days_364");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->Apply(Money::FromOre(365'000'000)).ore(), 364'000'000);  // ≈ −0,27 % every year
  EXPECT_FALSE(SpendNormalisationOf(Builtin(), 2025, "weeks").ok());
  // The statement of a 53-week year (a 2026 data set: ramme parameters extended for the test).
  Agreement a2026 = WithEconomyParameter("ramme_base_ore,999470000000,ore,2025-01-01,2026-01-01,",
                                        "ramme_base_ore,999470000000,ore,2025-01-01,2027-01-01,");
  a2026 = [&] {
    auto files = a2026.files();
    std::string& p = files.at("parameters_economy.csv");
    for (auto [from, to] : {std::pair<std::string, std::string>{"ramme_listing_base,2025-01-01,date,2025-01-01,2026-01-01",
                                                                "ramme_listing_base,2025-01-01,date,2025-01-01,2027-01-01"},
                            {"2024-04-01,date,2024-01-01,2026-01-01", "2024-04-01,date,2024-01-01,2027-01-01"}}) {
      size_t at = p.find(from);
      EXPECT_NE(at, std::string::npos) << from;
      p.replace(at, from.size(), to);
    }
    return *Agreement::LoadFiles(files, "test");
  }();
  RammeInput in;
  in.year = 2026;
  for (int q = 1; q <= 4; ++q)
    for (int r = kFirstRegion; r <= kLastRegion; ++r)
      in.expenses.push_back({r, Quarter{2026, q}, ExpenseCategory::kDay, Money::FromOre(50'000'000'000 + q * 7 + r)});
  auto r = ComputeRamme(a2026, in);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const auto& j = *r;
  EXPECT_EQ(j["normalisation"]["iso_weeks_in_year"], 53);
  EXPECT_EQ(j["spend_ore"].get<int64_t>(), RoundDiv(static_cast<Int128>(j["spend_actual_ore"].get<int64_t>()) * 52, 53));
}

// ---------- Item 8: talk therapy only where the praksisplan agreement is made ----------

std::vector<ExpenseRow> Complete2025(int64_t day_per_cell) {
  std::vector<ExpenseRow> rows;
  for (int q = 1; q <= 4; ++q)
    for (int r = kFirstRegion; r <= kLastRegion; ++r)
      rows.push_back({r, Quarter{2025, q}, ExpenseCategory::kDay, Money::FromOre(day_per_cell)});
  return rows;
}

TEST(TalkTherapy, WithoutAnAgreementItIsSpendAndTheRammeIsNotReduced) {
  RammeInput in;
  in.year = 2025;
  in.expenses = Complete2025(500 * kMio);
  in.expenses.push_back({1084, Quarter{2025, 2}, ExpenseCategory::kTalkTherapy, Money::FromOre(3 * kMio)});
  auto j = ComputeRamme(Builtin(), in);
  ASSERT_TRUE(j.ok()) << j.status().message();
  EXPECT_EQ((*j)["ramme_components"]["talk_therapy_reduction_ore"], 0);
  EXPECT_EQ((*j)["spend_actual_ore"], 20 * 500 * kMio + 3 * kMio);
  EXPECT_EQ((*j)["ramme_components"]["talk_therapy"][3]["status"], "no_agreement");
}

TEST(TalkTherapy, AnAgreementReducesTheRammeByThePrevious12MonthsFromItsQuarter) {
  // Region Hovedstaden makes its agreement on 15 May 2025: from 2025-Q3 its talk therapy is outside
  // the ramme, and the ramme is reduced by 2024-Q3 … 2025-Q2 (4+4+5+5 = 18 mio. kr. a year), for Q3 and Q4.
  Agreement a = WithEconomyParameter("ramme_talk_therapy_agreement_1084,none,", "ramme_talk_therapy_agreement_1084,2025-05-15,");
  RammeInput in;
  in.year = 2025;
  in.expenses = Complete2025(500 * kMio);
  const int64_t talk[] = {4, 4, 5, 5, 6, 6};  // 2024-Q3 … 2025-Q4, mio. kr.
  const Quarter qs[] = {{2024, 3}, {2024, 4}, {2025, 1}, {2025, 2}, {2025, 3}, {2025, 4}};
  for (int i = 0; i < 6; ++i)
    in.expenses.push_back({1084, qs[i], ExpenseCategory::kTalkTherapy, Money::FromOre(talk[i] * kMio)});
  in.expenses.push_back({1081, Quarter{2025, 3}, ExpenseCategory::kTalkTherapy, Money::FromOre(2 * kMio)});
  auto j = ComputeRamme(a, in);
  ASSERT_TRUE(j.ok()) << j.status().message();
  EXPECT_TRUE((*j)["complete"].get<bool>());
  const auto& c = (*j)["ramme_components"];
  EXPECT_EQ(c["talk_therapy_by_region"]["1084"], 9 * kMio);  // 18 mio. kr. × 2/4
  EXPECT_EQ(c["talk_therapy_reduction_ore"], 9 * kMio);
  EXPECT_EQ(c["talk_therapy"][3]["effective_quarter"], "2025-Q3");
  EXPECT_EQ(c["talk_therapy"][3]["basis_ore"], 18 * kMio);
  EXPECT_EQ(c["talk_therapy"][3]["basis_quarters"].size(), 4u);
  EXPECT_EQ(c["talk_therapy_outside_ore"], 12 * kMio);  // 1084's Q3 and Q4
  // 1084's Q1/Q2 talk therapy and 1081's (no agreement) count as spend.
  EXPECT_EQ((*j)["spend_actual_ore"], 20 * 500 * kMio + 10 * kMio + 2 * kMio);
  EXPECT_EQ((*j)["ramme_components"]["annual_ore"], 1'010'600'000'000 - 9 * kMio);
  EXPECT_EQ((*j)["ignored_rows_other_years"], 0);  // 2024 rows were read for the 12 months

  // A missing quarter of the 12 months: no statement from guessed data.
  RammeInput gap = in;
  gap.expenses.erase(gap.expenses.begin() + 20);  // 2024-Q3
  auto g = ComputeRamme(a, gap);
  ASSERT_TRUE(g.ok());
  EXPECT_FALSE((*g)["complete"].get<bool>());
  EXPECT_NE((*g)["missing"].dump().find("2024-Q3"), std::string::npos);
  // A fixed amount (agreed by the parties) replaces the computed 12 months.
  auto files = a.files();
  files.at("parameters_economy.csv") +=
      "ramme_talk_therapy_reduction_1084_ore,2000000000,ore,2025-01-01,,Bilag 1 Økonomiprotokollat,illustrative,test\n";
  auto fixed = Agreement::LoadFiles(files, "test");
  ASSERT_TRUE(fixed.ok()) << fixed.status().message();
  auto f = ComputeRamme(*fixed, gap);
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE((*f)["complete"].get<bool>());
  EXPECT_EQ((*f)["ramme_components"]["talk_therapy_reduction_ore"], 10 * kMio);
  // A bad value is a clear error.
  Agreement bad = WithEconomyParameter("ramme_talk_therapy_agreement_1082,none,", "ramme_talk_therapy_agreement_1082,soon,");
  EXPECT_NE(ComputeRamme(bad, in).status().message().find("ramme_talk_therapy_agreement_1082"), std::string::npos);
}

// ---------- The first statement: "når udgiftstallene for marts 2025 foreligger" ----------

TEST(FirstStatement, NoFiguresBeforeTheMarch2025Data) {
  RammeInput in;
  in.year = 2025;
  in.expenses = Complete2025(500 * kMio);
  in.expenses.erase(std::remove_if(in.expenses.begin(), in.expenses.end(),
                                   [](const ExpenseRow& e) { return e.quarter.q == 1 && e.region == 1083; }),
                    in.expenses.end());
  auto j = ComputeRamme(Builtin(), in);
  ASSERT_TRUE(j.ok());
  EXPECT_EQ((*j)["first_statement"]["data_through"], "2025-03-31");
  EXPECT_FALSE((*j)["first_statement"]["available"].get<bool>());
  EXPECT_TRUE((*j)["year_to_date"].is_null());
  in.expenses = Complete2025(500 * kMio);
  in.expenses.erase(std::remove_if(in.expenses.begin(), in.expenses.end(),
                                   [](const ExpenseRow& e) { return e.quarter.q == 4; }),
                    in.expenses.end());
  auto k = ComputeRamme(Builtin(), in);
  ASSERT_TRUE(k.ok());
  EXPECT_TRUE((*k)["first_statement"]["available"].get<bool>());
  EXPECT_EQ((*k)["year_to_date"]["quarters"], 3);
}

// ---------- The agreement's numbers as traceable rows ----------

TEST(AgreementNumbers, MissingNumbersAreRowsWithParagraphAndSource) {
  const Agreement& a = Builtin();
  struct Want {
    const char* name;
    const char* on;
    int64_t value;
    const char* paragraph;
  };
  for (const Want& w : {Want{"capacity_account_transfer_ore", "2025-06-01", 250'000'000, "pkt. 5.9"},
                        Want{"admin_committee_payment_reduction_ore", "2025-06-01", 2'600'000'000, "pkt. 5.10"},
                        Want{"ramme_offset_2023_ore", "2024-10-01", 2'600'000'000, "pkt. 5.10"},
                        Want{"basishonorar_increase_ore", "2025-01-01", 1'380'000'000, "pkt. 5.6"},
                        Want{"bosted_kofoedsminde_places", "2025-01-01", 91, "Bilag 2"},
                        Want{"bosted_target_group_botilbud", "2025-01-01", 1135, "Bilag 2"},
                        Want{"bosted_target_group_botilbud_table", "2025-01-01", 1136, "Bilag 2"},
                        Want{"bosted_target_botilbud", "2025-01-01", 250, "Bilag 2"},
                        Want{"bosted_target_min_per_municipality", "2025-01-01", 1, "Bilag 2"}}) {
    SCOPED_TRACE(w.name);
    const Parameter* p = a.ParameterOn(w.name, *Date::Parse(w.on));
    ASSERT_TRUE(p);
    EXPECT_EQ(*ParseInt64(p->value), w.value);
    EXPECT_NE(p->provenance.paragraph.find(w.paragraph), std::string::npos) << p->provenance.paragraph;
    EXPECT_EQ(p->provenance.source, Source::kSeed);
  }
  // Bilag 2's table: 36 + 435 + 157 + 508 = 1.136 (the text says 1.135); 36 + 157 = 193 over 30 places.
  auto v = [&](const char* n) { return *a.IntParameter(n, Date::FromYmd(2025, 1, 1)); };
  EXPECT_EQ(v("bosted_table_sel108_over_30") + v("bosted_table_sel108_max_30") + v("bosted_table_abl105_over_30") +
                v("bosted_table_abl105_max_30"),
            v("bosted_target_group_botilbud_table"));
  EXPECT_EQ(v("bosted_target_group_botilbud_table") - v("bosted_target_group_botilbud"), 1);
  EXPECT_EQ(v("bosted_table_sel108_over_30") + v("bosted_table_abl105_over_30"), v("bosted_target_group_over_30_places"));
  // The 13,8 mio. kr. of pkt. 5.6 over ≈ 5,9 mio. listed patients ≈ the basishonorar's +2,34 kr.
  EXPECT_EQ(*a.MoneyParameter("basishonorar_annual_ore", Date::FromYmd(2025, 1, 1)) -
                *a.MoneyParameter("basishonorar_annual_ore", Date::FromYmd(2024, 12, 31)),
            Money::FromOre(RoundDiv(1'380'000'000, 5'900'000)));
  // Sanction f) is new in OK25; a–e are older.
  EXPECT_FALSE(a.ParameterOn("sanction_kind_f", Date::FromYmd(2024, 12, 31)));
  ASSERT_TRUE(a.ParameterOn("sanction_kind_f", Date::FromYmd(2025, 1, 1)));
  EXPECT_NE(a.ParameterOn("sanction_kind_f", Date::FromYmd(2025, 1, 1))->provenance.paragraph.find("pkt. 5.7"),
            std::string::npos);
  EXPECT_TRUE(a.ParameterOn("sanction_kind_e", Date::FromYmd(2024, 12, 31)));
}

TEST(AgreementNumbers, PoolRowsCiteSectionOne) {
  const std::string& e = *Builtin().file("economy.csv");
  for (const char* id : {"\nlto,", "\nlto.coverage_pool,", "\nfund_financing,"}) {
    size_t at = e.find(id);
    ASSERT_NE(at, std::string::npos) << id;
    const std::string line = e.substr(at + 1, e.find('\n', at + 1) - at - 1);
    EXPECT_NE(line.find("afsnit 1"), std::string::npos) << line;
    EXPECT_EQ(line.find("afsnit 2"), std::string::npos) << line;
  }
}

}  // namespace
}  // namespace almen
