// Højestegrænse (indirect age/sex standardisation, ceilings, the bostedslæge
// assessment), quality payments and offset rows. Formulas in ceiling.h and
// docs/economy.md §4-6; choices in docs/decisions.md ("Højestegrænse and quality").
#include "economy/ceiling.h"

#include <algorithm>
#include <numeric>

#include "common/csv.h"
#include "common/format_da.h"

namespace almen {

namespace {



struct CodeRange {
  int from, to;
};

StatusOr<std::vector<CodeRange>> ParseCodeRanges(const std::string& name, std::string_view s) {
  std::vector<CodeRange> out;
  for (const auto& part : SplitNonEmpty(s, ';')) {
    size_t dash = part.find('-');
    auto a = ParseInt64(part.substr(0, dash));
    auto b = dash == std::string::npos ? a : ParseInt64(part.substr(dash + 1));
    if (!a || !b || *a > *b) return Internal(name + ": '" + part + "' is not a code or code range");
    out.push_back({static_cast<int>(*a), static_cast<int>(*b)});
  }
  return out;
}

}  // namespace

// Largest-remainder apportionment of `total` over non-negative `weights`
// (ties to the lower index); all zero weights → all zero. Σ result = total.
std::vector<int64_t> CeilingApportion(int64_t total, const std::vector<int64_t>& weights) {
  std::vector<int64_t> out(weights.size(), 0);
  Int128 sum = 0;
  for (int64_t w : weights) sum += std::max<int64_t>(w, 0);
  if (sum == 0 || weights.empty()) return out;
  const bool neg = total < 0;
  const Int128 t = neg ? -static_cast<Int128>(total) : static_cast<Int128>(total);
  std::vector<std::pair<Int128, size_t>> rem;
  Int128 given = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    Int128 prod = t * std::max<int64_t>(weights[i], 0);
    out[i] = static_cast<int64_t>(prod / sum);
    given += out[i];
    rem.push_back({prod % sum, i});
  }
  std::stable_sort(rem.begin(), rem.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t k = 0; given < t && k < rem.size(); ++k, ++given) ++out[rem[k].second];
  if (neg)
    for (auto& v : out) v = -v;
  return out;
}

