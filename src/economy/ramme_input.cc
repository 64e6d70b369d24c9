// Parsers for the ramme statement's input files (spec/interfaces.md):
// expenses.csv, listed_patients.csv and providers.csv. Every error names
// file:line:col (column name), and nothing is computed from a bad file.
#include <array>
#include <cstdio>
#include <map>
#include <tuple>

#include "common/csv.h"
#include "economy/ramme.h"

namespace almen {

namespace {

// In the order of ExpenseCategory (persisted by name; new names are appended).
constexpr std::array<std::string_view, 14> kCategoryNames = {
    "day",           "out_of_hours",       "basishonorar",     "profylakse",
    "season_vaccination", "cervical_cytology", "fixed_doctor_honoraria", "local_agreements",
    "framework_agreements", "talk_therapy",  "spirometry",       "sundhedstjek_botilbud",
    "other",         "ceiling_clawback"};

std::string CategoryList() {
  std::string s;
  for (auto n : kCategoryNames) s += (s.empty() ? "" : ", ") + std::string(n);
  return s;
}

// Region code 1081..1085, else an error at the field.
StatusOr<int> RegionField(const CsvReader& r, int col) {
  auto v = ParseInt64(r.field(col));
  if (!v || *v < kFirstRegion || *v > kLastRegion)
    return r.FieldError(col, "'" + std::string(r.field(col)) + "' is not a region code (1081-1085)");
  return static_cast<int>(*v);
}

StatusOr<Quarter> QuarterField(const CsvReader& r, int col) {
  auto q = Quarter::Parse(r.field(col));
  if (!q) return r.FieldError(col, "'" + std::string(r.field(col)) + "' is not a quarter (YYYY-Qn, e.g. 2025-Q1)");
  return *q;
}

}  // namespace

std::optional<ExpenseCategory> ParseExpenseCategory(std::string_view s) {
  for (size_t i = 0; i < kCategoryNames.size(); ++i)
    if (kCategoryNames[i] == s) return static_cast<ExpenseCategory>(i);
  return std::nullopt;
}

std::string_view ExpenseCategoryName(ExpenseCategory c) { return kCategoryNames[static_cast<size_t>(c)]; }

std::optional<Quarter> Quarter::Parse(std::string_view s) {
  if (s.size() != 7 || s[4] != '-' || s[5] != 'Q') return std::nullopt;
  int y = 0;
  for (size_t i = 0; i < 4; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    y = y * 10 + (s[i] - '0');
  }
  if (s[6] < '1' || s[6] > '4' || y < 1900) return std::nullopt;
  return Quarter{y, s[6] - '0'};
}

std::string Quarter::ToString() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-Q%d", year, q);
  return buf;
}

Date Quarter::first_day() const { return Date::FromYmd(year, static_cast<unsigned>(3 * (q - 1) + 1), 1); }
Date Quarter::last_day() const {
  return (q == 4 ? Date::FromYmd(year + 1, 1, 1) : Date::FromYmd(year, static_cast<unsigned>(3 * q + 1), 1)).AddDays(-1);
}

StatusOr<std::vector<ExpenseRow>> ParseExpensesCsv(const std::string& label, std::string_view text) {
  ALMEN_ASSIGN_OR_RETURN(CsvReader r, CsvReader::Open(label, text));
  ALMEN_RETURN_IF_ERROR(r.RequireColumns({"region_code", "quarter", "category", "amount_ore"}));
  const int c_region = r.Column("region_code"), c_q = r.Column("quarter"), c_cat = r.Column("category"),
            c_amount = r.Column("amount_ore");
  std::vector<ExpenseRow> rows;
  std::map<std::tuple<int, Quarter, ExpenseCategory>, int64_t> seen;
  while (true) {
    ALMEN_ASSIGN_OR_RETURN(bool more, r.Next());
    if (!more) break;
    ExpenseRow row;
    ALMEN_ASSIGN_OR_RETURN(row.region, RegionField(r, c_region));
    ALMEN_ASSIGN_OR_RETURN(row.quarter, QuarterField(r, c_q));
    auto cat = ParseExpenseCategory(r.field(c_cat));
    if (!cat)
      return r.FieldError(c_cat, "'" + std::string(r.field(c_cat)) + "' is not an expense category (" + CategoryList() + ")");
    row.category = *cat;
    auto amount = ParseInt64(r.field(c_amount));
    if (!amount) return r.FieldError(c_amount, "'" + std::string(r.field(c_amount)) + "' is not a whole number of øre");
    row.amount = Money::FromOre(*amount);
    auto [it, inserted] = seen.emplace(std::make_tuple(row.region, row.quarter, row.category), r.line());
    if (!inserted)
      return r.FieldError(c_region, "duplicate row for region " + std::to_string(row.region) + ", " +
                                        row.quarter.ToString() + ", " + std::string(r.field(c_cat)) +
                                        " (first at line " + std::to_string(it->second) + ")");
    rows.push_back(row);
  }
  return rows;
}

