// Rule kinds of the settlement engine (agreement.md §C).
//
// The agreement data (rules.csv) holds rule INSTANCES: an id, a kind, its
// parameters, a validity period, the paragraph and a Danish reason. This file
// holds the KINDS, i.e. the C++ that knows what "not_with_in_contact" means.
// CompileRules turns the rows into typed, validated structures once per run;
// an unknown kind or a missing/bad parameter is an error naming the row.
//
// Kinds:
//   duplicate_claim, cpr_malformed, unknown_provider, no_fee_on_date
//       line-level checks every line passes through (ids from the data).
//   code_abolished {code}                     the code is no longer paid.
//   not_in_setting {code, setting}            the code is not paid in the setting.
//   staff_only_for_indications {code, indications}
//                                             clinic staff may perform the code only
//                                             for these indications.
//   not_with_in_contact {code, other_codes|other_categories, reject=self|other}
//                                             the code and the others in one contact:
//                                             reject the code (self) or the others.
//   home_no_visit_fee {code, setting, other_categories, mileage_code?}
//                                             the code at home: visit fees in the
//                                             contact are not paid; the line's `km` is
//                                             paid at the mileage code's rate unless
//                                             the contact holds a line of that code.
//   review_with_categories {code, other_categories, except_codes, except_indications?}
//                                             the others with a paid code in the contact
//                                             are paid but flagged `review`; except_codes
//                                             are exempt (only where the paid code's
//                                             indication is one of except_indications,
//                                             when given).
//   once_per_patient {code, indication, outcome=reject|review}
//                                             first by date per patient is paid; a later
//                                             one is rejected or (review) paid and flagged.
//   max_per_patient_year {code, indication, max}
//                                             at most `max` per patient per calendar year.
//   once_per_course {code, indication}        first per patient and course_id.
//   chronic_enrolment {outcome, codes}        12-month enrolment (C4); outcomes
//                                             enrol, already_enrolled, enrolled_elsewhere.
//   bosted_fixed_doctor_visit {visit_code, other_categories}
//                                             C5: the fixed doctor bills 0491 on its botilbud.
//   following_patient {code, visit_categories, settings, outcome}
//                                             C5 and § 68 stk. 1: a doctor's visits at one
//                                             place on one day (a trip). outcome
//                                             visit_rejected: the visit fee of a patient
//                                             billed `code` (0102: the following patient)
//                                             is not paid; no_first_visit: `code` with no
//                                             paid visit fee for another patient on the
//                                             trip is paid and flagged review;
//                                             several_visits: several visit fees on one
//                                             trip without `code` are flagged review.
//   sanction_payment_stop {kind=d|e}          the reason for lines stopped by an LSU
//                                             suspension (d) / exclusion (e), § 114 stk. 2
//                                             (sanctions/sanctions.h).
#pragma once

#include <array>
#include <map>
#include <string>
#include <vector>

#include "agreement/agreement.h"
#include "claims/claim.h"
#include "common/status.h"

