// Money: an amount in Danish øre as a signed 64-bit integer.
//
// Why exact: a region pays thousands of clinics from millions of lines; a
// binary floating-point amount drifts by fractions of an øre per addition and a
// settlement must add up to the øre, be replayable and compare equal across
// runs and databases. So amounts are integers of øre, and every step that must
// round (index regulation, annual fee / 12, pro rata days) does so in one named
// function with its rounding mode written next to it (see decimal.h).
//
// Arithmetic is checked: an overflow (beyond ±92 billion billion øre) aborts
// rather than wraps, because it can only be a bug.
//
// Example:
//   Money fee = Money::FromOre(17288);    // 172,88 kr.
//   Money total = fee * 3;                // 518,64 kr.
//   FormatKroner(total) == "518,64 kr."   // format_da.h
#pragma once

#include <compare>
#include <cstdint>
#include <cstdlib>

namespace almen {

class Money {
 public:
  constexpr Money() = default;
  static constexpr Money FromOre(int64_t ore) { return Money(ore); }
  static constexpr Money Zero() { return Money(0); }
  constexpr int64_t ore() const { return ore_; }

  Money operator+(Money o) const { return Money(CheckedAdd(ore_, o.ore_)); }
  Money operator-(Money o) const { return Money(CheckedAdd(ore_, -o.ore_)); }
  Money operator-() const { return Money(-ore_); }
  Money operator*(int64_t n) const {
    int64_t r;
    if (__builtin_mul_overflow(ore_, n, &r)) std::abort();
    return Money(r);
  }
  Money& operator+=(Money o) { return *this = *this + o; }
  Money& operator-=(Money o) { return *this = *this - o; }
  constexpr auto operator<=>(const Money&) const = default;

 private:
  constexpr explicit Money(int64_t ore) : ore_(ore) {}
  static int64_t CheckedAdd(int64_t a, int64_t b) {
    int64_t r;
    if (__builtin_add_overflow(a, b, &r)) std::abort();
    return r;
  }
  int64_t ore_ = 0;
};

}  // namespace almen
