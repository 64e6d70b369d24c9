// Modregning (Bilag 1 pkt. 1–2; agreement.md B2, H1): how much of an overrun
// is offset, and how the offset is recovered — "en nedsættelse af
// reguleringsprocenten og om nødvendigt af basishonoraret", from the first
// regulation after the statement, over two regulation periods, on static data.
// Formulas: docs/economy.md §2 and §6; choices: docs/decisions.md (Economy).
//
// Units: Money in øre; index factors and ratios in millionths (ppm); the
// previous year's overrun in millionths of a percent (0,5 % = 500000). Every
// division rounds half away from zero (RoundDiv). No floating point.
//
// Thread safety: pure functions over values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "agreement/agreement.h"
#include "common/date.h"
#include "common/decimal.h"
#include "common/money.h"
#include "common/status.h"
#include "economy/ceiling.h"

namespace almen {

// H1: `full_overrun` (default: the whole overrun, "kompensation svarende til
// den konstaterede forskel") or `excess_over_tolerance` (the part above 0,6 %).
enum class OffsetBasis : uint8_t { kFullOverrun, kExcessOverTolerance };
std::optional<OffsetBasis> ParseOffsetBasis(std::string_view s);
std::string_view OffsetBasisName(OffsetBasis b);

struct OffsetDecisionInput {
  Money ramme;    // > 0
  Money overrun;  // normalised spend − ramme
  Ppm tolerance;  // 0,006
  bool offset_at_exactly_tolerance = false;
  OffsetBasis basis = OffsetBasis::kFullOverrun;
  // Last year's overrun in millionths of a percent (0,5 % = 500000); nullopt = not given.
  std::optional<int64_t> previous_overrun_micro_pct;
};

struct OffsetDecision {
  Money offset;            // ≥ 0
  Money tolerance_amount;  // round(ramme × tolerance)
  bool beyond = false;     // the overrun is "ud over 0,6 procent"
  bool previous_exempt = false;  // last year was overrun but exempt (pkt. 1): no tolerance this year
  std::string rule;        // no_overrun | within_tolerance | beyond_tolerance |
                           // second_year_within_tolerance | second_year_beyond_tolerance
  std::string reason;      // Danish
};

// The offset of one year. Monotonic: for a fixed basis and previous year, a
// larger overrun never gives a smaller offset; an exempt previous year never
// lowers it. In the year after an exempt year the 0,6 % tolerance does not
// apply (pkt. 1: "undtages ikke fra modregning"): the whole overrun is offset
// under either basis.
OffsetDecision DecideOffset(const OffsetDecisionInput& in);

// Whether last year's overrun (millionths of a percent) was exempt: in (0; 0,6 %]
// (0,6 % itself only while offset_at_exactly_tolerance = 0).
bool PreviousYearExempt(std::optional<int64_t> previous_overrun_micro_pct, Ppm tolerance, bool offset_at_exact);

// ---- How the offset is recovered (Bilag 1 pkt. 2) --------------------------------

struct OffsetPlanInput {
  int year = 0;                 // the statement year
  Money offset;                 // DecideOffset's amount
  Date statement_date;          // the plan starts at the first regulation date after it
  Money expected_spend;         // static data: the year's counted spend (actual, at the year's level)
  Money expected_basishonorar;  // of which basishonorar
};

// One regulation period [from, to) of the plan. Index factors in ppm: `floor`
// is the level before the plan's first regulation (the regulation can at most
// be cancelled, never made negative), `index` the § 64 level the period would
// otherwise have, `reduced_index` = index − regulation_reduction.
struct OffsetPeriod {
  int period = 0;
  Date from, to;
  Money amount;  // this period's part of the offset
  int64_t floor = 0, index = 0, reduced_index = 0, regulation_reduction = 0;
  bool regulation_capped = false;  // the regulation was not enough
  Money expected_spend;            // the period's share of the year's spend at `index`
  Money recovered_by_regulation;
  Money basishonorar_annual;          // per patient per year (apr-24) in force on `from`
  Money reduced_basishonorar_annual;  // after the reduction (= basishonorar_annual if none)
  Money recovered_by_basishonorar;
  Money unrecovered;  // neither regulation nor basishonorar is enough
  Money rounding;     // amount − recovered − unrecovered (whole-ppm / whole-øre steps)
};

struct OffsetPlan {
  int year = 0;
  Money offset;
  std::vector<OffsetPeriod> periods;
  Money unrecovered;
  std::vector<std::string> warnings;  // Danish
  int64_t year_index = 0;             // the level of the expected spend (index on 31 December)
  int days_in_year = 365;
};

StatusOr<OffsetPlan> PlanOffset(const Agreement& agreement, const OffsetPlanInput& in);
// The plan's input from an `almen ramme` JSON: year, offset_ore, statement_date,
// spend_actual_ore and spend_by_category_ore.basishonorar. InvalidInput names a missing key.
StatusOr<OffsetPlanInput> OffsetPlanInputFromRammeJson(const nlohmann::json& ramme);
// The periods as the ramme statement's `offset_plan` entries.
nlohmann::json OffsetPlanJson(const OffsetPlan& plan);
// offset_overlay.csv (agreement.h OverlayRow): an index row per period with a
// reduction and a basishonorar_annual_ore row per period with one; source
// ramme_statement:YEAR. Header only when nothing is reduced.
std::string OffsetOverlayCsv(const OffsetPlan& plan);

// The per-clinic effect of a plan (a view; nothing is paid or booked):
// the clinic's share of each period's recovery in proportion to its counted
// spend (regulation) and basishonorar (basishonorar reduction) in the year.
struct ClinicSpend {
  int provider = 0;
  std::string region;
  Money spend;         // counted ramme spend of the year (services, chronic fees, basishonorar)
  Money basishonorar;  // of which basishonorar
};
// Counted spend per clinic from statements.csv rows of `year` (the categories
// the ramme counts, StatementExpenseCategory); `region_of` maps providers.
std::vector<ClinicSpend> ClinicSpendFromStatements(const Agreement& agreement, int year,
                                                   const std::vector<CeilingStatementRow>& rows,
                                                   const std::map<int, std::string>& region_of);
nlohmann::json ClinicOffsetEffects(const OffsetPlan& plan, const std::vector<ClinicSpend>& clinics);

}  // namespace almen
