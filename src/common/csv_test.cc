// CsvReader's fast path (csv_blocks.h): the block masks against a byte-by-byte
// reading, and records of every length around the block sizes, at the end of
// the buffer or not, read as a plain split on the delimiter would read them;
// quoted fields as RFC 4180 reads them.
#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <string>
#include <vector>

#include "common/csv.h"
#include "common/csv_blocks.h"

namespace almen {
namespace {

CsvBlockMasks Naive(const char* p, size_t n, char delim) {
  CsvBlockMasks m{0, 0, 0, 0};
  for (size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(p[i]);
    if (c == '\n') m.newline |= 1u << i;
    if (c == '"') m.quote |= 1u << i;
    if (c == static_cast<unsigned char>(delim)) m.delim |= 1u << i;
    if (c & 0x80) m.high |= 1u << i;
  }
  return m;
}

void ExpectSame(const CsvBlockMasks& a, const CsvBlockMasks& b) {
  EXPECT_EQ(a.newline, b.newline);
  EXPECT_EQ(a.quote, b.quote);
  EXPECT_EQ(a.delim, b.delim);
  EXPECT_EQ(a.high, b.high);
}

TEST(CsvBlocks, MasksAreThoseOfAByteByByteReading) {
  std::mt19937 rng(5);
  const std::string alphabet = std::string("\n\",;\r a0\x7f\x80\xc3\xa6\xff", 13) + std::string(1, '\0');
  for (int round = 0; round < 20000; ++round) {
    char block[16];
    for (char& c : block) c = round % 3 ? alphabet[rng() % alphabet.size()] : static_cast<char>(rng());
    for (char delim : {',', ';'}) {
      ExpectSame(CsvMasks8(block, delim), Naive(block, 8, delim));
#if defined(__SSE2__)
      ExpectSame(CsvMasks16(block, delim), Naive(block, 16, delim));
#endif
    }
  }
}

TEST(CsvBlocks, RecordsOfEveryLengthReadAsAPlainSplit) {
  std::mt19937 rng(9);
  const std::string alphabet = "ab,0 \xc3\xa6";  // æ: two bytes with the high bit
  for (int fields = 1; fields <= 4; ++fields) {
    for (int round = 0; round < 300; ++round) {
      // Records of `fields` fields of up to 20 characters, some ending in
      // CRLF, the last with or without a final newline.
      std::string header;
      for (int i = 0; i < fields; ++i) header += (i ? "," : "") + std::string("c") + std::to_string(i);
      std::vector<std::vector<std::string>> want;
      std::string body;
      const int records = 1 + static_cast<int>(rng() % 5);
      for (int r = 0; r < records; ++r) {
        std::vector<std::string> rec;
        std::string line;
        for (int i = 0; i < fields; ++i) {
          std::string f;
          const size_t len = rng() % 20;
          for (size_t k = 0; k < len; ++k) {
            char c = alphabet[rng() % (alphabet.size() - 2)];
            if (c == ',') c = 'x';
            if (rng() % 9 == 0) f += "\xc3\xa6";
            else f += c;
          }
          rec.push_back(f);
          line += (i ? "," : "") + f;
        }
        if (line.empty()) {  // a blank line is skipped, not a record
          rec[0] = line = "z";
        }
        want.push_back(rec);
        const bool crlf = rng() % 3 == 0, last = r + 1 == records;
        body += line;
        if (!last || rng() % 2) body += crlf ? "\r\n" : "\n";
      }
      const std::string data = header + "\n" + body;
      auto reader = CsvReader::Open("t.csv", data);
      ASSERT_TRUE(reader.ok()) << reader.status().message();
      for (const auto& rec : want) {
        auto more = reader->Next();
        ASSERT_TRUE(more.ok()) << more.status().message() << "\n" << data;
        ASSERT_TRUE(*more);
        ASSERT_EQ(reader->field_count(), rec.size()) << data;
        for (size_t i = 0; i < rec.size(); ++i) EXPECT_EQ(reader->field(static_cast<int>(i)), rec[i]) << data;
      }
      auto end = reader->Next();
      ASSERT_TRUE(end.ok());
      EXPECT_FALSE(*end);
    }
  }
}

TEST(CsvBlocks, AQuoteAnywhereInALongLineTakesTheGeneralPath) {
  for (size_t at = 0; at < 70; ++at) {
    std::string field(70, 'a');
    field[at] = '"';
    // A quote inside an unquoted field is kept as it is by the general path only if it is
    // escaped; here the whole field is quoted with the quote doubled.
    std::string quoted = "\"" + field.substr(0, at) + "\"\"" + field.substr(at + 1) + "\"";
    const std::string data = "a,b\nx," + quoted + "\n";
    auto reader = CsvReader::Open("t.csv", data);
    ASSERT_TRUE(reader.ok());
    auto more = reader->Next();
    ASSERT_TRUE(more.ok()) << more.status().message();
    ASSERT_TRUE(*more);
    EXPECT_EQ(reader->field(0), "x");
    EXPECT_EQ(reader->field(1), field);
  }
}

TEST(CsvBlocks, InvalidUtf8AnywhereInTheLineIsAnError) {
  for (size_t at = 0; at < 40; ++at) {
    std::string field(40, 'a');
    field[at] = '\xff';
    const std::string data = "a,b\nx," + field + "\n";  // the reader reads it in place
    auto reader = CsvReader::Open("t.csv", data);
    ASSERT_TRUE(reader.ok());
    auto more = reader->Next();
    ASSERT_FALSE(more.ok());
    EXPECT_NE(more.status().message().find("t.csv:2:2"), std::string::npos) << more.status().message();
  }
}

// RFC 4180 as CsvReader reads it, byte by byte: the records of `s`, or
// nullopt where the reader must refuse it (a quote left open, a character
// after a closing quote, a quote inside an unquoted field).
std::optional<std::vector<std::vector<std::string>>> StrictRecords(std::string_view s, char delim) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> fields;
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    std::string v;
    if (s[i] == '"') {
      for (++i;; ++i) {
        if (i >= n) return std::nullopt;
        if (s[i] == '"') {
          if (i + 1 < n && s[i + 1] == '"') {
            v += '"';
            ++i;
            continue;
          }
          ++i;
          break;
        }
        v += s[i];
      }
      if (i < n && s[i] == '\r') ++i;
      if (i < n && s[i] != '\n' && s[i] != delim) return std::nullopt;
    } else {
      for (; i < n && s[i] != delim && s[i] != '\n'; ++i) {
        if (s[i] == '"') return std::nullopt;
        v += s[i];
      }
      if (!v.empty() && v.back() == '\r') v.pop_back();
    }
    fields.push_back(v);
    if (i >= n || s[i] == '\n') {
      records.push_back(fields);
      fields.clear();
      if (i < n) ++i;
    } else if (++i >= n) {  // a delimiter at the very end
      fields.emplace_back();
      records.push_back(fields);
    }
  }
  return records;
}

