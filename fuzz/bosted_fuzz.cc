// botilbud.csv and attachments.csv together (bosted/register.h): the input is
// split at the first NUL byte into the two files.
#include <cstdint>
#include <string_view>

#include "bosted/register.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view all(reinterpret_cast<const char*>(data), size);
  const size_t nul = all.find('\0');
  std::string_view b = all.substr(0, nul), a = nul == std::string_view::npos ? std::string_view() : all.substr(nul + 1);
  almen::BostedLoadOptions o;
  o.excluded = [](int provider, almen::Date) { return provider == 666666; };
  auto reg = almen::BostedRegister::Parse("botilbud.csv", b, "attachments.csv", a, o);
  if (reg.ok()) (void)reg->SectionsOn(almen::Date::FromYmd(2025, 6, 1));
  return 0;
}
