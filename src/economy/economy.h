// The economy of the agreement (agreement.md §B): the section 6 economy table
// with what-if, and the økonomisk ramme statement with offset (modregning) and
// the LTO capacity mechanism. Both return JSON in the keys of
// spec/interfaces.md; amounts in øre.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "agreement/agreement.h"
#include "common/status.h"

namespace almen {

// `sets` are ITEM=VALUE changes (what-if); see economy.cc for the accepted forms.
StatusOr<nlohmann::json> EconomyTable(const Agreement& agreement,
                                      const std::vector<std::string>& sets);

struct RammeOptions {
  int year = 2025;
  std::string expenses_path;   // expenses.csv (optional)
  std::string listed_path;     // listed_patients.csv (optional)
  std::string providers_path;  // providers.csv (optional; LTO capacity mechanism)
  std::optional<std::string> previous_overrun_pct;  // e.g. "0.5" (percent)
  std::string offset_basis;    // "" = agreement default
};

StatusOr<nlohmann::json> RammeStatement(const Agreement& agreement, const RammeOptions& options);

}  // namespace almen
