// Modregning: the offset amount and the regulation/basishonorar plan (offset.h).
//
//   offset       = overrun                      full_overrun, or the year after an exempt year
//                | overrun − round(0,6 % × ramme)  excess_over_tolerance (beyond 0,6 %)
//                | 0                            within 0,6 % (first year) or no overrun
//
//   per regulation period i = [from_i, to_i) (the first two regulation dates after the statement):
//     A_i   = round(offset × i/n) − round(offset × (i−1)/n)
//     E_i   = S × days_i × index_i / (D × index_Y)            expected spend at the period's level
//     Δ_i   = round(A_i × D × index_Y / (S × days_i))          index reduction (ppm of the factor)
//             capped at index_i − floor (floor = the level before from_1: the regulation is at most cancelled)
//     R_i   = round(S × days_i × Δ_i / (D × index_Y))          recovered by the regulation
//     if capped: M_i = A_i − R_i from the basishonorar b (per patient per year):
//     δ_i   = round(b × M_i × D × index_Y / (S_b × days_i × (index_i − Δ_i))), at most b
//     R^b_i = round(S_b × days_i × (index_i − Δ_i) × δ_i / (D × index_Y × b))
//
// S, S_b: the statement year's counted spend and its basishonorar (static data,
// Bilag 1 pkt. 2); D: days in the year; index_Y: the § 64 index on 31 December.
#include "economy/offset.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "common/format_da.h"
#include "economy/ramme.h"

