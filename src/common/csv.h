// CSV reading for every input file of almen (claims, providers, listings, …)
// and the agreement data set.
//
// Accepts UTF-8 with or without a leading BOM, a header row (columns are found
// by name, order free, unknown columns ignored), the `,` or the Danish `;`
// delimiter (chosen from the header row), CRLF or LF, and RFC 4180 quoting
// (quoted fields may hold delimiters, doubled quotes and line breaks). Blank
// lines are skipped.
//
// Errors name the file, the physical line and the 1-based column with its
// header name:  "claims.csv:12:4 (service_date): '2025-13-01' is not a date".
//
// Limits: a header row has at most kMaxCsvColumns columns (more is an error,
// not a slow read); reading the header is linear in its length.
//
// Fields are string_views into the input buffer (or into the reader's scratch
// space for quoted fields with doubled quotes), valid until the next Next().
// The reader does not own the buffer. Not thread safe; one reader per thread.
//
// Example:
//   ALMEN_ASSIGN_OR_RETURN(CsvReader r, CsvReader::Open("claims.csv", text));
//   int code = r.Column("code");
//   while (true) { ALMEN_ASSIGN_OR_RETURN(bool more, r.Next()); if (!more) break; … r.field(code) … }
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"

namespace almen {

// The most columns a header row may have (no input file of almen has more
// than 20; the limit keeps a hostile header from costing time and memory).
inline constexpr size_t kMaxCsvColumns = 4096;

struct CsvNameHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

struct CsvHeader {
  std::string file_label;
  char delimiter = ',';
  std::vector<std::string> names;
  // name -> first column with that name (non-empty names), built by Open.
  std::unordered_map<std::string, int, CsvNameHash, std::equal_to<>> index;
  int Column(std::string_view name) const;
};

class CsvReader {
 public:
  // Parses the header row of `data`. Empty input or a missing header is an error.
  static StatusOr<CsvReader> Open(std::string file_label, std::string_view data);
  // A reader for a slice of the same file that starts at a record boundary
  // (used to parse one file on several threads). `first_line` is the physical
  // line number of the slice's first byte.
  static CsvReader ForSlice(std::shared_ptr<const CsvHeader> header, std::string_view slice,
                            int64_t first_line);

  const CsvHeader& header() const { return *header_; }
  std::shared_ptr<const CsvHeader> shared_header() const { return header_; }
  int Column(std::string_view name) const { return header_->Column(name); }
  // An error listing every required column that the header lacks.
  Status RequireColumns(std::initializer_list<std::string_view> names) const;
  // Offset in the original buffer of the first data byte (after the header).
  size_t body_offset() const { return pos_; }
  int64_t body_first_line() const { return line_; }

  // Advances to the next record. false at end of input.
  StatusOr<bool> Next();
  std::string_view field(int column) const {
    return column >= 0 && static_cast<size_t>(column) < fields_.size() ? fields_[static_cast<size_t>(column)]
                                                                     : std::string_view();
  }
  size_t field_count() const { return fields_.size(); }
  int64_t line() const { return record_line_; }
  // Byte offset of the current record in the reader's buffer.
  size_t record_offset() const { return record_start_; }

  // "file:line:col (name): message" for the current record.
  Status FieldError(int column, std::string_view message) const;
  Status RecordError(std::string_view message) const;

 private:
  CsvReader() = default;
  Status ValidateUtf8() const;

  std::shared_ptr<const CsvHeader> header_;
  std::string_view data_;
  size_t pos_ = 0;
  int64_t line_ = 1;         // physical line of pos_
  int64_t record_line_ = 0;  // line where the current record starts
  size_t record_start_ = 0;
  std::vector<std::string_view> fields_;
  std::vector<std::unique_ptr<std::string>> scratch_;
  size_t scratch_used_ = 0;
};

// Returns the offset of the first invalid UTF-8 byte in `s`, or npos.
size_t FindInvalidUtf8(std::string_view s);

// Quotes a field for CSV output when it needs it (delimiter, quote, CR/LF).
void AppendCsvField(std::string& out, std::string_view field, char delimiter = ',');
// The same at `out`, which has room for 2·size + 2 bytes; returns the end written.
char* PutCsvField(char* out, std::string_view field, char delimiter = ',');

}  // namespace almen
