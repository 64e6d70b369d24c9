// The økonomisk ramme statement. Formulas (docs/economy.md):
//
//   ramme(year)      = ramme_base + Σ ramme_addition_* + LTO addition (B3)
//                      − talk-therapy reduction (+ what-if adjustment)
//   ramme_apr24(q)   = ramme(year) × listed(q) / (4 × listed(base))      (H5)
//                      or ramme(year)/4 (remainder spread exactly) without listings
//   ramme(q)         = ramme_apr24(q) × index(q) / index(level)           (§ 64)
//                      + the quarter's part of the B1 corrections (spirometry,
//                      sundhedstjek på botilbud; complete years only)
//   spend            = Σ counted expenses × 52 / ISO weeks in the year      (H2, iso_weeks)
//                    | Σ counted expenses × 364 / days in the year          (days_364)
//   overrun          = spend − Σ ramme(q)
//   offset           = DecideOffset (offset.h): overrun (full_overrun, or the
//                      year after an exempt year) | overrun − 0,6 % × ramme
//                      (excess_over_tolerance) | 0 within 0,6 %
//   offset_plan      = PlanOffset (offset.h): regulation, then basishonorar
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
#include "economy/offset.h"

namespace almen {

namespace {


// num/den as a percentage with `decimals` decimals, rounded half away from zero: "1.40".
std::string FormatPct(Int128 num, Int128 den, int decimals) { return FormatRatio(num * 100, den, decimals); }

int DaysInYear(int year) { return Date::FromYmd(year + 1, 1, 1).days() - Date::FromYmd(year, 1, 1).days(); }

// Quarter q's part of an annual amount: round(a × q/4) − round(a × (q−1)/4),
// half away from zero, so that the four parts add up to `a` exactly.
Money QuarterPart(Money annual, int q) {
  return Money::FromOre(RoundDiv(static_cast<Int128>(annual.ore()) * q, 4) -
                        RoundDiv(static_cast<Int128>(annual.ore()) * (q - 1), 4));
}

// A B1 correction of the ramme from the spend of one category (agreement.md B1:
// "reduced by the unspent part of the money for spirometry (7113, 7121) and
// sundhedstjek på botilbud; raised if sundhedstjek spend exceeds its allocation").
struct CorrectionSpec {
  const char* key;
  ExpenseCategory category;
  const char* allocation_parameter;
  bool raise_if_exceeded;
  const char* name_da;
};
constexpr CorrectionSpec kCorrections[] = {
    {"spirometry", ExpenseCategory::kSpirometry, "ramme_spirometry_allocation_ore", false,
     "midlerne til spirometrier (7113, 7121)"},
    {"sundhedstjek_botilbud", ExpenseCategory::kSundhedstjekBotilbud, "ramme_sundhedstjek_allocation_ore", true,
     "midlerne til sundhedstjek på botilbud"},
};

// The correction for allocation a and spend s: −(a − s) if unspent; s − a if
// exceeded and the category raises the ramme, else 0.
Money CorrectionAmount(const CorrectionSpec& c, Money allocation, Money spend) {
  if (spend < allocation) return spend - allocation;
  return c.raise_if_exceeded ? spend - allocation : Money::Zero();
}

std::string CorrectionText(const CorrectionSpec& c, Money allocation, Money spend, Money amount) {
  const std::string head = "Afsat " + FormatKroner(allocation) + ", forbrugt " + FormatKroner(spend) + ": ";
  if (spend < allocation)
    return head + "rammen reduceres med den ikke-forbrugte del af " + c.name_da + ", " + FormatKroner(-amount) +
           " (Bilag 1).";
  if (spend == allocation) return head + std::string(c.name_da) + " er netop forbrugt; ingen korrektion (Bilag 1).";
  if (c.raise_if_exceeded)
    return head + "aktiviteten overstiger det afsatte beløb, og rammen opreguleres med " + FormatKroner(amount) +
           " (Bilag 1).";
  return head + "forbruget overstiger " + c.name_da +
         ", men rammen opreguleres kun for sundhedstjek på botilbud; ingen korrektion (Bilag 1).";
}

}  // namespace

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
  if (offset_periods < 1) return InvalidInput("parameter offset_periods must be at least 1");
  ALMEN_ASSIGN_OR_RETURN(const SpendNormalisation norm, SpendNormalisationOf(agreement, year, in.week_normalisation));
  const Parameter* basis_p = agreement.ParameterOn("offset_basis", on);
  const std::string basis = !in.offset_basis.empty() ? in.offset_basis : basis_p ? basis_p->value : "full_overrun";
  const auto basis_kind = ParseOffsetBasis(basis);
  if (!basis_kind) return InvalidInput("--offset-basis '" + basis + "': must be full_overrun or excess_over_tolerance");
  const Parameter* listing_base_p = agreement.ParameterOn("ramme_listing_base", on);
  const Parameter* excluded_p = agreement.ParameterOn("ramme_excluded_categories", on);
  const Parameter* reducing_p = agreement.ParameterOn("ramme_reducing_categories", on);
  if (!listing_base_p || !excluded_p || !reducing_p)
    return Internal("agreement data lacks a ramme parameter for " + std::to_string(year) +
                    " (ramme_listing_base, ramme_excluded_categories, ramme_reducing_categories)");
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
  // ceiling_clawback is excluded by definition (B1: clawbacks from automatic
  // højestegrænser effected in the calendar year are not in the activity), even
  // if a data set's ramme_excluded_categories forgets it.
  excluded.insert(ExpenseCategory::kCeilingClawback);
  std::array<Money, 4> q_spend{}, q_excluded{}, q_reducing{};
  std::array<std::set<int>, 4> q_regions;
  std::map<std::string, int64_t> by_category;
  std::map<ExpenseCategory, Money> excluded_by_category;
  std::map<ExpenseCategory, std::array<Money, 4>> category_q;   // per quarter, for the B1 corrections
  std::map<ExpenseCategory, std::set<int>> category_regions;    // regions that report the category
  ALMEN_ASSIGN_OR_RETURN(const auto talk_agreements, TalkTherapyAgreements(agreement, year));
  Money talk_outside = Money::Zero();  // talk therapy in quarters where the region's agreement is in force
  int64_t ignored_rows = 0;
  for (const auto& e : in.expenses) {
    if (e.quarter.year != year) {
      // The year before is read only for the talk-therapy reduction (12 months before an agreement).
      if (!(reducing.count(e.category) && e.quarter.year == year - 1)) ++ignored_rows;
      continue;
    }
    size_t qi = static_cast<size_t>(e.quarter.q - 1);
    q_regions[qi].insert(e.region);
    by_category[std::string(ExpenseCategoryName(e.category))] += e.amount.ore();
    category_q[e.category][qi] += e.amount;
    category_regions[e.category].insert(e.region);
    if (excluded.count(e.category)) {
      q_excluded[qi] += e.amount;
      excluded_by_category[e.category] += e.amount;
    } else if (reducing.count(e.category) && TalkTherapyOutsideRamme(talk_agreements, e.region, e.quarter)) {
      q_reducing[qi] += e.amount;
      talk_outside += e.amount;
    } else {
      q_spend[qi] += e.amount;
    }
  }
  // Bilag 1: the ramme is reduced by a region's talk-therapy spend in the 12
  // months before its praksisplan agreement, from the agreement on.
  ALMEN_ASSIGN_OR_RETURN(const TalkTherapyReduction talk,
                         ComputeTalkTherapyReduction(agreement, year, in.expenses, reducing));
  const Money talk_reduction = talk.total;

