// The claim parser (claims/claim.h) over the built-in agreement: any claims
// file gives parsed lines or a file:line:col error.
#include <cstdint>
#include <string_view>

#include "agreement/agreement.h"
#include "claims/claim.h"
#include "common/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const almen::Agreement* agreement = new almen::Agreement(*almen::Agreement::LoadBuiltin());
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = almen::CsvReader::Open("claims.csv", text);
  if (!r.ok()) return 0;
  auto parser = almen::ClaimParser::ForHeader(*r, *agreement);
  if (!parser.ok()) return 0;
  almen::ClaimLine line;
  for (int n = 0; n < 100000; ++n) {
    auto more = r->Next();
    if (!more.ok() || !*more) break;
    if (!parser->Parse(*r, &line).ok()) break;
    if (line.claim_id.size() > almen::kMaxClaimIdBytes || line.provider < 0 || line.provider > 999999) __builtin_trap();
  }
  return 0;
}
