// CPR numbers (agreement.md §E, facts.md "CPR numbers").
//
// ParseCpr checks the shape (DDMMYYSSSS or DDMMYY-SSSS), derives the birth
// date with the official century rule from the 7th digit, and the sex from
// the last digit (odd = male). The modulus-11 check is NOT applied (not
// required since 2007). Substitute numbers (erstatningspersonnummer) with the
// day + 60 are accepted. Only malformed numbers are refused, with a reason
// that never repeats the number itself.
//
// The clear digits live only in the caller's buffer for the duration of the
// call that pseudonymises them (common/crypto.h); nothing here stores them.
#pragma once

#include <optional>
#include <string_view>

#include "common/date.h"

namespace almen {

enum class Sex : uint8_t { kFemale = 0, kMale = 1 };  // persisted: do not renumber

struct CprInfo {
  char digits[10];  // the 10 digits without dash: pass to Pseudonymizer::Of, then discard
  Date birth_date;
  Sex sex = Sex::kFemale;
  bool substitute = false;
};

struct CprResult {
  std::optional<CprInfo> info;
  std::string_view error;  // Danish reason fragment when malformed
};

CprResult ParseCpr(std::string_view text);

// Age in whole years on `on` (birthday counts from the day itself).
int AgeOn(Date birth, Date on);

}  // namespace almen
