// Risk indicators of post-payment control (efterkontrol; docs/control.md).
//
// For every clinic in scope and a period of service months, eight indicators
// are computed from the ledger and the line store and compared with the
// clinic's peers (same region, clinic type and LTO or not; a group smaller
// than Settings::min_peers widens to region and type, then region, then the
// whole scope):
//
//   fee_per_patient      paid service and chronic fees per standardised patient-year (øre)
//   annual_status        0120 lines per standardised patient-year (by indication in `detail`)
//   home_visits          sick visits (fee category sick_visit) per standardised patient-year
//   review_rate          0120 contacts with add-ons/lab sent to review (`review_with_categories`
//                        rules) per paid 0120 line
//   rejection_rate       rejected lines per line
//   late_bills           lines uploaded more than Settings::late_days after their service date
//   same_day_elsewhere   patient-days with event lines on which the patient also has a paid
//                        event line at another clinic (ledger_events: event lines only)
//   unusual_combinations contacts holding a pair of codes that is rare in the scope
//                        (billed together in fewer than Settings::rare_pair_ppm of contacts)
//
// Standardisation (per-patient indicators) is the højestegrænse's (economy/
// ceiling.h): the clinic's listed patients on the first of each month, by the
// age/sex groups and relative weights of the agreement data; a rate is per
// *weighted* patient-year, W = Σ_months Σ_g n_g × w_g / 12, so a clinic of
// old patients is compared with what its age mix leads one to expect. Shares
// (review, rejections, late, same day, combinations) are of the clinic's own
// lines and are not standardised.
//
// Peers: the distribution of the other clinics' values (nearest rank: p10,
// p25, median, p75, p90), the clinic's percentile among them (mid-rank, in
// tenths of a per cent) and a robust z = (value − median) / (1,4826 × MAD),
// with MAD floored at a tenth of the median (and a small unit) so a flat peer
// group does not turn noise into risk. An indicator is *flagged* when z ≥
// Settings::z_flag, the percentile ≥ Settings::percentile_flag, its support
// (patients, lines, contacts) ≥ Settings::min_support and something is at
// stake. Materiality (at_stake_ore): the kroner that would be wrong if the
// indicator is what it looks like, the excess over the peer median priced at
// the clinic's own lines (docs/control.md has each formula).
//
// Fixed-point only: values are int64 (øre, or millionths), divisions round
// half away from zero (RoundDiv). Pure functions; thread safe.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/date.h"

