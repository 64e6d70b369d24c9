#include "common/csv.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "common/csv_blocks.h"

namespace almen {

namespace {

#if defined(__SSE2__)
constexpr size_t kCsvBlock = 16;
inline CsvBlockMasks CsvMasks(const char* p, char delim) { return CsvMasks16(p, delim); }
#else
constexpr size_t kCsvBlock = 8;  // WebAssembly
inline CsvBlockMasks CsvMasks(const char* p, char delim) { return CsvMasks8(p, delim); }
#endif

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return std::string(s.substr(b, e - b));
}
}  // namespace

size_t FindInvalidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size(), i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c < 0x80) { ++i; continue; }
    size_t len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
    else return i;
    if (i + len > n) return i;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return i;
    i += len;
  }
  return std::string_view::npos;
}

int CsvHeader::Column(std::string_view name) const {
  if (!index.empty() || names.empty()) {
    auto it = index.find(name);
    return it == index.end() ? -1 : it->second;
  }
  // A header built by hand (tests): no index.
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<int>(i);
  return -1;
}

StatusOr<CsvReader> CsvReader::Open(std::string file_label, std::string_view data) {
  auto header = std::make_shared<CsvHeader>();
  header->file_label = std::move(file_label);
  CsvReader r;
  r.data_ = data;
  if (data.size() >= 3 && static_cast<unsigned char>(data[0]) == 0xEF &&
      static_cast<unsigned char>(data[1]) == 0xBB && static_cast<unsigned char>(data[2]) == 0xBF)
    r.pos_ = 3;
  // Skip leading blank lines.
  while (r.pos_ < data.size() && (data[r.pos_] == '\n' || data[r.pos_] == '\r')) {
    if (data[r.pos_] == '\n') ++r.line_;
    ++r.pos_;
  }
  if (r.pos_ >= data.size())
    return InvalidInput(header->file_label + ":1:1: the file is empty; a header row is required");
  // Delimiter: whichever of ',' and ';' occurs more often outside quotes in the header line.
  size_t commas = 0, semis = 0;
  bool q = false;
  for (size_t i = r.pos_; i < data.size() && (q || data[i] != '\n'); ++i) {
    if (data[i] == '"') q = !q;
    else if (!q && data[i] == ',') ++commas;
    else if (!q && data[i] == ';') ++semis;
  }
  header->delimiter = semis > commas ? ';' : ',';
  r.header_ = header;
  auto more = r.Next();
  if (!more.ok()) return more.status();
  if (r.fields_.size() > kMaxCsvColumns)
    return InvalidInput(header->file_label + ":" + std::to_string(r.record_line_) + ":1: overskriftsrækken har " +
                        std::to_string(r.fields_.size()) + " kolonner; højst " + std::to_string(kMaxCsvColumns) +
                        " er tilladt");
  header->names.reserve(r.fields_.size());
  header->index.reserve(r.fields_.size());
  for (size_t i = 0; i < r.fields_.size(); ++i) {
    std::string name = Trim(r.fields_[i]);
    for (char& c : name)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    // Duplicates are found through the index: linear in the number of columns.
    if (!name.empty() && !header->index.emplace(name, static_cast<int>(i)).second)
      return InvalidInput(header->file_label + ":" + std::to_string(r.record_line_) + ":" + std::to_string(i + 1) +
                          ": column '" + name + "' appears twice in the header");
    header->names.push_back(std::move(name));
  }
  return r;
}

CsvReader CsvReader::ForSlice(std::shared_ptr<const CsvHeader> header, std::string_view slice, int64_t first_line) {
  CsvReader r;
  r.header_ = std::move(header);
  r.data_ = slice;
  r.line_ = first_line;
  return r;
}

Status CsvReader::RequireColumns(std::initializer_list<std::string_view> names) const {
  std::string missing;
  for (auto n : names)
    if (Column(n) < 0) missing += (missing.empty() ? "" : ", ") + std::string(n);
  if (missing.empty()) return Status::Ok();
  return InvalidInput(header_->file_label + ":1:1: required column(s) missing from the header: " + missing);
}