StatusOr<CeilingResult> ComputeCeilings(const Agreement& agreement, const CeilingInput& in) {
  CeilingResult res;
  res.year = in.year;
  const Date on = Date::FromYmd(in.year, 1, 1);
  ALMEN_ASSIGN_OR_RETURN(res.threshold, agreement.PpmParameter("ceiling_deviation_threshold", on));
  ALMEN_ASSIGN_OR_RETURN(res.groups, LoadCeilingGroups(agreement, in.year));
  const Parameter* ref_p = agreement.ParameterOn("ceiling_reference", on);
  const Parameter* items_p = agreement.ParameterOn("ceiling_cost_items", on);
  const Parameter* codes_p = agreement.ParameterOn("ceiling_excluded_codes", on);
  const Parameter* month_p = agreement.ParameterOn("ceiling_clawback_month", on);
  if (!items_p || !codes_p || !month_p)
    return Internal("agreement data lacks a højestegrænse parameter for " + std::to_string(in.year) +
                    " (ceiling_cost_items, ceiling_excluded_codes, ceiling_clawback_month)");
  res.reference = !in.reference.empty() ? in.reference : ref_p ? ref_p->value : "country";
  if (res.reference != "country" && res.reference != "region")
    return InvalidInput("--reference '" + res.reference + "': must be region or country");
  if (res.reference == "region" && in.clinics.empty())
    return InvalidInput("--reference region needs --providers (the clinics' municipalities give their regions)");
  auto cm = ParseInt64(month_p->value);
  if (!cm || *cm < 1 || *cm > 12) return Internal("ceiling_clawback_month must be 01..12");
  res.clawback_month = Month::FromYm(in.year + 1, static_cast<int>(*cm));
  const std::vector<std::string> items = SplitNonEmpty(items_p->value, ';');
  ALMEN_ASSIGN_OR_RETURN(std::vector<CodeRange> excluded, ParseCodeRanges("ceiling_excluded_codes", codes_p->value));

  // Cost per clinic in the year.
  std::map<int, Money> cost;
  for (const auto& r : in.statements) {
    if (r.month.year() != in.year) continue;
    if (std::find(items.begin(), items.end(), r.item) == items.end()) continue;
    if (r.code >= 0 &&
        std::any_of(excluded.begin(), excluded.end(), [&](const CodeRange& c) { return c.from <= r.code && r.code <= c.to; }))
      continue;
    cost[r.provider] += r.amount;
  }
  std::set<int> providers;
  for (const auto& [p, m] : cost) providers.insert(p);
  for (const auto& [p, v] : in.population) providers.insert(p);

  auto weight_of = [&](int provider) -> int64_t {
    auto it = in.population.find(provider);
    if (it == in.population.end()) return 0;
    int64_t w = 0;
    for (size_t g = 0; g < it->second.size() && g < res.groups.size(); ++g) w += it->second[g] * res.groups[g].weight.value;
    return w;
  };
  auto area_of = [&](int provider) -> std::string {
    if (res.reference == "country") return "country";
    auto it = in.clinics.find(provider);
    return it == in.clinics.end() || it->second.region_code.empty() ? std::string("unknown") : it->second.region_code;
  };

  // Reference sums per area (clinics with listed patients only).
  std::map<std::string, Int128> w_ref;
  std::map<std::string, Money> a_ref;
  for (int p : providers) {
    int64_t w = weight_of(p);
    if (w <= 0) continue;
    std::string area = area_of(p);
    w_ref[area] += w;
    a_ref[area] += cost.count(p) ? cost[p] : Money::Zero();
  }
  for (const auto& [area, a] : a_ref) {
    res.reference_cost[area] = a;
    std::vector<Money> per_group;
    for (const auto& g : res.groups)
      per_group.push_back(Money::FromOre(RoundDiv(static_cast<Int128>(a.ore()) * g.weight.value * 12, w_ref[area])));
    res.reference_cost_per_year[area] = std::move(per_group);
  }
  if (a_ref.count("unknown"))
    res.warnings.push_back("klinikker uden kendt region (ikke i providers.csv) er sammenlignet med hinanden");
  if (!in.bosted_providers)
    res.warnings.push_back("ingen attachments.csv: bostedslæge-undtagelsen (note til § 93 stk. 4) er ikke vurderet");

  const Int128 one = Ppm::kOne;
  for (int p : providers) {
    CeilingClinicResult c;
    c.provider = p;
    auto ci = in.clinics.find(p);
    c.region = ci == in.clinics.end() ? "" : ci->second.region_code;
    c.cost = cost.count(p) ? cost[p] : Money::Zero();
    auto pi = in.population.find(p);
    if (pi != in.population.end()) c.patient_months = std::accumulate(pi->second.begin(), pi->second.end(), int64_t{0});
    c.bosted = in.bosted_providers && in.bosted_providers->count(p);
    const int64_t w = weight_of(p);
    if (w <= 0) {
      c.status = "no_patients";
      res.clinics.push_back(std::move(c));
      continue;
    }
    const std::string area = area_of(p);
    const Int128 A = a_ref[area].ore(), W = w_ref[area];
    c.expected = Money::FromOre(RoundDiv(A * w, W));
    if (A <= 0) {
      c.status = "within";
      c.deviation_pct = "0.00";
      res.clinics.push_back(std::move(c));
      continue;
    }
    // ratio = cost × W / (A × w), exact.
    const Int128 num = static_cast<Int128>(c.cost.ore()) * W, den = A * w;
    c.ratio_ppm = RoundDiv(num * one, den);
    c.deviation_pct = FormatRatio((num - den) * 100, den, 2);
    c.above = num * one > den * (one + res.threshold.value);
    if (!c.above) {
      c.status = "within";
      res.clinics.push_back(std::move(c));
      continue;
    }
    for (const auto& d : in.decisions)
      if (d.provider == p && d.year == in.year) c.decision = d;
    bool set_ceiling = true;
    if (c.decision) {
      set_ceiling = !c.decision->exempt;
      c.status = c.decision->exempt ? "exempt" : "ceiling";
    } else if (c.bosted) {
      set_ceiling = false;
      c.status = "assessment_pending";
    } else {
      c.status = "ceiling";
    }
    if (set_ceiling) {
      c.ceiling = Money::FromOre(RoundDiv(A * w * (one + res.threshold.value), W * one));
      c.clawback = std::max(c.cost - c.ceiling, Money::Zero());
      Month m = res.clawback_month;
      if (c.decision && Month::Of(c.decision->decided) + 1 > m) m = Month::Of(c.decision->decided) + 1;
      c.clawback_month = m;
    }
    res.clinics.push_back(std::move(c));
  }
  return res;
}

