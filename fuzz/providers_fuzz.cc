// providers.csv (claims/registry.h): a registry or a file:line:col error.
#include <cstdint>
#include <string_view>

#include "claims/registry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto reg = almen::ProviderRegistry::Parse("providers.csv", text);
  if (reg.ok()) (void)reg->On(123456, almen::Date::FromYmd(2025, 1, 1));
  return 0;
}
