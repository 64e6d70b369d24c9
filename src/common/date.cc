#include "common/date.h"

#include <cstdio>

namespace almen {

namespace {
std::chrono::year_month_day Ymd(int32_t days) {
  return std::chrono::year_month_day(std::chrono::sys_days(std::chrono::days(days)));
}
bool Digits(std::string_view t, size_t from, size_t n) {
  for (size_t i = from; i < from + n; ++i)
    if (t[i] < '0' || t[i] > '9') return false;
  return true;
}
}  // namespace

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
int32_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = static_cast<unsigned>((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1);
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int32_t>(doe) - 719468;
}

namespace {
int Num(std::string_view t, size_t from, size_t n) {
  int v = 0;
  for (size_t i = from; i < from + n; ++i) v = v * 10 + (t[i] - '0');
  return v;
}
}  // namespace

int Date::year() const { return static_cast<int>(Ymd(days_).year()); }
unsigned Date::month() const { return static_cast<unsigned>(Ymd(days_).month()); }
unsigned Date::day() const { return static_cast<unsigned>(Ymd(days_).day()); }
unsigned Date::iso_weekday() const {
  return std::chrono::weekday(std::chrono::sys_days(std::chrono::days(days_))).iso_encoding();
}

std::optional<Date> Date::Parse(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-' || !Digits(t, 0, 4) || !Digits(t, 5, 2) ||
      !Digits(t, 8, 2))
    return std::nullopt;
  int y = Num(t, 0, 4);
  int m = Num(t, 5, 2), d = Num(t, 8, 2);
  if (y < 1800 || m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m)) return std::nullopt;
  return Date(DaysFromCivil(y, m, d));
}

std::string Date::ToIso() const {
  if (is_max()) return "";
  auto ymd = Ymd(days_);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::optional<Month> Month::Parse(std::string_view t) {
  if (t.size() != 7 || t[4] != '-' || !Digits(t, 0, 4) || !Digits(t, 5, 2)) return std::nullopt;
  int y = Num(t, 0, 4), m = Num(t, 5, 2);
  if (m < 1 || m > 12 || y < 1800) return std::nullopt;
  return Month::FromYm(y, m);
}

std::string Month::ToString() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", year(), month());
  return buf;
}

}  // namespace almen