nlohmann::json CeilingResultToJson(const CeilingResult& r) {
  using json = nlohmann::json;
  json out;
  out["year"] = r.year;
  out["reference"] = r.reference;
  out["threshold_pct"] = FormatRatio(static_cast<Int128>(r.threshold.value) * 100, Ppm::kOne, 2);
  out["limit_pct"] = FormatRatio(static_cast<Int128>(Ppm::kOne + r.threshold.value) * 100, Ppm::kOne, 0);
  out["clawback_month"] = r.clawback_month.ToString();
  out["method"] =
      "Indirekte standardisering: forventet udgift = Σ over køns- og aldersgrupper af klinikkens patientmåneder × "
      "referenceudgiften pr. patientmåned i gruppen (relativ vægt × referenceområdets udgift / dets vægtede "
      "patientmåneder). Forhold = faktisk / forventet. Højestegrænse når forholdet er over 1 + grænsen (§ 93, pkt. 5.2).";
  json groups = json::array();
  for (size_t g = 0; g < r.groups.size(); ++g) {
    json per_area = json::object();
    for (const auto& [area, v] : r.reference_cost_per_year) per_area[area] = v[g].ore();
    groups.push_back({{"label", r.groups[g].label},
                      {"sex", r.groups[g].sex == Sex::kFemale ? "F" : "M"},
                      {"age_from", r.groups[g].age_from},
                      {"age_to", r.groups[g].age_to >= 200 ? json(nullptr) : json(r.groups[g].age_to)},
                      {"weight", FormatPpm(r.groups[g].weight)},
                      {"reference_cost_per_year_ore", per_area}});
  }
  out["groups"] = groups;
  json areas = json::array();
  for (const auto& [area, a] : r.reference_cost) {
    int64_t n = 0;
    for (const auto& c : r.clinics)
      if (c.status != "no_patients" && (r.reference == "country" || c.region == area ||
                                        (area == "unknown" && c.region.empty())))
        ++n;
    areas.push_back({{"area", area},
                     {"name", area == "country" ? "Hele landet" : CeilingRegionName(area)},
                     {"cost_ore", a.ore()},
                     {"clinics", n}});
  }
  out["reference_areas"] = areas;
  json clinics = json::array(), tasks = json::array();
  int64_t above = 0, ceilings = 0, pending = 0, exempt = 0, no_patients = 0;
  Money clawback = Money::Zero();
  for (const auto& c : r.clinics) {
    char prov[8];
    std::snprintf(prov, sizeof prov, "%06d", c.provider);
    json j = {{"provider", prov},
              {"region", c.region.empty() ? json(nullptr) : json(c.region)},
              {"cost_ore", c.cost.ore()},
              {"patient_months", c.patient_months},
              {"listed_avg", c.patient_months ? json(FormatRatio(c.patient_months, 12, 1)) : json(nullptr)},
              {"cost_per_patient_ore",
               c.patient_months ? json(RoundDiv(static_cast<Int128>(c.cost.ore()) * 12, c.patient_months)) : json(nullptr)},
              {"expected_ore", c.status == "no_patients" ? json(nullptr) : json(c.expected.ore())},
              {"ratio_ppm", c.status == "no_patients" ? json(nullptr) : json(c.ratio_ppm)},
              {"deviation_pct", c.deviation_pct.empty() ? json(nullptr) : json(c.deviation_pct)},
              {"above", c.above},
              {"bosted", c.bosted},
              {"status", c.status},
              {"ceiling_ore", c.status == "ceiling" ? json(c.ceiling.ore()) : json(nullptr)},
              {"clawback_ore", c.clawback.ore()},
              {"clawback_month", c.clawback_month ? json(c.clawback_month->ToString()) : json(nullptr)}};
    if (c.decision)
      j["decision"] = {{"exempt", c.decision->exempt},
                       {"reason", c.decision->reason},
                       {"decided_by", c.decision->decided_by},
                       {"decided", c.decision->decided.ToIso()}};
    else
      j["decision"] = nullptr;
    clinics.push_back(std::move(j));
    if (c.above) ++above;
    if (c.status == "ceiling") ++ceilings;
    if (c.status == "exempt") ++exempt;
    if (c.status == "no_patients") ++no_patients;
    clawback += c.clawback;
    if (c.above && (c.bosted || c.decision)) {
      if (c.status == "assessment_pending") ++pending;
      tasks.push_back({{"provider", prov},
                       {"kind", "concrete_assessment"},
                       {"state", c.decision ? "decided" : "pending"},
                       {"text", "Klinik " + std::string(prov) + " er bostedslæge og ligger " + c.deviation_pct +
                                    " % over det standardiserede gennemsnit. Der skal foretages en konkret vurdering "
                                    "af, om den øgede aktivitet kan tilskrives funktionen som bostedslæge (note til "
                                    "§ 93 stk. 4). Indtil en afgørelse er registreret, fastsættes ingen højestegrænse."}});
    }
  }
  out["clinics"] = clinics;
  out["tasks"] = tasks;
  out["totals"] = {{"clinics", static_cast<int64_t>(r.clinics.size())},
                   {"above", above},
                   {"ceilings", ceilings},
                   {"assessment_pending", pending},
                   {"exempt", exempt},
                   {"no_patients", no_patients},
                   {"clawback_ore", clawback.ore()}};
  out["warnings"] = r.warnings;
  return out;
}