  const Money annual = *base + additions_sum + lto_addition - talk_reduction + in.whatif_adjustment;

  // ---- § 64 wage/price regulation ----
  // The ramme is stated at the level of ramme_price_level_date (apr-24 for 2024
  // and 2025). Each quarter is regulated by the index in force on its first day
  // (regulation dates 1 April and 1 October start quarters):
  //   ramme(q) = round_half_away(ramme_apr24(q) × index(q) / index(level))
  // With price_level "apr-24" (spend at the agreement's level) the ratio is 1.
  if (!in.price_level.empty() && in.price_level != "regulated" && in.price_level != "apr-24")
    return InvalidInput("--price-level '" + in.price_level + "': must be apr-24 (or regulated, the default)");
  const bool regulate_prices = in.price_level != "apr-24";
  const Parameter* level_p = agreement.ParameterOn("ramme_price_level_date", on);
  if (!level_p)
    return Internal("agreement data lacks ramme_price_level_date for " + std::to_string(year) +
                    " (the § 64 level the ramme is stated in)");
  const Date level_date = *Date::Parse(level_p->value);  // validated at load (unit date)
  const IndexRow* level_idx = agreement.IndexOn(level_date);
  if (regulate_prices && !level_idx)
    return InvalidInput("no § 64 index row covers " + level_date.ToIso() + " (ramme_price_level_date)");
  std::array<int64_t, 4> q_index{};  // index(q) in millionths; = index(level) when not regulated
  for (int q = 1; q <= 4; ++q) {
    const Date d = Quarter{year, q}.first_day();
    const IndexRow* idx = agreement.IndexOn(d);
    if (regulate_prices && !idx) return InvalidInput("no § 64 index row covers " + d.ToIso());
    q_index[static_cast<size_t>(q - 1)] = regulate_prices ? idx->factor.value : Ppm::kOne;
  }
  const int64_t level_index = regulate_prices ? level_idx->factor.value : Ppm::kOne;
  auto regulate = [&](Money m, size_t qi) {
    if (q_index[qi] == level_index) return m;
    return Money::FromOre(RoundDiv(static_cast<Int128>(m.ore()) * q_index[qi], level_index));
  };

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

