#include "economy/economy.h"

#include "common/file.h"

namespace almen {

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
  return EconomyReport(agreement, table, changes);
}

StatusOr<nlohmann::json> RammeStatement(const Agreement& agreement, const RammeOptions& o) {
  RammeInput in;
  in.year = o.year;
  in.previous_overrun_pct = o.previous_overrun_pct;
  in.offset_basis = o.offset_basis;
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
  return ComputeRamme(agreement, in);
}

}  // namespace almen
