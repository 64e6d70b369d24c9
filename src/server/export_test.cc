// Unit tests of the export writer (export.h): the machine format stays as it
// was; the Danish format (?lang=da) has a BOM, ';', Danish decimals, local time,
// Danish headers and enum names in CSV, and numeric cells with number formats
// in XLSX (the .xlsx is unzipped here with zlib and its XML inspected).
#include "server/export.h"
#include "server/respond.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <cstring>
#include <filesystem>
#include <map>
#include <regex>

namespace almen {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// ---- a small ZIP reader (central directory + raw deflate) ---------------------------

uint32_t U32(const std::string& s, size_t p) {
  return static_cast<uint32_t>(static_cast<unsigned char>(s[p])) |
         static_cast<uint32_t>(static_cast<unsigned char>(s[p + 1])) << 8 |
         static_cast<uint32_t>(static_cast<unsigned char>(s[p + 2])) << 16 |
         static_cast<uint32_t>(static_cast<unsigned char>(s[p + 3])) << 24;
}
uint16_t U16(const std::string& s, size_t p) {
  return static_cast<uint16_t>(static_cast<unsigned char>(s[p]) | static_cast<unsigned char>(s[p + 1]) << 8);
}

// name -> content of every file in the archive.
std::map<std::string, std::string> Unzip(const std::string& zip) {
  std::map<std::string, std::string> out;
  size_t eocd = zip.rfind(std::string("PK\x05\x06", 4));
  if (eocd == std::string::npos) return out;
  const size_t n = U16(zip, eocd + 10);
  size_t p = U32(zip, eocd + 16);
  for (size_t i = 0; i < n && p + 46 <= zip.size() && U32(zip, p) == 0x02014b50; ++i) {
    const uint16_t method = U16(zip, p + 10);
    const uint32_t csize = U32(zip, p + 20), usize = U32(zip, p + 24);
    const uint16_t nlen = U16(zip, p + 28), elen = U16(zip, p + 30), clen = U16(zip, p + 32);
    const uint32_t local = U32(zip, p + 42);
    const std::string name = zip.substr(p + 46, nlen);
    const size_t data = local + 30 + U16(zip, local + 26) + U16(zip, local + 28);
    std::string content;
    if (method == 0) {
      content = zip.substr(data, csize);
    } else {
      content.resize(usize);
      z_stream z{};
      inflateInit2(&z, -15);
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zip.data() + data));
      z.avail_in = csize;
      z.next_out = reinterpret_cast<Bytef*>(content.data());
      z.avail_out = usize;
      inflate(&z, Z_FINISH);
      inflateEnd(&z);
    }
    out[name] = content;
    p += 46 + nlen + elen + clen;
  }
  return out;
}

