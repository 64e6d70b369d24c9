#include "generate/calendar.h"

#include <algorithm>

namespace almen::gen {

Date EasterSunday(int year) {
  // Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
  int a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4;
  int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
  int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
  int m = (a + 11 * h + 22 * l) / 451;
  int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
  return Date::FromYmd(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

YearCalendar::YearCalendar(int year) : year_(year) {
  first_ = Date::FromYmd(year, 1, 1).days();
  end_ = Date::FromYmd(year + 1, 1, 1).days();
  const size_t n = static_cast<size_t>(end_ - first_);
  closed_.assign(n, 0);
  holiday_.assign(n, 0);
  auto mark = [&](Date d) {
    if (d.days() >= first_ && d.days() < end_) holiday_[static_cast<size_t>(d.days() - first_)] = 1;
  };
  const Date easter = EasterSunday(year);
  mark(Date::FromYmd(year, 1, 1));
  for (int off : {-3, -2, 0, 1, 39, 49, 50}) mark(easter.AddDays(off));
  mark(Date::FromYmd(year, 12, 25));
  mark(Date::FromYmd(year, 12, 26));

  cum_day_.assign(n + 1, 0.0);
  cum_ooh_.assign(n + 1, 0.0);
  const int32_t christmas_eve = Date::FromYmd(year, 12, 24).days();
  const int32_t new_years_eve = Date::FromYmd(year, 12, 31).days();
  for (size_t i = 0; i < n; ++i) {
    const Date d = Date::FromDays(first_ + static_cast<int32_t>(i));
    const unsigned wd = d.iso_weekday();
    const unsigned month = d.month();
    const bool weekend = wd >= 6;
    const bool special = d.days() == christmas_eve || d.days() == new_years_eve;
    closed_[i] = (weekend || holiday_[i] || special) ? 1 : 0;
    // Weekday shape: Monday busiest, Friday lighter.
    static constexpr double kWeekday[8] = {0, 1.22, 1.05, 1.0, 0.98, 0.86, 0.035, 0.02};
    double w = kWeekday[wd];
    if (holiday_[i] || special) w = 0.02;
    // Season: winter infections, summer holidays (weeks 28-31), Christmas week.
    static constexpr double kMonth[13] = {0, 1.12, 1.10, 1.04, 0.98, 0.97, 0.92, 0.62, 0.95, 1.02, 1.05, 1.06, 0.86};
    w *= kMonth[month];
    const unsigned dom = d.day();
    if (month == 2 && dom >= 10 && dom <= 16) w *= 0.9;   // winter holiday week
    if (month == 10 && dom >= 13 && dom <= 19) w *= 0.9;  // autumn holiday week
    if (month == 12 && dom >= 27) w *= 0.7;
    // Out of hours (lægevagt): evenings every day, whole weekends and holidays.
    double o = closed_[i] ? 2.6 : 1.0;
    if (month == 1 || month == 2 || month == 12) o *= 1.2;
    cum_day_[i + 1] = cum_day_[i] + w;
    cum_ooh_[i + 1] = cum_ooh_[i] + o;
  }
}

bool YearCalendar::IsHoliday(int32_t day) const {
  if (day < first_ || day >= end_) return false;
  return holiday_[static_cast<size_t>(day - first_)] != 0;
}

bool YearCalendar::IsClosed(int32_t day) const {
  if (day < first_ || day >= end_) {
    const unsigned wd = Date::FromDays(day).iso_weekday();
    return wd >= 6;
  }
  return closed_[static_cast<size_t>(day - first_)] != 0;
}

int32_t YearCalendar::NextOpenDay(int32_t day) const {
  while (IsClosed(day)) ++day;
  return day;
}

int32_t YearCalendar::Draw(Rng& rng, int32_t lo, int32_t hi, bool out_of_hours) const {
  lo = std::max(lo, first_);
  hi = std::min(hi, end_);
  const std::vector<double>& cum = out_of_hours ? cum_ooh_ : cum_day_;
  const size_t a = static_cast<size_t>(lo - first_), b = static_cast<size_t>(hi - first_);
  const double target = cum[a] + rng.Uniform01() * (cum[b] - cum[a]);
  // First index i in (a, b] with cum[i] > target; the day is i - 1.
  auto it = std::upper_bound(cum.begin() + static_cast<std::ptrdiff_t>(a) + 1,
                             cum.begin() + static_cast<std::ptrdiff_t>(b) + 1, target);
  size_t i = static_cast<size_t>(it - cum.begin());
  if (i > b) i = b;
  return first_ + static_cast<int32_t>(i - 1);
}

}  // namespace almen::gen