  std::vector<std::string> missing = talk.missing;
  if (in.expenses.empty()) missing.push_back("ingen udgiftsdata (expenses)");
  if (in.listed && !base_ok)
    missing.push_back("tilmeldte patienter mangler for basiskvartalet " + base_q.ToString() + " (alle fem regioner)");
  bool all_complete = !in.expenses.empty() && talk.missing.empty();
  bool regulated = base_ok;
  std::array<Money, 4> q_ramme_apr24{}, q_ramme_indexed{};
  std::array<bool, 4> q_complete{};
  std::array<std::vector<std::string>, 4> q_missing_all;
  std::array<nlohmann::json, 4> q_listed;
  std::array<std::string, 4> q_ratio;
  int complete_leading = 0;  // complete quarters from Q1 without a gap
  for (int q = 1; q <= 4; ++q) {
    size_t qi = static_cast<size_t>(q - 1);
    Quarter qq{year, q};
    std::vector<std::string>& q_missing = q_missing_all[qi];
    for (int reg = kFirstRegion; reg <= kLastRegion; ++reg)
      if (!q_regions[qi].count(reg)) q_missing.push_back("udgifter for region " + std::to_string(reg));
    Money q_ramme;
    q_listed[qi] = nullptr;
    q_ratio[qi] = "1.000000";
    if (in.listed) {
      if (!listed_complete(qq)) q_missing.push_back("tilmeldte patienter (alle fem regioner)");
      if (base_ok && listed_complete(qq)) {
        // annual/4 × listed(q)/listed(base), one rounding half away from zero.
        q_ramme = Money::FromOre(RoundDiv(static_cast<Int128>(annual.ore()) * listed_sum[qq],
                                          static_cast<Int128>(4) * listed_sum[base_q]));
        q_listed[qi] = listed_sum[qq];
        q_ratio[qi] = FormatPpm(Ppm{RoundDiv(static_cast<Int128>(listed_sum[qq]) * Ppm::kOne, listed_sum[base_q])});
      } else {
        regulated = false;
      }
    }
    if (!in.listed || !base_ok || !listed_complete(qq)) q_ramme = QuarterPart(annual, q);
    q_ramme_apr24[qi] = q_ramme;
    q_ramme_indexed[qi] = regulate(q_ramme, qi);
    q_complete[qi] = q_missing.empty() && !in.expenses.empty();
    if (!q_complete[qi]) all_complete = false;
    if (q_complete[qi] && complete_leading == q - 1) complete_leading = q;
    for (const auto& m : q_missing) missing.push_back(qq.ToString() + ": " + m);
  }

