// CsvReader's fast path (csv_blocks.h): the block masks against a byte-by-byte
// reading, and records of every length around the block sizes, at the end of
// the buffer or not, read as a plain split on the delimiter would read them.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace almen
