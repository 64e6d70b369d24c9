// sanctions.csv (sanctions/sanctions.h): a register or a file:line:col error;
// on a register, the lookups and the collection plan.
#include <cstdint>
#include <map>
#include <string_view>

#include "sanctions/sanctions.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto reg = almen::SanctionRegister::Parse("sanctions.csv", text);
  if (!reg.ok()) return 0;
  const almen::Date d = almen::Date::FromYmd(2025, 3, 1);
  for (const auto& row : reg->rows()) {
    (void)reg->PaymentStop(row.provider, d);
    (void)reg->EmploymentBan(row.doctor_id, d);
    (void)almen::SanctionReason(row, "{provider} {from} {to} {until} {decided} {doctor} {case}");
    std::map<almen::Month, almen::Money> payable = {{*almen::Month::Parse("2025-03"), almen::Money::FromOre(100000)}};
    (void)reg->Collections(row.provider, payable);
  }
  return 0;
}