std::string CeilingsToCsv(const CeilingResult& r) {
  std::string out =
      "provider,year,region,cost_ore,patient_months,expected_ore,ratio_ppm,deviation_pct,above,bosted,status,"
      "ceiling_ore,clawback_ore,clawback_month,decision_exempt,decision_reason,decided_by,decided\n";
  for (const auto& c : r.clinics) {
    char prov[8];
    std::snprintf(prov, sizeof prov, "%06d", c.provider);
    const bool np = c.status == "no_patients";
    std::vector<std::string> f = {prov,
                                  std::to_string(r.year),
                                  c.region,
                                  std::to_string(c.cost.ore()),
                                  std::to_string(c.patient_months),
                                  np ? "" : std::to_string(c.expected.ore()),
                                  np ? "" : std::to_string(c.ratio_ppm),
                                  c.deviation_pct,
                                  c.above ? "1" : "0",
                                  c.bosted ? "1" : "0",
                                  c.status,
                                  c.status == "ceiling" ? std::to_string(c.ceiling.ore()) : "",
                                  std::to_string(c.clawback.ore()),
                                  c.clawback_month ? c.clawback_month->ToString() : "",
                                  c.decision ? (c.decision->exempt ? "1" : "0") : "",
                                  c.decision ? c.decision->reason : "",
                                  c.decision ? c.decision->decided_by : "",
                                  c.decision ? c.decision->decided.ToIso() : ""};
    for (size_t i = 0; i < f.size(); ++i) {
      if (i) out += ',';
      AppendCsvField(out, f[i]);
    }
    out += '\n';
  }
  return out;
}

std::vector<CeilingStatementRow> CeilingClawbackRows(const CeilingResult& r) {
  std::vector<CeilingStatementRow> rows;
  for (const auto& c : r.clinics) {
    if (c.status != "ceiling" || c.clawback <= Money::Zero() || !c.clawback_month) continue;
    rows.push_back({c.provider, *c.clawback_month, "ceiling_clawback", -1, 1, -c.clawback});
  }
  return rows;
}

// ---- Quality payments --------------------------------------------------------------

