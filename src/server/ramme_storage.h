// The økonomisk ramme statement computed from the database: spend from the
// stored settlements (statements of the months that have settled claim lines)
// merged with the stored expense files (`expenses` table, POST
// /api/economy/expenses), the LTO capacity mechanism from the stored
// providers, and a year-end forecast. One implementation for the server
// (GET /api/economy/ramme, POST /api/economy/whatif) and the CLI
// (`almen ramme --db URL`), so both give the same figures.
//
// Merge rule (docs/decisions.md, "Expense files and stored settlements"):
// stored settlements provide the categories of StatementExpenseCategory (day,
// basishonorar, profylakse, cervical_cytology, fixed_doctor_honoraria,
// spirometry, sundhedstjek_botilbud, ceiling_clawback); a stored expense row for the
// same (region, quarter, category) REPLACES the settled sum of that key (listed
// in `expenses.replaced`), every other expense row is added. Completeness still
// follows the settled months.
//
// Money is int64 øre. Thread safe as Storage (one pooled connection per call).
//
// Example:
//   ALMEN_ASSIGN_OR_RETURN(auto db, Storage::Open("almen.db"));
//   StoredRammeOptions o;  o.base.year = 2025;
//   ALMEN_ASSIGN_OR_RETURN(nlohmann::json j, RammeFromStorage(*db, agreement, o));
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agreement/agreement.h"
#include "common/status.h"
#include "economy/economy.h"
#include "economy/ramme.h"
#include "storage/storage.h"

namespace almen {

struct StoredRammeOptions {
  // Year, options (previous overrun, offset basis, price level, statement
  // date, …) and, from the command line, file inputs: `base.expenses` overlay
  // stored expense rows of the same (region, quarter, category); `base.listed`
  // regulates per quarter; `base.providers`, when set, replaces the stored
  // providers for the LTO capacity mechanism.
  RammeInput base;
  // "" = the national statement; a region code ("1084") = that region's spend
  // per quarter only (the ramme is national).
  std::string region;
  const RammeWhatIf* whatif = nullptr;  // what-if applied to the input (ApplyRammeWhatIf)
};

// The ComputeRamme JSON plus `source` ("stored_settlements"), `months_settled`,
// `unsettled_months_spend_ore`, `unknown_region_spend_ore`, `expenses`
// ({rows, files, amount_ore, replaced: [...]}) and `forecast`.
StatusOr<nlohmann::json> RammeFromStorage(Storage& db, const Agreement& agreement, const StoredRammeOptions& options);

// The offset of `year` as the agreement text applies it (offset.h): the ramme
// statement from storage, the plan (reduced regulation and, if needed,
// basishonorar, from the first regulation after the statement), the rows of
// agreement data it gives (`overlay_csv`, offset_overlay.csv) and the effect
// per clinic estimated from the stored statements of the year (`clinics`). A
// view: nothing is paid or booked. Incomplete year: `available: false`.
StatusOr<nlohmann::json> OffsetViewFromStorage(Storage& db, const Agreement& agreement, int year);

// `almen ramme --db URL`: opens the database (migrations applied), reads the
// optional files of `options` (RammeInputFromOptions: expenses, listed
// patients, providers) and calls RammeFromStorage. Bad files are InvalidInput naming file:line:col.
StatusOr<nlohmann::json> RammeStatementFromDatabase(const Agreement& agreement, const RammeOptions& options,
                                                    const std::string& db_url);

}  // namespace almen
