// The section 6 economy table ("Aftalens økonomi", agreement.md §B4) as data,
// and what-if changes to it.
//
// The table lives in the agreement data set as economy.csv, one row per line of
// the seed's table, in the seed's order. Amounts are written as in the seed, in
// mio. kr. with a decimal comma ("44,0"), and parsed exactly to øre
// (1 mio. kr. = 100.000.000 øre; no floating point). An empty cell is absent
// (null), not zero; totals treat it as 0.
//
// The table is a tree: `parent` names the line a sub-item belongs to ("Heraf"
// lines, the three LTO lines, Bostedslæger under Nye ydelser). A line with
// derive=sum is defined as the sum of its children and is re-derived when a
// child changes. Totals add the top level only. The rows of kind total and
// merokonomi are the seed's own control sums; LoadEconomyTable checks the
// computed totals against them, so a mis-read cell cannot load.
//
// Invariants checked at load: parents precede their children; a sum line equals
// the sum of its children in every column; growth = y2025 - y2024 on every line.
//
// Thread safety: plain values; functions are pure.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "agreement/agreement.h"
#include "common/money.h"
#include "common/status.h"

namespace almen {

// The four amount columns of the table.
enum class EconomyField : uint8_t { kY2024 = 0, kY2025 = 1, kPermanent = 2, kGrowth = 3 };
inline constexpr int kEconomyFields = 4;
std::string_view EconomyFieldName(EconomyField f);  // "y2024", "y2025", "permanent", "growth"

enum class EconomyKind : uint8_t {
  kItem,        // a line of the table (top level or sub-item)
  kTotal,       // "Samlet økonomi": the seed's control sum
  kFinancing,   // "Finansiering af lægedækningspulje fra Fonden"
  kMerokonomi,  // "Samlet merøkonomi": the seed's control sum
};

struct EconomyRow {
  std::string id;         // stable key, e.g. "new_services.bosted.activity"
  std::string name;       // as in the seed, e.g. "Heraf aktivitet"
  std::string parent_id;  // empty = top level
  EconomyKind kind = EconomyKind::kItem;
  bool sum_of_children = false;  // derive=sum
  bool in_ramme = false;         // its growth is added to the økonomisk ramme (Bilag 1)
  std::array<std::optional<Money>, kEconomyFields> values;
  std::string paragraph, source, note;
  int64_t line = 0;  // in economy.csv
};

struct EconomyTableData {
  std::vector<EconomyRow> rows;  // in the seed's order
  const EconomyRow* Find(std::string_view id) const;
};

// Parses and checks economy.csv of the agreement.
StatusOr<EconomyTableData> LoadEconomyTable(const Agreement& agreement);

// Parses an amount in mio. kr. with `,` or `.` as the decimal mark ("44,0",
// "-20.0", "4,75"), at most 8 decimals (= whole øre), exactly to øre.
// No thousands separators.
std::optional<Money> ParseMioKr(std::string_view text);

// The line whose 2025 amount the LTO capacity mechanism (B3) releases; the
// ramme statement computes it from capacities rather than adding it as such.
inline constexpr std::string_view kLtoExtraActivityId = "lto.extra_activity";
// The fixed-doctor honorarium line (outside the ramme) of the bosted scheme.
inline constexpr std::string_view kBostedHonorariumId = "new_services.bosted.honorarium";

// One what-if change: set `field` of item `id` to `value` (nullopt = clear).
struct EconomyChange {
  std::string id;
  EconomyField field = EconomyField::kY2025;
  std::optional<Money> value;
};

// Parses "ITEM=VALUE" where ITEM is an item id or name (exact, else a unique
// case-insensitive prefix; "Parent/Child" for a sub-item), optionally followed by .y2024|.y2025|.permanent|
// .growth (default y2025), and VALUE is mio. kr. (see ParseMioKr) or empty for
// null. Errors are InvalidInput naming the item.
StatusOr<EconomyChange> ParseEconomySet(const EconomyTableData& table, std::string_view spec);

// Applies changes and re-derives: growth = y2025 - y2024 on a line whose 2024
// or 2025 amount was set (unless its growth was set too); sum lines = sum of
// their children for every column not set explicitly. Returns the full JSON
// report (items, total, merokonomi, changed, ramme effect, warnings).
StatusOr<nlohmann::json> EconomyReport(const Agreement& agreement, const EconomyTableData& table,
                                       const std::vector<EconomyChange>& changes);

}  // namespace almen
