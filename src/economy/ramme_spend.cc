// What the ramme counts (Bilag 1; ramme.h): statement rows → expense
// categories, the cervical-cytology companion rule, the 52-week normalisation
// and the regions' talk-therapy agreements.
#include <algorithm>
#include <cstdio>
#include <map>
#include <tuple>

#include "common/decimal.h"
#include "common/format_da.h"
#include "economy/ramme.h"

namespace almen {

namespace {

// Does `code` (4 digits) fall in a list like "4000-4999;6101"?
bool InCodeList(std::string_view list, std::string_view code) {
  auto c = ParseInt64(code);
  if (!c || code.size() != 4) return false;
  for (const auto& part : SplitNonEmpty(list, ';')) {
    auto dash = part.find('-');
    auto from = ParseInt64(std::string_view(part).substr(0, dash));
    auto to = dash == std::string::npos ? from : ParseInt64(std::string_view(part).substr(dash + 1));
    if (from && to && *from <= *c && *c <= *to) return true;
  }
  return false;
}

// The code list of parameter `name` on `on`, or `fallback` (OK25's) if the data set has none.
std::string CodeList(const Agreement& agreement, const char* name, Date on, const char* fallback) {
  const Parameter* p = agreement.ParameterOn(name, on);
  return p ? p->value : std::string(fallback);
}

}  // namespace

std::optional<ExpenseCategory> StatementExpenseCategory(const Agreement& agreement, Date on, std::string_view item,
                                                        std::string_view code) {
  if (item == "chronic_fee") return ExpenseCategory::kDay;
  if (item == "basishonorar") return ExpenseCategory::kBasishonorar;
  if (item == "bosted_honorarium") return ExpenseCategory::kFixedDoctorHonoraria;
  if (item == "ceiling_clawback") return ExpenseCategory::kCeilingClawback;
  if (item != "service") return std::nullopt;
  if (code.empty()) return ExpenseCategory::kDay;
  // The order decides for a code in two lists: the narrower lists first.
  const std::pair<const char*, ExpenseCategory> lists[] = {
      {"ramme_spirometry_codes", ExpenseCategory::kSpirometry},
      {"ramme_sundhedstjek_codes", ExpenseCategory::kSundhedstjekBotilbud},
      {"ramme_cervical_cytology_codes", ExpenseCategory::kCervicalCytology},
      {"ramme_talk_therapy_codes", ExpenseCategory::kTalkTherapy},
      {"ramme_local_agreement_codes", ExpenseCategory::kLocalAgreements},
      {"ramme_framework_agreement_codes", ExpenseCategory::kFrameworkAgreements},
      {"ramme_profylakse_codes", ExpenseCategory::kProfylakse},
  };
  const std::map<std::string_view, const char*> defaults = {
      {"ramme_cervical_cytology_codes", "2102"},   {"ramme_talk_therapy_codes", "6101"},
      {"ramme_local_agreement_codes", "4000-4999"}, {"ramme_profylakse_codes", "8100-8999"}};
  for (const auto& [name, cat] : lists) {
    auto d = defaults.find(name);
    if (InCodeList(CodeList(agreement, name, on, d == defaults.end() ? "" : d->second), code)) return cat;
  }
  return ExpenseCategory::kDay;
}

std::set<ExpenseCategory> RammeNotCountedCategories(const Agreement& agreement, int year) {
  std::set<ExpenseCategory> out = {ExpenseCategory::kCeilingClawback};  // always excluded (B1)
  if (const Parameter* p = agreement.ParameterOn("ramme_excluded_categories", Date::FromYmd(year, 1, 1)))
    for (const auto& n : SplitNonEmpty(p->value, ';'))
      if (auto c = ParseExpenseCategory(n)) out.insert(*c);
  return out;
}

nlohmann::json StatementSpend::ToJson() const {
  return {{"unknown_region_ore", unknown_region.ore()},
          {"outside_accounts_ore", outside_accounts.ore()},
          {"cytology_companions", cytology_companions},
          {"cytology_companion_ore", cytology_companion_amount.ore()}};
}

namespace {
std::vector<std::string> ExpandCodes(const std::string& list) {
  std::vector<std::string> out;
  for (int c = 0; c < 10000; ++c) {
    char code[16];
    std::snprintf(code, sizeof code, "%04d", c);
    if (InCodeList(list, code)) out.push_back(code);
  }
  return out;
}
}  // namespace

std::vector<std::string> CytologyPairCodes(const Agreement& agreement, int year) {
  const Date on = Date::FromYmd(year, 1, 1);
  std::vector<std::string> out = ExpandCodes(CodeList(agreement, "ramme_cervical_cytology_codes", on, "2102"));
  const Parameter* comp_p = agreement.ParameterOn("ramme_cervical_cytology_companion", on);
  out.push_back(comp_p ? comp_p->value : "0101");
  return out;
}

std::vector<std::string> TalkTherapyCodes(const Agreement& agreement, int year) {
  return ExpandCodes(CodeList(agreement, "ramme_talk_therapy_codes", Date::FromYmd(year, 1, 1), "6101"));
}

StatusOr<StatementSpend> SpendFromStatements(const Agreement& agreement, int year,
                                             const std::vector<StatementSpendRow>& rows) {
  const Date on = Date::FromYmd(year, 1, 1);
  const std::string cyto_codes = CodeList(agreement, "ramme_cervical_cytology_codes", on, "2102");
  const Parameter* comp_p = agreement.ParameterOn("ramme_cervical_cytology_companion", on);
  const std::string companion = comp_p ? comp_p->value : "0101";
  int64_t per_cyto = 1;
  if (agreement.ParameterOn("ramme_cervical_cytology_companions", on)) {
    ALMEN_ASSIGN_OR_RETURN(per_cyto, agreement.IntParameter("ramme_cervical_cytology_companions", on));
  }
  StatementSpend out;
  using Key = std::tuple<int, Quarter, ExpenseCategory>;
  std::map<Key, Money> sums;
  struct Pair {
    int region = 0;
    int64_t cyto = 0, comp = 0;
    Money comp_amount;
  };
  std::map<std::pair<int, int32_t>, Pair> pairs;  // (provider, month) → counts of the pair codes
  for (const auto& r : rows) {
    const int y = r.month.year();
    if (y != year && y != year - 1) continue;
    auto cat = StatementExpenseCategory(agreement, Date::FromYmd(y, 1, 1), r.item, r.code);
    if (!cat) {
      if (y == year) out.outside_accounts += r.amount;
      continue;
    }
    if (y == year - 1 && *cat != ExpenseCategory::kTalkTherapy) continue;  // only for the 12-month reduction
    if (r.region < kFirstRegion || r.region > kLastRegion) {
      if (y == year) out.unknown_region += r.amount;
      continue;
    }
    const Quarter q{y, (r.month.month() - 1) / 3 + 1};
    sums[{r.region, q, *cat}] += r.amount;
    if (y == year && r.item == "service" && r.provider != 0) {
      if (*cat == ExpenseCategory::kCervicalCytology && InCodeList(cyto_codes, r.code)) {
        Pair& p = pairs[{r.provider, r.month.serial}];
        p.region = r.region;
        p.cyto += r.count;
      } else if (r.code == companion && *cat == ExpenseCategory::kDay) {
        Pair& p = pairs[{r.provider, r.month.serial}];
        p.region = r.region;
        p.comp += r.count;
        p.comp_amount += r.amount;
      }
    }
  }
  for (const auto& [key, p] : pairs) {
    const int64_t n = std::min(p.cyto * per_cyto, p.comp);
    if (n <= 0) continue;
    const Money moved = ScaleRatio(p.comp_amount, n, p.comp);
    const Quarter q{Month{key.second}.year(), (Month{key.second}.month() - 1) / 3 + 1};
    sums[{p.region, q, ExpenseCategory::kDay}] -= moved;
    sums[{p.region, q, ExpenseCategory::kCervicalCytology}] += moved;
    out.cytology_companions += n;
    out.cytology_companion_amount += moved;
  }
  for (const auto& [k, m] : sums) out.rows.push_back({std::get<0>(k), std::get<1>(k), std::get<2>(k), m});
  return out;
}

int IsoWeeksInYear(int year) {
  const unsigned wd = Date::FromYmd(year, 1, 1).iso_weekday();  // 1 = Monday … 7 = Sunday
  const bool leap = DaysInMonth(year, 2) == 29;
  return wd == 4 || (leap && wd == 3) ? 53 : 52;
}

Money SpendNormalisation::Apply(Money actual) const {
  if (numerator == denominator) return actual;
  return Money::FromOre(RoundDiv(static_cast<Int128>(actual.ore()) * numerator, denominator));
}

std::string SpendNormalisation::Formula() const {
  if (numerator == denominator)
    return "spend_ore = spend_actual_ore (" + std::to_string(denominator) +
           (method == "iso_weeks" ? " ISO-uger: ikke skaleret)" : " dage)");
  return "spend_ore = round(spend_actual_ore × " + std::to_string(numerator) + " / " + std::to_string(denominator) +
         ")" + (method == "iso_weeks" ? " (53 ISO-uger normeret til 52)" : " (dage normeret til 364)");
}

StatusOr<SpendNormalisation> SpendNormalisationOf(const Agreement& agreement, int year, std::string_view override) {
  std::string method(override);
  if (method.empty()) {
    const Parameter* p = agreement.ParameterOn("spend_week_normalisation", Date::FromYmd(year, 1, 1));
    method = p ? p->value : "iso_weeks";
  }
  SpendNormalisation n;
  n.method = method;
  if (method == "iso_weeks") {
    n.numerator = 52;
    n.denominator = IsoWeeksInYear(year);
  } else if (method == "days_364") {
    n.numerator = 364;
    n.denominator = Date::FromYmd(year + 1, 1, 1).days() - Date::FromYmd(year, 1, 1).days();
  } else {
    return InvalidInput("spend_week_normalisation '" + method + "': must be iso_weeks or days_364");
  }
  return n;
}

StatusOr<std::vector<TalkTherapyAgreement>> TalkTherapyAgreements(const Agreement& agreement, int year) {
  std::vector<TalkTherapyAgreement> out;
  const Date at = Date::FromYmd(year, 12, 31);
  for (int region = kFirstRegion; region <= kLastRegion; ++region) {
    TalkTherapyAgreement t;
    t.region = region;
    const std::string name = "ramme_talk_therapy_agreement_" + std::to_string(region);
    if (const Parameter* p = agreement.ParameterOn(name, at)) {
      t.paragraph = p->provenance.paragraph;
      t.source = SourceLabel(p->provenance);
      if (p->value != "none") {
        auto d = Date::Parse(p->value);
        if (!d) return InvalidInput("agreement parameter " + name + " must be 'none' or a date, not '" + p->value + "'");
        t.agreed = *d;
        Quarter q{d->year(), static_cast<int>((d->month() - 1) / 3 + 1)};
        if (q.first_day() < *d) q = q.q == 4 ? Quarter{q.year + 1, 1} : Quarter{q.year, q.q + 1};
        t.effective = q;
      }
    }
    const std::string fixed = "ramme_talk_therapy_reduction_" + std::to_string(region) + "_ore";
    if (agreement.ParameterOn(fixed, at)) {
      ALMEN_ASSIGN_OR_RETURN(Money m, agreement.MoneyParameter(fixed, at));
      t.fixed_reduction = m;
    }
    out.push_back(std::move(t));
  }
  return out;
}

bool TalkTherapyOutsideRamme(const std::vector<TalkTherapyAgreement>& agreements, int region, const Quarter& q) {
  for (const auto& t : agreements)
    if (t.region == region) return t.effective && !(q < *t.effective);
  return false;
}

StatusOr<TalkTherapyReduction> ComputeTalkTherapyReduction(const Agreement& agreement, int year,
                                                           const std::vector<ExpenseRow>& expenses,
                                                           const std::set<ExpenseCategory>& reducing) {
  TalkTherapyReduction out;
  ALMEN_ASSIGN_OR_RETURN(auto agreements, TalkTherapyAgreements(agreement, year));
  std::map<std::pair<int, Quarter>, Money> spend;  // (region, quarter) → talk-therapy spend
  for (const auto& e : expenses)
    if (reducing.count(e.category)) spend[{e.region, e.quarter}] += e.amount;
  auto prev = [](Quarter q) { return q.q == 1 ? Quarter{q.year - 1, 4} : Quarter{q.year, q.q - 1}; };
  for (const auto& t : agreements) {
    nlohmann::json r = {{"region", std::to_string(t.region)},
                        {"agreed", t.agreed ? nlohmann::json(t.agreed->ToIso()) : nlohmann::json(nullptr)},
                        {"effective_quarter", t.effective ? nlohmann::json(t.effective->ToString()) : nlohmann::json(nullptr)},
                        {"paragraph", t.paragraph},
                        {"source", t.source},
                        {"basis_ore", nullptr},
                        {"basis_quarters", nlohmann::json::array()},
                        {"reduction_ore", 0}};
    if (!t.effective || Quarter{year, 4} < *t.effective) {
      r["status"] = t.effective ? "later" : "no_agreement";
      r["text"] = t.effective ? "Praksisplanaftalen om samtaleterapi får virkning efter året: ingen reduktion."
                              : "Ingen praksisplanaftale om samtaleterapi: samtaleterapi tæller som udgift i rammen, "
                                "og rammen reduceres ikke (Bilag 1).";
      out.regions.push_back(std::move(r));
      continue;
    }
    Money basis = Money::Zero();
    if (t.fixed_reduction) {
      basis = *t.fixed_reduction;
      r["basis"] = "fixed";
    } else {
      Quarter q = *t.effective;
      for (int i = 0; i < 4; ++i) {
        q = prev(q);
        r["basis_quarters"].push_back(q.ToString());
        auto it = spend.find({t.region, q});
        if (it == spend.end())
          out.missing.push_back("samtaleterapi for region " + std::to_string(t.region) + " i " + q.ToString() +
                                " (rammen reduceres med de forudgående 12 måneders udgift, Bilag 1)");
        else
          basis += it->second;
      }
      r["basis"] = "previous_12_months";
    }
    Money reduction = Money::Zero();
    for (int q = 1; q <= 4; ++q) {
      if (Quarter{year, q} < *t.effective) continue;
      reduction += Money::FromOre(RoundDiv(static_cast<Int128>(basis.ore()) * q, 4) -
                                  RoundDiv(static_cast<Int128>(basis.ore()) * (q - 1), 4));
    }
    r["basis_ore"] = basis.ore();
    r["reduction_ore"] = reduction.ore();
    r["status"] = "reduced";
    r["text"] = "Praksisplanaftale om samtaleterapi fra " + FormatDateDa(*t.agreed) + ": samtaleterapi fra " +
                t.effective->ToString() + " er uden for rammen, og rammen reduceres med de forudgående 12 måneders "
                "udgift " + FormatKroner(basis) + " pr. år, i " + std::to_string(year) + " " + FormatKroner(reduction) +
                " (Bilag 1).";
    out.total += reduction;
    out.by_region[std::to_string(t.region)] = reduction.ore();
    out.regions.push_back(std::move(r));
  }
  return out;
}

}  // namespace almen
