// Table exports of the API (?format=csv|xlsx on every table endpoint): the one
// CSV writer and the one XLSX writer, used by every export (statements,
// lines, audit log, botilbud, pool, sanctions, …) through the server's table
// sender (ExportOf). Two presentations of the same rows (docs/formats.md):
//
//  - The machine format (default, for programs): the table's own columns in
//    its order, snake_case headers, amounts in øre, ISO dates, UTC timestamps;
//    CSV comma-separated without BOM; XLSX cells typed (integers as numbers).
//  - The Danish format (?lang=da, what the web UI's export buttons ask for):
//    the columns the page shows, in its order, under its Danish headers
//    (?columns=[{"key","label","type","enum","with_id"}]), amounts in kroner,
//    local time (Europe/Copenhagen), enum values from the UI's message
//    catalogue (web/i18n/da.json, embedded in the binary). CSV: UTF-8 BOM, ';'
//    between fields, CRLF, Danish decimals ("2.111,72") and dates
//    ("15-01-2025") that Danish Excel reads as numbers and dates. XLSX: numeric
//    cells with number formats (#,##0.00 "kr.", #,##0, 0.00%, Danish dates),
//    bold frozen header row, a filter on it, column widths.
//    A column spec only chooses, orders, names and formats the columns of the
//    rows the route already selected for the user: it cannot add rows or
//    columns the JSON would not show (a key the table lacks is an empty column).
//
// CSV formula injection: a spreadsheet opening a CSV file runs a cell that
// starts with '=', '+', '-', '@', a tab or a carriage return as a formula.
// User text reaches exports (a user name typed at the login form in the audit
// log, botilbud names, pool application titles, uploaded file names, column
// labels of a Danish export), so a text cell starting with one of these gets a
// leading apostrophe ("'=1+1"), which spreadsheets show as text. Numbers stay
// numbers: an integer cell (øre, counts) is written as is, also when negative
// ("-12345", Danish "-123,45"). XLSX cells are typed (strings are never
// formulas) and need no such care.
//
// Thread safe. XLSX files are built in `temp_dir` (the server's private work
// directory) and removed before the function returns.
#pragma once

#include <httplib.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "storage/storage.h"

namespace almen {

// How a Danish export shows a column's cells (the UI's column types).
enum class ExportType {
  kText,     // as it is (a JSON integer stays a number; an ISO date or UTC timestamp is a date or local time)
  kKr,       // øre -> kroner: "2.111,72" / #,##0.00 "kr."
  kInt,      // a whole number: "1234" / #,##0
  kDate,     // "2025-01-15" -> "15-01-2025" / a date cell (d. mmmm yyyy)
  kMonth,    // "2025-01" -> "januar 2025" / a date cell (mmmm yyyy)
  kTime,     // UTC "2025-01-15T09:15:00Z" -> local "15-01-2025 10:15" / a date-time cell
  kQuarter,  // "2025-Q1" -> "1. kvt. 2025"
  kPpm,      // parts per million -> "8,93%" / 0.00%
  kEnum,     // an API enum value -> its Danish name (catalogue "enum.<group>.<value>")
};

struct ExportColumn {
  std::string key;    // the table's column
  std::string label;  // the header
  ExportType type = ExportType::kText;
  std::string enum_group;  // kEnum
  bool with_id = false;    // kEnum: "Danish name (value)", as the UI shows rule ids
};

struct ExportOptions {
  std::string format = "csv";  // "csv" or "xlsx"
  bool danish = false;         // ?lang=da
  // Danish exports: the columns in order; empty = every column of the table
  // under its own name (types from the name: *_ore kr, *_ppm ppm, *_at time).
  std::vector<ExportColumn> columns;
  std::string title;  // Danish XLSX: the sheet's name (?title=); else the export's name
  // The message catalogue for enum values and "kvt."; null = the embedded web/i18n/da.json.
  const nlohmann::json* catalogue = nullptr;
};

// The limits of ?columns= (checked before it is parsed).
inline constexpr size_t kMaxColumnsParam = 16 << 10;
inline constexpr size_t kMaxExportColumns = 100;

// ?columns= as a column list; InvalidInput (Danish) for anything but a JSON
// array of at most kMaxExportColumns objects with a "key" (≤ 100 bytes) and
// optional "label" (≤ 200 bytes, default the key), "type" (text, kr, int, date,
// month, time, quarter, ppm, enum), "enum" ([a-z0-9_]{1,40}, with type enum)
// and "with_id" (boolean).
StatusOr<std::vector<ExportColumn>> ParseExportColumns(std::string_view text);

// A cell as text: "" for null, the string itself, numbers as JSON prints them.
std::string CellText(const nlohmann::json& v);

// `text` as a CSV text cell that no spreadsheet takes for a formula.
std::string NeutralisedCsvText(std::string_view text);

// The table as CSV (header row, then one row per table row; RFC 4180 quoting).
std::string ToCsv(const Table& t, const ExportOptions& o = {});

// The table as an XLSX workbook with one sheet named `sheet` (first 31 bytes;
// o.title instead for a Danish export that has one).
StatusOr<std::string> ToXlsx(const Table& t, const std::string& sheet, const std::string& temp_dir,
                             const ExportOptions& o = {});

// A JSON array of objects as a Table (columns: the scalar keys, first seen first).
Table TableFromArray(const nlohmann::json& arr);

// The file a ?format=csv|xlsx request asks for (with ?lang=da, ?columns=,
// ?title=), named `name`.csv/.xlsx; nullopt for JSON (no format, or
// format=json); InvalidInput for another format or a bad column list.
struct ExportFile {
  std::string body;
  std::string content_type;
  std::string filename;
  // For the audit log: format, "da" for the Danish presentation, name, path and
  // whether the rows were filtered: "xlsx da lines /api/lines (filtered)".
  std::string audit;
};
StatusOr<std::optional<ExportFile>> ExportOf(const httplib::Request& req, const Table& t, const std::string& name,
                                             const std::string& temp_dir);

}  // namespace almen
