// The økonomisk ramme statement. Formulas (docs/economy.md):
//
//   ramme(year)      = ramme_base + Σ ramme_addition_* + LTO addition (B3)
//                      − talk-therapy reduction (+ what-if adjustment)
//   ramme(quarter q) = ramme(year) × listed(q) / (4 × listed(base))      (H5)
//                      or ramme(year)/4 (remainder spread exactly) without listings
//   spend            = Σ counted expenses × 364 / days in the year          (H2)
//   overrun          = spend − Σ ramme(q)
//   offset           = overrun − 0,6 % × ramme   (excess_over_tolerance, H1)
//                    | overrun                   (full_overrun, or the B2 second year)
//
// Every division rounds half away from zero to whole øre (RoundDiv); every
// comparison with the 0,6 % tolerance is exact in 128-bit integers.
#include "economy/ramme.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "common/decimal.h"
#include "common/format_da.h"

namespace almen {

namespace {


// num/den as a percentage with `decimals` decimals, rounded half away from zero: "1.40".
std::string FormatPct(Int128 num, Int128 den, int decimals) { return FormatRatio(num * 100, den, decimals); }

int DaysInYear(int year) { return Date::FromYmd(year + 1, 1, 1).days() - Date::FromYmd(year, 1, 1).days(); }

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

StatusOr<nlohmann::json> ComputeRamme(const Agreement& agreement, const RammeInput& in) {
  const int year = in.year;
  const Date on = Date::FromYmd(year, 1, 1);
  auto base = agreement.MoneyParameter("ramme_base_ore", on);
  if (!base.ok())
    return InvalidInput("no økonomisk ramme for " + std::to_string(year) +
                        " in the agreement data (ramme_base_ore); the agreement sets no ramme after 31 December 2025");
  ALMEN_ASSIGN_OR_RETURN(Ppm tolerance, agreement.PpmParameter("ramme_tolerance", on));
  ALMEN_ASSIGN_OR_RETURN(bool offset_at_exact, agreement.BoolParameter("offset_at_exactly_tolerance", on));
  ALMEN_ASSIGN_OR_RETURN(int64_t offset_periods, agreement.IntParameter("offset_periods", on));
  ALMEN_ASSIGN_OR_RETURN(int64_t norm_days, agreement.IntParameter("ramme_normalisation_days", on));
  if (offset_periods < 1) return InvalidInput("parameter offset_periods must be at least 1");
  const Parameter* basis_p = agreement.ParameterOn("offset_basis", on);
  std::string basis = !in.offset_basis.empty() ? in.offset_basis : basis_p ? basis_p->value : "excess_over_tolerance";
  if (basis != "excess_over_tolerance" && basis != "full_overrun")
    return InvalidInput("--offset-basis '" + basis + "': must be excess_over_tolerance or full_overrun");
  const Parameter* reg_dates_p = agreement.ParameterOn("offset_regulation_dates", on);
  const Parameter* listing_base_p = agreement.ParameterOn("ramme_listing_base", on);
  const Parameter* excluded_p = agreement.ParameterOn("ramme_excluded_categories", on);
  const Parameter* reducing_p = agreement.ParameterOn("ramme_reducing_categories", on);
  if (!reg_dates_p || !listing_base_p || !excluded_p || !reducing_p)
    return Internal("agreement data lacks a ramme parameter for " + std::to_string(year) +
                    " (offset_regulation_dates, ramme_listing_base, ramme_excluded_categories, ramme_reducing_categories)");
  std::set<ExpenseCategory> excluded, reducing;
  for (const auto& n : SplitNonEmpty(excluded_p->value, ';')) {
    auto c = ParseExpenseCategory(n);
    if (!c) return Internal("ramme_excluded_categories: unknown category '" + n + "'");
    excluded.insert(*c);
  }
  for (const auto& n : SplitNonEmpty(reducing_p->value, ';')) {
    auto c = ParseExpenseCategory(n);
    if (!c) return Internal("ramme_reducing_categories: unknown category '" + n + "'");
    reducing.insert(*c);
  }

  // Previous year's overrun (B2), in millionths of a percent.
  std::optional<int64_t> prev_micro_pct;
  if (in.previous_overrun_pct) {
    auto p = ParsePpm(*in.previous_overrun_pct);
    if (!p) return InvalidInput("--previous-overrun-pct '" + *in.previous_overrun_pct + "': not a percentage (e.g. 0.5)");
    prev_micro_pct = p->value;
  }
  const int64_t tolerance_micro_pct = tolerance.value * 100;  // 0.006 → 0.6 % → 600000

  // ---- Additions (Bilag 1) ----
  nlohmann::json additions = nlohmann::json::array();
  Money additions_sum = Money::Zero();
  for (const auto& p : agreement.parameters()) {
    if (p.name.rfind("ramme_addition_", 0) != 0 || !p.period.Contains(on)) continue;
    ALMEN_ASSIGN_OR_RETURN(Money m, agreement.MoneyParameter(p.name, on));
    additions_sum += m;
    additions.push_back({{"name", p.name}, {"amount_ore", m.ore()}, {"paragraph", p.provenance.paragraph},
                         {"description", p.description}});
  }

  // ---- LTO capacity mechanism (B3) ----
  const Date statement_date = in.statement_date.value_or(Date::FromYmd(year + 1, 1, 1));
  LtoResult lto;
  nlohmann::json lto_json = nlohmann::json::object();
  if (in.providers) {
    ALMEN_ASSIGN_OR_RETURN(lto, ComputeLtoMechanism(agreement, year, *in.providers, statement_date));
  }
  Money lto_addition = lto.addition;
  std::string lto_condition = "not_verified";
  if (in.lto_activity_increase) {
    Money inc = std::max(*in.lto_activity_increase, Money::Zero());
    if (inc < lto_addition) lto_addition = inc;
    lto_condition = "limited_to_activity_increase";
  }
  if (in.whatif_lto_addition) {
    lto_addition = *in.whatif_lto_addition;
    lto_condition = "whatif";
  }
  {
    nlohmann::json ledger = nlohmann::json::array();
    Money prev = Money::Zero();
    for (const auto& e : lto.ledger) {
      ledger.push_back({{"date", e.date.ToIso()},
                        {"capacities", e.capacities},
                        {"additional", e.additional},
                        {"amount_ore", e.amount.ore()},
                        {"change_ore", (e.amount - prev).ore()}});
      prev = e.amount;
    }
    lto_json = {{"applicable", lto.applicable},
                {"providers_given", in.providers.has_value()},
                {"baseline_date", lto.applicable ? nlohmann::json(lto.baseline_date.ToIso()) : nlohmann::json(nullptr)},
                {"baseline_capacities", lto.baseline_capacities},
                {"computed_ore", lto.addition.ore()},
                {"condition", lto_condition},
                {"ledger", ledger}};
  }

  // ---- Spend ----
  std::array<Money, 4> q_spend{}, q_excluded{}, q_reducing{};
  std::array<std::set<int>, 4> q_regions;
  std::map<std::string, int64_t> by_category;
  std::map<int, Money> talk_by_region;
  int64_t ignored_rows = 0;
  for (const auto& e : in.expenses) {
    if (e.quarter.year != year) {
      ++ignored_rows;
      continue;
    }
    size_t qi = static_cast<size_t>(e.quarter.q - 1);
    q_regions[qi].insert(e.region);
    by_category[std::string(ExpenseCategoryName(e.category))] += e.amount.ore();
    if (excluded.count(e.category)) {
      q_excluded[qi] += e.amount;
    } else if (reducing.count(e.category)) {
      q_reducing[qi] += e.amount;
      talk_by_region[e.region] += e.amount;
    } else {
      q_spend[qi] += e.amount;
    }
  }
  Money talk_reduction = Money::Zero();
  nlohmann::json talk_json = nlohmann::json::object();
  for (const auto& [region, m] : talk_by_region) {
    talk_reduction += m;
    talk_json[std::to_string(region)] = m.ore();
  }

  const Money annual = *base + additions_sum + lto_addition - talk_reduction + in.whatif_adjustment;

  // ---- Quarterly regulation by listed patients (H5) ----
  const Date listing_base = *Date::Parse(listing_base_p->value);
  const Quarter base_q{listing_base.year(), static_cast<int>((listing_base.month() - 1) / 3 + 1)};
  std::map<Quarter, int64_t> listed_sum;
  std::map<Quarter, std::set<int>> listed_regions;
  if (in.listed)
    for (const auto& l : *in.listed) {
      listed_sum[l.quarter] += l.listed;
      listed_regions[l.quarter].insert(l.region);
    }
  const int kRegions = kLastRegion - kFirstRegion + 1;
  auto listed_complete = [&](const Quarter& q) {
    auto it = listed_regions.find(q);
    return it != listed_regions.end() && static_cast<int>(it->second.size()) == kRegions && listed_sum[q] > 0;
  };
  const bool base_ok = in.listed && listed_complete(base_q);

  nlohmann::json quarters = nlohmann::json::array();
  std::vector<std::string> missing;
  if (in.expenses.empty()) missing.push_back("ingen udgiftsdata (expenses)");
  if (in.listed && !base_ok)
    missing.push_back("tilmeldte patienter mangler for basiskvartalet " + base_q.ToString() + " (alle fem regioner)");
  Money ramme_sum = Money::Zero(), spend_actual = Money::Zero();
  bool all_complete = !in.expenses.empty();
  bool regulated = base_ok;
  Money ytd_ramme = Money::Zero(), ytd_spend = Money::Zero();
  bool ytd_open = true;
  int ytd_quarters = 0;
  for (int q = 1; q <= 4; ++q) {
    size_t qi = static_cast<size_t>(q - 1);
    Quarter qq{year, q};
    std::vector<std::string> q_missing;
    for (int reg = kFirstRegion; reg <= kLastRegion; ++reg)
      if (!q_regions[qi].count(reg)) q_missing.push_back("udgifter for region " + std::to_string(reg));
    Money q_ramme;
    nlohmann::json listed = nullptr;
    std::string ratio = "1.000000";
    if (in.listed) {
      if (!listed_complete(qq)) q_missing.push_back("tilmeldte patienter (alle fem regioner)");
      if (base_ok && listed_complete(qq)) {
        // annual/4 × listed(q)/listed(base), one rounding half away from zero.
        q_ramme = Money::FromOre(RoundDiv(static_cast<Int128>(annual.ore()) * listed_sum[qq],
                                          static_cast<Int128>(4) * listed_sum[base_q]));
        listed = listed_sum[qq];
        ratio = FormatPpm(Ppm{RoundDiv(static_cast<Int128>(listed_sum[qq]) * Ppm::kOne, listed_sum[base_q])});
      } else {
        regulated = false;
      }
    }
    if (!in.listed || !base_ok || !listed_complete(qq)) {
      // annual/4 with the remainder spread so that four quarters add up exactly.
      q_ramme = Money::FromOre(RoundDiv(static_cast<Int128>(annual.ore()) * q, 4) -
                               RoundDiv(static_cast<Int128>(annual.ore()) * (q - 1), 4));
    }
    bool complete = q_missing.empty() && !in.expenses.empty();
    if (!complete) all_complete = false;
    for (const auto& m : q_missing) missing.push_back(qq.ToString() + ": " + m);
    if (complete && ytd_open) {
      ytd_ramme += q_ramme;
      ytd_spend += q_spend[qi];
      ++ytd_quarters;
    } else {
      ytd_open = false;
    }
    ramme_sum += q_ramme;
    spend_actual += q_spend[qi];
    nlohmann::json lto_q = nullptr;
    for (const auto& e : lto.ledger)
      if (e.date == qq.last_day()) lto_q = e.amount.ore();
    quarters.push_back({{"quarter", qq.ToString()},
                        {"ramme_ore", q_ramme.ore()},
                        {"spend_ore", q_spend[qi].ore()},
                        {"excluded_ore", q_excluded[qi].ore()},
                        {"talk_therapy_ore", q_reducing[qi].ore()},
                        {"listed", listed},
                        {"listing_ratio", ratio},
                        {"complete", complete},
                        {"missing", q_missing},
                        {"cumulative_ramme_ore", ramme_sum.ore()},
                        {"cumulative_spend_ore", spend_actual.ore()},
                        {"lto_capacity_addition_ore", lto_q}});
  }

  // ---- Normalisation to 52 weeks (H2) ----
  const int days = DaysInYear(year);
  const Money spend = Money::FromOre(RoundDiv(static_cast<Int128>(spend_actual.ore()) * norm_days, days));
  const Money ramme = ramme_sum;
  const Money tolerance_amount = Scale(ramme, tolerance);

  nlohmann::json out;
  out["year"] = year;
  out["agreement"] = agreement.version();
  out["price_level"] = "apr-24";
  out["complete"] = all_complete;
  out["missing"] = missing;
  out["ramme_ore"] = ramme.ore();
  out["ramme_components"] = {{"base_ore", base->ore()},
                             {"additions", additions},
                             {"additions_ore", additions_sum.ore()},
                             {"lto_capacity_addition_ore", lto_addition.ore()},
                             {"talk_therapy_reduction_ore", talk_reduction.ore()},
                             {"talk_therapy_by_region", talk_json},
                             {"whatif_adjustment_ore", in.whatif_adjustment.ore()},
                             {"annual_ore", annual.ore()},
                             {"regulated_by_listed_patients", regulated},
                             {"listing_base", listing_base.ToIso()}};
  out["spend_ore"] = spend.ore();
  out["spend_actual_ore"] = spend_actual.ore();
  out["spend_by_category_ore"] = by_category;
  out["excluded_categories"] = SplitNonEmpty(excluded_p->value, ';');
  out["ignored_rows_other_years"] = ignored_rows;
  out["normalisation"] = {{"days_in_year", days},
                          {"normalised_days", norm_days},
                          {"formula", "spend_ore = round(spend_actual_ore × " + std::to_string(norm_days) + " / " +
                                          std::to_string(days) + ")"}};
  out["tolerance_pct"] = FormatPct(tolerance.value, Ppm::kOne, 2);
  out["tolerance_ore"] = tolerance_amount.ore();
  out["offset_basis"] = basis;
  out["previous_overrun_pct"] = in.previous_overrun_pct ? nlohmann::json(*in.previous_overrun_pct) : nlohmann::json(nullptr);
  out["lto_capacity_addition_ore"] = lto_addition.ore();
  out["lto"] = lto_json;
  out["lto_ledger"] = lto_json["ledger"];
  out["quarters"] = quarters;
  out["statement_date"] = statement_date.ToIso();

  if (ytd_quarters > 0) {
    Money ytd_over = ytd_spend - ytd_ramme;
    out["year_to_date"] = {{"quarters", ytd_quarters},
                           {"ramme_ore", ytd_ramme.ore()},
                           {"spend_ore", ytd_spend.ore()},
                           {"overrun_ore", ytd_over.ore()},
                           {"overrun_pct", ytd_ramme.ore() != 0 ? nlohmann::json(FormatPct(ytd_over.ore(), ytd_ramme.ore(), 2))
                                                               : nlohmann::json(nullptr)}};
  } else {
    out["year_to_date"] = nullptr;
  }

  if (!all_complete) {
    // Never a statement from a partial year: the year figures are absent.
    out["overrun_ore"] = nullptr;
    out["overrun_pct"] = nullptr;
    out["overrun_ppm"] = nullptr;
    out["offset_ore"] = nullptr;
    out["offset_rule"] = "incomplete";
    out["offset_reason"] = "Opgørelsen er ufuldstændig: der mangler data for et eller flere kvartaler, "
                           "så der beregnes hverken overskridelse eller modregning.";
    out["offset_plan"] = nlohmann::json::array();
    return out;
  }
  if (ramme.ore() <= 0) return InvalidInput("the ramme for " + std::to_string(year) + " is not positive");

  const Money overrun = spend - ramme;
  // Exact comparison of overrun/ramme with the tolerance: overrun × 10^6 vs ramme × tolerance_ppm.
  const Int128 lhs = static_cast<Int128>(overrun.ore()) * Ppm::kOne;
  const Int128 rhs = static_cast<Int128>(ramme.ore()) * tolerance.value;
  const bool over = overrun > Money::Zero();
  const bool beyond = lhs > rhs || (lhs == rhs && offset_at_exact);
  const bool prev_within = prev_micro_pct && *prev_micro_pct > 0 && *prev_micro_pct <= tolerance_micro_pct;
  Money offset = Money::Zero();
  std::string rule, reason;
  if (!over) {
    rule = "no_overrun";
    reason = "Udgifterne er inden for rammen: ingen modregning.";
  } else if (beyond) {
    rule = "beyond_tolerance";
    offset = basis == "full_overrun" ? overrun : std::max(overrun - tolerance_amount, Money::Zero());
    reason = basis == "full_overrun"
                 ? "Overskridelsen er over 0,6 % af rammen: hele overskridelsen modregnes (Bilag 1 pkt. 2, full_overrun)."
                 : "Overskridelsen er over 0,6 % af rammen: overskridelsen ud over 0,6 % modregnes (Bilag 1 pkt. 2).";
  } else if (prev_within) {
    rule = "second_year_within_tolerance";
    offset = overrun;
    reason = "Overskridelsen er under 0,6 %, men året før var også overskredet med under 0,6 %: "
             "overskridelsen undtages ikke og modregnes fuldt (Bilag 1 pkt. 1).";
  } else {
    rule = "within_tolerance";
    reason = "Overskridelsen er mindre end 0,6 % af rammen: ingen modregning i år, men en overskridelse "
             "under 0,6 % næste år undtages ikke (Bilag 1 pkt. 1).";
  }
  out["overrun_ore"] = overrun.ore();
  out["overrun_pct"] = FormatPct(overrun.ore(), ramme.ore(), 2);
  out["overrun_ppm"] = RoundDiv(static_cast<Int128>(overrun.ore()) * Ppm::kOne, ramme.ore());
  out["offset_ore"] = offset.ore();
  out["offset_rule"] = rule;
  out["offset_reason"] = reason;

  // Offset plan: from the first regulation date after the statement, over
  // `offset_periods` regulation periods, split evenly (remainder øre spread so
  // the parts add up exactly).
  nlohmann::json plan = nlohmann::json::array();
  if (offset > Money::Zero()) {
    std::vector<Date> reg_dates;
    for (int y = statement_date.year(); y <= statement_date.year() + 3; ++y)
      for (const auto& md : SplitNonEmpty(reg_dates_p->value, ';')) {
        auto d = Date::Parse(std::to_string(y) + "-" + md);
        if (!d) return Internal("offset_regulation_dates: '" + md + "' is not MM-DD");
        if (statement_date < *d) reg_dates.push_back(*d);
      }
    std::sort(reg_dates.begin(), reg_dates.end());
    if (reg_dates.size() < static_cast<size_t>(offset_periods) + 1) return Internal("too few regulation dates");
    for (int64_t i = 0; i < offset_periods; ++i) {
      Money part = Money::FromOre(RoundDiv(static_cast<Int128>(offset.ore()) * (i + 1), offset_periods) -
                                  RoundDiv(static_cast<Int128>(offset.ore()) * i, offset_periods));
      plan.push_back({{"period", i + 1},
                      {"from", reg_dates[static_cast<size_t>(i)].ToIso()},
                      {"to", reg_dates[static_cast<size_t>(i) + 1].ToIso()},
                      {"amount_ore", part.ore()},
                      {"text", "Modregning " + FormatKroner(part) + " fra " + FormatDateDa(reg_dates[static_cast<size_t>(i)])}});
    }
  }
  out["offset_plan"] = plan;
  return out;
}

}  // namespace almen
