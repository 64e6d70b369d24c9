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

std::string FormatRatio(Int128 num, Int128 den, int decimals) {
  Int128 scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  int64_t v = RoundDiv(num * scale, den);
  bool neg = v < 0;
  if (neg) v = -v;
  int64_t unit = static_cast<int64_t>(scale);
  std::string frac = std::to_string(v % unit);
  while (static_cast<int>(frac.size()) < decimals) frac = "0" + frac;
  return (neg ? "-" : "") + std::to_string(v / unit) + (decimals > 0 ? "." + frac : "");
}

std::vector<std::string> SplitNonEmpty(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(sep, start);
    if (end == std::string_view::npos) end = s.size();
    std::string_view part = s.substr(start, end - start);
    if (!part.empty()) out.emplace_back(part);
    start = end + 1;
  }
  return out;
}

}  // namespace almen
