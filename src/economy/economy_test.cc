#include "economy/economy.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/file.h"
#include "economy/economy_testing.h"

namespace almen {
namespace {

using namespace economy_testing;

// ---------- Economy table ----------

struct SeedLine {
  const char* name;
  const char* parent;  // nullptr = top level
  int64_t y2024, y2025, permanent, growth;  // in 0,1 mio. kr.; -1 = empty cell
};

TEST(EconomyTable, EqualsTheSeedToTheOre) {
  const std::vector<SeedLine> seed = {
      {"Demografi: Gruppe 1 sikrede", nullptr, 440, 832, 832, 392},
      {"Heraf basishonorar", "Demografi: Gruppe 1 sikrede", 141, 264, 264, 123},
      {"Heraf aktivitet", "Demografi: Gruppe 1 sikrede", 299, 568, 568, 269},
      {"Demografi: alder og sygelighedsudvikling", nullptr, -1, 324, 324, 324},
      {"Ukrainere under særloven", nullptr, 363, 363, 363, 0},
      {"St. Bededag", nullptr, 164, 164, 164, 0},
      {"Prioritering af LTO", nullptr, -1, 600, 400, 600},
      {"Midler til ekstra aktivitet i takt med nye læger i LTO", "Prioritering af LTO", -1, 200, 200, 200},
      {"Øget kronikerhonorar i LTO", "Prioritering af LTO", -1, 200, 200, 200},
      {"Lægedækningspulje", "Prioritering af LTO", -1, 200, -1, 200},
      {"Udbygning af det nære sundhedsvæsen", nullptr, 500, 650, 650, 150},
      {"Nye ydelser", nullptr, -1, 110, 110, 110},
      {"Bostedslæger", "Nye ydelser", -1, 110, 110, 110},
      {"Heraf aktivitet", "Bostedslæger", -1, 47, 47, 47},
      {"Heraf honorar", "Bostedslæger", -1, 63, 63, 63},
  };
  auto r = EconomyTable(Builtin(), {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  const auto& j = *r;
  ASSERT_EQ(j["items"].size(), seed.size());
  auto cell = [](int64_t tenths) { return tenths < 0 ? nlohmann::json(nullptr) : nlohmann::json(tenths * kMio / 10); };
  for (size_t i = 0; i < seed.size(); ++i) {
    const auto& item = j["items"][i];
    SCOPED_TRACE(seed[i].name);
    EXPECT_EQ(item["name"], seed[i].name);
    EXPECT_EQ(item["parent"], seed[i].parent ? nlohmann::json(seed[i].parent) : nlohmann::json(nullptr));
    EXPECT_EQ(item["y2024_ore"], cell(seed[i].y2024));
    EXPECT_EQ(item["y2025_ore"], cell(seed[i].y2025));
    EXPECT_EQ(item["permanent_ore"], cell(seed[i].permanent));
    EXPECT_EQ(item["growth_ore"], cell(seed[i].growth));
  }
  EXPECT_EQ(j["total"]["y2024_ore"], 14'670'000'000);  // 146,7 mio. kr.
  EXPECT_EQ(j["total"]["y2025_ore"], 30'430'000'000);
  EXPECT_EQ(j["total"]["permanent_ore"], 28'430'000'000);
  EXPECT_EQ(j["total"]["growth_ore"], 15'760'000'000);
  EXPECT_EQ(j["merokonomi"]["y2024_ore"], 14'670'000'000);
  EXPECT_EQ(j["merokonomi"]["y2025_ore"], 28'430'000'000);
  EXPECT_EQ(j["merokonomi"]["permanent_ore"], 28'430'000'000);
  EXPECT_EQ(j["merokonomi"]["growth_ore"], 13'760'000'000);
  EXPECT_TRUE(j["matches_seed"].get<bool>());
  EXPECT_TRUE(j["changed"].empty());
  // 2025 ramme = 2024 ramme 9.994,7 + 131,3 added per 1 January 2025 (Bilag 1).
  EXPECT_EQ(j["ramme_2025_ore"], 1'012'600'000'000);
}

TEST(EconomyTable, RammeAdditionsInParametersMatchTheTable) {
  auto r = EconomyTable(Builtin(), {});
  ASSERT_TRUE(r.ok());
  const Date d = Date::FromYmd(2025, 1, 1);
  int64_t sum = Builtin().MoneyParameter("lto_capacity_cap_ore", d)->ore();
  for (const auto& p : Builtin().parameters())
    if (p.name.rfind("ramme_addition_", 0) == 0 && p.period.Contains(d)) sum += Builtin().MoneyParameter(p.name, d)->ore();
  EXPECT_EQ((*r)["ramme"]["additions_2025_ore"], sum);
}

TEST(EconomyTable, WhatIfChildRederivesParentAndTotals) {
  auto r = EconomyTable(Builtin(), {"Lægedækningspulje=10,0"});
  ASSERT_TRUE(r.ok()) << r.status().message();
  const auto& j = *r;
  EXPECT_EQ(j["items"][6]["name"], "Prioritering af LTO");
  EXPECT_EQ(j["items"][6]["y2025_ore"], 50 * kMio);
  EXPECT_EQ(j["items"][6]["growth_ore"], 50 * kMio);
  EXPECT_EQ(j["items"][9]["growth_ore"], 10 * kMio);  // growth = y2025 - y2024
  EXPECT_EQ(j["total"]["y2025_ore"], 29'430'000'000);
  EXPECT_EQ(j["total"]["growth_ore"], 14'760'000'000);
  EXPECT_EQ(j["merokonomi"]["y2025_ore"], 27'430'000'000);
  EXPECT_FALSE(j["matches_seed"].get<bool>());
  EXPECT_EQ(j["ramme"]["change_ore"], 0);  // the pool is outside the ramme
}

TEST(EconomyTable, WhatIfNestedChildMovesTheRamme) {
  auto r = EconomyTable(Builtin(), {"Bostedslæger/Heraf aktivitet=6.0", "St. Bededag.permanent=0"});
  ASSERT_TRUE(r.ok()) << r.status().message();
  const auto& j = *r;
  EXPECT_EQ(j["items"][12]["y2025_ore"], 123 * kMio / 10);  // Bostedslæger 6,0 + 6,3
  EXPECT_EQ(j["items"][11]["y2025_ore"], 123 * kMio / 10);  // Nye ydelser follows
  EXPECT_EQ(j["total"]["y2025_ore"], 30'560'000'000);
  EXPECT_EQ(j["total"]["permanent_ore"], 28'430'000'000 - 1'640'000'000);
  EXPECT_EQ(j["ramme"]["change_ore"], 130'000'000);  // +1,3 mio. kr. activity inside the ramme
  EXPECT_EQ(j["ramme_2025_ore"], 1'012'730'000'000);
}

TEST(EconomyTable, WhatIfApiJson) {
  nlohmann::json req = {{"changes", {{{"item", "lto.coverage_pool"}, {"field", "y2025"}, {"value_ore", 0}}}},
                        {"set", {{"Finansiering", 0}}}};
  auto r = EconomyWhatIf(Builtin(), req);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ((*r)["total"]["y2025_ore"], 28'430'000'000);
  EXPECT_EQ((*r)["merokonomi"]["y2025_ore"], 28'430'000'000);
  EXPECT_FALSE(EconomyWhatIf(Builtin(), {{"set", {{"nope", "1"}}}}).ok());
}

TEST(EconomyTable, BadWhatIfIsInvalidInput) {
  for (const char* bad : {"Ukendt=1", "Bostedslæger=abc", "Bostedslæger=1.234,5", "Bostedslæger", "Heraf aktivitet=1",
                          "Samlet økonomi=1"}) {
    auto r = EconomyTable(Builtin(), {bad});
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput) << bad;
  }
  auto amb = EconomyTable(Builtin(), {"Heraf aktivitet=1"});
  EXPECT_NE(amb.status().message().find("new_services.bosted.activity"), std::string::npos);
  // A unique case-insensitive prefix works.
  EXPECT_TRUE(EconomyTable(Builtin(), {"udbygning=70"}).ok());
}

TEST(EconomyTable, ParseMioKrIsExact) {
  EXPECT_EQ(ParseMioKr("44,0")->ore(), 4'400'000'000);
  EXPECT_EQ(ParseMioKr("146.7")->ore(), 14'670'000'000);
  EXPECT_EQ(ParseMioKr("-20,0")->ore(), -2'000'000'000);
  EXPECT_EQ(ParseMioKr("0,00000001")->ore(), 1);
  EXPECT_FALSE(ParseMioKr("0,000000001"));
  EXPECT_FALSE(ParseMioKr("1.234,5"));
  EXPECT_FALSE(ParseMioKr("44,"));
  EXPECT_FALSE(ParseMioKr(""));
}

// ---------- What-if moves the ramme and the offset ----------

TEST(WhatIfRamme, LtoRecruitedMovesRammeAndOffset) {
  // Spend 1 % over the statement's ramme without LTO capacities.
  RammeInput in = Input2025(kRamme2025 / 100);
  auto r = EconomyWhatIfRamme(Builtin(), {{"lto_capacities_recruited", 30}}, in);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const auto& j = *r;
  // 30 × 267.000 kr. = 8,01 mio. kr. on the LTO extra-activity line (seed 20,0).
  EXPECT_EQ(j["scenario"]["lto_capacities_recruited"]["amount_ore"], 801'000'000);
  EXPECT_EQ(j["total"]["y2025_ore"], 30'430'000'000 - 1'199'000'000);
  EXPECT_EQ(j["ramme"]["change_ore"], -1'199'000'000);
  EXPECT_EQ(j["ramme_2025_ore"], 1'012'600'000'000 - 1'199'000'000);
  EXPECT_EQ(j["ramme"]["lto_capacity_addition_ore"], 801'000'000);
  EXPECT_EQ(j["ramme"]["statement_adjustment_ore"], 0);
  const auto& st = j["ramme_statement"];
  EXPECT_EQ(st["before"]["ramme_ore"], kRamme2025);
  EXPECT_EQ(st["before"]["overrun_ore"], 10'106'000'000);
  EXPECT_EQ(st["before"]["offset_ore"], 10'106'000'000);  // full_overrun (H1): the whole overrun
  EXPECT_EQ(st["after"]["ramme_ore"], kRamme2025 + 801'000'000);
  EXPECT_EQ(st["after"]["overrun_ore"], 9'305'000'000);
  EXPECT_EQ(st["after"]["offset_ore"], 9'305'000'000);
  EXPECT_EQ(st["after"]["lto"]["condition"], "whatif");
  EXPECT_EQ(st["change"]["ramme_ore"], 801'000'000);
  EXPECT_EQ(st["change"]["offset_ore"], -801'000'000);
  EXPECT_EQ(st["change"]["overrun_pct_before"], "1.00");
  EXPECT_EQ(st["change"]["overrun_pct_after"], "0.92");
  // The offset plan follows: two periods adding up to the new offset.
  ASSERT_EQ(st["after"]["offset_plan"].size(), 2u);
  EXPECT_EQ(st["after"]["offset_plan"][0]["amount_ore"].get<int64_t>() +
                st["after"]["offset_plan"][1]["amount_ore"].get<int64_t>(),
            9'305'000'000);
  // The excess-over-tolerance basis (H1's negotiated alternative) gives the old figures.
  in.offset_basis = "excess_over_tolerance";
  auto ex = EconomyWhatIfRamme(Builtin(), {{"lto_capacities_recruited", 30}}, in);
  ASSERT_TRUE(ex.ok());
  EXPECT_EQ((*ex)["ramme_statement"]["before"]["offset_ore"], 10'106'000'000 - 6'063'600'000);
  EXPECT_EQ((*ex)["ramme_statement"]["change"]["offset_ore"], 3'236'594'000 - 4'042'400'000);
}

TEST(WhatIfRamme, LtoRecruitedIsCountedToSeventyFiveAndCapped) {
  RammeInput in = Input2025(kRamme2025 / 100);
  // 100 capacities: the first 75 count, 75 × 267.000 kr. = 20,025 mio. kr. → capped at 20 mio. kr.
  // Equal to the seed's line, but the statement still takes it instead of the computed 0.
  auto r = EconomyWhatIfRamme(Builtin(), {{"lto_capacities_recruited", 100}}, in);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ((*r)["scenario"]["lto_capacities_recruited"]["counted"], 75);
  EXPECT_EQ((*r)["scenario"]["lto_capacities_recruited"]["amount_ore"], 2'000'000'000);
  EXPECT_EQ((*r)["ramme"]["change_ore"], 0);
  EXPECT_TRUE((*r)["matches_seed"].get<bool>());
  EXPECT_EQ((*r)["ramme_statement"]["after"]["ramme_ore"], kRamme2025 + 2'000'000'000);
  EXPECT_EQ((*r)["ramme_statement"]["after"]["offset_ore"], 8'106'000'000);
  // Zero recruited: the line is 0 and the statement's LTO addition is 0.
  auto z = EconomyWhatIfRamme(Builtin(), {{"lto_capacities_recruited", 0}}, in);
  ASSERT_TRUE(z.ok());
  EXPECT_EQ((*z)["ramme"]["change_ore"], -2'000'000'000);
  EXPECT_EQ((*z)["ramme_statement"]["change"]["ramme_ore"], 0);
}

TEST(WhatIfRamme, BostedCoverageMovesTotalsNotTheRamme) {
  RammeInput in = Input2025(kRamme2025 / 100);
  auto r = EconomyWhatIfRamme(Builtin(), {{"bosted_botilbud_covered", 200}}, in);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const auto& j = *r;
  // 200 × 2.111,72 kr. × 12 = 5.068.128 kr. against the 6,3 mio. kr.
  const auto& sc = j["scenario"]["bosted_botilbud_covered"];
  EXPECT_EQ(sc["per_botilbud_year_ore"], 2'534'064);
  EXPECT_EQ(sc["amount_ore"], 506'812'800);
  EXPECT_EQ(sc["versus_pot_ore"], 506'812'800 - 630'000'000);
  EXPECT_EQ(j["total"]["y2025_ore"], 30'430'000'000 - 123'187'200);
  EXPECT_EQ(j["merokonomi"]["y2025_ore"], 28'430'000'000 - 123'187'200);
  EXPECT_EQ(j["ramme"]["change_ore"], 0);  // the honorarium is outside the ramme
  EXPECT_EQ(j["ramme_statement"]["change"]["ramme_ore"], 0);
  EXPECT_EQ(j["ramme_statement"]["change"]["offset_ore"], 0);
}

TEST(WhatIfRamme, TableItemInsideTheRammeShiftsTheStatement) {
  RammeInput in = Input2025(kRamme2025 / 100);
  // Nære sundhedsvæsen 65,0 → 70,0: +5 mio. kr. growth in the ramme.
  auto r = EconomyWhatIfRamme(Builtin(), {{"set", {"Udbygning=70"}}, {"bosted_botilbud_covered", 250}}, in);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ((*r)["ramme"]["statement_adjustment_ore"], 500'000'000);
  EXPECT_TRUE((*r)["ramme"]["lto_capacity_addition_ore"].is_null());
  EXPECT_EQ((*r)["ramme_statement"]["after"]["ramme_components"]["whatif_adjustment_ore"], 500'000'000);
  EXPECT_EQ((*r)["ramme_statement"]["change"]["ramme_ore"], 500'000'000);
  EXPECT_EQ((*r)["ramme_statement"]["after"]["lto"]["condition"], "not_verified");
  // An incomplete statement has no offset before or after, and says so.
  RammeInput partial;
  auto p = EconomyWhatIfRamme(Builtin(), {{"lto_capacities_recruited", 10}}, partial);
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE((*p)["ramme_statement"]["after"]["complete"].get<bool>());
  EXPECT_TRUE((*p)["ramme_statement"]["change"]["offset_ore"].is_null());
  EXPECT_EQ((*p)["ramme_statement"]["change"]["ramme_ore"], 267'000'000);
}

TEST(WhatIfRamme, BadNamedItemsAreInvalidInput) {
  for (const nlohmann::json& bad : {nlohmann::json{{"lto_capacities_recruited", -1}},
                                    nlohmann::json{{"lto_capacities_recruited", "30"}},
                                    nlohmann::json{{"bosted_botilbud_covered", 2.5}}}) {
    auto r = EconomyWhatIf(Builtin(), bad);
    ASSERT_FALSE(r.ok()) << bad.dump();
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
  }
}

// ---------- What-if from the command line ----------

TEST(WhatIfCli, NamedItemsParse) {
  auto r = ParseNamedWhatIf({"lto_capacities_recruited=40", "bosted_botilbud_covered=0"});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ((*r)["lto_capacities_recruited"], 40);
  EXPECT_EQ((*r)["bosted_botilbud_covered"], 0);
  for (const char* bad : {"lto_capacities_recruited=-1", "lto_capacities_recruited=4.5", "lto_capacities_recruited=",
                          "lto_capacities_recruited", "lto_capacities_recruited=abc", "frobnicate=3",
                          "lto_capacities_recruited=99999999999999999999"}) {
    auto b = ParseNamedWhatIf({bad});
    ASSERT_FALSE(b.ok()) << bad;
    EXPECT_EQ(ExitCode(b.status()), 1) << bad;
  }
  EXPECT_FALSE(ParseNamedWhatIf({"lto_capacities_recruited=1", "lto_capacities_recruited=2"}).ok());
}

TEST(WhatIfCli, RammeStatementBeforeAfter) {
  RammeOptions o;
  o.year = 2025;
  o.expenses_path = kDir + "/expenses_2025.csv";
  auto plain = RammeStatement(Builtin(), o);
  ASSERT_TRUE(plain.ok());
  auto r = RammeStatementWhatIf(Builtin(), o, {"lto_capacities_recruited=40"});
  ASSERT_TRUE(r.ok()) << r.status().message();
  // 40 × 267.000 kr. = 10,68 mio. kr. added to the statement's ramme.
  EXPECT_EQ((*r)["scenario"]["lto_capacities_recruited"]["amount_ore"], 1'068'000'000);
  EXPECT_EQ((*r)["before"], *plain);
  EXPECT_EQ((*r)["change"]["ramme_ore"], 1'068'000'000);
  EXPECT_EQ((*r)["after"]["ramme_ore"].get<int64_t>(), (*plain)["ramme_ore"].get<int64_t>() + 1'068'000'000);
  o.year = 2024;
  EXPECT_EQ(RammeStatementWhatIf(Builtin(), o, {"lto_capacities_recruited=40"}).status().code(),
            StatusCode::kInvalidInput);
  // economy --whatif: the table after the change; without items the plain table.
  auto t = EconomyTable(Builtin(), {}, {"lto_capacities_recruited=40"});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ((*t)["ramme"]["lto_capacity_addition_ore"], 1'068'000'000);
  EXPECT_EQ(*EconomyTable(Builtin(), {}, {}), *EconomyTable(Builtin(), {}));
}

// ---------- Input file errors ----------

TEST(RammeInput, ExpenseFileErrorsNameFileLineColumn) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"expenses_bad_quarter.csv", "expenses_bad_quarter.csv:3:2"},
      {"expenses_unknown_region.csv", "expenses_unknown_region.csv:3:1"},
      {"expenses_unknown_category.csv", "expenses_unknown_category.csv:3:3"},
      {"expenses_duplicate.csv", "expenses_duplicate.csv:4:1"},
  };
  for (const auto& [file, where] : cases) {
    RammeOptions o;
    o.year = 2025;
    o.expenses_path = kDir + "/" + file;
    auto r = RammeStatement(Builtin(), o);
    ASSERT_FALSE(r.ok()) << file;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput) << file;
    EXPECT_NE(r.status().message().find(where), std::string::npos) << r.status().message();
    EXPECT_EQ(ExitCode(r.status()), 1);
  }
  auto dup = ParseExpensesCsv("x.csv", "region_code,quarter,category,amount_ore\n1081,2025-Q1,day,1\n1081,2025-Q1,day,2\n");
  EXPECT_NE(dup.status().message().find("first at line 2"), std::string::npos);
  EXPECT_FALSE(ParseExpensesCsv("x.csv", "region_code,quarter,category,amount_ore\n1081,2025-1,day,1\n").ok());
  EXPECT_FALSE(ParseExpensesCsv("x.csv", "region_code,quarter,category,amount_ore\n1081,2025-Q1,day,1.5\n").ok());
  EXPECT_FALSE(ParseExpensesCsv("x.csv", "region_code,quarter,amount_ore\n1081,2025-Q1,1\n").ok());
}

TEST(RammeInput, OtherFileErrors) {
  EXPECT_FALSE(ParseListedCsv("l.csv", "region_code,quarter,listed\n1081,2025-Q1,-3\n").ok());
  EXPECT_FALSE(ParseListedCsv("l.csv", "region_code,quarter,listed\n1081,2025-Q1,3\n1081,2025-Q1,4\n").ok());
  EXPECT_FALSE(ParseProvidersCsv("p.csv",
                                 "provider,name,municipality_code,clinic_type,capacities,lto,valid_from,valid_to\n"
                                 "1,a,101,hospital,1,1,2020-01-01,\n")
                   .ok());
  EXPECT_FALSE(ParseProvidersCsv("p.csv",
                                 "provider,name,municipality_code,clinic_type,capacities,lto,valid_from,valid_to\n"
                                 "1,a,101,ordinary,1,1,2020-01-01,\n1,a,101,ordinary,2,1,2021-01-01,\n")
                   .ok());
  RammeInput in = Input2025(0);
  in.previous_overrun_pct = "abc";
  EXPECT_EQ(ComputeRamme(Builtin(), in).status().code(), StatusCode::kInvalidInput);
  in.previous_overrun_pct.reset();
  in.year = 2026;
  EXPECT_EQ(ComputeRamme(Builtin(), in).status().code(), StatusCode::kInvalidInput);
}

}  // namespace
}  // namespace almen
