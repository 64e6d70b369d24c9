// The one place where text becomes JSON (common/json_text.h): any bytes in any
// string give valid UTF-8 JSON text, never an exception.
#include <cstdint>
#include <string>

#include "common/csv.h"
#include "common/json_text.h"
#include "common/ydernummer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string s(reinterpret_cast<const char*>(data), size);
  nlohmann::json j = {{"path", s}, {s, {1, s}}};
  const std::string text = almen::JsonText(j);
  if (almen::FindInvalidUtf8(text) != std::string::npos) __builtin_trap();
  if (almen::FindInvalidUtf8(almen::ValidUtf8(s)) != std::string::npos) __builtin_trap();
  const std::string clean = almen::CleanText(s, size % 97);
  if (clean.size() > size % 97 || almen::FindInvalidUtf8(clean) != std::string::npos) __builtin_trap();
  if (auto p = almen::ParseYdernummer(s); p && almen::YdernummerText(*p) != s) __builtin_trap();
  return 0;
}