StatusOr<std::vector<ListedRow>> ParseListedCsv(const std::string& label, std::string_view text) {
  ALMEN_ASSIGN_OR_RETURN(CsvReader r, CsvReader::Open(label, text));
  ALMEN_RETURN_IF_ERROR(r.RequireColumns({"region_code", "quarter", "listed"}));
  const int c_region = r.Column("region_code"), c_q = r.Column("quarter"), c_listed = r.Column("listed");
  std::vector<ListedRow> rows;
  std::map<std::pair<int, Quarter>, int64_t> seen;
  while (true) {
    ALMEN_ASSIGN_OR_RETURN(bool more, r.Next());
    if (!more) break;
    ListedRow row;
    ALMEN_ASSIGN_OR_RETURN(row.region, RegionField(r, c_region));
    ALMEN_ASSIGN_OR_RETURN(row.quarter, QuarterField(r, c_q));
    auto n = ParseInt64(r.field(c_listed));
    if (!n || *n < 0) return r.FieldError(c_listed, "'" + std::string(r.field(c_listed)) + "' is not a count of patients");
    row.listed = *n;
    auto [it, inserted] = seen.emplace(std::make_pair(row.region, row.quarter), r.line());
    if (!inserted)
      return r.FieldError(c_region, "duplicate row for region " + std::to_string(row.region) + ", " +
                                        row.quarter.ToString() + " (first at line " + std::to_string(it->second) + ")");
    rows.push_back(row);
  }
  return rows;
}

StatusOr<std::vector<CapacityRow>> ParseProvidersCsv(const std::string& label, std::string_view text) {
  ALMEN_ASSIGN_OR_RETURN(CsvReader r, CsvReader::Open(label, text));
  ALMEN_RETURN_IF_ERROR(r.RequireColumns({"provider", "clinic_type", "capacities", "lto", "valid_from"}));
  const int c_p = r.Column("provider"), c_name = r.Column("name"), c_mun = r.Column("municipality_code"),
            c_type = r.Column("clinic_type"), c_cap = r.Column("capacities"), c_lto = r.Column("lto"),
            c_from = r.Column("valid_from"), c_to = r.Column("valid_to");
  std::vector<CapacityRow> rows;
  std::map<std::string, std::vector<std::pair<Period, int64_t>>> periods;
  while (true) {
    ALMEN_ASSIGN_OR_RETURN(bool more, r.Next());
    if (!more) break;
    CapacityRow row;
    row.provider = std::string(r.field(c_p));
    if (row.provider.empty()) return r.FieldError(c_p, "provider is empty");
    row.name = std::string(r.field(c_name));
    if (c_mun >= 0 && !r.field(c_mun).empty()) {
      auto m = ParseInt64(r.field(c_mun));
      if (!m) return r.FieldError(c_mun, "'" + std::string(r.field(c_mun)) + "' is not a municipality code");
      row.municipality = static_cast<int>(*m);
    }
    std::string_view type = r.field(c_type);
    if (type == "ordinary") row.clinic_type = ClinicType::kOrdinary;
    else if (type == "region") row.clinic_type = ClinicType::kRegion;
    else if (type == "udbud") row.clinic_type = ClinicType::kUdbud;
    else return r.FieldError(c_type, "'" + std::string(type) + "' is not a clinic type (ordinary, region, udbud)");
    auto cap = ParseInt64(r.field(c_cap));
    if (!cap || *cap < 0) return r.FieldError(c_cap, "'" + std::string(r.field(c_cap)) + "' is not a number of capacities");
    row.capacities = *cap;
    std::string_view lto = r.field(c_lto);
    if (lto != "0" && lto != "1") return r.FieldError(c_lto, "lto must be 0 or 1");
    row.lto = lto == "1";
    auto from = ParseOptionalDate(r.field(c_from), Date::Min());
    if (!from) return r.FieldError(c_from, "'" + std::string(r.field(c_from)) + "' is not a date (YYYY-MM-DD)");
    auto to = ParseOptionalDate(r.field(c_to), Date::Max());
    if (!to) return r.FieldError(c_to, "'" + std::string(r.field(c_to)) + "' is not a date (YYYY-MM-DD) or empty");
    if (!(*from < *to)) return r.FieldError(c_to, "valid_to must be after valid_from");
    row.period = {*from, *to};
    for (const auto& [p, line] : periods[row.provider])
      if (p.Overlaps(row.period))
        return r.FieldError(c_from, "provider " + row.provider + " has overlapping rows (the other at line " +
                                        std::to_string(line) + ")");
    periods[row.provider].push_back({row.period, r.line()});
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace almen
