// Indicators, peers, risk score and materiality (indicators.h, docs/control.md).
#include "control/indicators.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <tuple>

#include "claims/claim.h"
#include "common/decimal.h"
#include "common/format_da.h"
#include "common/money.h"

namespace almen::control {

namespace {

constexpr int64_t kMillion = 1'000'000;

struct IndicatorDef {
  IndicatorId id;
  const char* name;
  const char* da;
  const char* unit;
  int64_t floor;  // least spread for the robust z, in the indicator's unit
};

constexpr std::array<IndicatorDef, kIndicators> kDefs = {{
    {IndicatorId::kFeePerPatient, "fee_per_patient", "Honorar pr. patient", "ore_per_patient_year", 1000},
    {IndicatorId::kAnnualStatus, "annual_status", "Årsstatus (0120) pr. patient", "per_patient_year", 10000},
    {IndicatorId::kHomeVisits, "home_visits", "Sygebesøg pr. patient", "per_patient_year", 10000},
    {IndicatorId::kReviewRate, "review_rate", "Tillægsydelser med 0120 til gennemgang", "share", 1000},
    {IndicatorId::kRejectionRate, "rejection_rate", "Afviste linjer", "share", 1000},
    {IndicatorId::kLateBills, "late_bills", "Sene regninger", "share", 1000},
    {IndicatorId::kSameDayElsewhere, "same_day_elsewhere", "Patienter afregnet af en anden klinik samme dag", "share",
     1000},
    {IndicatorId::kUnusualCombinations, "unusual_combinations", "Usædvanlige kombinationer af ydelser", "share", 1000},
}};

const IndicatorDef& Def(IndicatorId id) { return kDefs[static_cast<size_t>(id)]; }

int64_t Div(Int128 n, Int128 d) { return d == 0 ? 0 : RoundDiv(n, d); }
int64_t Abs(int64_t v) { return v < 0 ? -v : v; }

// Nearest-rank quantile of sorted values, p in per cent.
int64_t Quantile(const std::vector<int64_t>& v, int p) {
  if (v.empty()) return 0;
  size_t rank = static_cast<size_t>((static_cast<int64_t>(v.size()) * p + 99) / 100);
  if (rank < 1) rank = 1;
  return v[rank - 1];
}

// "2,35" from millionths, with `decimals` decimals (half away from zero).
std::string MillionthsDa(int64_t v, int decimals) {
  int64_t scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  const int64_t r = RoundDiv(static_cast<Int128>(v) * scale, kMillion);
  const int64_t a = std::llabs(r);
  std::string s = GroupThousands(a / scale);
  if (decimals > 0) {
    std::string frac = std::to_string(a % scale);
    while (static_cast<int>(frac.size()) < decimals) frac.insert(frac.begin(), '0');
    s += "," + frac;
  }
  return (r < 0 ? "−" : "") + s;
}

std::string ProviderText6(int provider) {
  char b[16];
  std::snprintf(b, sizeof b, "%06d", provider);
  return b;
}

std::string CodeText(int code) {
  char b[8];
  std::snprintf(b, sizeof b, "%04d", code);
  return b;
}

// The values of one indicator for every clinic (nullopt: not available).
struct Column {
  std::vector<std::optional<int64_t>> values;
};

}  // namespace

std::string_view IndicatorName(IndicatorId id) { return Def(id).name; }
std::string_view IndicatorDa(IndicatorId id) { return Def(id).da; }
std::string_view IndicatorUnit(IndicatorId id) { return Def(id).unit; }
std::optional<IndicatorId> ParseIndicator(std::string_view s) {
  for (const auto& d : kDefs)
    if (s == d.name) return d.id;
  return std::nullopt;
}

std::string PairText(uint32_t key) { return CodeText(static_cast<int>(key / 10000)) + "+" + CodeText(static_cast<int>(key % 10000)); }

std::string ValueDa(IndicatorId id, int64_t value) {
  const std::string_view unit = Def(id).unit;
  if (unit == "ore_per_patient_year") return FormatKroner(Money::FromOre(value));
  if (unit == "share") return MillionthsDa(value * 100, 1) + " %";
  return MillionthsDa(value, 2);
}

std::string ReasonDa(const IndicatorResult& r) {
  std::string s = std::string(IndicatorDa(r.id)) + ": " + ValueDa(r.id, r.value);
  if (r.compared)
    s += " mod " + ValueDa(r.id, r.peers.median) + " hos sammenlignelige klinikker (" +
         std::to_string(r.percentile_tenths / 10) + ". percentil)";
  s += "; " + FormatKroner(Money::FromOre(r.at_stake_ore)) + " i spil.";
  return s;
}

std::vector<ClinicRisk> ComputeRisk(const ControlData& data, const Settings& settings) {
  const int months = data.to.serial - data.from.serial + 1;
  const size_t n = data.clinics.size();
  static const ClinicActivity kNone;
  auto activity = [&](size_t i) -> const ClinicActivity& {
    auto it = data.activity.find(data.clinics[i].provider);
    return it == data.activity.end() ? kNone : it->second;
  };

  // Code pairs that are rare in the scope: billed together in fewer than
  // rare_pair_ppm of all contacts.
  int64_t all_contacts = 0;
  absl::flat_hash_map<uint32_t, int64_t> pooled;
  for (const auto& [p, a] : data.activity) {
    all_contacts += a.contacts;
    for (const auto& [k, c] : a.pairs) pooled[k] += c.contacts;
  }
  auto rare = [&](uint32_t key) {
    auto it = pooled.find(key);
    return it != pooled.end() && static_cast<Int128>(it->second) * kMillion <
                                     static_cast<Int128>(settings.rare_pair_ppm) * all_contacts;
  };

  std::vector<ClinicRisk> out(n);
  for (size_t i = 0; i < n; ++i) {
    const ClinicActivity& a = activity(i);
    ClinicRisk& r = out[i];
    r.clinic = data.clinics[i];
    r.listed_patients = months > 0 ? Div(a.patient_months, months) : 0;
    r.weighted_patients_milli = Div(a.weighted_months_ppm, 12 * 1000);
    r.paid_ore = a.paid_ore;
    const int64_t wm = a.weighted_months_ppm;
    auto per_patient = [&](IndicatorResult& x, int64_t count, int64_t amount) {
      x.available = wm > 0;
      x.numerator = count;
      x.denominator = r.weighted_patients_milli;
      x.support = r.listed_patients;
      x.amount_ore = amount;
      if (x.available) x.value = Div(static_cast<Int128>(count) * 12 * kMillion * kMillion, wm);
    };
    auto share = [&](IndicatorResult& x, int64_t num, int64_t den, int64_t amount) {
      x.available = den > 0;
      x.numerator = num;
      x.denominator = den;
      x.support = den;
      x.amount_ore = amount;
      if (x.available) x.value = Div(static_cast<Int128>(num) * kMillion, den);
    };
    for (int k = 0; k < kIndicators; ++k) r.indicators[static_cast<size_t>(k)].id = static_cast<IndicatorId>(k);
    auto& ind = r.indicators;
    {
      IndicatorResult& x = ind[static_cast<size_t>(IndicatorId::kFeePerPatient)];
      x.available = wm > 0;
      x.numerator = a.paid_ore;
      x.denominator = r.weighted_patients_milli;
      x.support = r.listed_patients;
      x.amount_ore = a.paid_ore;
      if (x.available) x.value = Div(static_cast<Int128>(a.paid_ore) * 12 * kMillion, wm);
    }
    per_patient(ind[static_cast<size_t>(IndicatorId::kAnnualStatus)], a.annual_status_lines, a.annual_status_ore);
    per_patient(ind[static_cast<size_t>(IndicatorId::kHomeVisits)], a.home_visit_lines, a.home_visit_ore);
    share(ind[static_cast<size_t>(IndicatorId::kReviewRate)], a.review_lines, a.annual_status_lines, a.review_ore);
    share(ind[static_cast<size_t>(IndicatorId::kRejectionRate)], a.rejected_lines, a.lines, a.paid_ore);
    share(ind[static_cast<size_t>(IndicatorId::kLateBills)], a.late_lines, a.lines, a.late_ore);
    share(ind[static_cast<size_t>(IndicatorId::kSameDayElsewhere)], a.shared_patient_days, a.patient_days,
          a.shared_ore);
    {
      int64_t rare_contacts = 0, rare_ore = 0;
      std::vector<std::pair<uint32_t, PairCount>> top;
      for (const auto& [k, c] : a.pairs)
        if (rare(k)) {
          rare_contacts += c.contacts;
          rare_ore += c.amount_ore;
          top.emplace_back(k, c);
        }
      rare_contacts = std::min(rare_contacts, a.contacts);
      IndicatorResult& x = ind[static_cast<size_t>(IndicatorId::kUnusualCombinations)];
      share(x, rare_contacts, a.contacts, rare_ore);
      std::sort(top.begin(), top.end(), [](const auto& l, const auto& rr) {
        return std::tie(rr.second.contacts, l.first) < std::tie(l.second.contacts, rr.first);
      });
      nlohmann::json pairs = nlohmann::json::array();
      for (size_t t = 0; t < top.size() && t < 5; ++t) {
        const int64_t scope = pooled[top[t].first];
        pairs.push_back({{"codes", PairText(top[t].first)},
                         {"contacts", top[t].second.contacts},
                         {"amount_ore", top[t].second.amount_ore},
                         {"scope_share", Div(static_cast<Int128>(scope) * kMillion, all_contacts)}});
      }
      x.detail["rare_pairs"] = pairs;
      x.detail["rare_pair_ppm"] = settings.rare_pair_ppm;
    }
    ind[static_cast<size_t>(IndicatorId::kLateBills)].detail["late_days"] = settings.late_days;
    ind[static_cast<size_t>(IndicatorId::kSameDayElsewhere)].detail = {
        {"shared_lines", a.shared_lines}, {"shared_amount_ore", a.shared_ore}, {"scope", "event_lines"}};
    ind[static_cast<size_t>(IndicatorId::kAnnualStatus)].detail["patients"] = a.annual_status_patients;
    if (a.patient_months > 0)
      ind[static_cast<size_t>(IndicatorId::kAnnualStatus)].detail["share_of_listed"] =
          Div(static_cast<Int128>(a.annual_status_patients) * months * kMillion, a.patient_months);
  }

  // Peer groups: (region, type, LTO), widened while smaller than min_peers.
  std::map<std::tuple<std::string, std::string, bool>, int64_t> by_rtl;
  std::map<std::pair<std::string, std::string>, int64_t> by_rt;
  std::map<std::string, int64_t> by_r;
  for (const auto& c : data.clinics) {
    ++by_rtl[{c.region, c.clinic_type, c.lto}];
    ++by_rt[{c.region, c.clinic_type}];
    ++by_r[c.region];
  }
  for (auto& r : out) {
    const ClinicInfo& c = r.clinic;
    PeerGroup& g = r.group;
    g.region = c.region;
    g.clinic_type = c.clinic_type;
    g.lto = c.lto;
    if ((g.clinics = by_rtl[{c.region, c.clinic_type, c.lto}]) >= settings.min_peers) g.level = "region_type_lto";
    else if ((g.clinics = by_rt[{c.region, c.clinic_type}]) >= settings.min_peers) g.level = "region_type";
    else if ((g.clinics = by_r[c.region]) >= settings.min_peers) g.level = "region";
    else {
      g.level = "scope";
      g.clinics = static_cast<int64_t>(n);
    }
  }
  auto in_group = [&](const ClinicRisk& me, const ClinicRisk& other) {
    const PeerGroup& g = me.group;
    const ClinicInfo& o = other.clinic;
    if (g.level == "scope") return true;
    if (o.region != g.region) return false;
    if (g.level == "region") return true;
    if (o.clinic_type != g.clinic_type) return false;
    return g.level == "region_type" || o.lto == g.lto;
  };

  // The peers' median of any per-clinic value (used for 0120 by indication).
  auto peer_median = [&](size_t i, const std::vector<std::optional<int64_t>>& vals) -> std::optional<int64_t> {
    std::vector<int64_t> v;
    for (size_t j = 0; j < n; ++j)
      if (j != i && vals[j] && in_group(out[i], out[j])) v.push_back(*vals[j]);
    if (v.size() < 3) return std::nullopt;
    std::sort(v.begin(), v.end());
    return Quantile(v, 50);
  };

  for (int k = 0; k < kIndicators; ++k) {
    const IndicatorId id = static_cast<IndicatorId>(k);
    const IndicatorDef& def = Def(id);
    for (size_t i = 0; i < n; ++i) {
      IndicatorResult& x = out[i].indicators[static_cast<size_t>(k)];
      if (!x.available) continue;
      std::vector<int64_t> v;
      for (size_t j = 0; j < n; ++j) {
        const IndicatorResult& y = out[j].indicators[static_cast<size_t>(k)];
        if (j != i && y.available && in_group(out[i], out[j])) v.push_back(y.value);
      }
      if (v.size() < 3) continue;
      std::sort(v.begin(), v.end());
      x.compared = true;
      PeerStats& s = x.peers;
      s.n = static_cast<int64_t>(v.size());
      s.p10 = Quantile(v, 10);
      s.p25 = Quantile(v, 25);
      s.median = Quantile(v, 50);
      s.p75 = Quantile(v, 75);
      s.p90 = Quantile(v, 90);
      const int64_t less = std::lower_bound(v.begin(), v.end(), x.value) - v.begin();
      const int64_t equal = std::upper_bound(v.begin(), v.end(), x.value) - v.begin() - less;
      x.percentile_tenths = Div(static_cast<Int128>(1000) * (2 * less + equal), 2 * s.n);
      std::vector<int64_t> dev;
      dev.reserve(v.size());
      for (int64_t y : v) dev.push_back(Abs(y - s.median));
      std::sort(dev.begin(), dev.end());
      const int64_t mad = Quantile(dev, 50);
      const int64_t spread =
          std::max({Div(static_cast<Int128>(mad) * 14826, 10000), Abs(s.median) / 10, def.floor});
      x.z_milli = Div(static_cast<Int128>(x.value - s.median) * 1000, spread);
      if (x.value > s.median) {
        const Int128 excess = x.value - s.median;
        switch (id) {
          case IndicatorId::kFeePerPatient:
            x.at_stake_ore = Div(excess * out[i].weighted_patients_milli, 1000);
            break;
          case IndicatorId::kRejectionRate:
            x.at_stake_ore = Div(excess * x.amount_ore, kMillion);
            break;
          default:
            x.at_stake_ore = Div(excess * x.amount_ore, x.value);
        }
      }
      x.flagged = x.z_milli >= settings.z_flag_milli && x.percentile_tenths >= settings.percentile_flag &&
                  x.support >= settings.min_support && x.at_stake_ore > 0;
      if (x.flagged) x.points_tenths = std::min(x.z_milli, settings.z_cap_milli) / 100;
    }
  }

  // 0120 by indication: the clinic's rate per weighted patient-year and its peers' median.
  {
    std::set<int> indications;
    for (const auto& [p, a] : data.activity)
      for (const auto& [ind, c] : a.by_indication) indications.insert(ind);
    std::map<int, std::vector<std::optional<int64_t>>> rates;
    for (int ind : indications) {
      auto& vals = rates[ind];
      vals.resize(n);
      for (size_t i = 0; i < n; ++i) {
        const ClinicActivity& a = activity(i);
        if (a.weighted_months_ppm <= 0) continue;
        auto it = a.by_indication.find(ind);
        const int64_t lines = it == a.by_indication.end() ? 0 : it->second.lines;
        vals[i] = Div(static_cast<Int128>(lines) * 12 * kMillion * kMillion, a.weighted_months_ppm);
      }
    }
    for (size_t i = 0; i < n; ++i) {
      const ClinicActivity& a = activity(i);
      nlohmann::json by = nlohmann::json::array();
      for (int ind : indications) {
        auto it = a.by_indication.find(ind);
        IndicationCount c = it == a.by_indication.end() ? IndicationCount{} : it->second;
        const std::string_view name = IndicationName(static_cast<Indication>(ind));
        nlohmann::json row = {{"indication", name.empty() ? std::string("none") : std::string(name)},
                              {"lines", c.lines},
                              {"patients", c.patients},
                              {"amount_ore", c.amount_ore}};
        if (rates[ind][i]) row["value"] = *rates[ind][i];
        if (auto m = peer_median(i, rates[ind])) row["peer_median"] = *m;
        by.push_back(std::move(row));
      }
      out[i].indicators[static_cast<size_t>(IndicatorId::kAnnualStatus)].detail["by_indication"] = by;
    }
  }

  // Score, materiality, reasons and rank within the region.
  for (auto& r : out) {
    for (const auto& x : r.indicators)
      if (x.flagged) {
        r.score_tenths += x.points_tenths;
        r.materiality_ore += x.at_stake_ore;
        r.reasons.push_back(x.id);
      }
    std::stable_sort(r.reasons.begin(), r.reasons.end(), [&](IndicatorId a, IndicatorId b) {
      const auto& xa = r.indicators[static_cast<size_t>(a)];
      const auto& xb = r.indicators[static_cast<size_t>(b)];
      return std::tie(xb.points_tenths, xb.at_stake_ore) < std::tie(xa.points_tenths, xa.at_stake_ore);
    });
  }
  std::sort(out.begin(), out.end(), [](const ClinicRisk& a, const ClinicRisk& b) {
    if (a.clinic.region != b.clinic.region) return a.clinic.region < b.clinic.region;
    return std::tie(b.score_tenths, b.materiality_ore, a.clinic.provider) <
           std::tie(a.score_tenths, a.materiality_ore, b.clinic.provider);
  });
  for (size_t i = 0; i < out.size(); ++i)
    out[i].rank_in_region = i > 0 && out[i - 1].clinic.region == out[i].clinic.region ? out[i - 1].rank_in_region + 1 : 1;
  return out;
}

nlohmann::json IndicatorJson(const IndicatorResult& r) {
  nlohmann::json j = {{"id", std::string(IndicatorName(r.id))},
                      {"unit", std::string(IndicatorUnit(r.id))},
                      {"available", r.available},
                      {"value", r.value},
                      {"numerator", r.numerator},
                      {"denominator", r.denominator},
                      {"support", r.support},
                      {"amount_ore", r.amount_ore},
                      {"compared", r.compared},
                      {"flagged", r.flagged},
                      {"at_stake_ore", r.at_stake_ore},
                      {"points_tenths", r.points_tenths},
                      {"detail", r.detail}};
  if (r.compared) {
    j["peers"] = {{"n", r.peers.n},           {"p10", r.peers.p10}, {"p25", r.peers.p25}, {"median", r.peers.median},
                  {"p75", r.peers.p75},       {"p90", r.peers.p90}};
    j["percentile_tenths"] = r.percentile_tenths;
    j["z_milli"] = r.z_milli;
  }
  return j;
}

nlohmann::json ClinicRiskJson(const ClinicRisk& r) {
  nlohmann::json indicators = nlohmann::json::array();
  for (const auto& x : r.indicators) indicators.push_back(IndicatorJson(x));
  nlohmann::json reasons = nlohmann::json::array();
  for (IndicatorId id : r.reasons) {
    const IndicatorResult& x = r.indicators[static_cast<size_t>(id)];
    reasons.push_back({{"indicator", std::string(IndicatorName(id))},
                       {"points_tenths", x.points_tenths},
                       {"at_stake_ore", x.at_stake_ore},
                       {"text", ReasonDa(x)}});
  }
  return {{"provider", ProviderText6(r.clinic.provider)},
          {"name", r.clinic.name},
          {"region_code", r.clinic.region},
          {"clinic_type", r.clinic.clinic_type},
          {"lto", r.clinic.lto},
          {"peer_group",
           {{"level", r.group.level},
            {"region_code", r.group.region},
            {"clinic_type", r.group.clinic_type},
            {"lto", r.group.lto},
            {"clinics", r.group.clinics}}},
          {"listed_patients", r.listed_patients},
          {"weighted_patients_milli", r.weighted_patients_milli},
          {"paid_ore", r.paid_ore},
          {"score_tenths", r.score_tenths},
          {"materiality_ore", r.materiality_ore},
          {"rank_in_region", r.rank_in_region},
          {"reasons", reasons},
          {"indicators", indicators}};
}

}  // namespace almen::control