namespace almen {

namespace {

// "1,2345" percent points of num/den × 100 with 4 decimals, Danish comma.
std::string PctDa(Int128 num, Int128 den, int decimals) {
  std::string s = FormatRatio(num * 100, den, decimals);
  std::replace(s.begin(), s.end(), '.', ',');
  return s;
}

Money Part(Money total, int64_t i, int64_t n) {
  return Money::FromOre(RoundDiv(static_cast<Int128>(total.ore()) * i, n) -
                        RoundDiv(static_cast<Int128>(total.ore()) * (i - 1), n));
}

}  // namespace

std::optional<OffsetBasis> ParseOffsetBasis(std::string_view s) {
  if (s == "full_overrun") return OffsetBasis::kFullOverrun;
  if (s == "excess_over_tolerance") return OffsetBasis::kExcessOverTolerance;
  return std::nullopt;
}
std::string_view OffsetBasisName(OffsetBasis b) {
  return b == OffsetBasis::kFullOverrun ? "full_overrun" : "excess_over_tolerance";
}

bool PreviousYearExempt(std::optional<int64_t> prev, Ppm tolerance, bool offset_at_exact) {
  const int64_t tol = tolerance.value * 100;  // 0.006 → 0,6 % → 600000 millionths of a percent
  if (!prev || *prev <= 0) return false;
  return offset_at_exact ? *prev < tol : *prev <= tol;
}

OffsetDecision DecideOffset(const OffsetDecisionInput& in) {
  OffsetDecision d;
  d.tolerance_amount = Scale(in.ramme, in.tolerance);
  // Exact: overrun/ramme vs tolerance ⇔ overrun × 10^6 vs ramme × tolerance_ppm.
  const Int128 lhs = static_cast<Int128>(in.overrun.ore()) * Ppm::kOne;
  const Int128 rhs = static_cast<Int128>(in.ramme.ore()) * in.tolerance.value;
  d.beyond = lhs > rhs || (lhs == rhs && in.offset_at_exactly_tolerance);
  d.previous_exempt = PreviousYearExempt(in.previous_overrun_micro_pct, in.tolerance, in.offset_at_exactly_tolerance);
  const bool full = in.basis == OffsetBasis::kFullOverrun;
  if (in.overrun <= Money::Zero()) {
    d.beyond = false;
    d.rule = "no_overrun";
    d.reason = "Udgifterne er inden for rammen: ingen modregning.";
  } else if (d.previous_exempt) {
    d.offset = in.overrun;
    d.rule = d.beyond ? "second_year_beyond_tolerance" : "second_year_within_tolerance";
    d.reason = "Året før var rammen overskredet med under 0,6 % uden modregning; i år undtages en overskridelse "
               "ikke (Bilag 1 pkt. 1): hele overskridelsen modregnes.";
  } else if (d.beyond) {
    d.offset = full ? in.overrun : std::max(in.overrun - d.tolerance_amount, Money::Zero());
    d.rule = "beyond_tolerance";
    d.reason = full ? "Overskridelsen er over 0,6 % af rammen: hele forskellen mellem rammen og udgifterne modregnes "
                      "(Bilag 1 pkt. 2, full_overrun)."
                    : "Overskridelsen er over 0,6 % af rammen: overskridelsen ud over 0,6 % modregnes (Bilag 1 pkt. 2, "
                      "excess_over_tolerance).";
  } else {
    d.rule = "within_tolerance";
    d.reason = "Overskridelsen er mindre end 0,6 % af rammen: ingen modregning i år, men en overskridelse under "
               "0,6 % næste år undtages ikke (Bilag 1 pkt. 1).";
  }
  return d;
}

StatusOr<OffsetPlan> PlanOffset(const Agreement& agreement, const OffsetPlanInput& in) {
  OffsetPlan plan;
  plan.year = in.year;
  plan.offset = in.offset;
  if (in.offset <= Money::Zero()) return plan;
  const Date on = Date::FromYmd(in.year, 1, 1);
  const Parameter* reg_p = agreement.ParameterOn("offset_regulation_dates", on);
  if (!reg_p) return Internal("agreement data lacks offset_regulation_dates for " + std::to_string(in.year));
  ALMEN_ASSIGN_OR_RETURN(int64_t periods, agreement.IntParameter("offset_periods", on));
  if (periods < 1) return InvalidInput("parameter offset_periods must be at least 1");
  std::vector<Date> dates;
  for (int y = in.statement_date.year(); y <= in.statement_date.year() + 3; ++y)
    for (const auto& md : SplitNonEmpty(reg_p->value, ';')) {
      auto d = Date::Parse(std::to_string(y) + "-" + md);
      if (!d) return Internal("offset_regulation_dates: '" + md + "' is not MM-DD");
      if (in.statement_date < *d) dates.push_back(*d);
    }
  std::sort(dates.begin(), dates.end());
  if (dates.size() < static_cast<size_t>(periods) + 1) return Internal("too few regulation dates");

  plan.days_in_year = Date::FromYmd(in.year + 1, 1, 1).days() - on.days();
  const IndexRow* year_idx = agreement.IndexOn(Date::FromYmd(in.year, 12, 31));
  const IndexRow* floor_idx = agreement.IndexOn(dates[0].AddDays(-1));
  if (!year_idx || !floor_idx) return InvalidInput("no § 64 index row for the offset plan's dates");
  plan.year_index = year_idx->factor.value;
  const int64_t floor = floor_idx->factor.value;
  const Int128 D = plan.days_in_year, fY = plan.year_index;
  const Int128 S = in.expected_spend.ore(), Sb = in.expected_basishonorar.ore();
  if (S <= 0) plan.warnings.push_back("Årets udgift er 0: modregningen kan ikke beregnes som nedsættelse af reguleringen.");

  for (int64_t i = 1; i <= periods; ++i) {
    OffsetPeriod p;
    p.period = static_cast<int>(i);
    p.from = dates[static_cast<size_t>(i - 1)];
    p.to = dates[static_cast<size_t>(i)];
    p.amount = Part(in.offset, i, periods);
    const IndexRow* idx = agreement.IndexOn(p.from);
    if (!idx) return InvalidInput("no § 64 index row covers " + p.from.ToIso());
    p.floor = floor;
    p.index = idx->factor.value;
    const Int128 days = p.to.days() - p.from.days();
    p.expected_spend = S > 0 ? Money::FromOre(RoundDiv(S * days * p.index, D * fY)) : Money::Zero();
    const int64_t cap = std::max<int64_t>(p.index - floor, 0);
    int64_t delta = S > 0 ? RoundDiv(static_cast<Int128>(p.amount.ore()) * D * fY, S * days) : cap + 1;
    if (delta > cap) {
      delta = cap;
      p.regulation_capped = true;
    }
    p.regulation_reduction = delta;
    p.reduced_index = p.index - delta;
    p.recovered_by_regulation = S > 0 ? Money::FromOre(RoundDiv(S * days * delta, D * fY)) : Money::Zero();
    auto b = agreement.MoneyParameter("basishonorar_annual_ore", p.from);
    p.basishonorar_annual = b.ok() ? *b : Money::Zero();
    p.reduced_basishonorar_annual = p.basishonorar_annual;
    if (p.regulation_capped) {
      const Money missing = p.amount - p.recovered_by_regulation;
      const Int128 g = p.reduced_index;
      const Int128 bo = p.basishonorar_annual.ore();
      if (missing > Money::Zero() && Sb > 0 && g > 0 && bo > 0) {
        int64_t cut = RoundDiv(bo * missing.ore() * D * fY, Sb * days * g);
        if (cut > bo) cut = static_cast<int64_t>(bo);
        p.reduced_basishonorar_annual = p.basishonorar_annual - Money::FromOre(cut);
        p.recovered_by_basishonorar = Money::FromOre(RoundDiv(Sb * days * g * cut, D * fY * bo));
        if (cut == bo) p.unrecovered = std::max(missing - p.recovered_by_basishonorar, Money::Zero());
      } else if (missing > Money::Zero()) {
        p.unrecovered = missing;
        plan.warnings.push_back("Periode " + std::to_string(i) + ": reguleringen rækker ikke, og basishonoraret kan "
                                "ikke nedsættes (intet basishonorar i årets udgift eller ingen parameter " +
                                "basishonorar_annual_ore): " + FormatKroner(missing) + " modregnes ikke.");
      }
      if (p.unrecovered > Money::Zero() && p.reduced_basishonorar_annual == Money::Zero())
        plan.warnings.push_back("Periode " + std::to_string(i) + ": hverken reguleringen eller hele basishonoraret "
                                "rækker; " + FormatKroner(p.unrecovered) + " modregnes ikke (parterne må aftale andet).");
    }
    p.rounding = p.amount - p.recovered_by_regulation - p.recovered_by_basishonorar - p.unrecovered;
    plan.unrecovered += p.unrecovered;
    plan.periods.push_back(p);
  }
  return plan;
}

StatusOr<OffsetPlanInput> OffsetPlanInputFromRammeJson(const nlohmann::json& ramme) {
  OffsetPlanInput in;
  auto integer = [&](const nlohmann::json& j, const char* key) -> StatusOr<int64_t> {
    if (!j.is_object() || !j.contains(key) || !j[key].is_number_integer())
      return InvalidInput(std::string("the ramme statement lacks ") + key + " (a whole number)");
    return j[key].get<int64_t>();
  };
  ALMEN_ASSIGN_OR_RETURN(int64_t year, integer(ramme, "year"));
  ALMEN_ASSIGN_OR_RETURN(int64_t offset, integer(ramme, "offset_ore"));
  ALMEN_ASSIGN_OR_RETURN(int64_t spend, integer(ramme, "spend_actual_ore"));
  if (year < 2000 || year > 2100) return InvalidInput("the ramme statement's year is not a year");
  in.year = static_cast<int>(year);
  in.offset = Money::FromOre(offset);
  in.expected_spend = Money::FromOre(spend);
  const auto& cats = ramme.value("spend_by_category_ore", nlohmann::json::object());
  if (cats.is_object() && cats.contains("basishonorar") && cats["basishonorar"].is_number_integer())
    in.expected_basishonorar = Money::FromOre(cats["basishonorar"].get<int64_t>());
  std::optional<Date> d;
  if (ramme.contains("statement_date") && ramme["statement_date"].is_string())
    d = Date::Parse(ramme["statement_date"].get<std::string>());
  in.statement_date = d.value_or(Date::FromYmd(in.year + 1, 1, 1));
  return in;
}

nlohmann::json OffsetPlanJson(const OffsetPlan& plan) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : plan.periods) {
    const bool reduced_b = p.reduced_basishonorar_annual != p.basishonorar_annual;
    std::string text = "Modregning " + FormatKroner(p.amount) + " fra " + FormatDateDa(p.from) + ": ";
    if (p.regulation_reduction > 0)
      text += "reguleringen nedsættes med " + PctDa(p.regulation_reduction, p.floor, 4) + " procentpoint (indeks " +
              FormatPpm(Ppm{p.index}) + " → " + FormatPpm(Ppm{p.reduced_index}) + "), " +
              FormatKroner(p.recovered_by_regulation);
    else
      text += "ingen regulering at nedsætte (indeks " + FormatPpm(Ppm{p.index}) + ")";
    if (reduced_b)
      text += "; basishonoraret nedsættes fra " + FormatKroner(p.basishonorar_annual) + " til " +
              FormatKroner(p.reduced_basishonorar_annual) + " pr. patient pr. år, " +
              FormatKroner(p.recovered_by_basishonorar);
    if (p.unrecovered > Money::Zero()) text += "; " + FormatKroner(p.unrecovered) + " kan ikke modregnes";
    text += " (Bilag 1 pkt. 2).";
    out.push_back({{"period", p.period},
                   {"from", p.from.ToIso()},
                   {"to", p.to.ToIso()},
                   {"amount_ore", p.amount.ore()},
                   {"expected_spend_ore", p.expected_spend.ore()},
                   {"index_floor", FormatPpm(Ppm{p.floor})},
                   {"index", FormatPpm(Ppm{p.index})},
                   {"regulation_pct", FormatRatio(static_cast<Int128>(p.index - p.floor) * 100, p.floor, 4)},
                   {"regulation_reduction_pct_points",
                    FormatRatio(static_cast<Int128>(p.regulation_reduction) * 100, p.floor, 4)},
                   {"reduced_index", FormatPpm(Ppm{p.reduced_index})},
                   {"regulation_capped", p.regulation_capped},
                   {"recovered_by_regulation_ore", p.recovered_by_regulation.ore()},
                   {"basishonorar_annual_ore", p.basishonorar_annual.ore()},
                   {"reduced_basishonorar_annual_ore", p.reduced_basishonorar_annual.ore()},
                   {"recovered_by_basishonorar_ore", p.recovered_by_basishonorar.ore()},
                   {"unrecovered_ore", p.unrecovered.ore()},
                   {"rounding_ore", p.rounding.ore()},
                   {"text", text}});
  }
  return out;
}

