// The ramme statement from the database (ramme_storage.h).
#include "server/ramme_storage.h"

#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <tuple>

#include "common/decimal.h"
#include "common/file.h"
#include "economy/ceiling.h"
#include "economy/offset.h"

namespace almen {

namespace {

using json = nlohmann::json;
using Key = std::tuple<int, int, ExpenseCategory>;  // region, quarter 1..4, category

std::string Ym(int y, int m) {
  char b[32];
  std::snprintf(b, sizeof b, "%04d-%02d", y, m);
  return b;
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
  // The year before too: a region's talk-therapy agreement reduces the ramme by
  // the 12 months before it (Bilag 1); SpendFromStatements keeps only those.
  ALMEN_ASSIGN_OR_RETURN(std::set<std::string> settled, SettledMonths(*c, Ym(year - 1, 1), to));
  // The cervical-cytology codes and their companion (0101) per provider ("2102
  // inkl. én 0101" pairs them per clinic and month); everything else summed.
  // The year before only for talk-therapy codes, and only if a region's agreement is in force.
  ALMEN_ASSIGN_OR_RETURN(const auto talk_agreements, TalkTherapyAgreements(agreement, year));
  bool talk_reduction = false;
  for (const auto& t : talk_agreements) talk_reduction = talk_reduction || (t.effective && !(Quarter{year, 4} < *t.effective));
  // $1 = first month, $2 = last month, then the codes; "$3, $4, …" for the IN list.
  const std::vector<std::string> pair_codes = CytologyPairCodes(agreement, year);
  std::vector<std::string> texts = {from, to};
  auto list = [&texts](const std::vector<std::string>& codes) {
    std::string in_list;
    for (const auto& code : codes) {
      texts.push_back(code);
      in_list += (in_list.empty() ? "$" : ", $") + std::to_string(texts.size());
    }
    return in_list.empty() ? std::string("''") : in_list;
  };
  const std::string pair_list = list(pair_codes);
  std::string previous;
  if (talk_reduction) {
    texts.push_back(Ym(year - 1, 1));
    const std::string prev_from = "$" + std::to_string(texts.size());
    previous = " OR (s.month >= " + prev_from + " AND s.month < $1 AND s.item = 'service' AND s.code IN (" +
               list(TalkTherapyCodes(agreement, year)) + "))";
  }
  auto params_of = [&texts](size_t n) {
    SqlParams p;
    for (size_t i = 0; i < n; ++i) p.emplace_back(texts[i]);
    return p;
  };
  const SqlParams params = params_of(texts.size());
  const SqlParams pair_params = params_of(2 + pair_codes.size());  // $1, $2 and the pair codes
  ALMEN_ASSIGN_OR_RETURN(
      auto rows, c->Query("SELECT COALESCE(pr.region_code, ''), s.month, s.item, s.code, SUM(s.count), "
                          "SUM(s.amount_ore) FROM ledger_balances s LEFT JOIN providers pr ON pr.provider = s.provider "
                          "WHERE ((s.month >= $1 AND s.month <= $2 AND NOT (s.item = 'service' AND s.code IN (" +
                              pair_list + ")))" + previous +
                              ") GROUP BY COALESCE(pr.region_code, ''), s.month, s.item, s.code",
                          params));
  ALMEN_ASSIGN_OR_RETURN(
      auto pair_rows, c->Query("SELECT COALESCE(pr.region_code, ''), s.provider, s.month, s.item, s.code, "
                               "SUM(s.count), SUM(s.amount_ore) FROM ledger_balances s LEFT JOIN providers pr ON "
                               "pr.provider = s.provider WHERE s.month >= $1 AND s.month <= $2 AND s.item = "
                               "'service' AND s.code IN (" + pair_list + ") GROUP BY COALESCE(pr.region_code, ''), "
                               "s.provider, s.month, s.item, s.code",
                               pair_params));
  std::vector<StatementSpendRow> spend_rows;
  int64_t unsettled = 0;
  auto add = [&](const SqlRow& r, int provider, size_t at) {
    const std::string month = r.Str(at);
    auto m = Month::Parse(month);
    if (!m) return;
    if (!settled.count(month)) {
      if (m->year() == year && StatementExpenseCategory(agreement, Date::FromYmd(year, 1, 1), r.Str(at + 1),
                                                        r.Str(at + 2)))
        unsettled += r.Int(at + 4);
      return;
    }
    auto reg = ParseInt64(r.Str(0));
    spend_rows.push_back({reg && *reg >= kFirstRegion && *reg <= kLastRegion ? static_cast<int>(*reg) : 0, provider,
                          *m, r.Str(at + 1), r.Str(at + 2), r.Int(at + 3), Money::FromOre(r.Int(at + 4))});
  };
  for (const auto& r : rows) add(r, 0, 1);
  for (const auto& r : pair_rows) add(r, static_cast<int>(ParseInt64(r.Str(1)).value_or(0)), 2);
  ALMEN_ASSIGN_OR_RETURN(StatementSpend statement_spend, SpendFromStatements(agreement, year, spend_rows));
  const int64_t unknown_region = statement_spend.unknown_region.ore();
  std::map<Key, int64_t> sums;
  std::map<std::tuple<int, Quarter>, int64_t> prev_talk;  // the year before: talk therapy per region and quarter
  for (const auto& e : statement_spend.rows) {
    if (e.quarter.year == year) sums[{e.region, e.quarter.q, e.category}] += e.amount.ore();
    else prev_talk[{e.region, e.quarter}] += e.amount.ore();
  }

  // Stored expense rows of the year (and the CLI's file rows over them).
  std::map<Key, std::pair<int64_t, std::string>> expenses;  // → amount, source ("file #id" / label)
  ALMEN_ASSIGN_OR_RETURN(auto exp_rows,
                         c->Query("SELECT region_code, quarter, category, amount_ore, file_id FROM expenses WHERE "
                                  "quarter >= $1 AND quarter <= $2",
                                  {Quarter{year - 1, 1}.ToString(), Quarter{year, 4}.ToString()}));
  std::set<int64_t> files;
  for (const auto& r : exp_rows) {
    auto reg = ParseInt64(r.Str(0));
    auto q = Quarter::Parse(r.Str(1));
    auto cat = ParseExpenseCategory(r.Str(2));
    if (!reg || !q || !cat) return Internal("stored expense row with a bad key: " + r.Str(0) + " " + r.Str(1) + " " + r.Str(2));
    if (q->year != year) {
      if (*cat == ExpenseCategory::kTalkTherapy) prev_talk[{static_cast<int>(*reg), *q}] = r.Int(3);
      continue;
    }
    expenses[{static_cast<int>(*reg), q->q, *cat}] = {r.Int(3), "file " + r.Str(4)};
    files.insert(r.Int(4));
  }
  for (const auto& e : o.base.expenses) {
    if (e.quarter.year == year) expenses[{e.region, e.quarter.q, e.category}] = {e.amount.ore(), "command line"};
    else if (e.quarter.year == year - 1 && e.category == ExpenseCategory::kTalkTherapy)
      prev_talk[{e.region, e.quarter}] = e.amount.ore();
  }
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
    const std::set<ExpenseCategory> not_counted = RammeNotCountedCategories(agreement, year);
    ALMEN_ASSIGN_OR_RETURN(const auto talk, TalkTherapyAgreements(agreement, year));
    std::map<int, int64_t> region_q;  // quarter → spend of the region (counted categories)
    for (const auto& [k, v] : sums) {
      auto [reg, q, cat] = k;
      if (cat == ExpenseCategory::kTalkTherapy && TalkTherapyOutsideRamme(talk, reg, Quarter{year, q})) continue;
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
  for (const auto& [k, v] : prev_talk)
    in.expenses.push_back({std::get<0>(k), std::get<1>(k), ExpenseCategory::kTalkTherapy, Money::FromOre(v)});
  if (o.whatif) ApplyRammeWhatIf(*o.whatif, &in);
  ALMEN_ASSIGN_OR_RETURN(json out, ComputeRamme(agreement, in));
  out["source"] = "stored_settlements";
  out["months_settled"] = std::vector<std::string>(settled.lower_bound(from), settled.end());
  out["unsettled_months_spend_ore"] = unsettled;
  out["unknown_region_spend_ore"] = unknown_region;
  out["statement_spend"] = statement_spend.ToJson();
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
  // over the whole year's ramme, normalised to 52 weeks and offset like the statement.
  //   forecast_actual = ytd_spend × ramme / ytd_ramme;  forecast = normalise(forecast_actual)
  if (ytd_q > 0 && ytd_ramme > 0 && !out["year_to_date"].is_null()) {
    const int64_t ramme = out["ramme_ore"].get<int64_t>();
    ALMEN_ASSIGN_OR_RETURN(const SpendNormalisation norm, SpendNormalisationOf(agreement, year, in.week_normalisation));
    const Date on = Date::FromYmd(year, 1, 1);
    ALMEN_ASSIGN_OR_RETURN(Ppm tolerance, agreement.PpmParameter("ramme_tolerance", on));
    ALMEN_ASSIGN_OR_RETURN(bool at_exact, agreement.BoolParameter("offset_at_exactly_tolerance", on));
    const int64_t actual = RoundDiv(ytd_spend * ramme, ytd_ramme);
    const int64_t normalised = norm.Apply(Money::FromOre(actual)).ore();
    const int64_t overrun = normalised - ramme;
    std::optional<int64_t> prev;
    if (in.previous_overrun_pct)
      if (auto p = ParsePpm(*in.previous_overrun_pct)) prev = p->value;
    const OffsetDecision d =
        DecideOffset({Money::FromOre(ramme), Money::FromOre(overrun), tolerance, at_exact,
                      ParseOffsetBasis(out["offset_basis"].get<std::string>()).value_or(OffsetBasis::kFullOverrun),
                      prev});
    out["forecast"] = {{"based_on_quarters", ytd_q},
                       {"complete", ytd_q == 4},
                       {"spend_actual_ore", actual},
                       {"spend_ore", normalised},
                       {"overrun_ore", overrun},
                       {"overrun_ppm", RoundDiv(static_cast<Int128>(overrun) * Ppm::kOne, ramme)},
                       {"offset_ore", d.offset.ore()},
                       {"offset_rule", d.rule},
                       {"method", "Prognose: årets fulde kvartalers forhold mellem udgift og ramme fremskrevet til "
                                  "hele årets ramme og normeret til 52 uger (" + norm.method + "); modregning efter " +
                                  out["offset_basis"].get<std::string>() + " som opgørelsen."}};
  } else {
    out["forecast"] = nullptr;
  }
  return out;
}

StatusOr<json> OffsetViewFromStorage(Storage& db, const Agreement& agreement, int year) {
  StoredRammeOptions o;
  o.base.year = year;
  ALMEN_ASSIGN_OR_RETURN(json ramme, RammeFromStorage(db, agreement, o));
  json out = {{"year", year},
              {"agreement", agreement.version()},
              {"complete", ramme["complete"]},
              {"offset_ore", ramme["offset_ore"]},
              {"offset_rule", ramme["offset_rule"]},
              {"offset_reason", ramme.value("offset_reason", "")}};
  if (!ramme["complete"].get<bool>()) {
    out["available"] = false;
    out["message"] = "Året er ikke fuldt opgjort: der beregnes ingen modregning af et delvist år.";
    return out;
  }
  ALMEN_ASSIGN_OR_RETURN(OffsetPlanInput pin, OffsetPlanInputFromRammeJson(ramme));
  ALMEN_ASSIGN_OR_RETURN(OffsetPlan plan, PlanOffset(agreement, pin));
  auto c = db.pool().Borrow();
  ALMEN_ASSIGN_OR_RETURN(
      auto rows, c->Query("SELECT s.provider, COALESCE(pr.region_code, ''), s.item, s.code, SUM(s.amount_ore) FROM "
                          "ledger_balances s LEFT JOIN providers pr ON pr.provider = s.provider WHERE s.month >= $1 AND "
                          "s.month <= $2 GROUP BY s.provider, COALESCE(pr.region_code, ''), s.item, s.code",
                          {Ym(year, 1), Ym(year, 12)}));
  std::vector<CeilingStatementRow> st;
  std::map<int, std::string> region_of;
  for (const auto& r : rows) {
    auto provider = ParseInt64(r.Str(0));
    if (!provider) continue;
    auto code = ParseInt64(r.Str(3));
    region_of[static_cast<int>(*provider)] = r.Str(1);
    st.push_back({static_cast<int>(*provider), Month::FromYm(year, 1), r.Str(2), code ? static_cast<int>(*code) : -1, 0,
                  Money::FromOre(r.Int(4))});
  }
  out["available"] = true;
  out["statement_date"] = pin.statement_date.ToIso();
  out["expected_spend_ore"] = pin.expected_spend.ore();
  out["plan"] = OffsetPlanJson(plan);
  out["unrecovered_ore"] = plan.unrecovered.ore();
  out["warnings"] = plan.warnings;
  out["overlay_csv"] = OffsetOverlayCsv(plan);
  out["clinics"] = ClinicOffsetEffects(plan, ClinicSpendFromStatements(agreement, year, st, region_of));
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
