#include "server/export.h"

#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <filesystem>

#include "common/csv.h"
#include "common/file.h"
#include "common/json_text.h"

namespace almen {

namespace fs = std::filesystem;
using json = nlohmann::json;

std::string CellText(const json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  return JsonText(v);
}

std::string NeutralisedCsvText(std::string_view text) {
  if (!text.empty()) {
    const char c = text.front();
    if (c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r') return "'" + std::string(text);
  }
  return std::string(text);
}

std::string ToCsv(const Table& t) {
  std::string out;
  for (size_t i = 0; i < t.columns.size(); ++i) {
    if (i) out += ',';
    AppendCsvField(out, NeutralisedCsvText(t.columns[i]));
  }
  out += '\n';
  for (const auto& r : t.rows) {
    for (size_t i = 0; i < r.size(); ++i) {
      if (i) out += ',';
      if (r[i].is_string()) AppendCsvField(out, NeutralisedCsvText(ValidUtf8(r[i].get_ref<const std::string&>())));
      else AppendCsvField(out, CellText(r[i]));  // numbers (a negative amount stays a number), null
    }
    out += '\n';
  }
  return out;
}

StatusOr<std::string> ToXlsx(const Table& t, const std::string& sheet, const std::string& temp_dir) {
  std::string tmpl_s = (fs::path(temp_dir) / "export-XXXXXX").string();
  std::vector<char> tmpl(tmpl_s.begin(), tmpl_s.end());
  tmpl.push_back('\0');
  int fd = mkstemp(tmpl.data());
  if (fd < 0) return Internal("cannot create a temporary file for XLSX");
  close(fd);
  const std::string stub = tmpl.data(), path = stub + ".xlsx";
  struct Remove {
    std::string a, b;
    ~Remove() {
      std::error_code ec;
      fs::remove(a, ec);
      fs::remove(b, ec);
    }
  } remove{stub, path};
  // libxlsxwriter's own temporary files go to the same private directory.
  lxw_workbook_options wo{};
  wo.constant_memory = LXW_FALSE;
  std::string tmpdir = temp_dir;
  wo.tmpdir = tmpdir.data();
  lxw_workbook* wb = workbook_new_opt(path.c_str(), &wo);
  if (!wb) return Internal("cannot create XLSX workbook");
  const std::string sheet_name = CleanText(sheet, 31);
  lxw_worksheet* ws = workbook_add_worksheet(wb, sheet_name.c_str());
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  for (size_t i = 0; i < t.columns.size(); ++i)
    worksheet_write_string(ws, 0, static_cast<lxw_col_t>(i), ValidUtf8(t.columns[i]).c_str(), bold);
  lxw_row_t row = 1;
  for (const auto& r : t.rows) {
    for (size_t i = 0; i < r.size(); ++i) {
      auto col = static_cast<lxw_col_t>(i);
      if (r[i].is_number_integer())
        worksheet_write_number(ws, row, col, static_cast<double>(r[i].get<int64_t>()), nullptr);
      else if (!r[i].is_null())
        worksheet_write_string(ws, row, col, ValidUtf8(CellText(r[i])).c_str(), nullptr);
    }
    ++row;
  }
  lxw_error err = workbook_close(wb);
  if (err != LXW_NO_ERROR) return Internal(std::string("XLSX: ") + lxw_strerror(err));
  return ReadFile(path);
}

Table TableFromArray(const json& arr) {
  Table t;
  if (!arr.is_array()) return t;
  for (const auto& o : arr) {
    if (!o.is_object()) continue;
    for (auto it = o.begin(); it != o.end(); ++it)
      if (std::find(t.columns.begin(), t.columns.end(), it.key()) == t.columns.end() && !it->is_structured())
        t.columns.push_back(it.key());
  }
  for (const auto& o : arr) {
    std::vector<json> r;
    for (const auto& c : t.columns) r.push_back(o.is_object() && o.contains(c) ? o[c] : json(nullptr));
    t.rows.push_back(std::move(r));
  }
  return t;
}

}  // namespace almen