  // ---- B1 corrections: spirometry and sundhedstjek på botilbud ----
  // allocation (at the statement's price level) = Σ_q regulate(QuarterPart(allocation_apr24, q))
  // spend = the category's actual (not normalised) spend in the calendar year.
  // Only a complete year is corrected; a partial year shows a provisional
  // figure for its complete leading quarters (allocation pro rata by quarter)
  // that is not applied. A category without any row in the year is not
  // reported separately (its spend may sit in `day`): no correction.
  nlohmann::json corrections = nlohmann::json::array();
  Money corrections_sum = Money::Zero();
  for (const auto& c : kCorrections) {
    const Parameter* alloc_p = agreement.ParameterOn(c.allocation_parameter, on);
    if (!alloc_p) continue;
    ALMEN_ASSIGN_OR_RETURN(Money alloc_apr24, agreement.MoneyParameter(c.allocation_parameter, on));
    Money alloc = Money::Zero(), spend_c = Money::Zero(), alloc_ytd = Money::Zero(), spend_ytd = Money::Zero();
    const auto& cq = category_q[c.category];
    for (int q = 1; q <= 4; ++q) {
      size_t qi = static_cast<size_t>(q - 1);
      Money part = regulate(QuarterPart(alloc_apr24, q), qi);
      alloc += part;
      spend_c += cq[qi];
      if (q <= complete_leading) {
        alloc_ytd += part;
        spend_ytd += cq[qi];
      }
    }
    const bool reported = category_regions.count(c.category) > 0;
    nlohmann::json regions = nlohmann::json::array();
    if (reported)
      for (int r : category_regions[c.category]) regions.push_back(r);
    nlohmann::json line = {{"name", c.key},
                           {"category", ExpenseCategoryName(c.category)},
                           {"paragraph", alloc_p->provenance.paragraph},
                           {"source", SourceName(alloc_p->provenance.source)},
                           {"parameter", c.allocation_parameter},
                           {"allocation_apr24_ore", alloc_apr24.ore()},
                           {"allocation_ore", alloc.ore()},
                           {"spend_ore", spend_c.ore()},
                           {"unspent_ore", std::max(alloc - spend_c, Money::Zero()).ore()},
                           {"excess_ore", std::max(spend_c - alloc, Money::Zero()).ore()},
                           {"raises_if_exceeded", c.raise_if_exceeded},
                           {"regions_reported", regions},
                           {"provisional", nullptr}};
    Money amount = Money::Zero();
    if (!reported) {
      line["status"] = "not_reported";
      line["applied"] = false;
      line["text"] = std::string("Udgiften til ") + c.name_da + " er ikke opgjort særskilt (ingen rækker med kategorien " +
                     std::string(ExpenseCategoryName(c.category)) + "): ingen korrektion.";
    } else if (all_complete) {
      amount = CorrectionAmount(c, alloc, spend_c);
      line["status"] = "final";
      line["applied"] = true;
      line["text"] = CorrectionText(c, alloc, spend_c, amount);
    } else {
      line["status"] = "provisional";
      line["applied"] = false;
      Money prov = CorrectionAmount(c, alloc_ytd, spend_ytd);
      line["provisional"] = {{"quarters", complete_leading},
                             {"allocation_ore", alloc_ytd.ore()},
                             {"spend_ore", spend_ytd.ore()},
                             {"amount_ore", prov.ore()},
                             {"formula", "allocation pro rata for the complete leading quarters (quarter parts); "
                                         "not applied to the ramme"}};
      line["text"] = "Foreløbig: korrektionen for " + std::string(c.name_da) +
                     " opgøres først, når hele året foreligger. Efter " + std::to_string(complete_leading) +
                     " fulde kvartaler: afsat " + FormatKroner(alloc_ytd) + ", forbrugt " + FormatKroner(spend_ytd) +
                     " (" + FormatKroner(prov) + "); indgår ikke i rammen.";
    }
    line["amount_ore"] = amount.ore();
    corrections_sum += amount;
    corrections.push_back(std::move(line));
  }

