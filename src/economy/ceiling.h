// Højestegrænse (agreement.md §F, OK25 pkt. 5.2, overenskomstens § 93), quality
// payments (B5, pkt. 5.8) and the offset plan applied to statements (B2).
//
// Højestegrænse, per clinic and settlement year (docs/economy.md §4):
//   cost_i      = Σ statements.csv amounts of the clinic in the year whose item is
//                 in `ceiling_cost_items` (service;chronic_fee), minus service codes in
//                 `ceiling_excluded_codes` (profylakse 8100-8999, 2102): the activity
//                 the ramme counts, without the fixed basishonorar.
//   n_ig        = patient-months of the clinic's listed patients in age/sex group g
//                 (listed on the first day of each month of the year; age on that day,
//                 sex and birth date from the CPR, which is never kept).
//   W_i         = Σ_g n_ig × w_g, w_g the group's relative cost weight (Ppm).
//   reference   = the region's or the country's clinics (parameter / --reference):
//                 A_ref = Σ cost, W_ref = Σ W. The reference cost per patient-month of
//                 group g is c_g = w_g × A_ref / W_ref, so Σ expected = Σ actual.
//   expected_i  = Σ_g n_ig × c_g = A_ref × W_i / W_ref              (indirect standardisation)
//   ratio_i     = cost_i / expected_i = cost_i × W_ref / (A_ref × W_i)   (exact rational)
//   above       ⇔ ratio_i > 1 + threshold  (20 % from settlement year 2025, 25 % before;
//                 "more than": exactly 20 % is not above), compared exactly in 128 bits.
//   ceiling_i   = round_half_away(A_ref × W_i × (1 + threshold) / W_ref)
//   clawback_i  = cost_i − ceiling_i, booked as a negative `ceiling_clawback` row.
// A clinic above the limit that held a botilbud attachment in the year (§D, note to
// § 93 stk. 4) gets a concrete assessment: no ceiling until a decision is recorded;
// exempt → no ceiling; not exempt → ceiling and clawback.
//
// Money is øre; no floating point; every division rounds half away from zero
// (RoundDiv). Thread safety: pure functions over values.
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
#include "claims/cpr.h"
#include "common/date.h"
#include "common/decimal.h"
#include "common/money.h"
#include "common/status.h"

