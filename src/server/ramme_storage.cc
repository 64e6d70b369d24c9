// The ramme statement from the database (ramme_storage.h).
#include "server/ramme_storage.h"

#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <tuple>

#include "common/decimal.h"
#include "common/file.h"

namespace almen {

namespace {

using json = nlohmann::json;
using Key = std::tuple<int, int, ExpenseCategory>;  // region, quarter 1..4, category

std::string Ym(int y, int m) {
  char b[32];
  std::snprintf(b, sizeof b, "%04d-%02d", y, m);
  return b;
}

// Categories the ramme does not count as spend (excluded, and the reducing
// talk therapy), from the agreement's parameters for `year`.
std::set<ExpenseCategory> NotCountedCategories(const Agreement& agreement, int year) {
  std::set<ExpenseCategory> out = {ExpenseCategory::kCeilingClawback};  // always excluded (B1)
  const Date on = Date::FromYmd(year, 1, 1);
  for (const char* name : {"ramme_excluded_categories", "ramme_reducing_categories"}) {
    const Parameter* p = agreement.ParameterOn(name, on);
    if (!p) continue;
    for (const auto& n : SplitNonEmpty(p->value, ';'))
      if (auto c = ParseExpenseCategory(n)) out.insert(*c);
  }
  return out;
}

// Months of [from, to] with settled claim lines (line_blocks + flagged_lines,
// migration 0006; the database is always migrated before use).
StatusOr<std::set<std::string>> SettledMonths(SqlConnection& c, const std::string& from, const std::string& to) {
  auto rows = c.Query("SELECT DISTINCT month FROM line_blocks WHERE month >= $1 AND month <= $2 UNION "
                      "SELECT DISTINCT month FROM flagged_lines WHERE month >= $1 AND month <= $2",
                      {from, to});
  if (!rows.ok()) return rows.status();
  std::set<std::string> out;
  for (const auto& r : *rows) out.insert(r.Str(0));
  return out;
}

}  // namespace

// Spend from the stored statements of the months that have settled claim lines;
// months without lines (e.g. chronic fees running on after the last claim) are
// not counted, and their quarter is marked incomplete.
StatusOr<json> RammeFromStorage(Storage& db, const Agreement& agreement, const StoredRammeOptions& o) {
  const int year = o.base.year;
  auto c = db.pool().Borrow();
  const std::string from = Ym(year, 1), to = Ym(year, 12);
  ALMEN_ASSIGN_OR_RETURN(std::set<std::string> settled, SettledMonths(*c, from, to));
  ALMEN_ASSIGN_OR_RETURN(
      auto rows, c->Query("SELECT COALESCE(pr.region_code, ''), s.month, s.item, s.code, SUM(s.amount_ore) "
                          "FROM ledger_balances s LEFT JOIN providers pr ON pr.provider = s.provider "
                          "WHERE s.month >= $1 AND s.month <= $2 GROUP BY COALESCE(pr.region_code, ''), s.month, "
                          "s.item, s.code",
                          {from, to}));
  std::map<Key, int64_t> sums;
  int64_t unknown_region = 0, unsettled = 0;
  for (const auto& r : rows) {
    std::string month = r.Str(1);
    auto cat = StatementExpenseCategory(agreement, Date::FromYmd(year, 1, 1), r.Str(2), r.Str(3));
    if (!cat) continue;
    if (!settled.count(month)) {
      unsettled += r.Int(4);
      continue;
    }
    auto reg = ParseInt64(r.Str(0));
    if (!reg || *reg < kFirstRegion || *reg > kLastRegion) {
      unknown_region += r.Int(4);
      continue;
    }
    int q = (std::stoi(month.substr(5, 2)) - 1) / 3 + 1;
    sums[{static_cast<int>(*reg), q, *cat}] += r.Int(4);
  }

  // Stored expense rows of the year (and the CLI's file rows over them).
  std::map<Key, std::pair<int64_t, std::string>> expenses;  // → amount, source ("file #id" / label)
  ALMEN_ASSIGN_OR_RETURN(auto exp_rows,
                         c->Query("SELECT region_code, quarter, category, amount_ore, file_id FROM expenses WHERE "
                                  "quarter >= $1 AND quarter <= $2",
                                  {Quarter{year, 1}.ToString(), Quarter{year, 4}.ToString()}));
  std::set<int64_t> files;
  for (const auto& r : exp_rows) {
    auto reg = ParseInt64(r.Str(0));
    auto q = Quarter::Parse(r.Str(1));
    auto cat = ParseExpenseCategory(r.Str(2));
    if (!reg || !q || !cat) return Internal("stored expense row with a bad key: " + r.Str(0) + " " + r.Str(1) + " " + r.Str(2));
    expenses[{static_cast<int>(*reg), q->q, *cat}] = {r.Int(3), "file " + r.Str(4)};
    files.insert(r.Int(4));
  }
  for (const auto& e : o.base.expenses)
    if (e.quarter.year == year) expenses[{e.region, e.quarter.q, e.category}] = {e.amount.ore(), "command line"};
  json replaced = json::array();
  int64_t expenses_total = 0;
  for (const auto& [k, v] : expenses) {
    auto [reg, q, cat] = k;
    auto it = sums.find(k);
    if (it != sums.end())
      replaced.push_back({{"region", std::to_string(reg)},
                          {"quarter", Quarter{year, q}.ToString()},
                          {"category", std::string(ExpenseCategoryName(cat))},
                          {"settled_ore", it->second},
                          {"expense_ore", v.first},
                          {"source", v.second}});
    sums[k] = v.first;
    expenses_total += v.first;
  }
  json expenses_json = {{"rows", static_cast<int64_t>(expenses.size())},
                        {"files", std::vector<int64_t>(files.begin(), files.end())},
                        {"amount_ore", expenses_total},
                        {"replaced", replaced},
                        {"rule", "Udgiftsfilens række for samme region, kvartal og kategori som de gemte afregninger "
                                 "erstatter afregningernes sum; øvrige rækker lægges til."}};

  auto months_in = [&](int q) {
    std::vector<std::string> missing;
    for (int m = 3 * q - 2; m <= 3 * q; ++m)
      if (!settled.count(Ym(year, m))) missing.push_back(Ym(year, m));
    return missing;
  };
  if (!o.region.empty()) {
    const std::set<ExpenseCategory> not_counted = NotCountedCategories(agreement, year);
    std::map<int, int64_t> region_q;  // quarter → spend of the region (counted categories)
    for (const auto& [k, v] : sums) {
      auto [reg, q, cat] = k;
      if (std::to_string(reg) == o.region && !not_counted.count(cat)) region_q[q] += v;
    }
    json quarters = json::array();
    for (int q = 1; q <= 4; ++q) {
      auto missing = months_in(q);
      quarters.push_back({{"quarter", Quarter{year, q}.ToString()},
                          {"spend_ore", region_q[q]},
                          {"complete", missing.empty()},
                          {"months_missing", missing}});
    }
    return json{{"year", year}, {"region", o.region}, {"ramme_ore", nullptr}, {"quarters", quarters},
                {"note", "Rammen er national og vises kun for RLTN og PLO; her er regionens udgifter pr. kvartal."}};
  }

  RammeInput in = o.base;
  in.expenses.clear();
  if (!in.providers) {
    // The LTO capacity mechanism from the stored providers (latest import).
    ALMEN_ASSIGN_OR_RETURN(auto prov, c->Query("SELECT provider, name, clinic_type, capacities, lto, valid_from, "
                                               "valid_to FROM providers"));
    std::vector<CapacityRow> caps;
    for (const auto& r : prov) {
      CapacityRow row;
      row.provider = r.Str(0);
      row.name = r.Str(1);
      row.clinic_type = r.Str(2) == "region" ? ClinicType::kRegion
                        : r.Str(2) == "udbud" ? ClinicType::kUdbud
                                              : ClinicType::kOrdinary;
      row.capacities = r.Int(3);
      row.lto = r.Int(4) != 0;
      auto f = ParseOptionalDate(r.Str(5), Date::Min());
      auto t = ParseOptionalDate(r.Str(6), Date::Max());
      if (!f || !t) continue;
      row.period = {*f, *t};
      caps.push_back(std::move(row));
    }
    if (!caps.empty()) in.providers = std::move(caps);
  }
  for (const auto& [k, v] : sums) {
    auto [reg, q, cat] = k;
    in.expenses.push_back({reg, Quarter{year, q}, cat, Money::FromOre(v)});
  }
  if (o.whatif) ApplyRammeWhatIf(*o.whatif, &in);
  ALMEN_ASSIGN_OR_RETURN(json out, ComputeRamme(agreement, in));
  out["source"] = "stored_settlements";
  out["months_settled"] = std::vector<std::string>(settled.begin(), settled.end());
  out["unsettled_months_spend_ore"] = unsettled;
  out["unknown_region_spend_ore"] = unknown_region;
  out["expenses"] = expenses_json;
  bool all = true;
  Int128 ytd_spend = 0, ytd_ramme = 0;
  int ytd_q = 0;
  bool open = true;
  for (auto& q : out["quarters"]) {
    int qi = q["quarter"].get<std::string>().back() - '0';
    auto missing = months_in(qi);
    if (!missing.empty()) {
      q["complete"] = false;
      for (const auto& m : missing) q["missing"].push_back("måned " + m + " er ikke afregnet");
    }
    q["months_missing"] = missing;
    if (!q["complete"].get<bool>()) all = false;
    if (q["complete"].get<bool>() && open) {
      ytd_spend += q["spend_ore"].get<int64_t>();
      ytd_ramme += q["ramme_ore"].get<int64_t>();
      ++ytd_q;
    } else {
      open = false;
    }
  }
  if (!all && out["complete"].get<bool>()) {
    out["complete"] = false;
    out["overrun_ore"] = nullptr;
    out["overrun_pct"] = nullptr;
    out["overrun_ppm"] = nullptr;
    out["offset_ore"] = nullptr;
    out["offset_rule"] = "incomplete";
    out["offset_plan"] = json::array();
    out["offset_reason"] = "Opgørelsen er ufuldstændig: ikke alle måneder i året er afregnet.";
  }
  // Year-end forecast: the complete leading quarters' spend/ramme ratio carried
  // over the whole year's ramme, normalised to 52 weeks like the statement.
  //   forecast_actual = ytd_spend × ramme / ytd_ramme;  forecast = forecast_actual × 364 / days
  if (ytd_q > 0 && ytd_ramme > 0) {
    const int64_t ramme = out["ramme_ore"].get<int64_t>();
    const int days = Date::FromYmd(year + 1, 1, 1).days() - Date::FromYmd(year, 1, 1).days();
    const int64_t actual = RoundDiv(ytd_spend * ramme, ytd_ramme);
    const int64_t normalised = RoundDiv(static_cast<Int128>(actual) * 364, days);
    const int64_t overrun = normalised - ramme;
    const int64_t tolerance = out["tolerance_ore"].get<int64_t>();
    out["forecast"] = {{"based_on_quarters", ytd_q},
                       {"complete", ytd_q == 4},
                       {"spend_actual_ore", actual},
                       {"spend_ore", normalised},
                       {"overrun_ore", overrun},
                       {"overrun_ppm", RoundDiv(static_cast<Int128>(overrun) * Ppm::kOne, ramme)},
                       {"offset_ore", overrun > tolerance ? overrun - tolerance : 0},
                       {"method", "Prognose: årets fulde kvartalers forhold mellem udgift og ramme fremskrevet til "
                                  "hele årets ramme og normeret til 52 uger; modregning ud over 0,6 %."}};
  } else {
    out["forecast"] = nullptr;
  }
  return out;
}

StatusOr<json> RammeStatementFromDatabase(const Agreement& agreement, const RammeOptions& ro, const std::string& url) {
  StoredRammeOptions o;
  ALMEN_ASSIGN_OR_RETURN(o.base, RammeInputFromOptions(ro));
  if (!IsPostgresUrl(url) && !std::filesystem::exists(url.starts_with("sqlite://") ? url.substr(9) : url))
    return InvalidInput("--db " + url + ": no such database file (almen serve --db creates one)");
  ALMEN_ASSIGN_OR_RETURN(auto db, Storage::Open(url, 1));
  return RammeFromStorage(*db, agreement, o);
}

}  // namespace almen