  // ---- Quarters ----
  nlohmann::json quarters = nlohmann::json::array();
  Money ramme_sum = Money::Zero(), spend_actual = Money::Zero(), ramme_apr24_sum = Money::Zero(),
        price_regulation_sum = Money::Zero();
  Money ytd_ramme = Money::Zero(), ytd_spend = Money::Zero();
  const int ytd_quarters = complete_leading;
  for (int q = 1; q <= 4; ++q) {
    size_t qi = static_cast<size_t>(q - 1);
    Quarter qq{year, q};
    // The corrections are a year amount, not regulated: spread exactly over the quarters.
    const Money q_corr = QuarterPart(corrections_sum, q);
    const Money q_ramme = q_ramme_indexed[qi] + q_corr;
    if (q <= ytd_quarters) {
      ytd_ramme += q_ramme;
      ytd_spend += q_spend[qi];
    }
    ramme_sum += q_ramme;
    ramme_apr24_sum += q_ramme_apr24[qi];
    price_regulation_sum += q_ramme_indexed[qi] - q_ramme_apr24[qi];
    spend_actual += q_spend[qi];
    nlohmann::json lto_q = nullptr;
    for (const auto& e : lto.ledger)
      if (e.date == qq.last_day()) lto_q = e.amount.ore();
    quarters.push_back({{"quarter", qq.ToString()},
                        {"ramme_ore", q_ramme.ore()},
                        {"ramme_apr24_ore", q_ramme_apr24[qi].ore()},
                        {"index_factor", FormatPpm(Ppm{q_index[qi]})},
                        {"price_regulation_ore", (q_ramme_indexed[qi] - q_ramme_apr24[qi]).ore()},
                        {"corrections_ore", q_corr.ore()},
                        {"spend_ore", q_spend[qi].ore()},
                        {"excluded_ore", q_excluded[qi].ore()},
                        {"talk_therapy_ore", q_reducing[qi].ore()},
                        {"listed", q_listed[qi]},
                        {"listing_ratio", q_ratio[qi]},
                        {"complete", q_complete[qi]},
                        {"missing", q_missing_all[qi]},
                        {"cumulative_ramme_ore", ramme_sum.ore()},
                        {"cumulative_spend_ore", spend_actual.ore()},
                        {"lto_capacity_addition_ore", lto_q}});
  }

  // Exclusions: every excluded category with its amount (recorded, never counted).
  nlohmann::json exclusions = nlohmann::json::array();
  for (ExpenseCategory c : excluded)
    exclusions.push_back({{"category", ExpenseCategoryName(c)},
                          {"amount_ore", excluded_by_category[c].ore()},
                          {"counted", false}});
  // ---- Normalisation to 52 weeks (H2): a 53-ISO-week year × 52/53 (iso_weeks),
  // or × 364 / days in the year (days_364) ----
  const Money spend = norm.Apply(spend_actual);
  const Money ramme = ramme_sum;
  const Money tolerance_amount = Scale(ramme, tolerance);

  nlohmann::json out;
  out["year"] = year;
  out["agreement"] = agreement.version();
  out["price_level"] = regulate_prices ? "regulated" : "apr-24";
  out["complete"] = all_complete;
  out["missing"] = missing;
  out["ramme_ore"] = ramme.ore();
  // ramme_ore = ramme_apr24_ore + price_regulation_ore + corrections_ore
  out["ramme_apr24_ore"] = ramme_apr24_sum.ore();
  out["price_regulation"] = {
      {"applied", regulate_prices},
      {"level_date", level_date.ToIso()},
      {"level_index", FormatPpm(Ppm{level_index})},
      {"amount_ore", price_regulation_sum.ore()},
      {"paragraph", level_p->provenance.paragraph},
      {"formula", "ramme(q) = round(ramme_apr24(q) × index(q) / index(" + level_date.ToIso() +
                      ")), index(q) = § 64-indekset på kvartalets første dag"},
      {"text", regulate_prices
                   ? "Rammen er løn- og prisreguleret efter § 64 med indekset i kraft i hvert kvartal, som "
                     "udgifterne (afregnet i det gældende niveau)."
                   : "Rammen er vist i aftalens niveau (april 2024) uden § 64-regulering, som udgifter afregnet "
                     "med --price-level apr-24."}};
  out["ramme_components"] = {{"base_ore", base->ore()},
                             {"additions", additions},
                             {"additions_ore", additions_sum.ore()},
                             {"lto_capacity_addition_ore", lto_addition.ore()},
                             {"talk_therapy_reduction_ore", talk_reduction.ore()},
                             {"talk_therapy_by_region", talk.by_region},
                             {"talk_therapy", talk.regions},
                             {"talk_therapy_outside_ore", talk_outside.ore()},
                             {"whatif_adjustment_ore", in.whatif_adjustment.ore()},
                             {"annual_ore", annual.ore()},
                             {"price_regulation_ore", price_regulation_sum.ore()},
                             {"corrections", corrections},
                             {"corrections_ore", corrections_sum.ore()},
                             {"regulated_by_listed_patients", regulated},
                             {"listing_base", listing_base.ToIso()}};
  out["spend_ore"] = spend.ore();
  out["spend_actual_ore"] = spend_actual.ore();
  out["spend_by_category_ore"] = by_category;
  {
    std::vector<std::string> names = SplitNonEmpty(excluded_p->value, ';');
    if (std::find(names.begin(), names.end(), "ceiling_clawback") == names.end()) names.push_back("ceiling_clawback");
    out["excluded_categories"] = names;
  }
  out["exclusions"] = exclusions;
  out["ignored_rows_other_years"] = ignored_rows;
  out["normalisation"] = {{"method", norm.method},
                          {"days_in_year", DaysInYear(year)},
                          {"iso_weeks_in_year", IsoWeeksInYear(year)},
                          {"numerator", norm.numerator},
                          {"denominator", norm.denominator},
                          {"formula", norm.Formula()}};
  out["tolerance_pct"] = FormatPct(tolerance.value, Ppm::kOne, 2);
  out["tolerance_ore"] = tolerance_amount.ore();
  out["offset_basis"] = basis;
  out["previous_overrun_pct"] = in.previous_overrun_pct ? nlohmann::json(*in.previous_overrun_pct) : nlohmann::json(nullptr);
  out["lto_capacity_addition_ore"] = lto_addition.ore();
  out["lto"] = lto_json;
  out["lto_ledger"] = lto_json["ledger"];
  out["quarters"] = quarters;
  out["statement_date"] = statement_date.ToIso();

