// expenses.csv (economy/ramme.h ParseExpensesCsv): rows or a file:line:col error.
#include <cstdint>
#include <string_view>

#include "economy/ramme.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)almen::ParseExpensesCsv("expenses.csv", text);
  return 0;
}
