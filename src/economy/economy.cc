#include "economy/economy.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <tuple>

#include "common/file.h"
#include "economy/ceiling.h"

namespace almen {

namespace {

StatusOr<int64_t> Count(const nlohmann::json& request, const char* key) {
  const auto& v = request[key];
  if (!v.is_number_integer() || v.get<int64_t>() < 0)
    return InvalidInput(std::string("what-if: \"") + key + "\" must be a whole number ≥ 0");
  return v.get<int64_t>();
}

// The named what-if items (EconomyWhatIf): changes and their explanation.
Status NamedItems(const Agreement& agreement, const nlohmann::json& request, std::vector<EconomyChange>* changes,
                  nlohmann::json* scenario) {
  const Date on = Date::FromYmd(2025, 1, 1);
  if (request.contains("lto_capacities_recruited")) {
    ALMEN_ASSIGN_OR_RETURN(int64_t n, Count(request, "lto_capacities_recruited"));
    ALMEN_ASSIGN_OR_RETURN(Money per, agreement.MoneyParameter("lto_capacity_amount_ore", on));
    ALMEN_ASSIGN_OR_RETURN(int64_t max_count, agreement.IntParameter("lto_capacity_max_count", on));
    ALMEN_ASSIGN_OR_RETURN(Money cap, agreement.MoneyParameter("lto_capacity_cap_ore", on));
    const int64_t counted = std::min(n, max_count);
    const Money amount = std::min(per * counted, cap);
    changes->push_back({std::string(kLtoExtraActivityId), EconomyField::kY2025, amount});
    (*scenario)["lto_capacities_recruited"] = {
        {"name", "LTO-læger faktisk rekrutteret"},
        {"capacities", n},
        {"counted", counted},
        {"per_capacity_ore", per.ore()},
        {"max_count", max_count},
        {"cap_ore", cap.ore()},
        {"amount_ore", amount.ore()},
        {"item", kLtoExtraActivityId},
        {"in_ramme", true},
        {"formula", "min(min(N, " + std::to_string(max_count) + ") × lto_capacity_amount_ore, lto_capacity_cap_ore)"}};
  }
  if (request.contains("bosted_botilbud_covered")) {
    ALMEN_ASSIGN_OR_RETURN(int64_t n, Count(request, "bosted_botilbud_covered"));
    ALMEN_ASSIGN_OR_RETURN(Money rate, agreement.MoneyParameter("bosted_hour_rate_ore", on));
    ALMEN_ASSIGN_OR_RETURN(int64_t hours, agreement.IntParameter("bosted_base_hours", on));
    ALMEN_ASSIGN_OR_RETURN(Money pot, agreement.MoneyParameter("bosted_honorarium_pot_ore", on));
    ALMEN_ASSIGN_OR_RETURN(int64_t pot_botilbud, agreement.IntParameter("bosted_pot_botilbud", on));
    const Money per_month = rate * hours;
    const Money per_year = per_month * 12;
    const Money amount = per_year * n;
    changes->push_back({std::string(kBostedHonorariumId), EconomyField::kY2025, amount});
    (*scenario)["bosted_botilbud_covered"] = {
        {"name", "Bostedsdækning nået"},
        {"botilbud", n},
        {"per_month_ore", per_month.ore()},
        {"per_botilbud_year_ore", per_year.ore()},
        {"amount_ore", amount.ore()},
        {"pot_ore", pot.ore()},
        {"pot_botilbud", pot_botilbud},
        {"versus_pot_ore", (amount - pot).ore()},
        {"item", kBostedHonorariumId},
        {"in_ramme", false},
        {"formula", "N × bosted_base_hours × bosted_hour_rate_ore × 12"},
        {"note", "Honoraret ligger uden for rammen og flytter kun totalerne; aktiviteten på 4,7 mio. kr. ligger i "
                 "rammen og er uændret."}};
  }
  return Status::Ok();
}

nlohmann::json OreOrNull(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_number_integer() ? j[key] : nlohmann::json(nullptr);
}

}  // namespace

StatusOr<nlohmann::json> EconomyTable(const Agreement& agreement, const std::vector<std::string>& sets) {
  ALMEN_ASSIGN_OR_RETURN(EconomyTableData table, LoadEconomyTable(agreement));
  std::vector<EconomyChange> changes;
  for (const auto& s : sets) {
    ALMEN_ASSIGN_OR_RETURN(EconomyChange c, ParseEconomySet(table, s));
    changes.push_back(std::move(c));
  }
  return EconomyReport(agreement, table, changes);
}

StatusOr<nlohmann::json> EconomyWhatIf(const Agreement& agreement, const nlohmann::json& request) {
  if (!request.is_object()) return InvalidInput("what-if: the request must be a JSON object");
  ALMEN_ASSIGN_OR_RETURN(EconomyTableData table, LoadEconomyTable(agreement));
  std::vector<EconomyChange> changes;
  nlohmann::json scenario = nlohmann::json::object();
  ALMEN_RETURN_IF_ERROR(NamedItems(agreement, request, &changes, &scenario));
  if (request.contains("set")) {
    const auto& set = request["set"];
    std::vector<std::string> specs;
    if (set.is_array()) {
      for (const auto& s : set) {
        if (!s.is_string()) return InvalidInput("what-if: \"set\" must hold strings ITEM=VALUE");
        specs.push_back(s.get<std::string>());
      }
    } else if (set.is_object()) {
      for (const auto& [k, v] : set.items()) {
        if (v.is_string()) specs.push_back(k + "=" + v.get<std::string>());
        else if (v.is_null()) specs.push_back(k + "=");
        else if (v.is_number()) specs.push_back(k + "=" + v.dump());  // JSON numbers print with '.'
        else return InvalidInput("what-if: value of \"" + k + "\" must be a string or a number (mio. kr.)");
      }
    } else {
      return InvalidInput("what-if: \"set\" must be an array or an object");
    }
    for (const auto& s : specs) {
      ALMEN_ASSIGN_OR_RETURN(EconomyChange c, ParseEconomySet(table, s));
      changes.push_back(std::move(c));
    }
  }
  if (request.contains("changes")) {
    const auto& chs = request["changes"];
    if (!chs.is_array()) return InvalidInput("what-if: \"changes\" must be an array");
    for (const auto& ch : chs) {
      if (!ch.is_object() || !ch.contains("item") || !ch["item"].is_string())
        return InvalidInput("what-if: each change needs \"item\"");
      std::string spec = ch["item"].get<std::string>();
      if (ch.contains("field")) {
        if (!ch["field"].is_string()) return InvalidInput("what-if: \"field\" must be a string");
        spec += "." + ch["field"].get<std::string>();
      }
      ALMEN_ASSIGN_OR_RETURN(EconomyChange c, ParseEconomySet(table, spec + "=0"));
      if (!ch.contains("value_ore") || ch["value_ore"].is_null()) {
        c.value.reset();
      } else if (ch["value_ore"].is_number_integer()) {
        c.value = Money::FromOre(ch["value_ore"].get<int64_t>());
      } else {
        return InvalidInput("what-if: \"value_ore\" of " + spec + " must be a whole number of øre or null");
      }
      changes.push_back(std::move(c));
    }
  }
  ALMEN_ASSIGN_OR_RETURN(nlohmann::json out, EconomyReport(agreement, table, changes));
  if (!scenario.empty()) out["scenario"] = std::move(scenario);
  return out;
}

RammeWhatIf RammeWhatIfOf(const nlohmann::json& report) {
  RammeWhatIf w;
  if (!report.contains("ramme")) return w;
  const auto& r = report["ramme"];
  if (r.contains("statement_adjustment_ore") && r["statement_adjustment_ore"].is_number_integer())
    w.adjustment = Money::FromOre(r["statement_adjustment_ore"].get<int64_t>());
  if (r.contains("lto_capacity_addition_ore") && r["lto_capacity_addition_ore"].is_number_integer())
    w.lto_addition = Money::FromOre(r["lto_capacity_addition_ore"].get<int64_t>());
  return w;
}

void ApplyRammeWhatIf(const RammeWhatIf& whatif, RammeInput* input) {
  input->whatif_adjustment = whatif.adjustment;
  if (whatif.lto_addition) input->whatif_lto_addition = whatif.lto_addition;
}

nlohmann::json CompareRammeStatements(const nlohmann::json& before, const nlohmann::json& after) {
  nlohmann::json change = nlohmann::json::object();
  for (const char* key : {"ramme_ore", "spend_ore", "overrun_ore", "offset_ore", "lto_capacity_addition_ore"}) {
    nlohmann::json b = OreOrNull(before, key), a = OreOrNull(after, key);
    change[key] = b.is_null() || a.is_null() ? nlohmann::json(nullptr)
                                             : nlohmann::json(a.get<int64_t>() - b.get<int64_t>());
  }
  for (const char* key : {"overrun_pct", "offset_rule"}) {
    change[std::string(key) + "_before"] = before.value(key, nlohmann::json(nullptr));
    change[std::string(key) + "_after"] = after.value(key, nlohmann::json(nullptr));
  }
  return {{"before", before}, {"after", after}, {"change", change}};
}

StatusOr<nlohmann::json> EconomyWhatIfRamme(const Agreement& agreement, const nlohmann::json& request,
                                            const RammeInput& input) {
  ALMEN_ASSIGN_OR_RETURN(nlohmann::json out, EconomyWhatIf(agreement, request));
  ALMEN_ASSIGN_OR_RETURN(nlohmann::json before, ComputeRamme(agreement, input));
  RammeInput changed = input;
  ApplyRammeWhatIf(RammeWhatIfOf(out), &changed);
  ALMEN_ASSIGN_OR_RETURN(nlohmann::json after, ComputeRamme(agreement, changed));
  out["ramme_statement"] = CompareRammeStatements(before, after);
  return out;
}

StatusOr<RammeInput> RammeInputFromOptions(const RammeOptions& o) {
  RammeInput in;
  in.year = o.year;
  in.previous_overrun_pct = o.previous_overrun_pct;
  in.offset_basis = o.offset_basis;
  in.price_level = o.price_level;
  in.week_normalisation = o.week_normalisation;
  if (o.statement_date) {
    auto d = Date::Parse(*o.statement_date);
    if (!d) return InvalidInput("--statement-date '" + *o.statement_date + "': not a date (YYYY-MM-DD)");
    in.statement_date = d;
  }
  if (o.lto_activity_increase_ore) in.lto_activity_increase = Money::FromOre(*o.lto_activity_increase_ore);
  if (!o.expenses_path.empty()) {
    ALMEN_ASSIGN_OR_RETURN(std::string text, ReadFile(o.expenses_path));
    ALMEN_ASSIGN_OR_RETURN(in.expenses, ParseExpensesCsv(o.expenses_path, text));
  }
  if (!o.listed_path.empty()) {
    ALMEN_ASSIGN_OR_RETURN(std::string text, ReadFile(o.listed_path));
    ALMEN_ASSIGN_OR_RETURN(auto listed, ParseListedCsv(o.listed_path, text));
    in.listed = std::move(listed);
  }
  if (!o.providers_path.empty()) {
    ALMEN_ASSIGN_OR_RETURN(std::string text, ReadFile(o.providers_path));
    ALMEN_ASSIGN_OR_RETURN(auto providers, ParseProvidersCsv(o.providers_path, text));
    in.providers = std::move(providers);
  }
  return in;
}

StatusOr<RammeInput> RammeInputOf(const Agreement& agreement, const RammeOptions& o, nlohmann::json* summary) {
  ALMEN_ASSIGN_OR_RETURN(RammeInput in, RammeInputFromOptions(o));
  if (o.statements_path.empty()) return in;
  if (o.providers_path.empty()) return UsageError("--statements needs --providers (the region of each clinic)");
  std::map<int, std::string> region_of;
  {
    ALMEN_ASSIGN_OR_RETURN(std::string text, ReadFile(o.providers_path));
    ALMEN_ASSIGN_OR_RETURN(auto clinics, ParseCeilingProviders(BaseName(o.providers_path), text, o.year));
    for (const auto& [p, c] : clinics) region_of[p] = c.region_code;
  }
  ALMEN_ASSIGN_OR_RETURN(std::string text, ReadFile(o.statements_path));
  ALMEN_ASSIGN_OR_RETURN(auto rows, ParseCeilingStatementsCsv(BaseName(o.statements_path), text));
  std::vector<StatementSpendRow> spend_rows;
  spend_rows.reserve(rows.size());
  for (const auto& r : rows) {
    char code[16] = "";
    if (r.code >= 0) std::snprintf(code, sizeof code, "%04d", r.code);
    auto it = region_of.find(r.provider);
    auto reg = it == region_of.end() ? std::nullopt : ParseInt64(it->second);
    spend_rows.push_back({reg ? static_cast<int>(*reg) : 0, r.provider, r.month, r.item, code, r.count, r.amount});
  }
  ALMEN_ASSIGN_OR_RETURN(StatementSpend spend, SpendFromStatements(agreement, o.year, spend_rows));
  // An expense row for the same (region, quarter, category) replaces the settled sum.
  std::set<std::tuple<int, Quarter, ExpenseCategory>> given;
  for (const auto& e : in.expenses) given.insert({e.region, e.quarter, e.category});
  int64_t replaced = 0;
  for (const auto& e : spend.rows) {
    if (given.count({e.region, e.quarter, e.category})) {
      ++replaced;
      continue;
    }
    in.expenses.push_back(e);
  }
  if (summary) {
    *summary = spend.ToJson();
    (*summary)["rows"] = static_cast<int64_t>(rows.size());
    (*summary)["replaced_by_expenses"] = replaced;
  }
  return in;
}

StatusOr<nlohmann::json> RammeStatement(const Agreement& agreement, const RammeOptions& o) {
  nlohmann::json summary;
  ALMEN_ASSIGN_OR_RETURN(RammeInput in, RammeInputOf(agreement, o, &summary));
  ALMEN_ASSIGN_OR_RETURN(nlohmann::json out, ComputeRamme(agreement, in));
  if (!o.statements_path.empty()) out["statement_spend"] = summary;
  return out;
}

StatusOr<nlohmann::json> ParseNamedWhatIf(const std::vector<std::string>& items) {
  nlohmann::json request = nlohmann::json::object();
  for (const auto& item : items) {
    const size_t eq = item.find('=');
    const std::string name = item.substr(0, eq);
    if (name != "lto_capacities_recruited" && name != "bosted_botilbud_covered")
      return InvalidInput("--whatif '" + item +
                          "': unknown item; use lto_capacities_recruited=N or bosted_botilbud_covered=N");
    if (eq == std::string::npos) return InvalidInput("--whatif '" + item + "': missing =N (a whole number ≥ 0)");
    const std::string value = item.substr(eq + 1);
    auto n = value.find_first_not_of("0123456789") == std::string::npos ? ParseInt64(value) : std::nullopt;
    if (value.empty() || !n || *n < 0)
      return InvalidInput("--whatif '" + item + "': " + name + " must be a whole number ≥ 0, e.g. " + name + "=40");
    if (request.contains(name)) return InvalidInput("--whatif " + name + " is given twice");
    request[name] = *n;
  }
  return request;
}

StatusOr<nlohmann::json> EconomyTable(const Agreement& agreement, const std::vector<std::string>& sets,
                                      const std::vector<std::string>& whatif) {
  if (whatif.empty()) return EconomyTable(agreement, sets);
  ALMEN_ASSIGN_OR_RETURN(nlohmann::json request, ParseNamedWhatIf(whatif));
  if (!sets.empty()) request["set"] = sets;
  return EconomyWhatIf(agreement, request);
}

StatusOr<nlohmann::json> RammeStatementWhatIf(const Agreement& agreement, const RammeOptions& o,
                                              const std::vector<std::string>& whatif) {
  ALMEN_ASSIGN_OR_RETURN(nlohmann::json request, ParseNamedWhatIf(whatif));
  if (o.year != 2025)
    return InvalidInput("--whatif: the named items change the economy table's 2025 column; use --year 2025");
  ALMEN_ASSIGN_OR_RETURN(RammeInput in, RammeInputOf(agreement, o));
  ALMEN_ASSIGN_OR_RETURN(nlohmann::json table, EconomyWhatIfRamme(agreement, request, in));
  nlohmann::json out = std::move(table["ramme_statement"]);
  out["year"] = o.year;
  out["whatif"] = request;
  out["scenario"] = table.value("scenario", nlohmann::json::object());
  out["table_ramme"] = table.value("ramme", nlohmann::json(nullptr));
  return out;
}

}  // namespace almen
