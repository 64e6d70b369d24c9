// Helpers shared by the loaders of the agreement data set (agreement.cc and
// agreement_overlay.cc). Not part of the public interface.
#pragma once

#include <functional>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "agreement/agreement.h"
#include "common/csv.h"

namespace almen::agreement_internal {

// Parses a source cell: "seed", "illustrative" or "ramme_statement:YYYY".
bool ParseSource(std::string_view s, Provenance* p);

// Reads the common columns of an agreement table row.
struct RowReader {
  CsvReader& r;
  Status Period(almen::Period* p) const {
    int cf = r.Column("valid_from"), ct = r.Column("valid_to");
    auto from = ParseOptionalDate(r.field(cf), Date::Min());
    if (!from || r.field(cf).empty()) return r.FieldError(cf, "valid_from must be a date (YYYY-MM-DD)");
    auto to = ParseOptionalDate(r.field(ct), Date::Max());
    if (!to) return r.FieldError(ct, "valid_to must be a date (YYYY-MM-DD) or empty for open");
    if (!(*from < *to)) return r.FieldError(ct, "valid_to must be after valid_from");
    p->from = *from;
    p->to = *to;
    return Status::Ok();
  }
  Status Prov(Provenance* p) const {
    int cp = r.Column("paragraph"), cs = r.Column("source");
    p->paragraph = std::string(r.field(cp));
    if (p->paragraph.empty()) return r.FieldError(cp, "every row needs the paragraph it comes from");
    if (!ParseSource(r.field(cs), p))
      return r.FieldError(cs, "source must be 'seed', 'illustrative' or 'ramme_statement:YYYY'");
    p->file = r.header().file_label;
    p->line = r.line();
    return Status::Ok();
  }
};

template <typename Row, typename Key>
Status RefuseOverlaps(const std::vector<Row>& rows, Key key, const std::string& file) {
  for (size_t i = 0; i < rows.size(); ++i)
    for (size_t j = i + 1; j < rows.size(); ++j)
      if (key(rows[i]) == key(rows[j]) && rows[i].period.Overlaps(rows[j].period))
        return InvalidInput(file + ":" + std::to_string(rows[j].provenance.line) +
                            ":1: the validity period overlaps the row on line " +
                            std::to_string(rows[i].provenance.line) + " for the same key");
  return Status::Ok();
}

// Why `value` is not a valid parameter value of `unit` (ore, count, ppm, bool,
// date; text accepts anything), or nullptr.
const char* ParameterValueError(std::string_view unit, std::string_view value);

// Calls fn for every data row of `name`; a missing file is an error.
Status ForEachRow(const std::map<std::string, std::string>& files, const std::string& name,
                  std::initializer_list<std::string_view> required, const std::function<Status(CsvReader&)>& fn);

}  // namespace almen::agreement_internal
