// Optional files of an agreement data set: provisions.csv and offset_overlay.csv
// (agreement.h: ProvisionRow, OverlayRow).
#include <algorithm>

#include "agreement/agreement.h"
#include "agreement/agreement_internal.h"
#include "common/decimal.h"

namespace almen {

using agreement_internal::ForEachRow;
using agreement_internal::RefuseOverlaps;
using agreement_internal::RowReader;

namespace {

// Cuts every row of `rows` selected by `same` around `cut`: a row overlapping
// [cut.from, cut.to) keeps the parts before and after it (same provenance).
template <typename Row, typename Same>
void CutAround(std::vector<Row>* rows, const Period& cut, Same same) {
  std::vector<Row> out;
  out.reserve(rows->size() + 1);
  for (auto& r : *rows) {
    if (!same(r) || !r.period.Overlaps(cut)) {
      out.push_back(std::move(r));
      continue;
    }
    if (r.period.from < cut.from) {
      Row before = r;
      before.period.to = cut.from;
      out.push_back(std::move(before));
    }
    if (cut.to < r.period.to) {
      Row after = r;
      after.period.from = cut.to;
      out.push_back(std::move(after));
    }
  }
  *rows = std::move(out);
}

}  // namespace

Status Agreement::LoadProvisions(const std::map<std::string, std::string>& files) {
  if (!files.count("provisions.csv")) return Status::Ok();
  Status st = ForEachRow(
      files, "provisions.csv",
      {"id", "status", "checked_by", "valid_from", "valid_to", "paragraph", "source", "text_da"},
      [&](CsvReader& r) -> Status {
        RowReader rr{r};
        ProvisionRow row;
        row.id = std::string(r.field(r.Column("id")));
        row.status = std::string(r.field(r.Column("status")));
        row.checked_by = std::string(r.field(r.Column("checked_by")));
        row.text_da = std::string(r.field(r.Column("text_da")));
        if (row.id.empty()) return r.FieldError(r.Column("id"), "id is empty");
        if (row.text_da.empty()) return r.FieldError(r.Column("text_da"), "every provision needs its Danish text");
        if (row.status != "not_checkable" && row.status != "rule" && row.status != "fee_table" && row.status != "data")
          return r.FieldError(r.Column("status"), "status must be not_checkable, rule, fee_table or data");
        if (row.status != "not_checkable" && row.checked_by.empty())
          return r.FieldError(r.Column("checked_by"), "a checked provision names what checks it");
        if (row.status == "rule") {
          for (const auto& id : SplitNonEmpty(row.checked_by, ';'))
            if (std::none_of(rules_.begin(), rules_.end(), [&](const RuleRow& x) { return x.id == id; }))
              return r.FieldError(r.Column("checked_by"), "no rule '" + id + "' in rules.csv");
        }
        ALMEN_RETURN_IF_ERROR(rr.Period(&row.period));
        ALMEN_RETURN_IF_ERROR(rr.Prov(&row.provenance));
        provisions_.push_back(std::move(row));
        return Status::Ok();
      });
  if (!st.ok()) return st;
  return RefuseOverlaps(provisions_, [](const ProvisionRow& p) { return p.id; }, "provisions.csv");
}

Status Agreement::ApplyOffsetOverlay(const std::map<std::string, std::string>& files) {
  if (!files.count("offset_overlay.csv")) return Status::Ok();
  Status st = ForEachRow(
      files, "offset_overlay.csv", {"table", "name", "value", "valid_from", "valid_to", "paragraph", "source"},
      [&](CsvReader& r) -> Status {
        RowReader rr{r};
        OverlayRow row;
        row.table = std::string(r.field(r.Column("table")));
        row.name = std::string(r.field(r.Column("name")));
        row.value = std::string(r.field(r.Column("value")));
        row.note = std::string(r.field(r.Column("note")));
        ALMEN_RETURN_IF_ERROR(rr.Period(&row.period));
        ALMEN_RETURN_IF_ERROR(rr.Prov(&row.provenance));
        const int cv = r.Column("value");
        if (row.table == "index") {
          if (!row.name.empty()) return r.FieldError(r.Column("name"), "an index row has no name");
          auto f = ParsePpm(row.value);
          if (!f || f->value <= 0) return r.FieldError(cv, "factor must be a positive decimal, e.g. 1.015000");
          if (!IndexOn(row.period.from))
            return r.FieldError(r.Column("valid_from"), "no index.csv row covers " + row.period.from.ToIso());
          IndexRow idx;
          idx.period = row.period;
          idx.factor = *f;
          idx.provenance = row.provenance;
          idx.note = row.note;
          CutAround(&index_, row.period, [](const IndexRow&) { return true; });
          index_.push_back(std::move(idx));
        } else if (row.table == "parameter") {
          const Parameter* base = ParameterOn(row.name, row.period.from);
          if (!base)
            return r.FieldError(r.Column("name"), "no parameter '" + row.name + "' valid on " + row.period.from.ToIso());
          if (const char* e = agreement_internal::ParameterValueError(base->unit, row.value)) return r.FieldError(cv, e);
          Parameter p = *base;
          p.value = row.value;
          p.period = row.period;
          p.provenance = row.provenance;
          p.description = row.note.empty() ? base->description : row.note;
          CutAround(&params_, row.period, [&](const Parameter& x) { return x.name == row.name; });
          params_.push_back(std::move(p));
        } else {
          return r.FieldError(r.Column("table"), "table must be index or parameter");
        }
        overlay_.push_back(std::move(row));
        return Status::Ok();
      });
  if (!st.ok()) return st;
  return RefuseOverlaps(overlay_, [](const OverlayRow& o) { return o.table + "\x1f" + o.name; }, "offset_overlay.csv");
}

}  // namespace almen
