#include "common/decimal.h"

#include <cstdio>

namespace almen {

std::optional<Ppm> ParsePpm(std::string_view t) {
  if (t.empty()) return std::nullopt;
  bool neg = false;
  size_t i = 0;
  if (t[0] == '-' || t[0] == '+') { neg = t[0] == '-'; i = 1; }
  int64_t whole = 0, frac = 0;
  int frac_digits = 0;
  bool any = false, dot = false;
  for (; i < t.size(); ++i) {
    char c = t[i];
    if (c == '.' || c == ',') {
      if (dot) return std::nullopt;
      dot = true;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    any = true;
    if (!dot) {
      if (whole > 1'000'000'000'000LL) return std::nullopt;
      whole = whole * 10 + (c - '0');
    } else {
      if (frac_digits == 6) return std::nullopt;
      frac = frac * 10 + (c - '0');
      ++frac_digits;
    }
  }
  if (!any) return std::nullopt;
  while (frac_digits < 6) { frac *= 10; ++frac_digits; }
  int64_t v = whole * Ppm::kOne + frac;
  return Ppm{neg ? -v : v};
}

std::string FormatPpm(Ppm p) {
  int64_t v = p.value;
  bool neg = v < 0;
  if (neg) v = -v;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%lld.%06lld", neg ? "-" : "", static_cast<long long>(v / Ppm::kOne),
                static_cast<long long>(v % Ppm::kOne));
  return buf;
}

}  // namespace almen
