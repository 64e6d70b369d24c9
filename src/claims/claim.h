// One line of claims.csv (spec/interfaces.md), parsed in place.
//
// ClaimParser finds the columns by header name once, then parses each record
// of a CsvReader into a ClaimLine whose string fields are views into the
// reader's buffer (valid until the reader moves on). Every structural problem
// is a Status naming file:line:col (column name) — the whole file is then bad
// input. A malformed CPR is NOT such an error: it is a business rejection of
// that line, so ClaimLine carries the CprResult for the rules to decide.
//
// Field lengths: claim_id, contact_id, course_id and botilbud_id are at most
// kMaxClaimIdBytes bytes (a longer one is a structural error: the file is
// refused and nothing is paid; the claim id is a key of the duplicate check
// and is stored with every line).
#pragma once

#include <cstdint>
#include <string_view>

#include "agreement/agreement.h"
#include "claims/cpr.h"
#include "common/csv.h"
#include "common/date.h"
#include "common/status.h"

namespace almen {

// persisted in the settlement store: do not renumber.
enum class Setting : uint8_t { kClinic, kHome, kVideo, kPhone, kEmail, kOutOfHours, kBotilbud };
enum class Performer : uint8_t { kDoctor, kStaff };
enum class Indication : uint8_t {
  kNone,
  kChronicProgramme,
  kHypertension,
  kThyroid,
  kOsteoporosis,
  kChronicRisk,
  kDementia,
  kAddiction,
  kOther
};

std::optional<Setting> ParseSetting(std::string_view s);
std::optional<Indication> ParseIndication(std::string_view s);
std::string_view SettingName(Setting s);
std::string_view IndicationName(Indication i);

struct ClaimLine {
  std::string_view claim_id, provider_text, service_date_text, code_text, contact_id, course_id;
  std::string_view botilbud_id;  // optional extension column: the botilbud visited (C5)
  int provider = 0;  // ydernummer as a number (6 digits)
  int code = 0;      // 0..9999
  Date service_date;
  int32_t quantity = 1;
  Performer performer = Performer::kDoctor;
  Setting setting = Setting::kClinic;
  Indication indication = Indication::kNone;
  int32_t minutes = 0, km = 0;
  CprResult cpr;
  // The last service date parsed into this line and its text: in arrival
  // order most lines share the day of the line before (ClaimParser::Parse).
  bool last_date_set = false;
  char last_date_text[10] = {};
  Date last_date;
};

inline constexpr size_t kMaxClaimIdBytes = 64;

class ClaimParser {
 public:
  // REQUIRES: the header of `reader` (checked: the required columns exist).
  static StatusOr<ClaimParser> ForHeader(const CsvReader& reader, const Agreement& agreement);
  // parse_cpr=false leaves line->cpr untouched (for a second pass over lines
  // whose CPRs were already checked).
  Status Parse(const CsvReader& reader, ClaimLine* line, bool parse_cpr = true) const;
  // Only the CPR of the current record, for a line parsed with parse_cpr=false.
  void ParseCprOf(const CsvReader& reader, ClaimLine* line) const;
  // The 10 digits of the current record's CPR (the dash left out) into
  // `digits`, without checking them: for a record whose CPR ParseCprOf has
  // found well-formed before. False when the field has neither CPR length.
  bool CprDigitsOf(const CsvReader& reader, char* digits) const;

 private:
  const Agreement* agreement_ = nullptr;
  int c_claim_id_, c_provider_, c_cpr_, c_date_, c_code_, c_quantity_, c_contact_, c_performer_, c_setting_,
      c_indication_, c_course_, c_minutes_, c_km_, c_botilbud_;
};

// Strict non-negative integer of at most 9 digits; nullopt otherwise.
std::optional<int32_t> ParseSmallUint(std::string_view s);

}  // namespace almen