namespace almen::control {

// The audit method's settings (not agreement data: they are the controller's
// choice, given per request).
struct Settings {
  int min_peers = 5;                // clinics in a peer group before it widens
  int late_days = 90;               // a line uploaded more days after its service date is late
  int64_t z_flag_milli = 2000;      // robust z (thousandths) from which an indicator is flagged
  int64_t percentile_flag = 900;    // … and percentile (tenths of a per cent)
  int64_t z_cap_milli = 10000;      // the most one indicator adds to the score
  int64_t min_support = 20;         // patients, lines or contacts below which nothing is flagged
  int64_t rare_pair_ppm = 10000;    // a code pair in < 1 % of the scope's contacts is rare
};

// persisted by name (the API, control_cases.risk_json): do not rename.
enum class IndicatorId : uint8_t {
  kFeePerPatient,
  kAnnualStatus,
  kHomeVisits,
  kReviewRate,
  kRejectionRate,
  kLateBills,
  kSameDayElsewhere,
  kUnusualCombinations,
};
inline constexpr int kIndicators = 8;
std::string_view IndicatorName(IndicatorId id);  // "annual_status"
std::string_view IndicatorDa(IndicatorId id);    // "Årsstatus (0120) pr. patient"
std::optional<IndicatorId> ParseIndicator(std::string_view s);
// "ore_per_patient_year" | "per_patient_year" (millionths) | "share" (millionths)
std::string_view IndicatorUnit(IndicatorId id);

struct ClinicInfo {
  int provider = 0;
  std::string name, region, clinic_type;
  bool lto = false;
};

// A code pair billed together in one contact: codes a < b as a * 10000 + b.
struct PairCount {
  int64_t contacts = 0, amount_ore = 0;
};

struct IndicationCount {
  int64_t lines = 0, patients = 0, amount_ore = 0;
};

// What the ledger, the line store and the registers hold of one clinic in the
// period (control/load.h fills it; tests build it by hand).
struct ClinicActivity {
  int64_t patient_months = 0;       // listed on the first of each month
  int64_t weighted_months_ppm = 0;  // Σ patient-months × group weight (millionths)
  int64_t paid_ore = 0;             // service + chronic_fee (ledger balances)
  int64_t annual_status_lines = 0, annual_status_ore = 0;  // 0120 (balances)
  int64_t annual_status_patients = 0;                      // distinct patients with a paid 0120
  std::map<int, IndicationCount> by_indication;            // 0120 by claims Indication
  int64_t home_visit_lines = 0, home_visit_ore = 0;        // sick_visit codes (balances)
  int64_t lines = 0, rejected_lines = 0;                   // every stored line, as it is now
  int64_t review_lines = 0, review_ore = 0;                // 0120 add-on review lines
  int64_t late_lines = 0, late_ore = 0;
  int64_t contacts = 0;                                    // contacts with a paid line
  absl::flat_hash_map<uint32_t, PairCount> pairs;          // paid code pairs per contact
  int64_t patient_days = 0, shared_patient_days = 0, shared_lines = 0, shared_ore = 0;
};

struct ControlData {
  Month from{0}, to{0};  // service months, inclusive
  std::vector<ClinicInfo> clinics;
  std::map<int, ClinicActivity> activity;  // by provider (a clinic without activity has none)
};

struct PeerStats {
  int64_t n = 0;
  int64_t p10 = 0, p25 = 0, median = 0, p75 = 0, p90 = 0;
};

struct IndicatorResult {
  IndicatorId id = IndicatorId::kFeePerPatient;
  bool available = false;     // the clinic has a denominator (listed patients, lines, …)
  int64_t value = 0;          // in IndicatorUnit
  int64_t numerator = 0, denominator = 0, support = 0;
  int64_t amount_ore = 0;     // the money behind the numerator
  PeerStats peers;
  bool compared = false;      // enough peers had a value
  int64_t percentile_tenths = 0;  // 0..1000
  int64_t z_milli = 0;
  bool flagged = false;
  int64_t at_stake_ore = 0;   // materiality (≥ 0)
  int64_t points_tenths = 0;  // what it adds to the risk score
  nlohmann::json detail = nlohmann::json::object();
};

struct PeerGroup {
  std::string level;  // region_type_lto | region_type | region | scope
  std::string region, clinic_type;
  bool lto = false;
  int64_t clinics = 0;  // in the group, the clinic included
};

struct ClinicRisk {
  ClinicInfo clinic;
  PeerGroup group;
  int64_t listed_patients = 0;        // average listed on the first of the months
  int64_t weighted_patients_milli = 0;  // W in thousandths of a patient-year
  int64_t paid_ore = 0;
  std::array<IndicatorResult, kIndicators> indicators;
  int64_t score_tenths = 0;     // Σ points of the flagged indicators
  int64_t materiality_ore = 0;  // Σ at stake of the flagged indicators (an upper bound when they overlap)
  std::vector<IndicatorId> reasons;  // flagged indicators, most points first
  int64_t rank_in_region = 0;   // 1 = highest risk in its region
};

// Computes every clinic's indicators, peer comparison, score and rank (by
// score, then materiality, then provider), sorted by region and rank.
std::vector<ClinicRisk> ComputeRisk(const ControlData& data, const Settings& settings);

nlohmann::json IndicatorJson(const IndicatorResult& r);
nlohmann::json ClinicRiskJson(const ClinicRisk& r);
// One Danish sentence per reason for exports ("Årsstatus (0120) pr. patient:
// 2,35 mod 0,41 hos sammenlignelige klinikker (97. percentil); 12.345,67 kr. i spil.").
std::string ReasonDa(const IndicatorResult& r);
// "1,23 kr." / "2,35" / "12,5 %" by the indicator's unit.
std::string ValueDa(IndicatorId id, int64_t value);

// Pair key helpers.
inline uint32_t PairKey(int a, int b) {
  return a < b ? static_cast<uint32_t>(a * 10000 + b) : static_cast<uint32_t>(b * 10000 + a);
}
std::string PairText(uint32_t key);  // "0101+2101"

}  // namespace almen::control
