// The economy of the agreement (agreement.md §B): the section 6 economy table
// with what-if, and the økonomisk ramme statement with offset (modregning) and
// the LTO capacity mechanism. Both return JSON in the keys of
// spec/interfaces.md; amounts in øre. Formulas: docs/economy.md.
//
// The computations themselves take plain structs (economy_table.h, ramme.h) so
// that the server can call them with data from its database; the functions
// here are the file- and string-based entry points of the CLI.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "agreement/agreement.h"
#include "common/date.h"
#include "common/money.h"
#include "common/status.h"
#include "economy/economy_table.h"
#include "economy/ramme.h"

namespace almen {

// `sets` are ITEM=VALUE changes (what-if): ITEM is an item id or name (exact,
// else a unique case-insensitive prefix) with an optional .y2024|.y2025|
// .permanent|.growth (default y2025); VALUE in mio. kr. ("8,0" or "8.0").
StatusOr<nlohmann::json> EconomyTable(const Agreement& agreement,
                                      const std::vector<std::string>& sets);

// What-if for the HTTP API: JSON in, JSON out. The request is
//   {"set": ["Bostedslæger.y2025=8,0", …]}          or
//   {"set": {"Bostedslæger.y2025": "8,0", "lto.coverage_pool": 10.5}}   or
//   {"changes": [{"item": "lto.coverage_pool", "field": "y2025", "value_ore": 1000000000}]}
// (a JSON number in "set" is mio. kr.; value_ore null clears the cell).
// Named items (whole numbers ≥ 0), applied before "set" and "changes":
//   "lto_capacities_recruited": N  LTO-læger faktisk rekrutteret: additional
//       occupied LTO capacities → lto.extra_activity 2025 =
//       min(min(N, 75) × 267.000 kr., 20 mio. kr.) (B3; inside the ramme)
//   "bosted_botilbud_covered": N   bostedsdækning nået: botilbud with a fixed
//       doctor → the honorarium line 2025 = N × 2 h × 1.055,86 kr. × 12
//       (outside the ramme; the 4,7 mio. kr. activity inside it is unchanged)
// and the answer then has "scenario" explaining each.
// The answer is EconomyTable's JSON. Bad requests are InvalidInput.
StatusOr<nlohmann::json> EconomyWhatIf(const Agreement& agreement, const nlohmann::json& request);

// What a what-if does to the ramme statement (ComputeRamme): `adjustment` is
// added to the annual ramme (the change of the in_ramme growth outside the LTO
// line), and `lto_addition`, if set, replaces the LTO capacity addition
// computed from capacities (the what-if's LTO extra-activity amount).
struct RammeWhatIf {
  Money adjustment;
  std::optional<Money> lto_addition;
};
// From EconomyWhatIf's / EconomyReport's JSON ("ramme" keys).
RammeWhatIf RammeWhatIfOf(const nlohmann::json& report);
void ApplyRammeWhatIf(const RammeWhatIf& whatif, RammeInput* input);
// {"before", "after", "change"}: the two statements and the movement of ramme,
// spend, overrun, offset (null where a statement is incomplete).
nlohmann::json CompareRammeStatements(const nlohmann::json& before, const nlohmann::json& after);
// EconomyWhatIf plus "ramme_statement": CompareRammeStatements of ComputeRamme
// on `input` and on `input` with the what-if applied.
StatusOr<nlohmann::json> EconomyWhatIfRamme(const Agreement& agreement, const nlohmann::json& request,
                                            const RammeInput& input);

struct RammeOptions {
  int year = 2025;
  std::string expenses_path;   // expenses.csv (optional)
  std::string listed_path;     // listed_patients.csv (optional)
  std::string providers_path;  // providers.csv (optional; LTO capacity mechanism)
  std::optional<std::string> previous_overrun_pct;  // e.g. "0.5" (percent)
  std::string offset_basis;    // "" = agreement default
  std::optional<std::string> statement_date;        // ISO date; default 1 January of year + 1
  std::optional<int64_t> lto_activity_increase_ore; // B3 condition; absent = not verified
  std::string price_level;     // "" / "regulated" (default) or "apr-24" (RammeInput::price_level)
  std::string week_normalisation;  // "" = agreement (iso_weeks), or days_364 (RammeInput::week_normalisation)
  // statements.csv of `almen settle` (spend per region from settled statements,
  // SpendFromStatements); needs providers_path for the regions. An expenses.csv
  // row for the same (region, quarter, category) replaces the settled sum.
  std::string statements_path;
};

StatusOr<nlohmann::json> RammeStatement(const Agreement& agreement, const RammeOptions& options);
// The RammeInput RammeStatement computes from (files read and parsed).
// statements_path is not read here (it needs the agreement): RammeInputOf.
StatusOr<RammeInput> RammeInputFromOptions(const RammeOptions& options);
// RammeInputFromOptions plus the spend of statements_path (SpendFromStatements),
// merged with the expense rows; `statement_spend` (if not null) gets its summary.
StatusOr<RammeInput> RammeInputOf(const Agreement& agreement, const RammeOptions& options,
                                  nlohmann::json* statement_spend = nullptr);

// The named what-if items of EconomyWhatIf from the command line: each
// "NAME=N" with NAME lto_capacities_recruited or bosted_botilbud_covered and N
// a whole number ≥ 0 (digits only). Returns the request object
// {"lto_capacities_recruited": N, …}; a bad item is InvalidInput naming it.
StatusOr<nlohmann::json> ParseNamedWhatIf(const std::vector<std::string>& items);
// `almen economy --set … --whatif …`: EconomyWhatIf of the sets and named items
// (the table after the change, with seed_totals, changed and scenario).
// Without named items this is EconomyTable(agreement, sets).
StatusOr<nlohmann::json> EconomyTable(const Agreement& agreement, const std::vector<std::string>& sets,
                                      const std::vector<std::string>& whatif);
// `almen ramme … --whatif NAME=N …`: the statement before and after the named
// items, {"year", "whatif", "scenario", "table_ramme", "before", "after",
// "change"} (CompareRammeStatements). The items describe the economy table's
// year 2025; another year is InvalidInput.
StatusOr<nlohmann::json> RammeStatementWhatIf(const Agreement& agreement, const RammeOptions& options,
                                              const std::vector<std::string>& whatif);

}  // namespace almen
