// Claim lines for one clinic (one block of claims.csv), generated from the
// read-only World with the clinic's own random stream, so blocks can be made
// on several threads and written in clinic order with byte-identical results.
//
// A block holds exactly the clinic's line budget: patient-driven services
// first (chronic care fees and annual controls, child and pregnancy
// examinations, vaccinations, cervical cytology, the fixed doctor's botilbud
// visits), then everyday contacts (consultations with add-ons and lab tests,
// phone, e-mail, video, home visits with mileage, out-of-hours, talk therapy,
// …) drawn by a realistic mix until the budget is full. A small share is
// deliberately wrong so settlement has something to reject (see claims_gen.cc).
// Lines are sorted by service date; claim_id and contact_id are running
// numbers per clinic in that order.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "generate/calendar.h"
#include "generate/world.h"

namespace almen::gen {

inline constexpr const char* kClaimsHeader =
    "claim_id,provider,cpr,service_date,code,quantity,contact_id,performer,setting,indication,course_id,minutes,km\n";

// One written line of a block: where its text is, its bill (contact) and
// service date, so that arrival.h can put the block in the order the region
// receives it. Offsets are relative to the start of the block.
struct LineSpan {
  uint32_t offset = 0, length = 0;
  uint32_t contact = 0;    // running contact number in the clinic (1, 2, …)
  int32_t date = 0;        // service date (Date days)
  int32_t resent_of = -1;  // a re-sent duplicate: the index of the line it repeats
};

class ClaimGenerator {
 public:
  ClaimGenerator(const World& world, const YearCalendar& calendar);
  // Appends the CSV lines of clinic `clinic` (no header) to `out`; returns
  // how many. Thread safe: const, uses only the clinic's own stream. With
  // `spans`, also appends one LineSpan per line (REQUIRES: `out` is empty).
  int64_t GenerateBlock(uint32_t clinic, std::string& out, std::vector<LineSpan>* spans = nullptr) const;

 private:
  const World& world_;
  const YearCalendar& cal_;
  std::vector<std::array<char, 10>> day_text_;  // "YYYY-MM-DD" per day of the year
};

}  // namespace almen::gen