// Quoted fields of every length around the block sizes, with delimiters,
// doubled quotes, line ends and UTF-8 inside, on lines ending in LF or CRLF,
// with ',' and ';': the reader gives what the byte-by-byte reading gives,
// and refuses a file with a quote out of place as it does.
TEST(CsvBlocks, QuotedFieldsReadAsRfc4180) {
  std::mt19937_64 rng(2026);
  const std::string plain_chars[] = {"a", "b", " ", "\xc3\xa9", "1"};
  const std::string quoted_chars[] = {"a", ",", ";", "\"\"", "\n", "\r\n", "\xc3\xa9", "b", " "};
  for (int round = 0; round < 3000; ++round) {
    const char delim = round % 2 ? ',' : ';';
    const std::string eol = round % 3 ? "\n" : "\r\n";
    std::string file = std::string("x") + delim + "y" + delim + "z" + eol;
    const int records = 1 + static_cast<int>(rng() % 4);
    for (int r = 0; r < records; ++r) {
      for (int c = 0; c < 3; ++c) {
        const size_t len = rng() % 40;
        std::string f;
        if (rng() % 2) {
          f = "\"";
          for (size_t k = 0; k < len; ++k) f += quoted_chars[rng() % std::size(quoted_chars)];
          f += "\"";
        } else {
          for (size_t k = 0; k < len; ++k) f += plain_chars[rng() % std::size(plain_chars)];
        }
        file += f;
        if (c < 2) file += delim;
      }
      if (r + 1 < records || rng() % 2) file += eol;
    }
    if (round % 4 == 3) file.insert(file.size() / 2 + rng() % (file.size() / 2), "\"");  // a quote out of place (or not)
    const auto want = StrictRecords(file, delim);
    auto reader = CsvReader::Open("t.csv", file);
    ASSERT_TRUE(reader.ok()) << reader.status().message();
    std::vector<std::vector<std::string>> got = {{"x", "y", "z"}};
    bool refused = false;
    while (true) {
      auto more = reader->Next();
      if (!more.ok()) {
        refused = true;
        break;
      }
      if (!*more) break;
      std::vector<std::string> fields;
      for (size_t c = 0; c < reader->field_count(); ++c) fields.emplace_back(reader->field(static_cast<int>(c)));
      got.push_back(fields);
    }
    if (!want) {
      EXPECT_TRUE(refused) << round;
      continue;
    }
    // A record the strict reading splits into other than 3 fields is refused by the reader.
    bool three = true;
    for (const auto& rec : *want) three &= rec.size() == 3;
    if (!three) {
      EXPECT_TRUE(refused) << round;
      continue;
    }
    ASSERT_FALSE(refused) << round;
    EXPECT_EQ(got, *want) << round;
  }
}

}  // namespace
}  // namespace almen
