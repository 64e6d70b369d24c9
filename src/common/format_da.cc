#include "common/format_da.h"

#include "common/decimal.h"

namespace almen {

namespace {
const char* const kMonths[] = {"januar", "februar", "marts",     "april",   "maj",      "juni",
                               "juli",   "august",  "september", "oktober", "november", "december"};
}

std::string GroupThousands(int64_t n) {
  bool neg = n < 0;
  uint64_t u = neg ? static_cast<uint64_t>(-(n + 1)) + 1 : static_cast<uint64_t>(n);
  std::string digits = std::to_string(u);
  std::string out;
  int count = 0;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (count > 0 && count % 3 == 0) out.push_back('.');
    out.push_back(*it);
    ++count;
  }
  if (neg) out.push_back('-');
  return std::string(out.rbegin(), out.rend());
}

std::string FormatKronerPlain(Money m) {
  int64_t ore = m.ore();
  bool neg = ore < 0;
  uint64_t u = neg ? static_cast<uint64_t>(-(ore + 1)) + 1 : static_cast<uint64_t>(ore);
  std::string s = GroupThousands(static_cast<int64_t>(u / 100));
  unsigned frac = static_cast<unsigned>(u % 100);
  s += ',';
  s += static_cast<char>('0' + frac / 10);
  s += static_cast<char>('0' + frac % 10);
  return neg ? "-" + s : s;
}

std::string FormatKroner(Money m) { return FormatKronerPlain(m) + " kr."; }

std::string FormatMioKr(Money m, int decimals) {
  // øre -> mio. kr. with `decimals` decimals, rounded half away from zero.
  int64_t scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  int64_t v = RoundDiv(static_cast<Int128>(m.ore()) * scale, 100'000'000);
  bool neg = v < 0;
  if (neg) v = -v;
  std::string s = GroupThousands(v / scale);
  if (decimals > 0) {
    std::string frac = std::to_string(v % scale);
    while (static_cast<int>(frac.size()) < decimals) frac = "0" + frac;
    s += "," + frac;
  }
  return (neg ? "-" : "") + s + " mio. kr.";
}

std::string FormatDateDa(Date d) {
  return std::to_string(d.day()) + ". " + kMonths[d.month() - 1] + " " + std::to_string(d.year());
}

std::string FormatMonthDa(Month m) { return std::string(kMonths[m.month() - 1]) + " " + std::to_string(m.year()); }

}  // namespace almen