StatusOr<nlohmann::json> ComputeQualityPayments(const Agreement& agreement, const QualityInput& in) {
  using json = nlohmann::json;
  const Date on = Date::FromYmd(in.year, 1, 1);
  auto per_insured = agreement.MoneyParameter("quality_per_insured_ore", on);
  if (!per_insured.ok())
    return InvalidInput("no quality payment rates for " + std::to_string(in.year) + " in the agreement data (pkt. 5.8)");
  ALMEN_ASSIGN_OR_RETURN(Money per_cluster_patient, agreement.MoneyParameter("quality_cluster_per_patient_ore", on));
  Money fund = Money::Zero();
  if (agreement.ParameterOn("quality_fund_ore", on)) {
    ALMEN_ASSIGN_OR_RETURN(fund, agreement.MoneyParameter("quality_fund_ore", on));
  }
  const Parameter* cd = agreement.ParameterOn("quality_count_date", on);
  Date count_date = on;
  if (cd) {
    auto d = Date::Parse(std::to_string(in.year) + "-" + cd->value);
    if (!d) return Internal("quality_count_date: '" + cd->value + "' is not MM-DD");
    count_date = *d;
  }
  std::vector<std::string> warnings;
  auto region_of = [&](int p) {
    auto it = in.clinics.find(p);
    return it == in.clinics.end() || it->second.region_code.empty() ? std::string("unknown") : it->second.region_code;
  };
  std::map<std::string, int64_t> listed_by_region;
  for (const auto& [p, n] : in.listed) listed_by_region[region_of(p)] += n;
  if (listed_by_region.count("unknown"))
    warnings.push_back("tilmeldte patienter hos klinikker uden kendt region (ikke i providers.csv): " +
                       std::to_string(listed_by_region["unknown"]));
  std::set<std::string> regions;
  for (int r = 1081; r <= 1085; ++r) regions.insert(std::to_string(r));
  for (const auto& [r, n] : listed_by_region) regions.insert(r);
  for (const auto& [r, n] : in.insured) {
    if (!regions.count(r)) return InvalidInput("insured count for unknown region '" + r + "'");
  }

  // Clusters on the count date.
  struct ClusterAgg {
    std::map<std::string, int64_t> patients_by_region;
    std::vector<std::string> clinics;
  };
  std::map<std::string, ClusterAgg> clusters;
  std::set<int> clinics_in_clusters;
  for (const auto& c : in.clusters) {
    if (!c.period.Contains(count_date)) continue;
    char prov[8];
    std::snprintf(prov, sizeof prov, "%06d", c.provider);
    auto& agg = clusters[c.cluster_id];
    agg.clinics.push_back(prov);
    auto it = in.listed.find(c.provider);
    agg.patients_by_region[region_of(c.provider)] += it == in.listed.end() ? 0 : it->second;
    clinics_in_clusters.insert(c.provider);
  }
  std::map<std::string, int64_t> cluster_patients_by_region;
  json clusters_json = json::array();
  Money cluster_total = Money::Zero();
  for (const auto& [id, agg] : clusters) {
    int64_t patients = 0;
    json by_region = json::object();
    for (const auto& [r, n] : agg.patients_by_region) {
      patients += n;
      by_region[r] = n;
      cluster_patients_by_region[r] += n;
    }
    Money amount = per_cluster_patient * patients;
    cluster_total += amount;
    clusters_json.push_back({{"cluster_id", id},
                             {"clinics", agg.clinics},
                             {"patients", patients},
                             {"patients_by_region", by_region},
                             {"amount_ore", amount.ore()}});
  }

  // Insured per region, and the fund's 7,3 mio. spread by insured (largest remainder).
  std::vector<std::string> region_list(regions.begin(), regions.end());
  std::vector<int64_t> insured;
  for (const auto& r : region_list) {
    auto it = in.insured.find(r);
    insured.push_back(it != in.insured.end() ? it->second : listed_by_region[r]);
  }
  std::vector<int64_t> fund_shares = CeilingApportion(fund.ore(), insured);
  json regions_json = json::array();
  Money regional_total = Money::Zero(), fund_total = Money::Zero();
  for (size_t i = 0; i < region_list.size(); ++i) {
    const std::string& r = region_list[i];
    Money regional = *per_insured * insured[i];
    Money clusters_amount = per_cluster_patient * cluster_patients_by_region[r];
    regional_total += regional;
    fund_total += Money::FromOre(fund_shares[i]);
    regions_json.push_back({{"region", r},
                            {"name", r == "unknown" ? std::string("Ukendt region") : CeilingRegionName(r)},
                            {"insured", insured[i]},
                            {"insured_source", in.insured.count(r) ? "given" : "listed"},
                            {"listed", listed_by_region[r]},
                            {"quality_ore", regional.ore()},
                            {"cluster_patients", cluster_patients_by_region[r]},
                            {"cluster_ore", clusters_amount.ore()},
                            {"fund_ore", fund_shares[i]},
                            {"total_ore", (regional + clusters_amount + Money::FromOre(fund_shares[i])).ore()}});
  }
  if (in.clusters.empty()) warnings.push_back("ingen clusters.csv: ingen klinikker er regnet som medlem af en klynge");
  json out;
  out["year"] = in.year;
  out["agreement"] = agreement.version();
  out["count_date"] = count_date.ToIso();
  out["rates"] = {{"per_insured_ore", per_insured->ore()},
                  {"cluster_per_patient_ore", per_cluster_patient.ore()},
                  {"fund_ore", fund.ore()}};
  out["regions"] = regions_json;
  out["clusters"] = clusters_json;
  out["totals"] = {{"insured", std::accumulate(insured.begin(), insured.end(), int64_t{0})},
                   {"quality_ore", regional_total.ore()},
                   {"clinics_in_clusters", static_cast<int64_t>(clinics_in_clusters.size())},
                   {"cluster_ore", cluster_total.ore()},
                   {"fund_ore", fund_total.ore()},
                   {"total_ore", (regional_total + cluster_total + fund_total).ore()}};
  out["method"] = "Kvalitet: sikrede i regionen × sats pr. sikret (sikrede = tilmeldte på tælledatoen, medmindre et "
                  "antal er givet). Klynger: tilmeldte patienter hos klinikker i klynger på tælledatoen × sats pr. "
                  "patient. Fondens beløb fordeles på regionerne efter sikrede (største rest).";
  out["warnings"] = warnings;
  return out;
}

}  // namespace almen
