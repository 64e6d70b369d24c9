// Helpers shared by the economy tests (economy_test.cc, ramme_test.cc): the
// built-in agreement, variants of it, and 2025 spend with a given overrun.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/file.h"
#include "economy/economy.h"

namespace almen::economy_testing {

inline const std::string kDir = ALMEN_ECONOMY_TEST_DIR;

inline const Agreement& Builtin() {
  static const Agreement a = [] {
    auto r = Agreement::LoadBuiltin();
    if (!r.ok()) std::abort();
    return *r;
  }();
  return a;
}

// The built-in agreement with one text replacement in one of its files.
inline Agreement WithReplacement(const std::string& file, const std::string& from, const std::string& to) {
  auto files = Builtin().files();
  std::string& p = files.at(file);
  size_t at = p.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  p.replace(at, from.size(), to);
  auto r = Agreement::LoadFiles(files, "test");
  EXPECT_TRUE(r.ok()) << r.status().message();
  return *r;
}
// The built-in agreement with one text replacement in parameters_economy.csv.
inline Agreement WithParameter(const std::string& from, const std::string& to) {
  return WithReplacement("parameters_economy.csv", from, to);
}

inline constexpr int64_t kMio = 100'000'000;  // øre per mio. kr.
// The 2025 ramme without listings or LTO capacities: 9.994,7 + 39,2 + 32,4 + 20 + 15 + 4,7.
inline constexpr int64_t kRamme2025 = 1'010'600'000'000;

// ---------- Ramme statement ----------

// Expenses (category day) whose 52-week normalised total is exactly `target`,
// spread over five regions and four quarters.
inline std::vector<ExpenseRow> Spend(int year, int64_t target) {
  const SpendNormalisation n = *SpendNormalisationOf(Builtin(), year, "");
  int64_t actual = static_cast<int64_t>(static_cast<Int128>(target) * n.denominator / n.numerator);
  auto norm = [&](int64_t a) { return n.Apply(Money::FromOre(a)).ore(); };
  while (norm(actual) < target) ++actual;
  while (norm(actual) > target) --actual;
  EXPECT_EQ(norm(actual), target);
  std::vector<ExpenseRow> rows;
  int64_t left = actual;
  for (int q = 1; q <= 4; ++q)
    for (int reg = kFirstRegion; reg <= kLastRegion; ++reg) {
      int64_t part = (q == 4 && reg == kLastRegion) ? left : actual / 20;
      left -= part;
      rows.push_back({reg, Quarter{year, q}, ExpenseCategory::kDay, Money::FromOre(part)});
    }
  return rows;
}

// Quarter q's part of a year amount (the parts add up exactly).
inline Money QuarterPart4(int64_t year_total, int q) {
  return Money::FromOre(RoundDiv(static_cast<Int128>(year_total) * q, 4) - RoundDiv(static_cast<Int128>(year_total) * (q - 1), 4));
}

inline nlohmann::json Ramme(const RammeInput& in, const Agreement& a = Builtin()) {
  auto r = ComputeRamme(a, in);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : nlohmann::json();
}

inline RammeInput Input2025(int64_t overrun_ore) {
  RammeInput in;
  in.year = 2025;
  in.expenses = Spend(2025, kRamme2025 + overrun_ore);
  return in;
}

}  // namespace almen::economy_testing
