// The LTO capacity mechanism (agreement.md B3; ramme.h): the ramme grows by
// 267.000 kr. per additional occupied capacity in LTO areas above the 1 July
// 2024 baseline, for the first 75, capped at 20 mio. kr.
#include <algorithm>
#include <map>
#include <set>

#include "economy/ramme.h"

namespace almen {

namespace {

// Takeover base of a provider on `d`: capacities of its latest region/udbud row
// before the row valid on `d`, or nullopt if it never was a region/udbud clinic.
std::optional<int64_t> TakeoverBase(const std::vector<const CapacityRow*>& rows, const CapacityRow& current) {
  const CapacityRow* latest = nullptr;
  for (const auto* r : rows)
    if (r->clinic_type != ClinicType::kOrdinary && r->period.from < current.period.from &&
        (!latest || latest->period.from < r->period.from))
      latest = r;
  if (!latest) return std::nullopt;
  return latest->capacities;
}

}  // namespace

int64_t CountedLtoCapacities(const std::vector<CapacityRow>& providers, Date d) {
  std::map<std::string, std::vector<const CapacityRow*>> by_provider;
  for (const auto& p : providers) by_provider[p.provider].push_back(&p);
  int64_t total = 0;
  for (const auto& [id, rows] : by_provider) {
    for (const auto* r : rows) {
      if (!r->period.Contains(d) || !r->lto || r->clinic_type != ClinicType::kOrdinary) continue;
      int64_t base = TakeoverBase(rows, *r).value_or(0);
      total += std::max<int64_t>(0, r->capacities - base);
    }
  }
  return total;
}

StatusOr<LtoResult> ComputeLtoMechanism(const Agreement& agreement, int year,
                                        const std::vector<CapacityRow>& providers, Date statement_date) {
  LtoResult res;
  const Date on = Date::FromYmd(year, 1, 1);
  const Parameter* baseline_p = agreement.ParameterOn("lto_capacity_baseline_date", on);
  if (!baseline_p) return res;  // no mechanism this year
  res.applicable = true;
  res.baseline_date = *Date::Parse(baseline_p->value);  // validated at load (unit date)
  ALMEN_ASSIGN_OR_RETURN(Money per, agreement.MoneyParameter("lto_capacity_amount_ore", on));
  ALMEN_ASSIGN_OR_RETURN(int64_t max_count, agreement.IntParameter("lto_capacity_max_count", on));
  ALMEN_ASSIGN_OR_RETURN(Money cap, agreement.MoneyParameter("lto_capacity_cap_ore", on));
  res.baseline_capacities = CountedLtoCapacities(providers, res.baseline_date);

  const Date year_end = Date::FromYmd(year, 12, 31);
  const Date until = std::min(year_end, statement_date);
  std::set<Date> dates = {res.baseline_date, until};
  for (int q = 1; q <= 4; ++q) {
    Date d = Quarter{year, q}.last_day();
    if (d <= until) dates.insert(d);
  }
  for (const auto& p : providers) {
    for (Date d : {p.period.from, p.period.to})
      if (!d.is_max() && res.baseline_date < d && d <= until) dates.insert(d);
  }
  auto amount_for = [&](int64_t counted, int64_t* additional) {
    *additional = std::clamp<int64_t>(counted - res.baseline_capacities, 0, max_count);
    return std::min(per * *additional, cap);
  };
  std::optional<int64_t> last_caps;
  for (Date d : dates) {
    LtoLedgerEntry e;
    e.date = d;
    e.capacities = CountedLtoCapacities(providers, d);
    e.amount = amount_for(e.capacities, &e.additional);
    bool quarter_end = false;
    for (int q = 1; q <= 4; ++q) quarter_end = quarter_end || d == Quarter{year, q}.last_day();
    if (last_caps && *last_caps == e.capacities && !quarter_end && d != until) continue;
    last_caps = e.capacities;
    res.ledger.push_back(e);
  }
  res.addition = res.ledger.empty() ? Money::Zero() : res.ledger.back().amount;
  return res;
}

}  // namespace almen