std::string OffsetOverlayCsv(const OffsetPlan& plan) {
  std::string out = "table,name,value,valid_from,valid_to,paragraph,source,note\n";
  const std::string source = "ramme_statement:" + std::to_string(plan.year);
  const std::string paragraph = "\"Bilag 1 Økonomiprotokollat pkt. 2 (modregning for " + std::to_string(plan.year) + ")\"";
  for (const auto& p : plan.periods) {
    if (p.regulation_reduction > 0)
      out += "index,," + FormatPpm(Ppm{p.reduced_index}) + "," + p.from.ToIso() + "," + p.to.ToIso() + "," +
             paragraph + "," + source + ",\"Reguleringen nedsat med " +
             PctDa(p.regulation_reduction, p.floor, 4) + " procentpoint: modregning " + FormatKroner(p.amount) +
             " i periode " + std::to_string(p.period) + "\"\n";
    if (p.reduced_basishonorar_annual != p.basishonorar_annual)
      out += "parameter,basishonorar_annual_ore," + std::to_string(p.reduced_basishonorar_annual.ore()) + "," +
             p.from.ToIso() + "," + p.to.ToIso() + "," + paragraph + "," + source +
             ",\"Basishonorar pr. patient pr. år nedsat fra " + FormatKroner(p.basishonorar_annual) +
             " (reguleringen rækker ikke): modregning i periode " + std::to_string(p.period) + "\"\n";
  }
  return out;
}