namespace almen {

// ---- Inputs -------------------------------------------------------------------------

// One row of statements.csv (provider, month, item, code, count, amount_ore).
struct CeilingStatementRow {
  int provider = 0;
  Month month;
  std::string item;  // service | chronic_fee | basishonorar | bosted_honorarium | offset | ceiling_clawback
  int code = -1;     // -1: no code
  int64_t count = 0;
  Money amount;
};
StatusOr<std::vector<CeilingStatementRow>> ParseCeilingStatementsCsv(const std::string& label, std::string_view text);
// statements.csv text, sorted by provider, month, item (interfaces.md order), code.
std::string CeilingStatementsToCsv(std::vector<CeilingStatementRow> rows);

// An age/sex group of the standardisation table (parameters ceiling_age_groups,
// ceiling_weights_female, ceiling_weights_male).
struct CeilingAgeSexGroup {
  Sex sex = Sex::kFemale;
  int age_from = 0;
  int age_to = 200;  // exclusive
  Ppm weight;
  std::string label;  // "K 0-4", "M 85+"
};
StatusOr<std::vector<CeilingAgeSexGroup>> LoadCeilingGroups(const Agreement& agreement, int year);
// Index of the group of (sex, age), or -1.
int CeilingGroupOf(const std::vector<CeilingAgeSexGroup>& groups, Sex sex, int age);

// Patient-months per provider and group, from listings.csv
// (provider, cpr, listed_from, listed_to). Malformed rows are bad input (the
// message never repeats a CPR). Listings of other years simply do not count.
using CeilingPopulation = std::map<int, std::vector<int64_t>>;
StatusOr<CeilingPopulation> CeilingPopulationFromListings(const std::string& label, std::string_view text, int year,
                                                          const std::vector<CeilingAgeSexGroup>& groups);

// The CPR-free listing profile of `year` (what the server stores instead of
// listings.csv): per provider and month (index 0..11), the patients listed on
// the month's first day per group (as CeilingPopulationFromListings counts
// them: Σ over the months = the population), and all patients listed on that
// day (as QualityListedOn counts them). Counts only: no CPR, no birth date.
struct ListingProfile {
  std::map<int, std::vector<std::vector<int64_t>>> patients;  // provider → [month][group]
  std::map<int, std::vector<int64_t>> listed;                  // provider → [month]
};
StatusOr<ListingProfile> ListingProfileFromListings(const std::string& label, std::string_view text, int year,
                                                    const std::vector<CeilingAgeSexGroup>& groups);
// Adds one listing [from, to) of a patient born `birth` (the CPR-free listings
// register of the ledger) to the profile of `year`.
void AddListingToProfile(ListingProfile* profile, int provider, Date birth, Sex sex, Date from, Date to, int year,
                         const std::vector<CeilingAgeSexGroup>& groups);

// Providers that held a botilbud attachment at some time in `year`
// (attachments.csv: botilbud_id, section, provider, from_date, to_date).
StatusOr<std::set<int>> ParseCeilingAttachments(const std::string& label, std::string_view text, int year);

// A recorded decision on a concrete assessment (decisions.csv:
// provider, year, exempt (0|1), reason, decided_by, decided).
struct CeilingDecision {
  int provider = 0;
  int year = 0;
  bool exempt = false;
  std::string reason, decided_by;
  Date decided;
};
StatusOr<std::vector<CeilingDecision>> ParseCeilingDecisions(const std::string& label, std::string_view text);

// Region code ("1081".."1085") of each provider valid at some time in `year`,
// from providers.csv (municipality → region, data/municipalities.csv).
struct CeilingClinicInfo {
  std::string name, municipality_code, region_code;
};
StatusOr<std::map<int, CeilingClinicInfo>> ParseCeilingProviders(const std::string& label, std::string_view text,
                                                                 int year);
// Region code of a municipality code ("0101" → "1084"), "" if unknown.
std::string CeilingRegionOfMunicipality(std::string_view municipality_code);
std::string CeilingRegionName(std::string_view region_code);

struct CeilingInput {
  int year = 2025;
  std::vector<CeilingStatementRow> statements;
  CeilingPopulation population;                     // per provider, per group (LoadCeilingGroups order)
  std::map<int, CeilingClinicInfo> clinics;          // optional: needed for reference = region
  std::optional<std::set<int>> bosted_providers;     // nullopt: no attachments file given
  std::vector<CeilingDecision> decisions;
  std::string reference;                             // "" = parameter ceiling_reference; region | country
};

// ---- Result -------------------------------------------------------------------------

struct CeilingClinicResult {
  int provider = 0;
  std::string region;
  Money cost;
  int64_t patient_months = 0;
  Money expected;           // rounded for display; decisions use the exact rational
  int64_t ratio_ppm = 0;    // cost/expected in millionths, rounded
  std::string deviation_pct;  // (ratio − 1) × 100, 2 decimals, "20.10"
  bool above = false;       // ratio > 1 + threshold
  bool bosted = false;      // held a botilbud attachment in the year
  // within | ceiling | assessment_pending | exempt | no_patients
  std::string status;
  Money ceiling;            // the allowed cost (0 when no ceiling is set)
  Money clawback;           // cost above the ceiling (≥ 0)
  std::optional<Month> clawback_month;
  std::optional<CeilingDecision> decision;
};

struct CeilingResult {
  int year = 0;
  std::string reference;    // region | country
  Ppm threshold;            // 0.20 or 0.25
  Month clawback_month;     // default booking month
  std::vector<CeilingAgeSexGroup> groups;
  // reference cost per patient-year of each group, per reference area ("country" or region code)
  std::map<std::string, std::vector<Money>> reference_cost_per_year;
  std::map<std::string, Money> reference_cost;          // A_ref per area
  std::vector<CeilingClinicResult> clinics;             // by provider
  std::vector<std::string> warnings;
};

StatusOr<CeilingResult> ComputeCeilings(const Agreement& agreement, const CeilingInput& input);
nlohmann::json CeilingResultToJson(const CeilingResult& r);
// ceilings.csv: one row per clinic.
std::string CeilingsToCsv(const CeilingResult& r);
// The negative `ceiling_clawback` statement rows of the clinics with a ceiling.
std::vector<CeilingStatementRow> CeilingClawbackRows(const CeilingResult& r);

// ---- Quality payments (B5, pkt. 5.8) ------------------------------------------------

// clusters.csv: provider, cluster_id, from, to (empty to = open).
struct QualityClusterRow {
  int provider = 0;
  std::string cluster_id;
  Period period;
};
StatusOr<std::vector<QualityClusterRow>> ParseQualityClusters(const std::string& label, std::string_view text);

struct QualityInput {
  int year = 2025;
  std::map<int, int64_t> listed;              // patients listed per provider on the count date
  std::map<int, CeilingClinicInfo> clinics;   // provider → region
  std::vector<QualityClusterRow> clusters;    // empty: no clinic in a cluster
  std::map<std::string, int64_t> insured;     // optional: insured per region (else = listed)
};
// Patients listed per provider on `on` (listings.csv).
StatusOr<std::map<int, int64_t>> QualityListedOn(const std::string& label, std::string_view text, Date on);
StatusOr<nlohmann::json> ComputeQualityPayments(const Agreement& agreement, const QualityInput& input);

// Largest-remainder apportionment of `total` over non-negative weights (ties to
// the lower index; all-zero weights give zeros). The parts add up to `total`.
std::vector<int64_t> CeilingApportion(int64_t total, const std::vector<int64_t>& weights);

}  // namespace almen
