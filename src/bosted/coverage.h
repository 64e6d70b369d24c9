// Coverage follow-up of the fixed-doctor scheme (agreement.md §D; the January
// 2025 note): how many botilbud (and places, sections, residents) have a fixed
// doctor on a date, by region, municipality, paragraph, operator and size; the
// target-group view against the 250-botilbud and "every municipality"
// targets; honorarium spend against the 6,3 mio. kr. pace; and the reports the
// note asks for, as JSON.
//
// Counting (docs/decisions.md, "Bostedslæger"): a botilbud is covered on `d`
// when at least one of its sections has an attachment valid on `d`; its places
// then count as covered. Sections and residents are counted per section.
// "Large" = more than 30 places (the note's table). Percentages are computed
// from integers: coverage_ppm = round(covered × 10^6 / total), half away from
// zero; the Danish text has one decimal.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agreement/agreement.h"
#include "bosted/register.h"
#include "common/date.h"
#include "common/status.h"

namespace almen {

enum class BostedGroupBy : uint8_t { kAll, kRegion, kMunicipality, kParagraph, kOperator, kSize };
std::optional<BostedGroupBy> ParseBostedGroupBy(std::string_view s);  // all|region|municipality|paragraph|operator|size

struct BostedCoverageRow {
  std::string key;    // region code, municipality code, paragraph, operator, "large"/"small", "all"
  std::string label;  // Danish
  std::string region_code;  // for municipality rows
  int64_t botilbud = 0, botilbud_covered = 0;
  int64_t places = 0, places_covered = 0;
  int64_t sections = 0, sections_covered = 0;
  int64_t residents = 0, residents_covered = 0;
  int64_t attachments = 0;
  int64_t coverage_ppm = 0;  // botilbud_covered / botilbud
  int64_t places_coverage_ppm = 0;
};

struct BostedCoverageFilter {
  std::string region_code;        // "" = all
  std::string municipality_code;  // "" = all
  bool target_group_only = false;
  int op = -1;                    // BostedOperator or -1 = all
};

// Rows in key order plus a total row (key "all") at the end.
std::vector<BostedCoverageRow> BostedCoverage(const BostedRegister& reg, Date d, BostedGroupBy by,
                                              const BostedCoverageFilter& filter = {});

// Danish percentage with one decimal from ppm: 123456 -> "12,3 %".
std::string BostedPctDa(int64_t ppm);
int64_t BostedRatioPpm(int64_t num, int64_t den);  // 0 when den == 0

nlohmann::json BostedCoverageRowJson(const BostedCoverageRow& r);
nlohmann::json BostedCoverageJson(const BostedRegister& reg, Date d, BostedGroupBy by,
                                  const BostedCoverageFilter& filter = {});

// Target group (SEL108 + ABL105): covered botilbud vs the 250 target, and the
// municipalities with target-group botilbud but none covered.
StatusOr<nlohmann::json> BostedTargetGroupJson(const Agreement& agreement, const BostedRegister& reg, Date d,
                                               const BostedCoverageFilter& filter = {});

// Honorarium spend of the calendar year of `d`, January up to and including
// the month of `d`, against the pace pot × months / 12; `sizing_problem` when
// above. Also the run rate (the month of `d` × 12) against the annual pot.
StatusOr<nlohmann::json> BostedSpendJson(const Agreement& agreement, const BostedRegister& reg, Date d, bool apr24,
                                         const BostedCoverageFilter& filter = {});

// The note's reports: kind = "q4-regional" (regional follow-up groups, Q4
// 2025), "halfway" or "end" (municipalities for municipal botilbud, regions
// for regional ones, LOS/Selveje Danmark for private/self-owned). `d` = the
// report date, or Date::Max() for the kind's parameter date.
StatusOr<nlohmann::json> BostedReportJson(const Agreement& agreement, const BostedRegister& reg,
                                          const std::string& kind, Date d, const BostedCoverageFilter& filter = {});

}  // namespace almen
