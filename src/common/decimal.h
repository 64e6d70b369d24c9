// Exact fixed-point numbers for indices, percentages and shares.
//
// Ppm: a non-negative or negative ratio in millionths (1.000000 == 1'000'000).
// The regulation index, the 0,6 % tolerance and other rates are stored as Ppm
// so that no binary floating point comes near an amount of money.
//
// Rounding rule, used everywhere money is scaled: round half away from zero
// to whole øre ("almindelig afrunding"). RoundDiv is the single place it happens.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/money.h"

namespace almen {

// 128-bit intermediate for exact products of øre and millionths.
__extension__ typedef __int128 Int128;

// Rounds n / d to the nearest integer, halves away from zero. REQUIRES: d != 0.
inline int64_t RoundDiv(Int128 n, Int128 d) {
  if (d < 0) { n = -n; d = -d; }
  Int128 q = n / d;
  Int128 r = n % d;
  if (r < 0) r = -r;
  if (2 * r >= d) q += (n < 0 ? -1 : 1);
  return static_cast<int64_t>(q);
}

struct Ppm {
  int64_t value = 1'000'000;  // millionths
  static constexpr int64_t kOne = 1'000'000;
  constexpr auto operator<=>(const Ppm&) const = default;
};

// amount × ppm, rounded half away from zero to whole øre.
inline Money Scale(Money amount, Ppm factor) {
  if (factor.value == Ppm::kOne) return amount;
  return Money::FromOre(RoundDiv(static_cast<Int128>(amount.ore()) * factor.value, Ppm::kOne));
}

// amount × num / den, rounded half away from zero to whole øre. REQUIRES: den != 0.
inline Money ScaleRatio(Money amount, int64_t num, int64_t den) {
  return Money::FromOre(RoundDiv(static_cast<Int128>(amount.ore()) * num, den));
}

// Parses "1.0277" or "1,0277" or "-0.6" into millionths; at most 6 decimals.
std::optional<Ppm> ParsePpm(std::string_view text);
// "1.027700" style (always 6 decimals, dot).
std::string FormatPpm(Ppm p);
// num/den printed with `decimals` decimals ("1.40"), rounded half away from
// zero. For percentages pass num × 100. REQUIRES: den != 0, decimals ≤ 18.
std::string FormatRatio(Int128 num, Int128 den, int decimals);

// The non-empty parts of `s` between `sep` ("a;;b" → {"a", "b"}); used for
// list-valued agreement parameters.
std::vector<std::string> SplitNonEmpty(std::string_view s, char sep);

}  // namespace almen
