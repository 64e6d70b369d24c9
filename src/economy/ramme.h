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
#include <map>
#include <optional>
#include <set>
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
// ceiling_clawback (excluded); service by the code lists of the agreement data
// (parameters_economy.csv, codes or ranges "4000-4999"): ramme_spirometry_codes
// → spirometry, ramme_sundhedstjek_codes → sundhedstjek_botilbud,
// ramme_cervical_cytology_codes → cervical_cytology, ramme_profylakse_codes →
// profylakse, ramme_local_agreement_codes → local_agreements,
// ramme_framework_agreement_codes → framework_agreements,
// ramme_talk_therapy_codes → talk_therapy, else day. Without a parameter the
// built-in defaults of OK25 apply (2102, 8100-8999, 4000-4999, 6101).
std::optional<ExpenseCategory> StatementExpenseCategory(const Agreement& agreement, Date on, std::string_view item,
                                                        std::string_view code);

// The categories the ramme of `year` never counts (ramme_excluded_categories,
// always with ceiling_clawback). talk_therapy is not among them: it is counted
// unless the region's praksisplan agreement is in force (TalkTherapyAgreements).
std::set<ExpenseCategory> RammeNotCountedCategories(const Agreement& agreement, int year);

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

// ---- Spend from settled statements (server, `almen ramme --statements`) ----

// One statements.csv row with the region of its provider. `provider` may be 0
// for rows summed over providers, except for the cervical-cytology codes and
// their companion (the "inkl. én 0101" rule pairs them per provider and month).
struct StatementSpendRow {
  int region = 0;  // 1081..1085; 0 = unknown
  int provider = 0;
  Month month;
  std::string item;
  std::string code;  // "" for items without a code
  int64_t count = 0;
  Money amount;
};

struct StatementSpend {
  std::vector<ExpenseRow> rows;  // per region, quarter, category: the year's, and the year before's talk_therapy
  Money unknown_region;          // not counted: the provider has no region
  Money outside_accounts;        // items outside the ramme's accounts (offset, …)
  int64_t cytology_companions = 0;  // companion services (0101) excluded with cervical cytology
  Money cytology_companion_amount;
  nlohmann::json ToJson() const;
};

// Bilag 1: "cervixcytologiske undersøgelser (2102, inkl. én 0101)". Per
// provider and month, n = min(count(2102) × ramme_cervical_cytology_companions,
// count(companion)) companion services (ramme_cervical_cytology_companion,
// 0101) leave `day` for `cervical_cytology`, at the month's average price of the
// companion: round(amount(companion) × n / count(companion)).
// The codes SpendFromStatements needs per provider (the cervical-cytology codes
// and the companion), as 4-digit strings; other rows may be summed over providers.
std::vector<std::string> CytologyPairCodes(const Agreement& agreement, int year);
// The talk-therapy codes (ramme_talk_therapy_codes) of `year` as 4-digit strings.
std::vector<std::string> TalkTherapyCodes(const Agreement& agreement, int year);
StatusOr<StatementSpend> SpendFromStatements(const Agreement& agreement, int year,
                                             const std::vector<StatementSpendRow>& rows);

// ---- 52-week normalisation (agreement.md H2) ----
// ISO weeks in an ISO year: 53 if 1 January is a Thursday, or a Wednesday in a
// leap year; else 52.
int IsoWeeksInYear(int year);
struct SpendNormalisation {
  std::string method;   // iso_weeks | days_364
  int64_t numerator = 1;    // 52 | 364
  int64_t denominator = 1;  // ISO weeks in the year | days in the year
  Money Apply(Money actual) const;  // round_half_away(actual × numerator / denominator)
  std::string Formula() const;
};
// spend_week_normalisation of the agreement for `year`, or `override` if not
// empty (iso_weeks | days_364; anything else is InvalidInput).
StatusOr<SpendNormalisation> SpendNormalisationOf(const Agreement& agreement, int year, std::string_view override);

// ---- Talk therapy (Bilag 1): the ramme is reduced by a region's talk-therapy
// spend in the 12 months before its praksisplan agreement on it, from then on. ----
struct TalkTherapyAgreement {
  int region = 0;
  std::optional<Date> agreed;              // ramme_talk_therapy_agreement_<region>; nullopt = none
  std::optional<Quarter> effective;        // first quarter starting on or after `agreed`
  std::optional<Money> fixed_reduction;    // ramme_talk_therapy_reduction_<region>_ore, if given
  std::string paragraph, source;
};
// The five regions' agreements as in force on 31 December of `year`.
StatusOr<std::vector<TalkTherapyAgreement>> TalkTherapyAgreements(const Agreement& agreement, int year);
// Whether the talk therapy of `region` in quarter `q` is outside the ramme
// (its agreement is in force: q is its effective quarter or later).
bool TalkTherapyOutsideRamme(const std::vector<TalkTherapyAgreement>& agreements, int region, const Quarter& q);

// The ramme reduction of `year`: per region with an agreement in force in the
// year, R = the fixed amount, else the region's spend in `reducing` categories
// in the four quarters before its effective quarter (rows of any year in
// `expenses`); the year is reduced by the quarter parts of R for its quarters
// from the effective one: Σ_q (round(R × q/4) − round(R × (q−1)/4)).
// A missing quarter of the 12 months (no row) is listed in `missing`.
struct TalkTherapyReduction {
  Money total;
  nlohmann::json by_region = nlohmann::json::object();  // region → reduction øre (regions with one)
  nlohmann::json regions = nlohmann::json::array();     // all five, with agreement and basis
  std::vector<std::string> missing;
};
StatusOr<TalkTherapyReduction> ComputeTalkTherapyReduction(const Agreement& agreement, int year,
                                                           const std::vector<ExpenseRow>& expenses,
                                                           const std::set<ExpenseCategory>& reducing);

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
  // 52-week normalisation (H2): "" = the agreement's spend_week_normalisation.
  std::string week_normalisation;
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