Status CsvReader::FieldError(int column, std::string_view message) const {
  std::string name = column >= 0 && static_cast<size_t>(column) < header_->names.size()
                         ? header_->names[static_cast<size_t>(column)]
                         : std::string("?");
  return InvalidInput(header_->file_label + ":" + std::to_string(record_line_) + ":" + std::to_string(column + 1) +
                      " (" + name + "): " + std::string(message));
}

Status CsvReader::RecordError(std::string_view message) const {
  return InvalidInput(header_->file_label + ":" + std::to_string(record_line_) + ":1: " + std::string(message));
}

Status CsvReader::ValidateUtf8() const {
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (FindInvalidUtf8(fields_[i]) != std::string_view::npos)
      return FieldError(static_cast<int>(i), "the field contains bytes that are not valid UTF-8");
  }
  return Status::Ok();
}

StatusOr<bool> CsvReader::Next() {
  fields_.clear();
  scratch_used_ = 0;
  const char delim = header_->delimiter;
  const char* d = data_.data();
  const size_t n = data_.size();
  // Skip blank lines between records.
  while (pos_ < n && (d[pos_] == '\n' || d[pos_] == '\r')) {
    if (d[pos_] == '\n') ++line_;
    ++pos_;
  }
  if (pos_ >= n) return false;
  record_start_ = pos_;
  record_line_ = line_;
  // Fast path: a record on one line with no quote in it (nearly every line of
  // a claim file). One pass over the line, a block of bytes at a time, finds
  // its end, its delimiters, any quote (then the general path below takes
  // the record) and any byte with the high bit set (then the fields are
  // checked for UTF-8).
  {
    const char* begin = d + pos_;
    const char* end = d + n;
    // The lines a few ahead, into the cache while this one is parsed (reading
    // a file is otherwise a stall at every line: a prefetch never faults).
    __builtin_prefetch(begin + 512);
    const char* f = begin;  // start of the current field
    const char* p = begin;
    const char* nl = nullptr;
    bool quoted = false;
    uint32_t high = 0;
    for (; p + kCsvBlock <= end; p += kCsvBlock) {
      const CsvBlockMasks m = CsvMasks(p, delim);
      const uint32_t before_nl = m.newline ? (m.newline & (0u - m.newline)) - 1 : ~0u;
      if (m.quote & before_nl) {
        quoted = true;
        break;
      }
      high |= m.high & before_nl;
      for (uint32_t hits = m.delim & before_nl; hits; hits &= hits - 1) {
        const char* e = p + __builtin_ctz(hits);
        fields_.emplace_back(f, static_cast<size_t>(e - f));
        f = e + 1;
      }
      if (m.newline) {
        nl = p + __builtin_ctz(m.newline);
        break;
      }
    }
    if (!quoted && !nl)
      for (; p < end; ++p) {  // the last bytes of the buffer, one by one
        const char c = *p;
        if (c == '\n') {
          nl = p;
          break;
        }
        if (c == '"') {
          quoted = true;
          break;
        }
        if (c == delim) {
          fields_.emplace_back(f, static_cast<size_t>(p - f));
          f = p + 1;
        }
        high |= static_cast<unsigned char>(c) & 0x80u;
      }
    if (!quoted) {
      const char* content_end = nl ? nl : end;
      if (content_end > f && content_end[-1] == '\r') --content_end;
      fields_.emplace_back(f, static_cast<size_t>(content_end - f));
      pos_ = nl ? static_cast<size_t>(nl - d) + 1 : n;
      if (nl) ++line_;
      if (high) ALMEN_RETURN_IF_ERROR(ValidateUtf8());
      if (!header_->names.empty() && fields_.size() != header_->names.size()) {
        return RecordError("expected " + std::to_string(header_->names.size()) +
                           " fields as in the header, found " + std::to_string(fields_.size()));
      }
      return true;
    }
    fields_.clear();
  }
  unsigned char high = 0;
  while (true) {
    if (pos_ < n && d[pos_] == '"') {
      // Quoted field.
      size_t start = ++pos_;
      bool has_escapes = false;
      while (true) {
        const void* qp = std::memchr(d + pos_, '"', n - pos_);
        if (!qp) {
          int col = static_cast<int>(fields_.size());
          return FieldError(col, "a quoted field is not closed (missing '\"')");
        }
        size_t qi = static_cast<size_t>(static_cast<const char*>(qp) - d);
        for (size_t k = pos_; k < qi; ++k) {
          high |= static_cast<unsigned char>(d[k]);
          if (d[k] == '\n') ++line_;
        }
        if (qi + 1 < n && d[qi + 1] == '"') {
          has_escapes = true;
          pos_ = qi + 2;
          continue;
        }
        pos_ = qi + 1;
        std::string_view raw(d + start, qi - start);
        if (!has_escapes) {
          fields_.push_back(raw);
        } else {
          if (scratch_used_ == scratch_.size()) scratch_.push_back(std::make_unique<std::string>());
          std::string& s = *scratch_[scratch_used_++];
          s.clear();
          for (size_t k = 0; k < raw.size(); ++k) {
            s.push_back(raw[k]);
            if (raw[k] == '"') ++k;
          }
          fields_.push_back(s);
        }
        break;
      }
      // After a closing quote: delimiter, end of line or end of input.
      if (pos_ < n && d[pos_] == '\r') ++pos_;
      if (pos_ >= n || d[pos_] == '\n') {
        if (pos_ < n) { ++pos_; ++line_; }
        break;
      }
      if (d[pos_] == delim) { ++pos_; continue; }
      return FieldError(static_cast<int>(fields_.size()) - 1,
                        "unexpected character after a closing quote (quotes inside a field must be doubled)");
    }
    // Unquoted field.
    size_t start = pos_;
    while (pos_ < n) {
      char c = d[pos_];
      if (c == delim || c == '\n') break;
      if (c == '"') {
        return FieldError(static_cast<int>(fields_.size()),
                          "a quote inside an unquoted field (quote the whole field and double inner quotes)");
      }
      high |= static_cast<unsigned char>(c);
      ++pos_;
    }
    size_t end = pos_;
    if (end > start && d[end - 1] == '\r' && (pos_ >= n || d[pos_] == '\n')) --end;
    fields_.emplace_back(d + start, end - start);
    if (pos_ >= n) break;
    if (d[pos_] == '\n') { ++pos_; ++line_; break; }
    ++pos_;  // delimiter
    if (pos_ >= n) { fields_.emplace_back(); break; }
  }
  if (high & 0x80) ALMEN_RETURN_IF_ERROR(ValidateUtf8());
  if (!header_->names.empty() && fields_.size() != header_->names.size()) {
    return RecordError("expected " + std::to_string(header_->names.size()) + " fields as in the header, found " +
                       std::to_string(fields_.size()));
  }
  return true;
}

char* PutCsvField(char* out, std::string_view f, char delimiter) {
  bool plain = true;
  for (char c : f) plain &= c != '"' && c != '\r' && c != '\n' && c != delimiter;
  if (plain) {
    if (!f.empty()) std::memcpy(out, f.data(), f.size());  // (an empty view may have no data)
    return out + f.size();
  }
  *out++ = '"';
  for (char c : f) {
    if (c == '"') *out++ = '"';
    *out++ = c;
  }
  *out++ = '"';
  return out;
}

void AppendCsvField(std::string& out, std::string_view f, char delimiter) {
  const size_t at = out.size();
  out.resize(at + 2 * f.size() + 2);
  out.resize(static_cast<size_t>(PutCsvField(out.data() + at, f, delimiter) - out.data()));
}

}  // namespace almen
