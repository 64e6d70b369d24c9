// Bostedslæger routes (routes_bosted.h): the register and coverage follow-up
// computed by src/bosted from the stored botilbud and attachments.
#include "server/routes_bosted.h"

#include <ctime>

#include <nlohmann/json.hpp>

#include "bosted/coverage.h"
#include "bosted/register.h"
#include "common/csv.h"
#include "server/respond.h"
#include "common/ydernummer.h"

namespace almen {

namespace {

using json = nlohmann::json;


Date TodayB() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  return Date::FromYmd(tm.tm_year + 1900, static_cast<unsigned>(tm.tm_mon + 1), static_cast<unsigned>(tm.tm_mday));
}

StatusOr<Date> DateParam(const httplib::Request& req, Date dflt) {
  if (!req.has_param("date") || req.get_param_value("date").empty()) return dflt;
  auto d = Date::Parse(req.get_param_value("date"));
  if (!d) return InvalidInput("date must be YYYY-MM-DD");
  return *d;
}

// What the user may see, as a coverage filter; PermissionDenied for clinics and unknown roles.
StatusOr<BostedCoverageFilter> ScopeFilter(const UserRecord& u) {
  BostedCoverageFilter f;
  if (u.role == "rltn" || u.role == "plo") return f;
  if (u.role == "region") {
    f.region_code = u.scope;
    return f;
  }
  if (u.role == "municipality") {
    f.municipality_code = u.scope;
    return f;
  }
  return PermissionDenied("role '" + u.role + "' may not see the botilbud register");
}

// The stored register as the library's BostedRegister (validated as a file would be).
StatusOr<BostedRegister> LoadStored(Storage& db, const Agreement& agreement) {
  std::pair<std::string, std::string> csv;
  {
    auto c = db.pool().Borrow();
    ALMEN_ASSIGN_OR_RETURN(csv, StoredBostedCsv(*c));
  }
  const std::string& b = csv.first;
  const std::string& a = csv.second;
  BostedLoadOptions lo;
  auto min = agreement.IntParameter("bosted_min_section_residents", Date::FromYmd(2025, 1, 1));
  if (min.ok()) lo.min_section_residents = *min;
  auto reg = BostedRegister::Parse("botilbud (database)", b, "attachments (database)", a, lo);
  if (!reg.ok()) return reg.status().WithContext("the stored botilbud register is not valid");
  return reg;
}

Table CoverageTable(const json& rows) {
  Table t;
  t.columns = {"key",    "label",          "botilbud", "botilbud_covered", "coverage_ppm", "places",
               "places_covered", "places_coverage_ppm", "sections", "sections_covered", "residents",
               "residents_covered", "attachments"};
  for (const auto& r : rows) {
    std::vector<json> row;
    for (const auto& c : t.columns) row.push_back(r.contains(c) ? r[c] : json(nullptr));
    t.rows.push_back(std::move(row));
  }
  return t;
}

}  // namespace

