// Table exports of the API (?format=csv|xlsx on every table endpoint): the one
// CSV writer and the one XLSX writer, used by every export (statements,
// lines, audit log, botilbud, pool, sanctions, …) through the server's table
// sender.
//
// CSV formula injection: a spreadsheet opening a CSV file runs a cell that
// starts with '=', '+', '-', '@', a tab or a carriage return as a formula.
// User text reaches exports (a user name typed at the login form in the audit
// log, botilbud names, pool application titles, uploaded file names), so a
// text cell starting with one of these gets a leading apostrophe ("'=1+1"),
// which spreadsheets show as text. Numbers stay numbers: an integer cell
// (øre, counts) is written as is, also when negative. XLSX cells are typed
// (strings are never formulas) and need no such care.
//
// Thread safe. XLSX files are built in `temp_dir` (the server's private work
// directory) and removed before the function returns.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "storage/storage.h"

namespace almen {

// A cell as text: "" for null, the string itself, numbers as JSON prints them.
std::string CellText(const nlohmann::json& v);

// `text` as a CSV text cell that no spreadsheet takes for a formula.
std::string NeutralisedCsvText(std::string_view text);

// The table as CSV (header row, then one row per table row; RFC 4180 quoting).
std::string ToCsv(const Table& t);

// The table as an XLSX workbook with one sheet named `sheet` (first 31 bytes).
StatusOr<std::string> ToXlsx(const Table& t, const std::string& sheet, const std::string& temp_dir);

// A JSON array of objects as a Table (columns: the scalar keys, first seen first).
Table TableFromArray(const nlohmann::json& arr);

}  // namespace almen
