// The generator's calendar for one year: Danish public holidays (spec/facts.md
// "Calendar") and a relative activity weight per day, used to draw service
// dates that look like a real practice year: weekdays busy (Mondays most),
// weekends and holidays nearly empty, summer and Christmas quieter, winter
// busier; out-of-hours contacts the other way round.
#pragma once

#include <cstdint>
#include <vector>

#include "common/date.h"
#include "generate/random.h"

namespace almen::gen {

class YearCalendar {
 public:
  explicit YearCalendar(int year);

  int year() const { return year_; }
  int32_t first() const { return first_; }  // Date days of 1 January
  int32_t end() const { return end_; }      // Date days of 1 January next year
  bool IsHoliday(int32_t day) const;
  // Weekend or public holiday (also 24 and 31 December: clinics are closed).
  bool IsClosed(int32_t day) const;

  // A day in [lo, hi) ∩ the year, drawn by clinic (or out-of-hours) activity.
  // REQUIRES: the intersection is non-empty.
  int32_t Draw(Rng& rng, int32_t lo, int32_t hi, bool out_of_hours = false) const;

  // The first open clinic day on or after `day` (may leave the year).
  int32_t NextOpenDay(int32_t day) const;

 private:
  int year_;
  int32_t first_, end_;
  std::vector<uint8_t> closed_, holiday_;
  std::vector<double> cum_day_, cum_ooh_;  // cumulative weights, size days+1
};

// Easter Sunday of `year` (Gregorian calendar).
Date EasterSunday(int year);

}  // namespace almen::gen