void RegisterBostedRoutes(const ServerRouteContext& ctx) {
  using Handler = std::function<void(const httplib::Request&, httplib::Response&, const UserRecord&,
                                     const BostedCoverageFilter&, const BostedRegister&)>;
  auto wrap = [ctx](Handler h) {
    return [ctx, h](const httplib::Request& req, httplib::Response& res) {
      try {
        auto u = ctx.authenticate(req);
        if (!u.ok()) return SendError(res, u.status());
        auto f = ScopeFilter(*u);
        if (!f.ok()) return SendError(res, f.status());
        auto reg = LoadStored(*ctx.db, *ctx.agreement);
        if (!reg.ok()) return SendError(res, reg.status());
        h(req, res, *u, *f, *reg);
      } catch (const std::exception& e) {
        SendError(res, Internal(std::string("internal error: ") + e.what()));
      }
    };
  };
  auto& http = *ctx.http;

  http.Get("/api/bosted/register", wrap([ctx](const httplib::Request& req, httplib::Response& res,
                                                const UserRecord& u, const BostedCoverageFilter& f,
                                                const BostedRegister& reg) {
    auto d = DateParam(req, TodayB());
    if (!d.ok()) return SendError(res, d.status());
    Table t;
    t.columns = {"botilbud_id", "section", "name", "municipality_code", "municipality", "region_code", "paragraph",
                 "places", "operator", "residents", "provider", "attached_from", "attached_to", "hours"};
    for (const auto* s : reg.SectionsOn(*d)) {
      const auto* m = FindBostedMunicipality(s->municipality_code);
      if (!f.municipality_code.empty() && s->municipality_code != f.municipality_code) continue;
      if (!f.region_code.empty() && (!m || m->region_code != f.region_code)) continue;
      json provider = nullptr, from = nullptr, to = nullptr, hours = nullptr;
      for (const auto* a : reg.AttachmentsOn(*d))
        if (a->botilbud_id == s->botilbud_id && a->section == s->section) {
          provider = YdernummerText(a->provider);
          from = a->period.from.ToIso();
          to = a->period.to.is_max() ? json(nullptr) : json(a->period.to.ToIso());
          auto threshold = ctx.agreement->IntParameter("bosted_extra_hour_threshold_residents", *d);
          hours = s->residents > (threshold.ok() ? *threshold : 30) ? 3 : 2;
        }
      t.rows.push_back({s->botilbud_id, s->section, s->name, s->municipality_code, m ? m->name : "",
                        m ? m->region_code : "", std::string(BostedParagraphName(s->paragraph)), s->places,
                        std::string(BostedOperatorName(s->op)), s->residents, provider, from, to, hours});
    }
    ctx.send_table(req, res, u, t, "botilbud-register");
  }));

  http.Get("/api/bosted/coverage", wrap([ctx](const httplib::Request& req, httplib::Response& res,
                                                const UserRecord& u, const BostedCoverageFilter& f,
                                                const BostedRegister& reg) {
    auto d = DateParam(req, TodayB());
    if (!d.ok()) return SendError(res, d.status());
    auto by = ParseBostedGroupBy(req.get_param_value("by").empty() ? "municipality" : req.get_param_value("by"));
    if (!by) return SendError(res, InvalidInput("by must be region, municipality, paragraph, operator, size or all"));
    json j = BostedCoverageJson(reg, *d, *by, f);
    if (req.has_param("format")) {
      json rows = j["rows"];
      rows.push_back(j["total"]);
      return ctx.send_table(req, res, u, CoverageTable(rows), "bosted-coverage-" + j["by"].get<std::string>());
    }
    auto tg = BostedTargetGroupJson(*ctx.agreement, reg, *d, f);
    if (!tg.ok()) return SendError(res, tg.status());
    auto spend = BostedSpendJson(*ctx.agreement, reg, *d, req.get_param_value("price_level") == "apr-24", f);
    if (!spend.ok()) return SendError(res, spend.status());
    j["target_group"] = *tg;
    j["spend"] = *spend;
    j["scope"] = {{"role", u.role}, {"region_code", f.region_code}, {"municipality_code", f.municipality_code}};
    SendJson(res, j);
  }));

  http.Get("/api/bosted/zero", wrap([ctx](const httplib::Request& req, httplib::Response& res, const UserRecord& u,
                                            const BostedCoverageFilter& f, const BostedRegister& reg) {
    auto d = DateParam(req, TodayB());
    if (!d.ok()) return SendError(res, d.status());
    auto tg = BostedTargetGroupJson(*ctx.agreement, reg, *d, f);
    if (!tg.ok()) return SendError(res, tg.status());
    Table t;
    t.columns = {"municipality_code", "name", "region_code", "region_name", "botilbud", "places"};
    for (const auto& m : (*tg)["municipalities_at_zero"])
      t.rows.push_back({m["municipality_code"], m["name"], m["region_code"], m["region_name"], m["botilbud"],
                        m["places"]});
    ctx.send_table(req, res, u, t, "bosted-municipalities-at-zero");
  }));

  http.Get(R"(/api/bosted/reports/([a-z0-9-]+))",
           wrap([ctx](const httplib::Request& req, httplib::Response& res, const UserRecord& u,
                      const BostedCoverageFilter& f, const BostedRegister& reg) {
             auto d = DateParam(req, Date::Max());
             if (!d.ok()) return SendError(res, d.status());
             std::string kind = req.matches[1];
             auto r = BostedReportJson(*ctx.agreement, reg, kind, *d, f);
             if (!r.ok()) return SendError(res, r.status());
             if (req.has_param("format")) {
               // The flat table of the report: one row per region × group (q4-regional), or per reporter × group.
               json rows = json::array();
               auto add = [&](const std::string& section, const json& arr) {
                 for (auto row : arr) {
                   row["label"] = section + ": " + row["label"].get<std::string>();
                   rows.push_back(row);
                 }
               };
               if (r->contains("regions"))
                 for (const auto& reg_j : (*r)["regions"]) {
                   std::string name = reg_j["region_name"];
                   add(name + " · paragraf", reg_j["by_paragraph"]);
                   add(name + " · driftsform", reg_j["by_operator"]);
                   add(name + " · størrelse", reg_j["by_size"]);
                   add(name + " · kommune", reg_j["by_municipality"]);
                 }
               for (const char* k : {"municipal", "regional", "private"})
                 if (r->contains(k))
                   for (auto it = (*r)[k].begin(); it != (*r)[k].end(); ++it)
                     if (it->is_array()) add(std::string(k) + " · " + it.key(), *it);
               return ctx.send_table(req, res, u, CoverageTable(rows), "bosted-report-" + kind);
             }
             SendJson(res, *r);
           }));

  RegisterBostedEditRoutes(ctx);
}

}  // namespace almen
