#include "claims/registry.h"

#include "agreement/agreement.h"
#include "claims/cpr.h"
#include "common/csv.h"
#include "common/file.h"
#include "common/ydernummer.h"

namespace almen {

namespace {
}  // namespace

std::string_view ClinicTypeName(ClinicType t) {
  switch (t) {
    case ClinicType::kOrdinary: return "ordinary";
    case ClinicType::kRegion: return "region";
    case ClinicType::kUdbud: return "udbud";
  }
  return "?";
}

StatusOr<ProviderRegistry> ProviderRegistry::Load(const std::string& path) {
  ALMEN_ASSIGN_OR_RETURN(MappedFile f, MappedFile::Open(path));
  return Parse(BaseName(path), f.data());
}

StatusOr<ProviderRegistry> ProviderRegistry::Parse(const std::string& label, std::string_view text) {
  ALMEN_ASSIGN_OR_RETURN(CsvReader r, CsvReader::Open(label, text));
  ALMEN_RETURN_IF_ERROR(r.RequireColumns({"provider", "municipality_code", "capacities", "lto"}));
  int cp = r.Column("provider"), cn = r.Column("name"), cm = r.Column("municipality_code"),
      ct = r.Column("clinic_type"), cc = r.Column("capacities"), cl = r.Column("lto"), cf = r.Column("valid_from"),
      cto = r.Column("valid_to");
  ProviderRegistry reg;
  while (true) {
    ALMEN_ASSIGN_OR_RETURN(bool more, r.Next());
    if (!more) break;
    ProviderRow row;
    row.line = r.line();
    auto provider = ParseYdernummer(r.field(cp));
    if (!provider) return r.FieldError(cp, "provider must be a 6-digit ydernummer");
    row.provider = *provider;
    row.name = std::string(r.field(cn));
    row.municipality_code = std::string(r.field(cm));
    if (row.municipality_code.size() == 3) row.municipality_code = "0" + row.municipality_code;
    if (row.municipality_code.size() != 4 || !ParseInt64(row.municipality_code))
      return r.FieldError(cm, "municipality_code must be a 3- or 4-digit municipality code");
    std::string_view type = r.field(ct);
    if (type.empty() || type == "ordinary") row.clinic_type = ClinicType::kOrdinary;
    else if (type == "region") row.clinic_type = ClinicType::kRegion;
    else if (type == "udbud") row.clinic_type = ClinicType::kUdbud;
    else return r.FieldError(ct, "clinic_type must be ordinary, region or udbud");
    auto caps = ParseInt64(r.field(cc));
    if (!caps || *caps < 0 || *caps > 1000) return r.FieldError(cc, "capacities must be a whole number ≥ 0");
    row.capacities = static_cast<int>(*caps);
    std::string_view lto = r.field(cl);
    if (lto != "0" && lto != "1") return r.FieldError(cl, "lto must be 0 or 1");
    row.lto = lto == "1";
    auto from = ParseOptionalDate(r.field(cf), Date::Min());
    if (!from) return r.FieldError(cf, "valid_from must be a date (YYYY-MM-DD) or empty");
    auto to = ParseOptionalDate(r.field(cto), Date::Max());
    if (!to) return r.FieldError(cto, "valid_to must be a date (YYYY-MM-DD) or empty");
    if (!(*from < *to)) return r.FieldError(cto, "valid_to must be after valid_from");
    row.period = {*from, *to};
    auto& v = reg.rows_[row.provider];
    for (const auto& other : v)
      if (other.period.Overlaps(row.period))
        return r.RecordError("provider " + std::string(r.field(cp)) + ": the period overlaps the row on line " +
                             std::to_string(other.line));
    v.push_back(std::move(row));
  }
  return reg;
}

StatusOr<ProviderRegistry> ProviderRegistry::FromRows(std::vector<ProviderRow> rows, const std::string& label) {
  ProviderRegistry reg;
  for (ProviderRow& row : rows) {
    auto& v = reg.rows_[row.provider];
    for (const auto& other : v)
      if (other.period.Overlaps(row.period))
        return InvalidInput(label + ": ydernummer " + std::to_string(row.provider) + " har overlappende perioder");
    v.push_back(std::move(row));
  }
  return reg;
}

const ProviderRow* ProviderRegistry::On(int provider, Date d) const {
  auto it = rows_.find(provider);
  if (it == rows_.end()) return nullptr;
  for (const auto& row : it->second)
    if (row.period.Contains(d)) return &row;
  return nullptr;
}

StatusOr<absl::flat_hash_map<ProviderMonth, int64_t>> CountListings(const std::string& path, Month from, Month to) {
  ALMEN_ASSIGN_OR_RETURN(MappedFile f, MappedFile::Open(path));
  ALMEN_ASSIGN_OR_RETURN(CsvReader r, CsvReader::Open(BaseName(path), f.data()));
  ALMEN_RETURN_IF_ERROR(r.RequireColumns({"provider", "cpr", "listed_from"}));
  int cp = r.Column("provider"), cc = r.Column("cpr"), cf = r.Column("listed_from"), ct = r.Column("listed_to");
  absl::flat_hash_map<ProviderMonth, int64_t> counts;
  while (true) {
    ALMEN_ASSIGN_OR_RETURN(bool more, r.Next());
    if (!more) break;
    auto listed_provider = ParseYdernummer(r.field(cp));
    if (!listed_provider) return r.FieldError(cp, "provider must be a 6-digit ydernummer");
    CprResult cpr = ParseCpr(r.field(cc));
    if (!cpr.info) return r.FieldError(cc, "malformed CPR number (" + std::string(cpr.error) + ")");
    auto lf = Date::Parse(r.field(cf));
    if (!lf) return r.FieldError(cf, "listed_from must be a date (YYYY-MM-DD)");
    auto lt = ParseOptionalDate(r.field(ct), Date::Max());
    if (!lt) return r.FieldError(ct, "listed_to must be a date (YYYY-MM-DD) or empty");
    if (*lt < *lf) return r.FieldError(ct, "listed_to is before listed_from");
    const int provider = *listed_provider;
    for (Month m = from; m <= to; m = m + 1) {
      Date first = m.first_day();
      if (*lf <= first && first < *lt) ++counts[ProviderMonth{provider, m.serial}];
    }
  }
  return counts;
}

}  // namespace almen