fs::path TempDir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("almen-export-" + name + "-" + std::to_string(getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

const json& Catalogue() {
  static const json c = {{"enum.status.rejected", "afvist"},
                         {"enum.status.accepted", "godkendt"},
                         {"enum.rule.claim.duplicate", "Dobbelt indberetning"},
                         {"fmt.quarter", "{n}. kvt. {year}"},
                         {"enum.region.1084", "Region Hovedstaden"},
                         {"common.yes", "ja"},
                         {"common.no", "nej"}};
  return c;
}

Table Lines() {
  Table t;
  t.columns = {"claim_id", "provider", "service_date", "status", "amount_ore", "rule", "created_at", "count",
               "quarter", "coverage_ppm", "month", "paid"};
  t.rows.push_back({"d1", "111111", "2025-01-15", "rejected", 211172, "claim.duplicate", "2025-01-15T09:15:00Z", 1234,
                    "2025-Q1", 89300, "2025-01", true});
  t.rows.push_back({"=cmd", "222222", "2025-07-01", "accepted", -1234, nullptr, "2025-07-01T12:00:00Z", 0, "2025-Q3",
                    1000000, "2025-07", false});
  return t;
}

std::vector<ExportColumn> DanishColumns() {
  auto cols = ParseExportColumns(R"([
    {"key": "amount_ore", "label": "Beløb", "type": "kr"},
    {"key": "service_date", "label": "Dato", "type": "date"},
    {"key": "status", "label": "Status", "type": "enum", "enum": "status"},
    {"key": "rule", "label": "Regel", "type": "enum", "enum": "rule", "with_id": true},
    {"key": "created_at", "label": "Tidspunkt", "type": "time"},
    {"key": "count", "label": "Antal", "type": "int"},
    {"key": "quarter", "label": "Kvartal", "type": "quarter"},
    {"key": "coverage_ppm", "label": "Dækning", "type": "ppm"},
    {"key": "month", "label": "Måned", "type": "month"},
    {"key": "claim_id", "label": "=Krav"},
    {"key": "paid", "label": "Betalt"},
    {"key": "not_in_table", "label": "Tom"}
  ])");
  EXPECT_TRUE(cols.ok()) << cols.status().message();
  return cols.ok() ? *cols : std::vector<ExportColumn>{};
}

ExportOptions Danish(const std::string& format) {
  ExportOptions o;
  o.format = format;
  o.danish = true;
  o.columns = DanishColumns();
  o.catalogue = &Catalogue();
  o.title = "Afviste linjer: [januar]";
  return o;
}

TEST(ExportDanish, CsvHasBomSemicolonsDanishNumbersDatesAndLocalTime) {
  const std::string csv = ToCsv(Lines(), Danish("csv"));
  ASSERT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_EQ(csv.substr(3),
            "Beløb;Dato;Status;Regel;Tidspunkt;Antal;Kvartal;Dækning;Måned;'=Krav;Betalt;Tom\r\n"
            "2.111,72;15-01-2025;afvist;Dobbelt indberetning (claim.duplicate);15-01-2025 10:15;1234;1. kvt. 2025;"
            "8,93%;januar 2025;d1;ja;\r\n"
            "-12,34;01-07-2025;godkendt;;01-07-2025 14:00;0;3. kvt. 2025;100,00%;juli 2025;'=cmd;nej;\r\n");
}

TEST(ExportDanish, WithoutColumnsEveryColumnUnderItsNameAndAmountsInKroner) {
  Table t;
  t.columns = {"provider", "amount_ore", "at", "value", "imported"};
  t.rows.push_back({"111111", 100, "x", "2025-07-01", "2025-12-31T23:30:00Z"});
  ExportOptions o;
  o.danish = true;
  o.catalogue = &Catalogue();
  // A text that is an ISO date or timestamp reads as a date or local time.
  EXPECT_EQ(ToCsv(t, o), "\xEF\xBB\xBFprovider;amount_ore;at;value;imported\r\n111111;1,00;x;01-07-2025;01-01-2026 00:30\r\n");
}

TEST(ExportDanish, EnumCodesAsNumbersAndDatesOutsideExcelsCalendar) {
  Table t;
  t.columns = {"region", "from"};
  t.rows.push_back({1084, "1800-01-01"});
  t.rows.push_back({9999, "2025-01-01"});
  auto cols = ParseExportColumns(R"([{"key":"region","type":"enum","enum":"region"},{"key":"from","type":"date"}])");
  ASSERT_TRUE(cols.ok());
  ExportOptions o;
  o.danish = true;
  o.columns = *cols;
  o.catalogue = &Catalogue();
  EXPECT_EQ(ToCsv(t, o), "\xEF\xBB\xBFregion;from\r\nRegion Hovedstaden;01-01-1800\r\n9999;01-01-2025\r\n");
  fs::path d = TempDir("xlsx-old");
  o.format = "xlsx";
  auto x = ToXlsx(t, "t", d.string(), o);
  fs::remove_all(d);
  ASSERT_TRUE(x.ok());
  auto files = Unzip(*x);
  EXPECT_NE(files["xl/sharedStrings.xml"].find("01-01-1800"), std::string::npos);  // text, not a broken date
}

TEST(ExportDanish, MachineFormatIsUnchanged) {
  const std::string csv = ToCsv(Lines());
  EXPECT_EQ(csv.substr(0, 9), "claim_id,");
  EXPECT_NE(csv.find("d1,111111,2025-01-15,rejected,211172,claim.duplicate,2025-01-15T09:15:00Z,1234,"),
            std::string::npos);
  EXPECT_NE(csv.find("'=cmd,222222,2025-07-01,accepted,-1234,,"), std::string::npos);
}

TEST(ExportDanish, XlsxHasNumberFormatsAndNumericAmountCells) {
  fs::path d = TempDir("xlsx");
  auto x = ToXlsx(Lines(), "lines", d.string(), Danish("xlsx"));
  ASSERT_TRUE(x.ok()) << x.status().message();
  EXPECT_TRUE(fs::is_empty(d));
  fs::remove_all(d);
  auto files = Unzip(*x);
  ASSERT_TRUE(files.count("xl/styles.xml")) << "no styles.xml";
  ASSERT_TRUE(files.count("xl/worksheets/sheet1.xml"));
  const std::string& styles = files["xl/styles.xml"];
  // The number formats: kroner, whole numbers, percent, Danish dates.
  std::map<std::string, std::string> fmt_id;  // code -> numFmtId
  std::regex numfmt(R"re(<numFmt numFmtId="(\d+)" formatCode="([^"]*)")re");
  for (auto it = std::sregex_iterator(styles.begin(), styles.end(), numfmt); it != std::sregex_iterator(); ++it)
    fmt_id[(*it)[2]] = (*it)[1];
  ASSERT_TRUE(fmt_id.count("#,##0.00\\ &quot;kr.&quot;")) << styles;
  EXPECT_TRUE(fmt_id.count("[$-406]d\\.\\ mmmm\\ yyyy")) << styles;
  EXPECT_TRUE(fmt_id.count("[$-406]d\\.\\ mmmm\\ yyyy\\ hh:mm")) << styles;
  EXPECT_TRUE(fmt_id.count("[$-406]mmmm\\ yyyy")) << styles;
  // Which cell style (xf index) uses the kroner format.
  const std::string cellxfs = styles.substr(styles.find("<cellXfs"));
  std::regex xf(R"re(<xf numFmtId="(\d+)")re");
  int index = 0, kr_xf = -1, int_xf = -1;
  for (auto it = std::sregex_iterator(cellxfs.begin(), cellxfs.end(), xf); it != std::sregex_iterator(); ++it, ++index) {
    if ((*it)[1] == fmt_id["#,##0.00\\ &quot;kr.&quot;"]) kr_xf = index;
    if ((*it)[1] == (fmt_id.count("#,##0") ? fmt_id["#,##0"] : "3")) int_xf = index;  // or built-in format 3
  }
  ASSERT_GE(kr_xf, 0) << cellxfs;
  ASSERT_GE(int_xf, 0) << cellxfs;
  const std::string& sheet = files["xl/worksheets/sheet1.xml"];
  // A2: 2.111,72 kr. as a number (no t="s") in the kroner style; F2: 1234 as a whole number.
  EXPECT_NE(sheet.find("<c r=\"A2\" s=\"" + std::to_string(kr_xf) + "\"><v>2111.72</v></c>"), std::string::npos) << sheet;
  EXPECT_NE(sheet.find("<c r=\"A3\" s=\"" + std::to_string(kr_xf) + "\"><v>-12.34</v></c>"), std::string::npos) << sheet;
  EXPECT_NE(sheet.find("<c r=\"F2\" s=\"" + std::to_string(int_xf) + "\"><v>1234</v></c>"), std::string::npos) << sheet;
  // B2 is a date (a serial number, 15 January 2025 = 45672), E2 local time 10:15.
  EXPECT_NE(sheet.find("<v>45672</v>"), std::string::npos) << sheet;
  EXPECT_NE(sheet.find("<v>45672.42708333"), std::string::npos) << sheet;
  EXPECT_NE(sheet.find("<pane ySplit=\"1\""), std::string::npos);  // the header row stays in view
  EXPECT_NE(sheet.find("<autoFilter"), std::string::npos);
  // Danish headers and enum names as shared strings; the sheet named by the title.
  const std::string& strings = files["xl/sharedStrings.xml"];
  for (const char* s : {"Beløb", "Tidspunkt", "afvist", "Dobbelt indberetning (claim.duplicate)"})
    EXPECT_NE(strings.find(s), std::string::npos) << s;
  EXPECT_NE(files["xl/workbook.xml"].find("name=\"Afviste linjer januar\""), std::string::npos)
      << files["xl/workbook.xml"];
}

TEST(ExportDanish, MachineXlsxHasNoNumberFormats) {
  fs::path d = TempDir("xlsx-machine");
  auto x = ToXlsx(Lines(), "lines", d.string());
  ASSERT_TRUE(x.ok()) << x.status().message();
  fs::remove_all(d);
  auto files = Unzip(*x);
  EXPECT_EQ(files["xl/styles.xml"].find("<numFmt "), std::string::npos);
  EXPECT_NE(files["xl/worksheets/sheet1.xml"].find("<v>211172</v>"), std::string::npos);
}

TEST(ExportDanish, ColumnListsAreChecked) {
  EXPECT_FALSE(ParseExportColumns("").ok());
  EXPECT_FALSE(ParseExportColumns("{\"key\":\"a\"}").ok());
  EXPECT_FALSE(ParseExportColumns("[{\"label\":\"x\"}]").ok());
  EXPECT_FALSE(ParseExportColumns("[{\"key\":\"a\",\"type\":\"money\"}]").ok());
  EXPECT_FALSE(ParseExportColumns("[{\"key\":\"a\",\"type\":\"enum\"}]").ok());
  EXPECT_FALSE(ParseExportColumns("[{\"key\":\"a\",\"enum\":\"../x\"}]").ok());
  EXPECT_FALSE(ParseExportColumns("[{\"key\":\"a\"}]}, {\"x\": [1]").ok());
  EXPECT_FALSE(ParseExportColumns(std::string(200, '[') + std::string(200, ']')).ok());
  EXPECT_FALSE(ParseExportColumns(std::string(kMaxColumnsParam + 1, ' ')).ok());
  std::string many = "[";
  for (size_t i = 0; i <= kMaxExportColumns; ++i) many += std::string(i ? "," : "") + "{\"key\":\"k\"}";
  EXPECT_FALSE(ParseExportColumns(many + "]").ok());
  auto ok = ParseExportColumns("[{\"key\":\"a\",\"label\":\"" + std::string(500, 'x') + "\"}]");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)[0].label.size(), 200u);
  EXPECT_EQ((*ok)[0].type, ExportType::kText);
}

// Issue 15 item 3: an upload's file error carries a stable catalogue key and its
// parts, so the UI shows it in Danish whatever the English message says.
TEST(ErrorBody, FileErrorsCarryAKeyAndTheirParts) {
  json e = ErrorBody(InvalidInput("claims.csv:3:5 (provider): provider must be a 6-digit ydernummer"));
  EXPECT_EQ(e["code"], 1);
  EXPECT_EQ(e["key"], "error.file.field");
  EXPECT_EQ(e["vars"], (json{{"file", "claims.csv"}, {"line", "3"}, {"col", "5"}, {"field", "provider"},
                             {"msg", "provider must be a 6-digit ydernummer"}}));
  e = ErrorBody(InvalidInput("providers.csv:12:1: expected 8 fields as in the header, found 7"));
  EXPECT_EQ(e["key"], "error.file.record");
  EXPECT_EQ(e["vars"]["line"], "12");
  EXPECT_EQ(e["vars"]["msg"], "expected 8 fields as in the header, found 7");
  for (const char* m : {"wrong user name or password", "refused, nothing changed: x:1:2: y", "a:b:c: d", "x:1:", ":1:2: m"})
    EXPECT_FALSE(ErrorBody(InvalidInput(m)).contains("key")) << m;
}

}  // namespace
}  // namespace almen