std::vector<ClinicSpend> ClinicSpendFromStatements(const Agreement& agreement, int year,
                                                   const std::vector<CeilingStatementRow>& rows,
                                                   const std::map<int, std::string>& region_of) {
  const Date on = Date::FromYmd(year, 1, 1);
  const std::set<ExpenseCategory> not_counted = RammeNotCountedCategories(agreement, year);
  std::map<int, ClinicSpend> by;
  for (const auto& r : rows) {
    if (r.month.year() != year) continue;
    char code[16] = "";
    if (r.code >= 0) std::snprintf(code, sizeof code, "%04d", r.code);
    auto cat = StatementExpenseCategory(agreement, on, r.item, code);
    if (!cat || not_counted.count(*cat)) continue;
    ClinicSpend& c = by[r.provider];
    c.provider = r.provider;
    auto it = region_of.find(r.provider);
    if (it != region_of.end()) c.region = it->second;
    c.spend += r.amount;
    if (*cat == ExpenseCategory::kBasishonorar) c.basishonorar += r.amount;
  }
  std::vector<ClinicSpend> out;
  for (auto& [p, c] : by) out.push_back(std::move(c));
  return out;
}

nlohmann::json ClinicOffsetEffects(const OffsetPlan& plan, const std::vector<ClinicSpend>& clinics) {
  nlohmann::json rows = nlohmann::json::array();
  const Int128 D = plan.days_in_year, fY = plan.year_index;
  Money total = Money::Zero();
  for (const auto& c : clinics) {
    nlohmann::json periods = nlohmann::json::array();
    Money sum = Money::Zero();
    for (const auto& p : plan.periods) {
      const Int128 days = p.to.days() - p.from.days();
      Money reg = fY > 0 ? Money::FromOre(RoundDiv(static_cast<Int128>(c.spend.ore()) * days * p.regulation_reduction,
                                                  D * fY))
                         : Money::Zero();
      Money bas = Money::Zero();
      const Money cut = p.basishonorar_annual - p.reduced_basishonorar_annual;
      if (cut > Money::Zero() && fY > 0)
        bas = Money::FromOre(RoundDiv(static_cast<Int128>(c.basishonorar.ore()) * days * p.reduced_index * cut.ore(),
                                      D * fY * p.basishonorar_annual.ore()));
      periods.push_back({{"period", p.period}, {"regulation_ore", reg.ore()}, {"basishonorar_ore", bas.ore()}});
      sum += reg + bas;
    }
    total += sum;
    rows.push_back({{"provider", c.provider},
                    {"region", c.region},
                    {"spend_ore", c.spend.ore()},
                    {"basishonorar_ore", c.basishonorar.ore()},
                    {"periods", periods},
                    {"total_ore", sum.ore()}});
  }
  return {{"clinics", rows},
          {"total_ore", total.ore()},
          {"method", "Skøn over virkningen for klinikken: klinikkens andel af årets udgift (statiske data) i hver "
                     "periode × nedsættelsen af indekset, og dens basishonorar × nedsættelsen af basishonoraret. "
                     "Modregningen sker gennem takster og basishonorar fra deres dato; den udbetales eller "
                     "bogføres ikke som rækker."}};
}

}  // namespace almen
