// Business dates: a civil day with no time zone, stored as days since
// 1970-01-01 (std::chrono::sys_days). Service dates, validity periods and
// listing periods are all Dates. An open end is the explicit sentinel
// Date::Max() (printed as an empty field).
//
// Periods are half-open everywhere: [valid_from, valid_to). A row valid "to
// 2025-01-01" is not valid on 1 January 2025.
//
// Month: a calendar month as a serial number (year*12 + month-1), used for
// statements, enrolments and basishonorar.
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace almen {

class Date {
 public:
  constexpr Date() = default;
  static Date FromYmd(int y, unsigned m, unsigned d) {
    return Date(std::chrono::sys_days(std::chrono::year(y) / std::chrono::month(m) / std::chrono::day(d))
                    .time_since_epoch()
                    .count());
  }
  static constexpr Date FromDays(int32_t days) { return Date(days); }
  static constexpr Date Max() { return Date(INT32_MAX); }
  static constexpr Date Min() { return Date(INT32_MIN); }
  constexpr int32_t days() const { return days_; }
  constexpr bool is_max() const { return days_ == INT32_MAX; }
  int year() const;
  unsigned month() const;
  unsigned day() const;
  // 1 = Monday … 7 = Sunday.
  unsigned iso_weekday() const;
  Date AddDays(int32_t n) const { return Date(days_ + n); }
  constexpr auto operator<=>(const Date&) const = default;

  // Strict ISO "YYYY-MM-DD"; nullopt for anything else (including 2025-02-30).
  static std::optional<Date> Parse(std::string_view text);
  std::string ToIso() const;  // "" for Max()

 private:
  constexpr explicit Date(int32_t d) : days_(d) {}
  int32_t days_ = 0;
};

int DaysInMonth(int year, int month);  // REQUIRES: 1 <= month <= 12
// Days since 1970-01-01 (proleptic Gregorian). REQUIRES: a valid date.
int32_t DaysFromCivil(int year, int month, int day);

struct Month {
  int32_t serial = 0;  // year*12 + (month-1)
  static Month Of(Date d) { return Month{d.year() * 12 + static_cast<int32_t>(d.month()) - 1}; }
  static Month FromYm(int y, int m) { return Month{y * 12 + m - 1}; }
  int year() const { return serial / 12; }
  int month() const { return serial % 12 + 1; }
  Date first_day() const { return Date::FromYmd(year(), static_cast<unsigned>(month()), 1); }
  Date end() const { return Month{serial + 1}.first_day(); }  // exclusive
  int days() const { return end().days() - first_day().days(); }
  Month operator+(int n) const { return Month{serial + n}; }
  int operator-(Month o) const { return serial - o.serial; }
  auto operator<=>(const Month&) const = default;
  static std::optional<Month> Parse(std::string_view text);  // "YYYY-MM"
  std::string ToString() const;                               // "YYYY-MM"
};

// [from, to) half-open validity; to == Date::Max() means open.
struct Period {
  Date from = Date::Min();
  Date to = Date::Max();
  bool Contains(Date d) const { return from <= d && d < to; }
  bool Overlaps(const Period& o) const { return from < o.to && o.from < to; }
};

}  // namespace almen
