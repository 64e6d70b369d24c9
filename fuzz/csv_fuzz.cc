// The CSV reader every input file goes through (common/csv.h): any bytes give
// records or a file:line:col error, never a crash, a hang or a read out of
// bounds; a quoted field written back reads the same.
#include <cstdint>
#include <string>
#include <string_view>

#include "common/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = almen::CsvReader::Open("fuzz.csv", text);
  if (!r.ok()) return 0;
  (void)r->Column("claim_id");
  (void)r->RequireColumns({"a", "b"});
  int64_t records = 0;
  while (records < 100000) {
    auto more = r->Next();
    if (!more.ok() || !*more) break;
    ++records;
    for (size_t i = 0; i < r->field_count(); ++i) {
      std::string_view f = r->field(static_cast<int>(i));
      if (f.size() > 64) continue;
      // Round trip of one field through the writer and the reader.
      std::string row = "x\n";
      almen::AppendCsvField(row, f);
      row += "\n";
      auto back = almen::CsvReader::Open("rt.csv", row);
      if (!back.ok()) continue;
      auto got = back->Next();
      if (got.ok() && *got && back->field_count() == 1 && !f.empty() && f.find_first_of("\r\n") == std::string_view::npos &&
          back->field(0) != f && f.front() != ' ' && f.back() != ' ' && f.front() != '\t' && f.back() != '\t')
        __builtin_trap();
    }
  }
  return 0;
}
