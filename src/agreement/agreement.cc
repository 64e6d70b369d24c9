#include "agreement/agreement.h"

#include <algorithm>
#include <charconv>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "agreement/agreement_internal.h"
#include "common/crypto.h"
#include "common/csv.h"
#include "common/file.h"

namespace almen {

namespace agreement_internal {

bool ParseSource(std::string_view s, Provenance* p) {
  p->source_ref.clear();
  if (s == "seed") {
    p->source = Source::kSeed;
    return true;
  }
  if (s == "illustrative") {
    p->source = Source::kIllustrative;
    return true;
  }
  constexpr std::string_view kRamme = "ramme_statement:";
  if (s.substr(0, kRamme.size()) == kRamme) {
    std::string_view year = s.substr(kRamme.size());
    if (year.size() != 4 || year.find_first_not_of("0123456789") != std::string_view::npos) return false;
    p->source = Source::kRammeStatement;
    p->source_ref = std::string(year);
    return true;
  }
  return false;
}

Status ForEachRow(const std::map<std::string, std::string>& files, const std::string& name,
                  std::initializer_list<std::string_view> required, const std::function<Status(CsvReader&)>& fn) {
  auto it = files.find(name);
  if (it == files.end()) return InvalidInput("agreement data: " + name + " is missing");
  ALMEN_ASSIGN_OR_RETURN(CsvReader r, CsvReader::Open(name, it->second));
  ALMEN_RETURN_IF_ERROR(r.RequireColumns(required));
  while (true) {
    ALMEN_ASSIGN_OR_RETURN(bool more, r.Next());
    if (!more) break;
    ALMEN_RETURN_IF_ERROR(fn(r));
  }
  return Status::Ok();
}

const char* ParameterValueError(std::string_view unit, std::string_view value) {
  if (unit == "ore" || unit == "count") return ParseInt64(value) ? nullptr : "value must be a whole number";
  if (unit == "ppm") return ParsePpm(value) ? nullptr : "value must be a decimal ratio, e.g. 0.006";
  if (unit == "bool") return value == "0" || value == "1" ? nullptr : "value must be 0 or 1";
  if (unit == "date") return Date::Parse(value) ? nullptr : "value must be a date";
  return nullptr;
}

}  // namespace agreement_internal

using agreement_internal::ForEachRow;
using agreement_internal::RefuseOverlaps;
using agreement_internal::RowReader;

const std::vector<std::pair<std::string_view, std::string_view>>& BuiltinAgreementFiles();

namespace {

constexpr std::pair<FeeCategory, std::string_view> kCategories[] = {
    {FeeCategory::kConsultation, "consultation"},
    {FeeCategory::kAnnualStatus, "annual_status"},
    {FeeCategory::kOutreachVisit, "outreach_visit"},
    {FeeCategory::kHealthCheckBotilbud, "health_check_botilbud"},
    {FeeCategory::kChronic, "chronic"},
    {FeeCategory::kSickVisit, "sick_visit"},
    {FeeCategory::kAddon, "addon"},
    {FeeCategory::kCervicalCytology, "cervical_cytology"},
    {FeeCategory::kTalkTherapy, "talk_therapy"},
    {FeeCategory::kRegional, "regional"},
    {FeeCategory::kLab, "lab"},
    {FeeCategory::kPregnancyExam, "pregnancy_exam"},
    {FeeCategory::kChildExam, "child_exam"},
    {FeeCategory::kVaccination, "vaccination"},
    {FeeCategory::kMileage, "mileage"},
};

bool ParseCodeRange(std::string_view s, int* from, int* to) {
  auto parse4 = [](std::string_view t, int* out) {
    if (t.size() != 4) return false;
    int v = 0;
    for (char c : t) {
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    *out = v;
    return true;
  };
  auto dash = s.find('-');
  if (dash == std::string_view::npos) {
    if (!parse4(s, from)) return false;
    *to = *from;
    return true;
  }
  return parse4(s.substr(0, dash), from) && parse4(s.substr(dash + 1), to) && *from <= *to;
}

}  // namespace

std::optional<FeeCategory> ParseFeeCategory(std::string_view s) {
  for (auto& [c, n] : kCategories)
    if (n == s) return c;
  return std::nullopt;
}
std::string_view FeeCategoryName(FeeCategory c) {
  for (auto& [k, n] : kCategories)
    if (k == c) return n;
  return "?";
}
std::string_view SourceName(Source s) {
  switch (s) {
    case Source::kSeed: return "seed";
    case Source::kIllustrative: return "illustrative";
    case Source::kRammeStatement: return "ramme_statement";
  }
  return "?";
}
std::string SourceLabel(const Provenance& p) {
  if (p.source == Source::kRammeStatement) return "ramme_statement:" + p.source_ref;
  return std::string(SourceName(p.source));
}

std::optional<Date> ParseOptionalDate(std::string_view s, Date if_empty) {
  if (s.empty()) return if_empty;
  return Date::Parse(s);
}

std::optional<int64_t> ParseInt64(std::string_view s) {
  int64_t v = 0;
  if (s.empty()) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

StatusOr<Agreement> Agreement::LoadDirectory(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return InvalidInput("agreement directory not found: " + dir);
  std::map<std::string, std::string> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    ALMEN_ASSIGN_OR_RETURN(std::string content, ReadFile(e.path().string()));
    files[e.path().filename().string()] = std::move(content);
  }
  return LoadFiles(std::move(files), dir);
}

StatusOr<Agreement> Agreement::LoadBuiltin() {
  std::map<std::string, std::string> files;
  for (auto& [name, content] : BuiltinAgreementFiles()) files[std::string(name)] = std::string(content);
  return LoadFiles(std::move(files), "built-in agreement/ok25");
}

StatusOr<Agreement> Agreement::LoadFiles(std::map<std::string, std::string> files, const std::string& label) {
  Agreement a;
  auto wrap = [&](Status s) { return s.WithContext("agreement data (" + label + ")"); };
  // Manifest.
  auto mit = files.find("manifest.json");
  if (mit == files.end()) return wrap(InvalidInput("manifest.json is missing"));
  try {
    auto j = nlohmann::json::parse(mit->second);
    a.id_ = j.at("id").get<std::string>();
    a.name_ = j.value("name", a.id_);
  } catch (const std::exception& e) {
    return wrap(InvalidInput(std::string("manifest.json: ") + e.what()));
  }
  Sha256 h;
  for (auto& [name, content] : files) {
    h.Update(name);
    h.Update(std::string_view("\0", 1));
    h.Update(content);
    h.Update(std::string_view("\0", 1));
  }
  a.hash_ = h.FinishHex();

  // fees.csv
  Status st = ForEachRow(
      files, "fees.csv",
      {"code", "name", "category", "amount_ore", "indexed", "valid_from", "valid_to", "paragraph", "source"},
      [&](CsvReader& r) -> Status {
        RowReader rr{r};
        FeeRow row;
        int from, to;
        if (!ParseCodeRange(r.field(r.Column("code")), &from, &to))
          return r.FieldError(r.Column("code"), "code must be 4 digits or a range like 8300-8999");
        row.name = std::string(r.field(r.Column("name")));
        auto cat = ParseFeeCategory(r.field(r.Column("category")));
        if (!cat) return r.FieldError(r.Column("category"), "unknown fee category");
        row.category = *cat;
        auto amount = ParseInt64(r.field(r.Column("amount_ore")));
        if (!amount || *amount < 0) return r.FieldError(r.Column("amount_ore"), "amount_ore must be a whole number of øre ≥ 0");
        row.amount = Money::FromOre(*amount);
        auto idx = r.field(r.Column("indexed"));
        if (idx != "0" && idx != "1") return r.FieldError(r.Column("indexed"), "indexed must be 0 or 1");
        row.indexed = idx == "1";
        ALMEN_RETURN_IF_ERROR(rr.Period(&row.period));
        ALMEN_RETURN_IF_ERROR(rr.Prov(&row.provenance));
        row.range_from = from;
        row.range_to = to;
        for (int c = from; c <= to; ++c) {
          row.code = c;
          auto& v = a.fees_[static_cast<size_t>(c)];
          for (auto& other : v)
            if (other.period.Overlaps(row.period))
              return r.RecordError("code " + std::to_string(c) + ": the validity period overlaps the row on line " +
                                   std::to_string(other.provenance.line));
          v.push_back(row);
        }
        return Status::Ok();
      });
  if (!st.ok()) return wrap(st);

  st = ForEachRow(files, "index.csv", {"valid_from", "valid_to", "factor", "paragraph", "source"},
                  [&](CsvReader& r) -> Status {
                    RowReader rr{r};
                    IndexRow row;
                    auto f = ParsePpm(r.field(r.Column("factor")));
                    if (!f || f->value <= 0)
                      return r.FieldError(r.Column("factor"), "factor must be a positive decimal, e.g. 1.027700");
                    row.factor = *f;
                    row.note = std::string(r.field(r.Column("note")));
                    ALMEN_RETURN_IF_ERROR(rr.Period(&row.period));
                    ALMEN_RETURN_IF_ERROR(rr.Prov(&row.provenance));
                    a.index_.push_back(std::move(row));
                    return Status::Ok();
                  });
  if (!st.ok()) return wrap(st);
  st = RefuseOverlaps(a.index_, [](const IndexRow&) { return 0; }, "index.csv");
  if (!st.ok()) return wrap(st);

  st = ForEachRow(files, "chronic.csv",
                  {"code", "lto", "monthly_ore", "annual_raise_ore", "valid_from", "valid_to", "paragraph", "source"},
                  [&](CsvReader& r) -> Status {
                    RowReader rr{r};
                    ChronicRow row;
                    int from, to;
                    if (!ParseCodeRange(r.field(r.Column("code")), &from, &to) || from != to)
                      return r.FieldError(r.Column("code"), "code must be 4 digits");
                    row.code = from;
                    auto lto = r.field(r.Column("lto"));
                    if (lto != "0" && lto != "1") return r.FieldError(r.Column("lto"), "lto must be 0 or 1");
                    row.lto = lto == "1";
                    auto m = ParseInt64(r.field(r.Column("monthly_ore")));
                    if (!m || *m < 0) return r.FieldError(r.Column("monthly_ore"), "monthly_ore must be øre ≥ 0");
                    auto raise = ParseInt64(r.field(r.Column("annual_raise_ore")));
                    if (!raise || *raise < 0)
                      return r.FieldError(r.Column("annual_raise_ore"), "annual_raise_ore must be øre ≥ 0");
                    row.monthly = Money::FromOre(*m);
                    row.annual_raise = Money::FromOre(*raise);
                    ALMEN_RETURN_IF_ERROR(rr.Period(&row.period));
                    ALMEN_RETURN_IF_ERROR(rr.Prov(&row.provenance));
                    if (!a.KnownCode(row.code))
                      return r.FieldError(r.Column("code"), "code is not in fees.csv");
                    a.chronic_.push_back(std::move(row));
                    return Status::Ok();
                  });
  if (!st.ok()) return wrap(st);
  st = RefuseOverlaps(a.chronic_, [](const ChronicRow& c) { return c.code * 2 + (c.lto ? 1 : 0); }, "chronic.csv");
  if (!st.ok()) return wrap(st);

  // Parameters may be split over several files: parameters.csv, parameters_economy.csv, …
  for (const auto& [pname, pcontent] : files) {
    if (pname.rfind("parameters", 0) != 0 || pname.size() < 4 || pname.substr(pname.size() - 4) != ".csv") continue;
  st = ForEachRow(files, pname, {"name", "value", "unit", "valid_from", "valid_to", "paragraph", "source"},
                  [&](CsvReader& r) -> Status {
                    RowReader rr{r};
                    Parameter p;
                    p.name = std::string(r.field(r.Column("name")));
                    p.value = std::string(r.field(r.Column("value")));
                    p.unit = std::string(r.field(r.Column("unit")));
                    p.description = std::string(r.field(r.Column("description")));
                    if (p.name.empty()) return r.FieldError(r.Column("name"), "name is empty");
                    if (p.unit != "ore" && p.unit != "count" && p.unit != "ppm" && p.unit != "bool" &&
                        p.unit != "date" && p.unit != "text")
                      return r.FieldError(r.Column("unit"), "unit must be ore, ppm, count, bool, date or text");
                    if (const char* e = agreement_internal::ParameterValueError(p.unit, p.value))
                      return r.FieldError(r.Column("value"), e);
                    ALMEN_RETURN_IF_ERROR(rr.Period(&p.period));
                    ALMEN_RETURN_IF_ERROR(rr.Prov(&p.provenance));
                    a.params_.push_back(std::move(p));
                    return Status::Ok();
                  });
  if (!st.ok()) return wrap(st);
  }
  st = RefuseOverlaps(a.params_, [](const Parameter& p) { return p.name; }, "parameters*.csv");
  if (!st.ok()) return wrap(st);

  st = ForEachRow(files, "rules.csv",
                  {"rule_id", "kind", "params", "valid_from", "valid_to", "paragraph", "source", "reason_da"},
                  [&](CsvReader& r) -> Status {
                    RowReader rr{r};
                    RuleRow row;
                    row.id = std::string(r.field(r.Column("rule_id")));
                    row.kind = std::string(r.field(r.Column("kind")));
                    row.reason_da = std::string(r.field(r.Column("reason_da")));
                    if (row.id.empty()) return r.FieldError(r.Column("rule_id"), "rule_id is empty");
                    if (row.reason_da.empty()) return r.FieldError(r.Column("reason_da"), "every rule needs a Danish reason");
                    std::string_view params = r.field(r.Column("params"));
                    while (!params.empty()) {
                      auto semi = params.find(';');
                      std::string_view kv = params.substr(0, semi);
                      auto eq = kv.find('=');
                      if (eq == std::string_view::npos || eq == 0)
                        return r.FieldError(r.Column("params"), "params must be key=value pairs separated by ';'");
                      row.params[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
                      params = semi == std::string_view::npos ? std::string_view() : params.substr(semi + 1);
                    }
                    ALMEN_RETURN_IF_ERROR(rr.Period(&row.period));
                    ALMEN_RETURN_IF_ERROR(rr.Prov(&row.provenance));
                    a.rules_.push_back(std::move(row));
                    return Status::Ok();
                  });
  if (!st.ok()) return wrap(st);
  st = RefuseOverlaps(a.rules_, [](const RuleRow& r) { return r.id; }, "rules.csv");
  if (!st.ok()) return wrap(st);
  // Optional files: provisions.csv (conditions and what checks them) and
  // offset_overlay.csv (dated rows from a ramme statement's offset plan that
  // replace index and parameter rows in their periods); agreement_overlay.cc.
  st = a.LoadProvisions(files);
  if (!st.ok()) return wrap(st);
  st = a.ApplyOffsetOverlay(files);
  if (!st.ok()) return wrap(st);
  a.files_ = std::move(files);
  return a;
}

const std::vector<FeeRow>& Agreement::FeeRows(int code) const {
  static const std::vector<FeeRow> kEmpty;
  if (code < 0 || code >= 10000) return kEmpty;
  return fees_[static_cast<size_t>(code)];
}

const FeeRow* Agreement::FeeOn(int code, Date d) const {
  for (const auto& row : FeeRows(code))
    if (row.period.Contains(d)) return &row;
  return nullptr;
}

const IndexRow* Agreement::IndexOn(Date d) const {
  for (const auto& row : index_)
    if (row.period.Contains(d)) return &row;
  return nullptr;
}

const ChronicRow* Agreement::ChronicOn(int code, bool lto, Date d) const {
  for (const auto& row : chronic_)
    if (row.code == code && row.lto == lto && row.period.Contains(d)) return &row;
  return nullptr;
}

const Parameter* Agreement::ParameterOn(std::string_view name, Date d) const {
  for (const auto& p : params_)
    if (p.name == name && p.period.Contains(d)) return &p;
  return nullptr;
}

namespace {
Status MissingParam(std::string_view name, Date d) {
  return InvalidInput("agreement parameter '" + std::string(name) + "' has no value valid on " + d.ToIso());
}
}  // namespace

StatusOr<int64_t> Agreement::IntParameter(std::string_view name, Date d) const {
  const Parameter* p = ParameterOn(name, d);
  if (!p) return MissingParam(name, d);
  auto v = ParseInt64(p->value);
  if (!v) return InvalidInput("agreement parameter '" + std::string(name) + "' is not a whole number");
  return *v;
}
StatusOr<Money> Agreement::MoneyParameter(std::string_view name, Date d) const {
  ALMEN_ASSIGN_OR_RETURN(int64_t v, IntParameter(name, d));
  return Money::FromOre(v);
}
StatusOr<Ppm> Agreement::PpmParameter(std::string_view name, Date d) const {
  const Parameter* p = ParameterOn(name, d);
  if (!p) return MissingParam(name, d);
  auto v = ParsePpm(p->value);
  if (!v) return InvalidInput("agreement parameter '" + std::string(name) + "' is not a decimal");
  return *v;
}
StatusOr<bool> Agreement::BoolParameter(std::string_view name, Date d) const {
  const Parameter* p = ParameterOn(name, d);
  if (!p) return MissingParam(name, d);
  return p->value == "1";
}

std::vector<const FeeRow*> Agreement::all_fee_rows() const {
  std::vector<const FeeRow*> out;
  for (const auto& v : fees_)
    for (const auto& r : v)
      if (r.code == r.range_from) out.push_back(&r);  // a range row once
  return out;
}

const std::string* Agreement::file(const std::string& name) const {
  auto it = files_.find(name);
  return it == files_.end() ? nullptr : &it->second;
}

}  // namespace almen
