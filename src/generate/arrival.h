// Arrival order: when the region receives each claim line of a clinic.
//
// A clinic's system sends its bills (one bill = one contact's lines) in
// batches: most clinics every working day, some twice a week, some weekly
// (the clinic's cadence is drawn from its own stream). A bill normally goes
// with the first batch after the day of service; some wait a batch or two,
// and a realistic share are sent weeks to months late (forgotten, held for a
// correction, sent again by hand). A re-sent duplicate arrives two to eight
// weeks after the line it repeats. The region's file for a year is then the
// clinics' batches day by day, the clinics of one day in a seeded random
// order (generate.cc does that merge).
//
// Everything here is drawn from a stream of its own per clinic, so
// `--order clinic` output (today's order) is unchanged by it and the arrival
// order is byte-identical for the same seed, whatever the number of threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "generate/calendar.h"
#include "generate/claims_gen.h"
#include "generate/world.h"

namespace almen::gen {

// A run of a clinic's lines received on one day: [offset, offset + length)
// of the reordered text, whole lines.
struct ArrivalRun {
  int32_t day = 0;  // received date (Date days; may fall after the year)
  uint32_t offset = 0, length = 0;
  uint32_t lines = 0;
};

// Shares of the arrival model (per bill), for docs and tests.
inline constexpr double kLateShare = 0.03;   // sent 2 weeks to 6 months late
inline constexpr double kSlowShare = 0.08;   // held back one to two batches

// Reorders one clinic's block (`text` with its `spans` from
// ClaimGenerator::GenerateBlock) into the order the region receives it:
// `out` gets the text, `runs` one entry per received day, in day order.
void ToArrivalOrder(const World& world, const YearCalendar& calendar, uint32_t clinic, const std::string& text,
                    const std::vector<LineSpan>& spans, std::string* out, std::vector<ArrivalRun>* runs);

}  // namespace almen::gen
