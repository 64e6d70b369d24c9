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
// The answer is EconomyTable's JSON. Bad requests are InvalidInput.
StatusOr<nlohmann::json> EconomyWhatIf(const Agreement& agreement, const nlohmann::json& request);

struct RammeOptions {
  int year = 2025;
  std::string expenses_path;   // expenses.csv (optional)
  std::string listed_path;     // listed_patients.csv (optional)
  std::string providers_path;  // providers.csv (optional; LTO capacity mechanism)
  std::optional<std::string> previous_overrun_pct;  // e.g. "0.5" (percent)
  std::string offset_basis;    // "" = agreement default
  std::optional<std::string> statement_date;        // ISO date; default 1 January of year + 1
  std::optional<int64_t> lto_activity_increase_ore; // B3 condition; absent = not verified
};

StatusOr<nlohmann::json> RammeStatement(const Agreement& agreement, const RammeOptions& options);

}  // namespace almen
