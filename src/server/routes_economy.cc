// Economy routes (routes_economy.h): the ramme with spend from stored
// settlements and a year-end forecast, højestegrænser, quality payments.
#include "server/routes_economy.h"

#include <map>
#include <memory>
#include <mutex>
#include <set>

#include <nlohmann/json.hpp>

#include "common/decimal.h"
#include "economy/ceiling.h"
#include "economy/economy.h"
#include "economy/ramme.h"

namespace almen {

namespace {

using json = nlohmann::json;

void SendJsonE(httplib::Response& res, const json& j, int status = 200) {
  res.status = status;
  res.set_content(j.dump(), "application/json; charset=utf-8");
}

void SendErrorE(httplib::Response& res, const Status& s) {
  SendJsonE(res, {{"error", {{"code", static_cast<int>(s.code())}, {"message", s.message()}}}}, HttpStatus(s));
}

int YearParam(const httplib::Request& req) {
  if (!req.has_param("year")) return 2025;
  auto y = ParseInt64(req.get_param_value("year"));
  return y && *y >= 2000 && *y <= 2100 ? static_cast<int>(*y) : 0;
}

// Statement items → ramme expense categories (agreement.md B1). Offsets and
// ceiling clawbacks are outside the ramme and not counted.
std::optional<ExpenseCategory> CategoryOf(const std::string& item, const std::string& code) {
  if (item == "chronic_fee") return ExpenseCategory::kDay;
  if (item == "basishonorar") return ExpenseCategory::kBasishonorar;
  if (item == "bosted_honorarium") return ExpenseCategory::kFixedDoctorHonoraria;
  if (item != "service") return std::nullopt;
  auto c = ParseInt64(code);
  if (c && *c == 2102) return ExpenseCategory::kCervicalCytology;
  if (c && *c >= 8100 && *c <= 8999) return ExpenseCategory::kProfylakse;
  return ExpenseCategory::kDay;
}

std::string Ym(int y, int m) {
  char b[8];
  std::snprintf(b, sizeof b, "%04d-%02d", y, m);
  return b;
}

// The ramme statement of `year` with spend from the stored statements of the
// months that have settled claim lines; months without lines (e.g. chronic fees
// running on after the last claim) are not counted, and their quarter is
// marked incomplete. Adds `source`, `months_settled` and a year-end `forecast`.
// With `whatif`, the what-if's ramme change is applied to the input (ApplyRammeWhatIf).
StatusOr<json> RammeFromStorage(Storage& db, const Agreement& agreement, int year, const std::string& region,
                                const RammeWhatIf* whatif = nullptr) {
  auto c = db.pool().Borrow();
  const std::string from = Ym(year, 1), to = Ym(year, 12);
  ALMEN_ASSIGN_OR_RETURN(auto months_rows,
                         c->Query("SELECT DISTINCT month FROM lines WHERE month >= $1 AND month <= $2", {from, to}));
  std::set<std::string> settled;
  for (const auto& r : months_rows) settled.insert(r.Str(0));
  ALMEN_ASSIGN_OR_RETURN(
      auto rows, c->Query("SELECT COALESCE(pr.region_code, ''), s.month, s.item, s.code, SUM(s.amount_ore) "
                          "FROM statements s LEFT JOIN providers pr ON pr.provider = s.provider "
                          "WHERE s.month >= $1 AND s.month <= $2 GROUP BY COALESCE(pr.region_code, ''), s.month, "
                          "s.item, s.code",
                          {from, to}));
  std::map<std::tuple<int, int, ExpenseCategory>, int64_t> sums;
  int64_t unknown_region = 0, unsettled = 0;
  std::map<int, int64_t> region_q;  // quarter → spend of `region` (counted categories)
  for (const auto& r : rows) {
    std::string month = r.Str(1);
    auto cat = CategoryOf(r.Str(2), r.Str(3));
    if (!cat) continue;
    if (!settled.count(month)) {
      unsettled += r.Int(4);
      continue;
    }
    auto reg = ParseInt64(r.Str(0));
    if (!reg || *reg < kFirstRegion || *reg > kLastRegion) {
      unknown_region += r.Int(4);
      continue;
    }
    int q = (std::stoi(month.substr(5, 2)) - 1) / 3 + 1;
    sums[{static_cast<int>(*reg), q, *cat}] += r.Int(4);
    if (!region.empty() && r.Str(0) == region && *cat != ExpenseCategory::kProfylakse &&
        *cat != ExpenseCategory::kCervicalCytology && *cat != ExpenseCategory::kFixedDoctorHonoraria)
      region_q[q] += r.Int(4);
  }
  auto months_in = [&](int q) {
    std::vector<std::string> missing;
    for (int m = 3 * q - 2; m <= 3 * q; ++m)
      if (!settled.count(Ym(year, m))) missing.push_back(Ym(year, m));
    return missing;
  };
  if (!region.empty()) {
    json quarters = json::array();
    for (int q = 1; q <= 4; ++q) {
      auto missing = months_in(q);
      quarters.push_back({{"quarter", Quarter{year, q}.ToString()},
                          {"spend_ore", region_q[q]},
                          {"complete", missing.empty()},
                          {"months_missing", missing}});
    }
    return json{{"year", year}, {"region", region}, {"ramme_ore", nullptr}, {"quarters", quarters},
                {"note", "Rammen er national og vises kun for RLTN og PLO; her er regionens udgifter pr. kvartal."}};
  }

  RammeInput in;
  in.year = year;
  // The LTO capacity mechanism from the stored providers (latest import).
  ALMEN_ASSIGN_OR_RETURN(auto prov, c->Query("SELECT provider, name, clinic_type, capacities, lto, valid_from, "
                                             "valid_to FROM providers"));
  std::vector<CapacityRow> caps;
  for (const auto& r : prov) {
    CapacityRow row;
    row.provider = r.Str(0);
    row.name = r.Str(1);
    row.clinic_type = r.Str(2) == "region" ? ClinicType::kRegion : r.Str(2) == "udbud" ? ClinicType::kUdbud
                                                                                       : ClinicType::kOrdinary;
    row.capacities = r.Int(3);
    row.lto = r.Int(4) != 0;
    auto f = ParseOptionalDate(r.Str(5), Date::Min());
    auto t = ParseOptionalDate(r.Str(6), Date::Max());
    if (!f || !t) continue;
    row.period = {*f, *t};
    caps.push_back(std::move(row));
  }
  if (!caps.empty()) in.providers = std::move(caps);
  for (const auto& [k, v] : sums) {
    auto [reg, q, cat] = k;
    in.expenses.push_back({reg, Quarter{year, q}, cat, Money::FromOre(v)});
  }
  if (whatif) ApplyRammeWhatIf(*whatif, &in);
  ALMEN_ASSIGN_OR_RETURN(json out, ComputeRamme(agreement, in));
  out["source"] = "stored_settlements";
  out["months_settled"] = std::vector<std::string>(settled.begin(), settled.end());
  out["unsettled_months_spend_ore"] = unsettled;
  out["unknown_region_spend_ore"] = unknown_region;
  bool all = true;
  Int128 ytd_spend = 0, ytd_ramme = 0;
  int ytd_q = 0;
  bool open = true;
  for (auto& q : out["quarters"]) {
    int qi = q["quarter"].get<std::string>().back() - '0';
    auto missing = months_in(qi);
    if (!missing.empty()) {
      q["complete"] = false;
      for (const auto& m : missing) q["missing"].push_back("måned " + m + " er ikke afregnet");
    }
    q["months_missing"] = missing;
    if (!q["complete"].get<bool>()) all = false;
    if (q["complete"].get<bool>() && open) {
      ytd_spend += q["spend_ore"].get<int64_t>();
      ytd_ramme += q["ramme_ore"].get<int64_t>();
      ++ytd_q;
    } else {
      open = false;
    }
  }
  if (!all && out["complete"].get<bool>()) {
    out["complete"] = false;
    out["overrun_ore"] = nullptr;
    out["overrun_pct"] = nullptr;
    out["overrun_ppm"] = nullptr;
    out["offset_ore"] = nullptr;
    out["offset_rule"] = "incomplete";
    out["offset_plan"] = json::array();
    out["offset_reason"] = "Opgørelsen er ufuldstændig: ikke alle måneder i året er afregnet.";
  }
  // Year-end forecast: the complete leading quarters' spend/ramme ratio carried
  // over the whole year's ramme, normalised to 52 weeks like the statement.
  //   forecast_actual = ytd_spend × ramme / ytd_ramme;  forecast = forecast_actual × 364 / days
  if (ytd_q > 0 && ytd_ramme > 0) {
    const int64_t ramme = out["ramme_ore"].get<int64_t>();
    const int days = Date::FromYmd(year + 1, 1, 1).days() - Date::FromYmd(year, 1, 1).days();
    const int64_t actual = RoundDiv(ytd_spend * ramme, ytd_ramme);
    const int64_t normalised = RoundDiv(static_cast<Int128>(actual) * 364, days);
    const int64_t overrun = normalised - ramme;
    const int64_t tolerance = out["tolerance_ore"].get<int64_t>();
    out["forecast"] = {{"based_on_quarters", ytd_q},
                       {"complete", ytd_q == 4},
                       {"spend_actual_ore", actual},
                       {"spend_ore", normalised},
                       {"overrun_ore", overrun},
                       {"overrun_ppm", RoundDiv(static_cast<Int128>(overrun) * Ppm::kOne, ramme)},
                       {"offset_ore", overrun > tolerance ? overrun - tolerance : 0},
                       {"method", "Prognose: årets fulde kvartalers forhold mellem udgift og ramme fremskrevet til "
                                  "hele årets ramme og normeret til 52 uger; modregning ud over 0,6 %."}};
  } else {
    out["forecast"] = nullptr;
  }
  return out;
}

struct EconomyState {
  std::mutex mu;
  std::map<int, json> ceilings;  // year → CeilingResultToJson
  std::map<int, json> quality;
};

StatusOr<std::string> FileField(const httplib::Request& req, const char* name, bool required) {
  if (!req.is_multipart_form_data() || !req.has_file(name) || req.get_file_value(name).content.empty()) {
    if (required) return InvalidInput(std::string("upload the ") + name + ".csv file (multipart field '" + name + "')");
    return std::string();
  }
  return req.get_file_value(name).content;
}

StatusOr<std::map<int, CeilingClinicInfo>> StoredClinics(Storage& db) {
  auto c = db.pool().Borrow();
  ALMEN_ASSIGN_OR_RETURN(auto rows, c->Query("SELECT provider, name, municipality_code, region_code FROM providers"));
  std::map<int, CeilingClinicInfo> out;
  for (const auto& r : rows) {
    auto p = ParseInt64(r.Str(0));
    if (p) out[static_cast<int>(*p)] = {r.Str(1), r.Str(2), r.Str(3)};
  }
  return out;
}

json ScopeCeilings(const json& all, const UserRecord& u) {
  if (u.role == "rltn" || u.role == "plo") return all;
  json out = all;
  auto keep = [&](const json& c) {
    if (u.role == "region") return c["region"].is_string() && c["region"] == u.scope;
    return c["provider"] == u.scope;
  };
  json clinics = json::array(), tasks = json::array();
  std::set<std::string> kept;
  for (const auto& c : all["clinics"])
    if (keep(c)) {
      clinics.push_back(c);
      kept.insert(c["provider"].get<std::string>());
    }
  for (const auto& t : all["tasks"])
    if (kept.count(t["provider"].get<std::string>())) tasks.push_back(t);
  out["clinics"] = clinics;
  out["tasks"] = tasks;
  out["scope"] = u.role + ":" + u.scope;
  return out;
}

}  // namespace

void RegisterEconomyRoutes(const EconomyRoutesContext& ctx) {
  auto state = std::make_shared<EconomyState>();
  using Handler = std::function<void(const httplib::Request&, httplib::Response&, const UserRecord&)>;
  auto wrap = [ctx](Handler h) {
    return [ctx, h](const httplib::Request& req, httplib::Response& res) {
      try {
        auto u = ctx.authenticate(req);
        if (!u.ok()) return SendErrorE(res, u.status());
        h(req, res, *u);
      } catch (const std::exception& e) {
        SendErrorE(res, Internal(std::string("internal error: ") + e.what()));
      }
    };
  };
  auto& http = *ctx.http;

  http.Get("/api/economy/ramme", wrap([ctx](const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
    int year = YearParam(req);
    if (!year) return SendErrorE(res, InvalidInput("year must be a year, e.g. 2025"));
    std::string region;
    if (u.role == "region") {
      region = u.scope;
    } else if (u.role != "rltn" && u.role != "plo") {
      return SendErrorE(res, PermissionDenied("the ramme is national: rltn, plo and regions only"));
    }
    auto r = RammeFromStorage(*ctx.db, *ctx.agreement, year, region);
    if (!r.ok()) return SendErrorE(res, r.status());
    if (req.has_param("format")) {
      Table t;
      t.columns = {"quarter", "ramme_ore", "spend_ore", "complete"};
      for (const auto& q : (*r)["quarters"])
        t.rows.push_back({q["quarter"], q.value("ramme_ore", json(nullptr)), q["spend_ore"], q["complete"] ? 1 : 0});
      return ctx.send_table(req, res, u, t, "ramme-quarters");
    }
    SendJsonE(res, *r);
  }));

  // The what-if (EconomyWhatIf: "set", "changes", and the named items
  // lto_capacities_recruited, bosted_botilbud_covered) with the ramme statement
  // from the stored settlements before and after (rltn, plo; others get the
  // table only, like GET /api/economy).
  http.Post("/api/economy/whatif", wrap([ctx](const httplib::Request& req, httplib::Response& res,
                                              const UserRecord& u) {
    json body = json::parse(req.body, nullptr, false);
    if (!body.is_object())
      return SendErrorE(res, InvalidInput("body must be a JSON object, e.g. {\"set\": [\"ITEM=VALUE\", …]} or "
                                          "{\"lto_capacities_recruited\": 30}"));
    int year = YearParam(req);
    if (!year) return SendErrorE(res, InvalidInput("year must be a year, e.g. 2025"));
    auto e = EconomyWhatIf(*ctx.agreement, body);
    if (!e.ok()) return SendErrorE(res, e.status());
    json out = std::move(*e);
    if (u.role == "rltn" || u.role == "plo") {
      const RammeWhatIf wi = RammeWhatIfOf(out);
      auto before = RammeFromStorage(*ctx.db, *ctx.agreement, year, "");
      if (!before.ok()) return SendErrorE(res, before.status());
      auto after = RammeFromStorage(*ctx.db, *ctx.agreement, year, "", &wi);
      if (!after.ok()) return SendErrorE(res, after.status());
      out["ramme_statement"] = CompareRammeStatements(*before, *after);
      out["ramme_statement"]["source"] = "stored_settlements";
    } else {
      out["ramme_statement"] = nullptr;
      out["ramme_statement_note"] = "Rammeopgørelsen er national og vises kun for RLTN og PLO.";
    }
    SendJsonE(res, out);
  }));

  http.Get("/api/economy/ceilings", wrap([ctx, state](const httplib::Request& req, httplib::Response& res,
                                                       const UserRecord& u) {
    if (u.role == "municipality") return SendErrorE(res, PermissionDenied("role 'municipality' may not see ceilings"));
    int year = YearParam(req);
    json all;
    {
      std::lock_guard lock(state->mu);
      auto it = state->ceilings.find(year);
      if (it == state->ceilings.end())
        return SendJsonE(res, {{"year", year}, {"available", false},
                               {"message", "Højestegrænserne er ikke beregnet for året: RLTN uploader listings.csv "
                                           "(tilmeldte patienter) på siden Økonomi."}});
      all = it->second;
    }
    json out = ScopeCeilings(all, u);
    out["available"] = true;
    if (req.has_param("format")) {
      Table t;
      t.columns = {"provider", "region", "cost_ore", "listed_avg", "expected_ore", "deviation_pct", "bosted", "status",
                   "ceiling_ore", "clawback_ore", "clawback_month"};
      for (const auto& c : out["clinics"]) {
        std::vector<json> row;
        for (const auto& col : t.columns) row.push_back(c[col].is_boolean() ? json(c[col].get<bool>() ? 1 : 0) : c[col]);
        t.rows.push_back(std::move(row));
      }
      return ctx.send_table(req, res, u, t, "ceilings");
    }
    SendJsonE(res, out);
  }));

  http.Post("/api/economy/ceilings", wrap([ctx, state](const httplib::Request& req, httplib::Response& res,
                                                        const UserRecord& u) {
    if (u.role != "rltn") return SendErrorE(res, PermissionDenied("only rltn computes højestegrænser"));
    int year = YearParam(req);
    if (!year) return SendErrorE(res, InvalidInput("year must be a year, e.g. 2025"));
    auto listings = FileField(req, "listings", true);
    if (!listings.ok()) return SendErrorE(res, listings.status());
    auto decisions = FileField(req, "decisions", false);
    if (!decisions.ok()) return SendErrorE(res, decisions.status());
    CeilingInput in;
    in.year = year;
    in.reference = req.get_param_value("reference");
    auto groups = LoadCeilingGroups(*ctx.agreement, year);
    if (!groups.ok()) return SendErrorE(res, groups.status());
    auto pop = CeilingPopulationFromListings("listings.csv", *listings, year, *groups);
    if (!pop.ok()) return SendErrorE(res, pop.status());
    in.population = std::move(*pop);
    if (!decisions->empty()) {
      auto d = ParseCeilingDecisions("decisions.csv", *decisions);
      if (!d.ok()) return SendErrorE(res, d.status());
      in.decisions = std::move(*d);
    }
    auto clinics = StoredClinics(*ctx.db);
    if (!clinics.ok()) return SendErrorE(res, clinics.status());
    in.clinics = std::move(*clinics);
    auto c = ctx.db->pool().Borrow();
    auto st = c->Query("SELECT provider, month, item, code, SUM(amount_ore) FROM statements WHERE month >= $1 AND "
                       "month <= $2 GROUP BY provider, month, item, code",
                       {Ym(year, 1), Ym(year, 12)});
    if (!st.ok()) return SendErrorE(res, st.status());
    for (const auto& r : *st) {
      auto p = ParseInt64(r.Str(0));
      auto m = Month::Parse(r.Str(1));
      auto code = ParseInt64(r.Str(3));
      if (!p || !m) continue;
      in.statements.push_back({static_cast<int>(*p), *m, r.Str(2), code ? static_cast<int>(*code) : -1, 0,
                               Money::FromOre(r.Int(4))});
    }
    auto att = c->Query("SELECT provider, from_date, to_date FROM attachments");
    if (!att.ok()) return SendErrorE(res, att.status());
    std::set<int> bosted;
    const Period y{Date::FromYmd(year, 1, 1), Date::FromYmd(year + 1, 1, 1)};
    for (const auto& r : *att) {
      auto p = ParseInt64(r.Str(0));
      auto f = Date::Parse(r.Str(1));
      auto t = ParseOptionalDate(r.Str(2), Date::Max());
      if (p && f && t && Period{*f, *t}.Overlaps(y)) bosted.insert(static_cast<int>(*p));
    }
    in.bosted_providers = std::move(bosted);
    auto result = ComputeCeilings(*ctx.agreement, in);
    if (!result.ok()) return SendErrorE(res, result.status());
    json j = CeilingResultToJson(*result);
    j["agreement"] = ctx.agreement->version();
    j["source"] = "stored_settlements";
    {
      std::lock_guard lock(state->mu);
      state->ceilings[year] = j;
    }
    j["available"] = true;
    SendJsonE(res, j);
  }));

  http.Get("/api/economy/quality", wrap([state](const httplib::Request& req, httplib::Response& res,
                                                 const UserRecord& u) {
    if (u.role != "rltn" && u.role != "plo" && u.role != "region")
      return SendErrorE(res, PermissionDenied("quality payments: rltn, plo and regions only"));
    int year = YearParam(req);
    json all;
    {
      std::lock_guard lock(state->mu);
      auto it = state->quality.find(year);
      if (it == state->quality.end())
        return SendJsonE(res, {{"year", year}, {"available", false},
                               {"message", "Kvalitetsbetalingerne er ikke beregnet for året: RLTN uploader "
                                           "listings.csv på siden Økonomi."}});
      all = it->second;
    }
    if (u.role == "region") {
      json regions = json::array();
      for (const auto& r : all["regions"])
        if (r["region"] == u.scope) regions.push_back(r);
      json clusters = json::array();
      for (const auto& c : all["clusters"])
        if (c["patients_by_region"].contains(u.scope)) clusters.push_back(c);
      all["regions"] = regions;
      all["clusters"] = clusters;
      all["scope"] = "region:" + u.scope;
    }
    all["available"] = true;
    SendJsonE(res, all);
  }));

  http.Post("/api/economy/quality", wrap([ctx, state](const httplib::Request& req, httplib::Response& res,
                                                       const UserRecord& u) {
    if (u.role != "rltn") return SendErrorE(res, PermissionDenied("only rltn computes quality payments"));
    int year = YearParam(req);
    if (!year) return SendErrorE(res, InvalidInput("year must be a year, e.g. 2025"));
    auto listings = FileField(req, "listings", true);
    if (!listings.ok()) return SendErrorE(res, listings.status());
    auto clusters = FileField(req, "clusters", false);
    if (!clusters.ok()) return SendErrorE(res, clusters.status());
    QualityInput in;
    in.year = year;
    const Parameter* cd = ctx.agreement->ParameterOn("quality_count_date", Date::FromYmd(year, 1, 1));
    auto on = Date::Parse(std::to_string(year) + "-" + (cd ? cd->value : std::string("01-01")));
    if (!on) return SendErrorE(res, Internal("quality_count_date is not MM-DD"));
    auto listed = QualityListedOn("listings.csv", *listings, *on);
    if (!listed.ok()) return SendErrorE(res, listed.status());
    in.listed = std::move(*listed);
    auto clinics = StoredClinics(*ctx.db);
    if (!clinics.ok()) return SendErrorE(res, clinics.status());
    in.clinics = std::move(*clinics);
    if (!clusters->empty()) {
      auto cl = ParseQualityClusters("clusters.csv", *clusters);
      if (!cl.ok()) return SendErrorE(res, cl.status());
      in.clusters = std::move(*cl);
    }
    auto j = ComputeQualityPayments(*ctx.agreement, in);
    if (!j.ok()) return SendErrorE(res, j.status());
    {
      std::lock_guard lock(state->mu);
      state->quality[year] = *j;
    }
    (*j)["available"] = true;
    SendJsonE(res, *j);
  }));
}

}  // namespace almen