  // Bilag 1: "Den første opgørelse udarbejdes, når udgiftstallene for marts 2025
  // foreligger": no figures for the year before the data reach that date.
  bool statement_available = true;
  if (const Parameter* first_p = agreement.ParameterOn("ramme_first_statement_data_through", on)) {
    const Date through = *Date::Parse(first_p->value);  // validated at load (unit date)
    int needed = through.year() < year ? 0 : through.year() > year ? 5 : static_cast<int>((through.month() - 1) / 3 + 1);
    statement_available = complete_leading >= needed;
    out["first_statement"] = {
        {"data_through", through.ToIso()},
        {"available", statement_available},
        {"paragraph", first_p->provenance.paragraph},
        {"text", statement_available ? "Udgiftstallene til og med " + FormatDateDa(through) + " foreligger."
                                     : "Den første opgørelse udarbejdes, når udgiftstallene til og med " +
                                           FormatDateDa(through) + " foreligger (Bilag 1): ingen opgørelse endnu."}};
  } else {
    out["first_statement"] = nullptr;
  }

  if (ytd_quarters > 0 && statement_available) {
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
  const OffsetDecision decision = DecideOffset({ramme, overrun, tolerance, offset_at_exact, *basis_kind, prev_micro_pct});
  out["overrun_ore"] = overrun.ore();
  out["overrun_pct"] = FormatPct(overrun.ore(), ramme.ore(), 2);
  out["overrun_ppm"] = RoundDiv(static_cast<Int128>(overrun.ore()) * Ppm::kOne, ramme.ore());
  out["offset_ore"] = decision.offset.ore();
  out["offset_rule"] = decision.rule;
  out["offset_reason"] = decision.reason;
  out["previous_year_exempt"] = decision.previous_exempt;

  // How the offset is recovered (Bilag 1 pkt. 2): the regulation percentage of
  // the next two regulation periods, and if needed the basishonorar, computed on
  // the year's spend (static data). offset.h.
  ALMEN_ASSIGN_OR_RETURN(
      const OffsetPlan offset_plan,
      PlanOffset(agreement, {year, decision.offset, statement_date, spend_actual,
                             category_q.count(ExpenseCategory::kBasishonorar)
                                 ? category_q[ExpenseCategory::kBasishonorar][0] +
                                       category_q[ExpenseCategory::kBasishonorar][1] +
                                       category_q[ExpenseCategory::kBasishonorar][2] +
                                       category_q[ExpenseCategory::kBasishonorar][3]
                                 : Money::Zero()}));
  const nlohmann::json plan = OffsetPlanJson(offset_plan);
  out["offset_unrecovered_ore"] = offset_plan.unrecovered.ore();
  out["offset_warnings"] = offset_plan.warnings;
  out["offset_plan"] = plan;
  return out;
}

}  // namespace almen