namespace almen {

// A set of fee categories as bits.
using CategoryMask = uint32_t;
inline CategoryMask Bit(FeeCategory c) { return CategoryMask{1} << static_cast<unsigned>(c); }

struct CodeSet {
  std::vector<int> codes;
  bool Has(int c) const {
    for (int x : codes)
      if (x == c) return true;
    return false;
  }
};

struct ContactRule {  // not_with_in_contact
  const RuleRow* row;
  int code;
  CodeSet other_codes;
  CategoryMask other_categories = 0;
  bool reject_self = true;
};
struct SettingRule {  // not_in_setting
  const RuleRow* row;
  int code;
  Setting setting;
};
struct StaffRule {  // staff_only_for_indications
  const RuleRow* row;
  int code;
  std::vector<Indication> allowed;
};
struct AbolishedRule {
  const RuleRow* row;
  int code;
};
struct HomeRule {  // home_no_visit_fee
  const RuleRow* row;
  int code;
  Setting setting;
  CategoryMask other_categories = 0;
  int mileage_code = 0;  // 0: no mileage on the line itself
};
struct ReviewRule {  // review_with_categories
  const RuleRow* row;
  int code;
  CategoryMask other_categories = 0;
  CodeSet except_codes;
  uint16_t except_indications = 0;  // bits (1 << Indication); 0 = the exception always holds
};
enum class PatientRuleKind : uint8_t { kOncePerPatient, kMaxPerYear, kOncePerCourse };
struct PatientRule {
  const RuleRow* row;
  PatientRuleKind kind;
  int code;
  Indication indication;
  int max = 1;
  bool review = false;  // once_per_patient outcome=review: paid and flagged instead of rejected
};
struct SettingSet {
  uint8_t bits = 0;
  bool Has(Setting s) const { return (bits >> static_cast<unsigned>(s)) & 1u; }
};
// following_patient (§ 68 stk. 1, C5): visit trips.
struct TripRules {
  int code = 0;                      // 0102
  CategoryMask visit_categories = 0; // the visit fees
  SettingSet settings;               // where trips are judged (home, botilbud)
  SettingSet several_settings;       // where several visit fees on one trip are flagged (botilbud)
  const RuleRow* visit_rejected = nullptr;
  const RuleRow* no_first_visit = nullptr;
  const RuleRow* several_visits = nullptr;
  bool any() const { return visit_rejected || no_first_visit || several_visits; }
};

struct CompiledRules {
  const RuleRow* duplicate = nullptr;
  const RuleRow* cpr_malformed = nullptr;
  const RuleRow* unknown_provider = nullptr;
  const RuleRow* no_fee = nullptr;
  std::vector<AbolishedRule> abolished;
  std::vector<SettingRule> settings;
  std::vector<StaffRule> staff;
  std::vector<ContactRule> contact;
  std::vector<HomeRule> home;
  std::vector<ReviewRule> review;
  std::vector<PatientRule> patient;
  // chronic_enrolment
  CodeSet chronic_codes;
  const RuleRow* chronic_enrol = nullptr;
  const RuleRow* chronic_already = nullptr;
  const RuleRow* chronic_elsewhere = nullptr;
  // bosted_fixed_doctor_visit {visit_code, other_categories}: the fixed doctor
  // of a botilbud bills visits there with visit_code (C5).
  const RuleRow* bosted_fixed_visit = nullptr;
  int bosted_visit_code = 0;
  CategoryMask bosted_visit_categories = 0;
  TripRules trip;
  // sanction_payment_stop: kind=d (suspended) and kind=e (excluded).
  const RuleRow* sanction_suspended = nullptr;
  const RuleRow* sanction_excluded = nullptr;
  // Codes whose lines are resolved between the passes (contact rules with
  // reject=self, patient rules, the contact "paid" flags).
  CodeSet event_codes;
  // What a contact must be remembered for in pass 1: the "other" side of the
  // contact rules that reject the event code itself (child exams, 0121, …),
  // and the mileage code of the home rule.
  CategoryMask trigger_categories = 0;
  CodeSet trigger_codes;
  bool IsTrigger(int code, FeeCategory category) const {
    return (trigger_categories & Bit(category)) != 0 || trigger_codes.Has(code);
  }
  // Codes watched in contacts (at most 8): their presence and paid-ness are bits.
  std::vector<int> watched_codes;
  int WatchedIndex(int code) const {
    for (size_t i = 0; i < watched_codes.size(); ++i)
      if (watched_codes[i] == code) return static_cast<int>(i);
    return -1;
  }
};

StatusOr<CompiledRules> CompileRules(const Agreement& agreement);
// Compiles the rules and checks that the parameters the engine needs exist.
Status CheckRules(const Agreement& agreement);

// Fills {placeholders} of a rule's Danish reason.
std::string Explain(const RuleRow& row, const std::vector<std::pair<std::string_view, std::string>>& vars);

}  // namespace almen
