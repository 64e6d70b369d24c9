#include "bosted/coverage.h"

#include <algorithm>
#include <map>
#include <set>

#include "bosted/honorarium.h"
#include "common/decimal.h"
#include "common/format_da.h"

namespace almen {

using json = nlohmann::json;

namespace {

struct Unit {  // one botilbud on the date
  const BostedSectionRow* first = nullptr;
  int64_t sections = 0, sections_covered = 0, residents = 0, residents_covered = 0, attachments = 0;
};

bool Passes(const BostedSectionRow& s, const BostedCoverageFilter& f) {
  if (!f.municipality_code.empty() && s.municipality_code != f.municipality_code) return false;
  if (!f.region_code.empty()) {
    const auto* m = FindBostedMunicipality(s.municipality_code);
    if (!m || m->region_code != f.region_code) return false;
  }
  if (f.target_group_only && !IsBostedTargetGroup(s.paragraph)) return false;
  if (f.op >= 0 && static_cast<int>(s.op) != f.op) return false;
  return true;
}

std::map<std::string, Unit> UnitsOn(const BostedRegister& reg, Date d, const BostedCoverageFilter& f) {
  std::map<std::pair<std::string, std::string>, int64_t> attached;  // (id, section) -> attachments
  for (const auto* a : reg.AttachmentsOn(d)) ++attached[{a->botilbud_id, a->section}];
  std::map<std::string, Unit> units;
  for (const auto* s : reg.SectionsOn(d)) {
    if (!Passes(*s, f)) continue;
    Unit& u = units[s->botilbud_id];
    if (!u.first) u.first = s;
    ++u.sections;
    u.residents += s->residents;
    auto it = attached.find({s->botilbud_id, s->section});
    if (it != attached.end()) {
      ++u.sections_covered;
      u.residents_covered += s->residents;
      u.attachments += it->second;
    }
  }
  return units;
}

std::pair<std::string, std::string> GroupKey(const BostedSectionRow& s, BostedGroupBy by, std::string* region) {
  const auto* m = FindBostedMunicipality(s.municipality_code);
  switch (by) {
    case BostedGroupBy::kAll: return {"all", "Hele landet"};
    case BostedGroupBy::kRegion: return {m ? m->region_code : "", m ? m->region_name : ""};
    case BostedGroupBy::kMunicipality:
      if (m) *region = m->region_code;
      return {s.municipality_code, m ? m->name : s.municipality_code};
    case BostedGroupBy::kParagraph:
      return {std::string(BostedParagraphName(s.paragraph)), std::string(BostedParagraphLabelDa(s.paragraph))};
    case BostedGroupBy::kOperator:
      return {std::string(BostedOperatorName(s.op)), std::string(BostedOperatorLabelDa(s.op))};
    case BostedGroupBy::kSize:
      return s.places > 30 ? std::pair<std::string, std::string>{"large", "Over 30 pladser"}
                           : std::pair<std::string, std::string>{"small", "30 pladser eller færre"};
  }
  return {"", ""};
}

void AddUnit(BostedCoverageRow& r, const Unit& u) {
  ++r.botilbud;
  r.places += u.first->places;
  r.sections += u.sections;
  r.sections_covered += u.sections_covered;
  r.residents += u.residents;
  r.residents_covered += u.residents_covered;
  r.attachments += u.attachments;
  if (u.sections_covered > 0) {
    ++r.botilbud_covered;
    r.places_covered += u.first->places;
  }
}

void Finish(BostedCoverageRow& r) {
  r.coverage_ppm = BostedRatioPpm(r.botilbud_covered, r.botilbud);
  r.places_coverage_ppm = BostedRatioPpm(r.places_covered, r.places);
}

}  // namespace

std::optional<BostedGroupBy> ParseBostedGroupBy(std::string_view s) {
  if (s.empty() || s == "all") return BostedGroupBy::kAll;
  if (s == "region") return BostedGroupBy::kRegion;
  if (s == "municipality") return BostedGroupBy::kMunicipality;
  if (s == "paragraph") return BostedGroupBy::kParagraph;
  if (s == "operator") return BostedGroupBy::kOperator;
  if (s == "size") return BostedGroupBy::kSize;
  return std::nullopt;
}

int64_t BostedRatioPpm(int64_t num, int64_t den) {
  if (den == 0) return 0;
  return RoundDiv(static_cast<Int128>(num) * Ppm::kOne, den);  // half away from zero
}

std::string BostedPctDa(int64_t ppm) {
  int64_t tenths = RoundDiv(ppm, 1000);  // ppm -> tenths of a percent, half away from zero
  std::string s = (tenths < 0 ? "-" : "") + GroupThousands(std::abs(tenths) / 10) + "," +
                  std::to_string(std::abs(tenths) % 10) + " %";
  return s;
}

std::vector<BostedCoverageRow> BostedCoverage(const BostedRegister& reg, Date d, BostedGroupBy by,
                                              const BostedCoverageFilter& filter) {
  std::map<std::string, BostedCoverageRow> groups;
  BostedCoverageRow total;
  total.key = "all";
  total.label = "I alt";
  for (const auto& [id, u] : UnitsOn(reg, d, filter)) {
    std::string region;
    auto [key, label] = GroupKey(*u.first, by, &region);
    auto& r = groups[key];
    r.key = key;
    r.label = label;
    r.region_code = region;
    AddUnit(r, u);
    AddUnit(total, u);
  }
  std::vector<BostedCoverageRow> out;
  if (by != BostedGroupBy::kAll)
    for (auto& [k, r] : groups) {
      Finish(r);
      out.push_back(r);
    }
  Finish(total);
  out.push_back(total);
  return out;
}

json BostedCoverageRowJson(const BostedCoverageRow& r) {
  json j = {{"key", r.key},
            {"label", r.label},
            {"botilbud", r.botilbud},
            {"botilbud_covered", r.botilbud_covered},
            {"coverage_ppm", r.coverage_ppm},
            {"coverage_da", BostedPctDa(r.coverage_ppm)},
            {"places", r.places},
            {"places_covered", r.places_covered},
            {"places_coverage_ppm", r.places_coverage_ppm},
            {"places_coverage_da", BostedPctDa(r.places_coverage_ppm)},
            {"sections", r.sections},
            {"sections_covered", r.sections_covered},
            {"residents", r.residents},
            {"residents_covered", r.residents_covered},
            {"attachments", r.attachments}};
  if (!r.region_code.empty()) j["region_code"] = r.region_code;
  return j;
}

json BostedCoverageJson(const BostedRegister& reg, Date d, BostedGroupBy by, const BostedCoverageFilter& filter) {
  static const char* kBy[] = {"all", "region", "municipality", "paragraph", "operator", "size"};
  auto rows = BostedCoverage(reg, d, by, filter);
  json arr = json::array();
  for (size_t i = 0; i + 1 < rows.size(); ++i) arr.push_back(BostedCoverageRowJson(rows[i]));
  return {{"date", d.ToIso()},
          {"by", kBy[static_cast<int>(by)]},
          {"rows", arr},
          {"total", BostedCoverageRowJson(rows.back())}};
}

StatusOr<json> BostedTargetGroupJson(const Agreement& agreement, const BostedRegister& reg, Date d,
                                     const BostedCoverageFilter& filter) {
  const Date pd = std::max(d, Date::FromYmd(2025, 1, 1));  // the targets' parameters start with the scheme
  ALMEN_ASSIGN_OR_RETURN(int64_t target, agreement.IntParameter("bosted_target_botilbud", pd));
  ALMEN_ASSIGN_OR_RETURN(int64_t per_muni, agreement.IntParameter("bosted_target_min_per_municipality", pd));
  BostedCoverageFilter f = filter;
  f.target_group_only = true;
  auto munis = BostedCoverage(reg, d, BostedGroupBy::kMunicipality, f);
  const BostedCoverageRow& total = munis.back();
  json zero = json::array();
  int64_t with_tg = 0, meeting = 0;
  for (size_t i = 0; i + 1 < munis.size(); ++i) {
    const auto& r = munis[i];
    if (r.botilbud == 0) continue;
    ++with_tg;
    if (r.botilbud_covered >= per_muni) {
      ++meeting;
      continue;
    }
    const auto* m = FindBostedMunicipality(r.key);
    zero.push_back({{"municipality_code", r.key},
                    {"name", r.label},
                    {"region_code", m ? m->region_code : ""},
                    {"region_name", m ? m->region_name : ""},
                    {"botilbud", r.botilbud},
                    {"botilbud_covered", r.botilbud_covered},
                    {"places", r.places}});
  }
  json by_region = json::array();
  for (const auto& r : BostedCoverage(reg, d, BostedGroupBy::kRegion, f))
    if (r.key != "all") by_region.push_back(BostedCoverageRowJson(r));
  json by_par = json::array();
  for (const auto& r : BostedCoverage(reg, d, BostedGroupBy::kParagraph, f))
    if (r.key != "all") by_par.push_back(BostedCoverageRowJson(r));
  const bool national = filter.region_code.empty() && filter.municipality_code.empty() && filter.op < 0;
  json j = {{"date", d.ToIso()},
            {"paragraphs", {"SEL108", "ABL105"}},
            {"total", BostedCoverageRowJson(total)},
            {"by_region", by_region},
            {"by_paragraph", by_par},
            {"target_min_per_municipality", per_muni},
            {"municipalities_with_target_group", with_tg},
            {"municipalities_meeting_target", meeting},
            {"municipalities_at_zero", zero},
            {"municipality_target_met", zero.empty()}};
  if (national) {
    j["target_botilbud"] = target;
    j["target_progress_ppm"] = BostedRatioPpm(total.botilbud_covered, target);
    j["target_progress_da"] = BostedPctDa(BostedRatioPpm(total.botilbud_covered, target));
    j["target_met"] = total.botilbud_covered >= target;
  } else {
    j["target_botilbud"] = nullptr;  // the 250 target is national
  }
  return j;
}

StatusOr<json> BostedSpendJson(const Agreement& agreement, const BostedRegister& reg, Date d, bool apr24,
                               const BostedCoverageFilter& filter) {
  const Month last = Month::Of(d);
  const Month first = Month::FromYm(last.year(), 1);
  const Date pd = std::max(d, Date::FromYmd(2025, 1, 1));
  ALMEN_ASSIGN_OR_RETURN(Money pot, agreement.MoneyParameter("bosted_honorarium_pot_ore", pd));
  ALMEN_ASSIGN_OR_RETURN(int64_t pot_botilbud, agreement.IntParameter("bosted_pot_botilbud", pd));
  ALMEN_ASSIGN_OR_RETURN(auto lines, ComputeBostedHonoraria(agreement, reg, first, last, apr24));
  std::map<int32_t, std::pair<int64_t, Money>> per_month;  // serial -> (attachments, amount)
  std::map<std::string, std::pair<int64_t, Money>> per_region;
  Money spend;
  for (const auto& l : lines) {
    if (!l.section || !Passes(*l.section, filter)) continue;
    auto& pm = per_month[l.month.serial];
    ++pm.first;
    pm.second += l.amount;
    const auto* m = FindBostedMunicipality(l.section->municipality_code);
    auto& pr = per_region[m ? m->region_code : ""];
    ++pr.first;
    pr.second += l.amount;
    spend += l.amount;
  }
  const int months = last - first + 1;
  const bool national = filter.region_code.empty() && filter.municipality_code.empty() && filter.op < 0 &&
                        !filter.target_group_only;
  // Pace: the annual pot spread evenly over the months; rounded half away from zero.
  const Money pace = ScaleRatio(pot, months, 12);
  json month_rows = json::array();
  Money cum;
  for (int i = 0; i < months; ++i) {
    Month m = first + i;
    auto it = per_month.find(m.serial);
    int64_t n = it == per_month.end() ? 0 : it->second.first;
    Money a = it == per_month.end() ? Money() : it->second.second;
    cum += a;
    json row = {{"month", m.ToString()}, {"attachments", n}, {"amount_ore", a.ore()}, {"cumulative_ore", cum.ore()}};
    if (national) row["pace_cumulative_ore"] = ScaleRatio(pot, i + 1, 12).ore();
    month_rows.push_back(row);
  }
  json regions = json::array();
  for (const auto& [code, v] : per_region) {
    std::string name;
    for (const auto& [rc, rn] : BostedRegions())
      if (rc == code) name = rn;
    regions.push_back({{"region_code", code}, {"region_name", name}, {"attachment_months", v.first},
                       {"amount_ore", v.second.ore()}});
  }
  const Money last_month = per_month.count(last.serial) ? per_month[last.serial].second : Money();
  json j = {{"date", d.ToIso()},
            {"from_month", first.ToString()},
            {"to_month", last.ToString()},
            {"price_level", apr24 ? "apr-24" : "regulated"},
            {"spend_ore", spend.ore()},
            {"months", month_rows},
            {"by_region", regions},
            {"run_rate_annual_ore", (last_month * 12).ore()}};
  if (national) {
    const bool above = spend > pace;
    j["pot_ore"] = pot.ore();
    j["pot_botilbud"] = pot_botilbud;
    j["pace_ore"] = pace.ore();
    j["spend_vs_pace_ppm"] = pace.ore() ? BostedRatioPpm(spend.ore(), pace.ore()) : 0;
    j["spend_vs_pace_da"] = BostedPctDa(pace.ore() ? BostedRatioPpm(spend.ore(), pace.ore()) : 0);
    j["sizing_problem"] = above;
    // The last month × 12 against the annual pot: where the spend is heading.
    j["run_rate_above_pot"] = last_month * 12 > pot;
    j["message_da"] =
        above ? "Udgiften til honorarer ligger over det forudsatte tempo (6,3 mio. kr. ≈ 250 botilbud om året): "
                "det tyder på en forkert dimensionering af antal beboere pr. læge, som bør følges op lokalt."
              : "Udgiften til honorarer ligger inden for det forudsatte tempo (6,3 mio. kr. ≈ 250 botilbud om året).";
  } else {
    j["pot_ore"] = nullptr;  // the pot and its pace are national
  }
  return j;
}

StatusOr<json> BostedReportJson(const Agreement& agreement, const BostedRegister& reg, const std::string& kind,
                                Date d, const BostedCoverageFilter& filter) {
  std::string param, title;
  if (kind == "q4-regional") {
    param = "bosted_report_q4_date";
    title = "Regional opfølgning på faste læger på botilbud, 4. kvartal 2025";
  } else if (kind == "halfway") {
    param = "bosted_report_halfway_date";
    title = "Opfølgning på implementeringen halvvejs i aftaleperioden";
  } else if (kind == "end") {
    param = "bosted_report_end_date";
    title = "Opfølgning på implementeringen ved udgangen af aftaleperioden";
  } else {
    return NotFound("no report '" + kind + "' (q4-regional, halfway, end)");
  }
  if (d.is_max()) {
    const Parameter* p = agreement.ParameterOn(param, Date::FromYmd(2025, 1, 1));
    if (!p) return InvalidInput("parameter " + param + " is missing (parameters_bosted.csv)");
    auto pd = Date::Parse(p->value);
    if (!pd) return InvalidInput("parameter " + param + " is not a date");
    d = *pd;
  }
  auto rows_of = [&](BostedGroupBy by, const BostedCoverageFilter& f) {
    json arr = json::array();
    for (const auto& r : BostedCoverage(reg, d, by, f)) arr.push_back(BostedCoverageRowJson(r));
    return arr;  // the last row is the total ("all")
  };
  json j = {{"kind", kind}, {"title_da", title}, {"date", d.ToIso()}, {"date_da", FormatDateDa(d)}};
  ALMEN_ASSIGN_OR_RETURN(json tg, BostedTargetGroupJson(agreement, reg, d, filter));
  ALMEN_ASSIGN_OR_RETURN(json spend, BostedSpendJson(agreement, reg, d, false, filter));
  j["target_group"] = tg;
  j["spend"] = spend;
  j["coverage"] = {{"total", rows_of(BostedGroupBy::kAll, filter).back()},
                   {"by_paragraph", rows_of(BostedGroupBy::kParagraph, filter)},
                   {"by_operator", rows_of(BostedGroupBy::kOperator, filter)},
                   {"by_size", rows_of(BostedGroupBy::kSize, filter)}};
  if (kind == "q4-regional") {
    // One section per region (the regional follow-up groups), each with its municipalities.
    json regions = json::array();
    for (const auto& [code, name] : BostedRegions()) {
      if (!filter.region_code.empty() && filter.region_code != code) continue;
      BostedCoverageFilter f = filter;
      f.region_code = code;
      ALMEN_ASSIGN_OR_RETURN(json rtg, BostedTargetGroupJson(agreement, reg, d, f));
      regions.push_back({{"region_code", code},
                         {"region_name", name},
                         {"total", rows_of(BostedGroupBy::kAll, f).back()},
                         {"by_paragraph", rows_of(BostedGroupBy::kParagraph, f)},
                         {"by_operator", rows_of(BostedGroupBy::kOperator, f)},
                         {"by_size", rows_of(BostedGroupBy::kSize, f)},
                         {"by_municipality", rows_of(BostedGroupBy::kMunicipality, f)},
                         {"target_group", rtg}});
    }
    j["regions"] = regions;
  } else {
    // Municipalities report on municipal botilbud, regions on regional ones;
    // private and self-owned via LOS and Selveje Danmark (the note).
    BostedCoverageFilter fm = filter, fr = filter, fp = filter;
    fm.op = static_cast<int>(BostedOperator::kMunicipal);
    fr.op = static_cast<int>(BostedOperator::kRegional);
    fp.op = static_cast<int>(BostedOperator::kPrivate);
    j["municipal"] = {{"reporter_da", "Kommunerne (kommunale botilbud)"},
                      {"by_municipality", rows_of(BostedGroupBy::kMunicipality, fm)},
                      {"by_paragraph", rows_of(BostedGroupBy::kParagraph, fm)}};
    j["regional"] = {{"reporter_da", "Regionerne (regionale botilbud)"},
                     {"by_region", rows_of(BostedGroupBy::kRegion, fr)},
                     {"by_paragraph", rows_of(BostedGroupBy::kParagraph, fr)}};
    j["private"] = {{"reporter_da", "LOS og Selveje Danmark (private og selvejende botilbud)"},
                    {"by_region", rows_of(BostedGroupBy::kRegion, fp)},
                    {"by_paragraph", rows_of(BostedGroupBy::kParagraph, fp)}};
  }
  return j;
}

}  // namespace almen
