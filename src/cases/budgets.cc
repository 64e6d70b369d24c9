// Spend against the IT subsidy and the Partsforum budget (service.h;
// agreement.md §G, OK25 pkt. 3.3 and afsnit 3). The budgets are agreement
// parameters per year; spend is recorded by rltn or plo and never exceeds them.
#include <map>
#include <utility>

#include "cases/service.h"

namespace almen {

namespace {

// budget -> (agreement parameter, Danish name)
const std::map<std::string, std::pair<std::string, std::string>> kBudgets = {
    {"it_subsidy", {"it_subsidy_budget_ore", "Tilskud til it-drift i almen praksis (pkt. 3.3)"}},
    {"partsforum", {"partsforum_budget_ore", "Partsforum for data og digitalisering (afsnit 3)"}},
};

}  // namespace

StatusOr<nlohmann::json> CaseService::Budgets(const UserRecord& u, int64_t year) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kSeeBudgets));
  nlohmann::json budgets = nlohmann::json::array();
  for (const auto& [key, v] : kBudgets) {
    auto budget = BudgetParameter(v.first, year);
    ALMEN_ASSIGN_OR_RETURN(int64_t spent, BudgetSpent(db_, key, year));
    const int64_t b = budget.ok() ? budget->ore() : 0;
    budgets.push_back({{"budget", key}, {"name", v.second}, {"year", year}, {"budget_ore", b},
                       {"spent_ore", spent}, {"remaining_ore", b - spent}});
  }
  return budgets;
}

StatusOr<Table> CaseService::Spend(const UserRecord& u, int64_t year) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kSeeBudgets));
  return BudgetSpendTable(db_, year);
}

StatusOr<SpendResult> CaseService::RecordSpend(const UserRecord& u, const SpendRequest& r, const std::string& now) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kSpend));
  auto it = kBudgets.find(r.budget);
  if (it == kBudgets.end()) return InvalidInput("budget must be it_subsidy or partsforum");
  if (r.amount_ore <= 0) return InvalidInput("amount_ore must be positive");
  const int64_t year = r.spent_on.year();
  ALMEN_ASSIGN_OR_RETURN(Money total, BudgetParameter(it->second.first, year));
  std::lock_guard lock(mu_);
  auto lease = db_.pool().Borrow();
  CasesStore store(*lease);
  ALMEN_ASSIGN_OR_RETURN(int64_t spent, store.BudgetSpent(r.budget, year));
  ALMEN_RETURN_IF_ERROR(CheckSpend(year, total, spent, r.amount_ore));
  ALMEN_RETURN_IF_ERROR(
      store.InsertSpend({r.budget, year, r.amount_ore, r.spent_on.ToIso(), r.description, now, u.username}));
  Audit(store, now, u.username, "budget.spend", r.budget + " " + std::to_string(year) + " amount_ore=" +
                                                    std::to_string(r.amount_ore));
  return SpendResult{spent + r.amount_ore, total.ore() - spent - r.amount_ore};
}

}  // namespace almen
