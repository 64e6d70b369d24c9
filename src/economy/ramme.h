// The økonomisk ramme statement (agreement.md §B1-B3, §H1, §H2, §H5) computed
// from plain structs, so that the CLI (from CSV files) and the server (from
// stored settlements) share one computation. See docs/economy.md for the
// formulas and docs/decisions.md ("Economy") for the choices.
//
// Units: Money in øre; percentages are exact integer rationals, printed as
// decimal strings rounded half away from zero (RoundDiv). No floating point.
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
#include "claims/registry.h"
#include "common/date.h"
#include "common/money.h"
#include "common/status.h"

namespace almen {

// expenses.csv categories (spec/interfaces.md). Persisted by name.
enum class ExpenseCategory : uint8_t {
  kDay,
  kOutOfHours,
  kBasishonorar,
  kProfylakse,
  kSeasonVaccination,
  kCervicalCytology,
  kFixedDoctorHonoraria,
  kLocalAgreements,
  kFrameworkAgreements,
  kTalkTherapy,
  kSpirometry,
  kSundhedstjekBotilbud,
  kOther,
  // Extension of interfaces.md (docs/formats.md): clawbacks from automatic
  // højestegrænser effected in the year. Always excluded from the spend (B1).
  kCeilingClawback,
};
std::optional<ExpenseCategory> ParseExpenseCategory(std::string_view s);
std::string_view ExpenseCategoryName(ExpenseCategory c);

// The expense category of a statements.csv row (item, code) for the ramme of
// the year containing `on`, or nullopt if the row is outside the ramme's
// accounts altogether (item `offset`, unknown items). Items: chronic_fee → day,
// basishonorar, bosted_honorarium → fixed_doctor_honoraria, ceiling_clawback →
// ceiling_clawback (excluded); service: the codes of ramme_spirometry_codes →
// spirometry, ramme_sundhedstjek_codes → sundhedstjek_botilbud, 2102 →
// cervical_cytology, 8100–8999 → profylakse, else day. Used by the server for
// spend from stored settlements.
std::optional<ExpenseCategory> StatementExpenseCategory(const Agreement& agreement, Date on, std::string_view item,
                                                        std::string_view code);

// A calendar quarter, "2025-Q1".
struct Quarter {
  int year = 0;
  int q = 1;  // 1..4
  static std::optional<Quarter> Parse(std::string_view s);  // strict "YYYY-Qn"
  std::string ToString() const;
  Date first_day() const;
  Date last_day() const;
  auto operator<=>(const Quarter&) const = default;
};

inline constexpr int kFirstRegion = 1081;  // Nordjylland
inline constexpr int kLastRegion = 1085;   // Sjælland

struct ExpenseRow {
  int region = 0;  // 1081..1085
  Quarter quarter;
  ExpenseCategory category = ExpenseCategory::kDay;
  Money amount;
};

struct ListedRow {
  int region = 0;
  Quarter quarter;
  int64_t listed = 0;  // patients listed (count used to regulate that quarter)
};

// One row of providers.csv as the LTO capacity mechanism reads it.
struct CapacityRow {
  std::string provider;  // ydernummer
  std::string name;
  int municipality = 0;
  ClinicType clinic_type = ClinicType::kOrdinary;
  int64_t capacities = 0;
  bool lto = false;
  Period period;  // [valid_from, valid_to)
};

// Parsers for the input files. `label` names the file in messages
// ("expenses.csv:12:2 (quarter): ..."). Duplicate keys are errors.
StatusOr<std::vector<ExpenseRow>> ParseExpensesCsv(const std::string& label, std::string_view text);
StatusOr<std::vector<ListedRow>> ParseListedCsv(const std::string& label, std::string_view text);
StatusOr<std::vector<CapacityRow>> ParseProvidersCsv(const std::string& label, std::string_view text);

struct RammeInput {
  int year = 2025;
  std::vector<ExpenseRow> expenses;                    // spend; other years are ignored
  std::optional<std::vector<ListedRow>> listed;        // quarterly regulation (H5)
  std::optional<std::vector<CapacityRow>> providers;   // LTO capacity mechanism (B3)
  std::optional<std::string> previous_overrun_pct;     // "0.5" = 0,5 % (B2)
  std::string offset_basis;                            // "" = agreement default (H1)
  std::optional<Date> statement_date;                  // default: 1 January of year + 1
  std::optional<Money> lto_activity_increase;          // B3 condition; nullopt = not verified
  // What-if (economy.h, RammeWhatIf): added to the annual ramme, and an assumed
  // LTO capacity addition that replaces the computed one (nullopt = computed).
  Money whatif_adjustment;
  std::optional<Money> whatif_lto_addition;
  // Price level of the spend (§ 64): "" or "regulated" = the level in force
  // (expenses.csv, settlements without --price-level): the ramme is regulated
  // per quarter by the index; "apr-24" = the agreement's stated level (spend
  // from `settle --price-level apr-24`): the ramme is not regulated.
  std::string price_level;
};

// One dated line of the LTO capacity ledger.
struct LtoLedgerEntry {
  Date date;
  int64_t capacities = 0;  // counted occupied capacities in LTO areas
  int64_t additional = 0;  // above the baseline, 0..max_count
  Money amount;            // ramme addition on that date
};

struct LtoResult {
  bool applicable = false;  // the mechanism has parameters for the year
  Date baseline_date;
  int64_t baseline_capacities = 0;
  std::vector<LtoLedgerEntry> ledger;
  Money addition;  // on the statement date
};

// Occupied capacities in LTO areas on `d` that count for B3: capacities of
// ordinary clinics with lto=1; a provider that was a region or udbud clinic
// before (a takeover) counts only capacities above those it had then.
int64_t CountedLtoCapacities(const std::vector<CapacityRow>& providers, Date d);

StatusOr<LtoResult> ComputeLtoMechanism(const Agreement& agreement, int year,
                                        const std::vector<CapacityRow>& providers, Date statement_date);

// The full statement as JSON (keys in spec/interfaces.md and docs/economy.md).
StatusOr<nlohmann::json> ComputeRamme(const Agreement& agreement, const RammeInput& input);

}  // namespace almen
