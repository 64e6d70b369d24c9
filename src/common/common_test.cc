#include <gtest/gtest.h>

#include "common/base64.h"

#include "common/crypto.h"
#include "common/csv.h"
#include "common/date.h"
#include "common/decimal.h"
#include "common/format_da.h"
#include "common/json_text.h"
#include "common/money.h"
#include "common/ydernummer.h"

namespace almen {
namespace {

TEST(Money, ArithmeticIsExact) {
  Money a = Money::FromOre(17288);
  EXPECT_EQ((a * 3).ore(), 51864);
  EXPECT_EQ((a - Money::FromOre(88)).ore(), 17200);
}

TEST(Decimal, RoundsHalfAwayFromZero) {
  EXPECT_EQ(RoundDiv(5, 2), 3);
  EXPECT_EQ(RoundDiv(-5, 2), -3);
  EXPECT_EQ(RoundDiv(4, 3), 1);
  EXPECT_EQ(Scale(Money::FromOre(10000), Ppm{1'027'700}).ore(), 10277);
  EXPECT_EQ(ScaleRatio(Money::FromOre(214534), 1, 12).ore(), 17878);  // 2.145,34 / 12 = 178,778
}

TEST(Decimal, ParsesBothDecimalMarks) {
  EXPECT_EQ(ParsePpm("1.0277")->value, 1'027'700);
  EXPECT_EQ(ParsePpm("0,6")->value, 600'000);
  EXPECT_EQ(ParsePpm("-0.5")->value, -500'000);
  EXPECT_FALSE(ParsePpm("1.0000001"));
  EXPECT_FALSE(ParsePpm("abc"));
  EXPECT_EQ(FormatPpm(Ppm{1'027'700}), "1.027700");
}

TEST(Decimal, FormatsRatiosAndSplitsLists) {
  EXPECT_EQ(FormatRatio(14, 1000, 2), "0.01");          // 0,014 → 0,01
  EXPECT_EQ(FormatRatio(135 * 100, 9643, 2), "1.40");   // 135 of 9.643 as a percentage
  EXPECT_EQ(FormatRatio(-5, 1000, 2), "-0.01");         // half away from zero
  EXPECT_EQ(FormatRatio(7, 2, 0), "4");
  EXPECT_EQ(SplitNonEmpty("a;;b;", ';'), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(SplitNonEmpty("", ';').empty());
}

TEST(Date, ParsesStrictIso) {
  auto d = Date::Parse("2025-03-31");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->year(), 2025);
  EXPECT_EQ(d->month(), 3u);
  EXPECT_EQ(d->day(), 31u);
  EXPECT_EQ(d->ToIso(), "2025-03-31");
  EXPECT_FALSE(Date::Parse("2025-02-30"));
  EXPECT_FALSE(Date::Parse("2025-13-01"));
  EXPECT_FALSE(Date::Parse("25-01-01"));
  EXPECT_FALSE(Date::Parse("2025/01/01"));
  EXPECT_EQ(Date::FromYmd(2025, 1, 1).iso_weekday(), 3u);  // Wednesday
}

TEST(Date, CivilDaysAgreeWithChrono) {
  for (int y : {1800, 1899, 1900, 1970, 2000, 2024, 2025, 2100})
    for (int m = 1; m <= 12; ++m)
      for (int d = 1; d <= DaysInMonth(y, m); ++d)
        ASSERT_EQ(DaysFromCivil(y, m, d), Date::FromYmd(y, static_cast<unsigned>(m), static_cast<unsigned>(d)).days())
            << y << "-" << m << "-" << d;
  EXPECT_EQ(DaysInMonth(1900, 2), 28);
  EXPECT_EQ(DaysInMonth(2000, 2), 29);
}

TEST(Date, Months) {
  Month m = *Month::Parse("2025-12");
  EXPECT_EQ((m + 1).ToString(), "2026-01");
  EXPECT_EQ(m.days(), 31);
  EXPECT_EQ(Month::FromYm(2024, 2).days(), 29);
}

TEST(FormatDa, DanishStyle) {
  EXPECT_EQ(FormatKroner(Money::FromOre(211172)), "2.111,72 kr.");
  EXPECT_EQ(FormatKroner(Money::FromOre(-5)), "-0,05 kr.");
  EXPECT_EQ(FormatKroner(Money::FromOre(999'470'000'000)), "9.994.700.000,00 kr.");
  EXPECT_EQ(FormatMioKr(Money::FromOre(999'470'000'000), 1), "9.994,7 mio. kr.");
  EXPECT_EQ(FormatDateDa(Date::FromYmd(2025, 1, 1)), "1. januar 2025");
}

TEST(Csv, CommaAndSemicolonAndBom) {
  std::string text = "\xEF\xBB\xBF" "a;b;c\r\n1;\"x;y\";\"say \"\"hi\"\"\"\r\n\r\n2;;3\n";
  auto r = CsvReader::Open("t.csv", text);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->header().delimiter, ';');
  EXPECT_EQ(r->Column("c"), 2);
  ASSERT_TRUE(*r->Next());
  EXPECT_EQ(r->field(1), "x;y");
  EXPECT_EQ(r->field(2), "say \"hi\"");
  EXPECT_EQ(r->line(), 2);
  ASSERT_TRUE(*r->Next());
  EXPECT_EQ(r->field(0), "2");
  EXPECT_EQ(r->field(1), "");
  EXPECT_EQ(r->line(), 4);
  EXPECT_FALSE(*r->Next());
}

TEST(Csv, QuotedLineBreakCountsLines) {
  std::string text = "a,b\n\"x\ny\",1\n2,3\n";
  auto r = CsvReader::Open("t.csv", text);
  ASSERT_TRUE(*r->Next());
  EXPECT_EQ(r->field(0), "x\ny");
  ASSERT_TRUE(*r->Next());
  EXPECT_EQ(r->line(), 4);
}

TEST(Csv, ErrorsNameFileLineColumn) {
  {
    auto r = CsvReader::Open("t.csv", "a,b\n1,\"2\n");
    auto more = r->Next();
    ASSERT_FALSE(more.ok());
    EXPECT_NE(more.status().message().find("t.csv:2:2 (b)"), std::string::npos) << more.status().message();
  }
  {
    auto r = CsvReader::Open("t.csv", "a,b\n1,2\n1,\xff\n");
    ASSERT_TRUE(*r->Next());
    auto more = r->Next();
    ASSERT_FALSE(more.ok());
    EXPECT_NE(more.status().message().find("t.csv:3:2 (b)"), std::string::npos) << more.status().message();
    EXPECT_NE(more.status().message().find("UTF-8"), std::string::npos);
  }
  {
    auto r = CsvReader::Open("t.csv", "");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find("empty"), std::string::npos);
  }
  {
    auto r = CsvReader::Open("t.csv", "a,b\n1,2,3\n");
    EXPECT_FALSE(r->Next().ok());
  }
}

TEST(Csv, WritesQuotedFields) {
  std::string out;
  AppendCsvField(out, "plain");
  out += ',';
  AppendCsvField(out, "Konsultation, \"almindelig\"");
  EXPECT_EQ(out, "plain,\"Konsultation, \"\"almindelig\"\"\"");
}

// Issue 12: one request path with a byte that is not UTF-8 (/%ff) killed the
// server in the request log (nlohmann's dump throws type_error.316).
TEST(JsonText, InvalidUtf8NeverThrows) {
  nlohmann::json j = {{"path", std::string("/\xff")}, {"user", std::string("a\xc3")}, {"ok", "æøå"}};
  std::string text;
  EXPECT_NO_THROW(text = JsonText(j));
  EXPECT_EQ(text, "{\"ok\":\"æøå\",\"path\":\"/\xEF\xBF\xBD\",\"user\":\"a\xEF\xBF\xBD\"}");
  EXPECT_EQ(FindInvalidUtf8(JsonText(j, 2)), std::string_view::npos);
}

TEST(JsonText, ValidUtf8AndCleanText) {
  EXPECT_EQ(ValidUtf8("æøå"), "æøå");
  EXPECT_EQ(ValidUtf8("a\xff\xfe" "b"), "a\xEF\xBF\xBD\xEF\xBF\xBD" "b");
  EXPECT_EQ(ValidUtf8("\xe6\x80"), "\xEF\xBF\xBD");  // a cut sequence
  EXPECT_EQ(CleanText("a\tb\nc", 100), "a?b?c");
  EXPECT_EQ(CleanText("ææææ", 5), "ææ");  // cut at a character boundary
  EXPECT_EQ(FindInvalidUtf8(CleanText("\xff\xff\xff", 4)), std::string_view::npos);
}

// Issue 12: klinik-033345 could not register an employment and a sanction
// message said "ydernummer 33345": the leading zero was lost in int -> text.
TEST(Ydernummer, SixDigitsBothWays) {
  EXPECT_EQ(ParseYdernummer("033345"), 33345);
  EXPECT_EQ(ParseYdernummer("000001"), 1);
  EXPECT_FALSE(ParseYdernummer("33345"));
  EXPECT_FALSE(ParseYdernummer("0333450"));
  EXPECT_FALSE(ParseYdernummer(" 33345"));
  EXPECT_FALSE(ParseYdernummer("03334a"));
  EXPECT_EQ(YdernummerText(33345), "033345");
  EXPECT_EQ(YdernummerText(*ParseYdernummer("009999")), "009999");
}

// Issue 12: header parsing was quadratic in the number of columns (100.000
// columns: 30 s). Now linear, with a limit on the number of columns.
TEST(Csv, WideHeadersAreLinearAndLimited) {
  std::string header;
  for (size_t i = 0; i < kMaxCsvColumns; ++i) header += (i ? "," : "") + std::string("c") + std::to_string(i);
  auto ok = CsvReader::Open("wide.csv", header + "\n");
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_EQ(ok->Column("c4095"), 4095);
  EXPECT_EQ(ok->Column("nope"), -1);
  auto too_wide = CsvReader::Open("wide.csv", header + ",one_more\n");
  ASSERT_FALSE(too_wide.ok());
  EXPECT_NE(too_wide.status().message().find("wide.csv:1:1: overskriftsrækken har 4097 kolonner"), std::string::npos)
      << too_wide.status().message();
  auto dup = CsvReader::Open("dup.csv", "a,b,c,B\n");
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.status().message().find("dup.csv:1:4: column 'b' appears twice"), std::string::npos);
}

TEST(Crypto, PseudonymIsKeyedAndStable) {
  Pseudonymizer a("key-a"), b("key-b");
  EXPECT_EQ(a.Of("0101801234"), a.Of("0101801234"));
  EXPECT_NE(a.Of("0101801234"), b.Of("0101801234"));
  EXPECT_NE(a.Of("0101801234"), a.Of("0101801235"));
  EXPECT_EQ(a.Of("0101801234").ToHex().size(), 32u);
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Base64, RoundTripsAndRefusesWhatIsNotBase64) {
  for (std::string bytes : {std::string(), std::string("a"), std::string("ab"), std::string("abc"),
                            std::string("\0\xff\x10 binary\n", 12)}) {
    std::string back;
    ASSERT_TRUE(Base64Decode(Base64Encode(bytes), &back));
    EXPECT_EQ(back, bytes);
  }
  EXPECT_EQ(Base64Encode("abcd"), "YWJjZA==");
  std::string out;
  EXPECT_FALSE(Base64Decode("YWJjZA=", &out));   // length not a multiple of 4
  EXPECT_FALSE(Base64Decode("YW*jZA==", &out));  // not the alphabet
}

}  // namespace
}  // namespace almen
