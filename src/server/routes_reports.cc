// The reports of stored settlements and the agreement's tables (app_impl.h):
// /api/statements, /api/lines, /api/rejections, /api/providers,
// /api/overview, /api/botilbud (scoped by role), /api/agreement,
// /api/economy, /api/ramme and /api/audit. Every table also as CSV/XLSX
// (?format=, audited).
#include <algorithm>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "agreement/agreement_json.h"
#include "economy/economy.h"
#include "server/app_impl.h"
#include "server/export.h"
#include "server/respond.h"

namespace almen {

using json = nlohmann::json;
using server_internal::Perm;
using server_internal::ScopeOf;

// ---- overview ----------------------------------------------------------------------

json App::Impl::Overview(const UserRecord& u, const std::string& year_param, Status* st) {
  std::string year = year_param;
  Scope scope = ScopeOf(u);
  if (year.empty()) {
    auto all = db->Overview(scope, "");
    if (!all.ok()) {
      *st = all.status();
      return {};
    }
    // The latest year with claim lines (statements run on into later months
    // through 12-month chronic enrolments).
    year = "2025";
    for (const auto& r : all->rows)
      if (r[3].get<int64_t>() + r[4].get<int64_t>() + r[5].get<int64_t>() > 0) year = r[0].get<std::string>().substr(0, 4);
  }
  auto t = db->Overview(scope, year);
  if (!t.ok()) {
    *st = t.status();
    return {};
  }
  json j = t->ToJson();
  j["year"] = year;
  int64_t spend = 0, accepted = 0, rejected = 0, review = 0;
  for (const auto& r : t->rows) {
    spend += r[1].get<int64_t>();
    accepted += r[3].get<int64_t>();
    rejected += r[4].get<int64_t>();
    review += r[5].get<int64_t>();
  }
  j["totals"] = {{"spend_ore", spend}, {"accepted", accepted}, {"rejected", rejected}, {"review", review}};
  // The ramme is national: shown to roles that see national aggregates only.
  j["ramme_ore"] = nullptr;
  j["ramme_month_ore"] = nullptr;
  if (u.role == "rltn" || u.role == "plo") {
    RammeOptions ro;
    ro.year = std::atoi(year.c_str());
    auto ramme = RammeStatement(*agreement, ro);
    int64_t ramme_ore = 0;
    if (ramme.ok() && ramme->contains("ramme_ore") && (*ramme)["ramme_ore"].is_number_integer()) {
      ramme_ore = (*ramme)["ramme_ore"].get<int64_t>();
      j["ramme_source"] = "almen ramme";
    } else {
      // agreement.md B1: 9.994,7 mio. kr. per 1 January 2025 (apr-24), used until the ramme module answers.
      ramme_ore = 999470000000;
      j["ramme_source"] = "agreement.md B1 (9.994,7 mio. kr.; ramme-modulet svarede ikke)";
    }
    j["ramme_ore"] = ramme_ore;
    j["ramme_month_ore"] = ramme_ore / 12;  // whole øre, rounded toward zero
  }
  return j;
}

// ---- routes ------------------------------------------------------------------------

void App::Impl::ReportRoutes() {
  GuardedServer& h = *http;
  h.Get("/api/statements", Authed([this](const httplib::Request& req, httplib::Response& res,
                                            const UserRecord& u) {
    if (!Require(res, u, Perm::kClinicData)) return;
    SendTable(req, res, u, db->Statements(ScopeOf(u), req.get_param_value("provider"), req.get_param_value("month")),
              "statements");
  }));
  h.Get("/api/lines", Authed([this](const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
    if (!Require(res, u, Perm::kLines)) return;
    LineFilter f;
    f.provider = req.get_param_value("provider");
    f.month = req.get_param_value("month");
    f.status = req.get_param_value("status");
    f.rule = req.get_param_value("rule");
    f.code = req.get_param_value("code");
    f.claim = req.get_param_value("claim");
    f.sort = req.get_param_value("sort");
    f.run_id = QueryInt(req, "run", 0);
    bool export_all = req.has_param("format") && req.get_param_value("format") != "json";
    f.limit = QueryInt(req, "limit", export_all ? 1000000 : 100);
    f.offset = QueryInt(req, "offset", 0);
    if (!export_all) f.limit = std::min<int64_t>(f.limit, 10000);
    SendTable(req, res, u, db->Lines(ScopeOf(u), f), "lines",
              {{"limit", f.limit}, {"offset", f.offset}, {"sort", f.sort}, {"sortable", LineSortColumns(f)}});
  }));
  h.Get("/api/rejections", Authed([this](const httplib::Request& req, httplib::Response& res,
                                            const UserRecord& u) {
    if (!Require(res, u, Perm::kClinicData)) return;
    SendTable(req, res, u, db->Rejections(ScopeOf(u), req.get_param_value("month")), "rejections");
  }));
  h.Get("/api/providers", Authed([this](const httplib::Request& req, httplib::Response& res,
                                           const UserRecord& u) {
    if (!Require(res, u, Perm::kClinicData)) return;
    SendTable(req, res, u, db->Providers(ScopeOf(u)), "providers");
  }));
  h.Get("/api/overview", Authed([this](const httplib::Request& req, httplib::Response& res,
                                          const UserRecord& u) {
    if (!Require(res, u, Perm::kClinicData)) return;
    Status st;
    json j = Overview(u, req.get_param_value("year"), &st);
    if (!st.ok()) return SendError(res, st);
    if (req.has_param("format")) {
      Table t;
      t.columns = j["columns"].get<std::vector<std::string>>();
      for (const auto& r : j["rows"]) {
        std::vector<json> row;
        for (const auto& c : t.columns) row.push_back(r[c]);
        t.rows.push_back(std::move(row));
      }
      return SendTable(req, res, u, t, "overview");
    }
    SendJson(res, j);
  }));
  h.Get("/api/botilbud", Authed([this](const httplib::Request& req, httplib::Response& res,
                                          const UserRecord& u) {
    if (!Require(res, u, Perm::kBotilbud)) return;
    auto t = db->Botilbud(u.role == "municipality" ? u.scope : "");
    if (t.ok() && u.role == "region") {
      std::vector<std::vector<json>> keep;
      for (auto& r : t->rows)
        if (Storage::RegionOfMunicipality(r[3].get<std::string>()) == u.scope) keep.push_back(std::move(r));
      t->rows = std::move(keep);
    }
    SendTable(req, res, u, t, "botilbud");
  }));

  // -- agreement and economy (not clinic data: every role)
  h.Get("/api/agreement", Authed([this](const httplib::Request& req, httplib::Response& res,
                                           const UserRecord& u) {
    json j = AgreementToJson(*agreement);
    std::string table = req.get_param_value("table");
    if (req.has_param("format")) {
      if (table.empty()) table = "fees";
      if (!j.contains(table)) return SendError(res, NotFound("no agreement table '" + table + "'"));
      return SendTable(req, res, u, TableFromArray(j[table]), "agreement-" + table);
    }
    SendJson(res, j);
  }));
  auto economy = [this](const httplib::Request& req, httplib::Response& res, const UserRecord& u,
                        const std::vector<std::string>& sets) {
    auto e = EconomyTable(*agreement, sets);
    if (!e.ok()) return SendError(res, e.status());
    if (req.has_param("format")) return SendTable(req, res, u, TableFromArray((*e)["items"]), "economy");
    SendJson(res, *e);
  };
  h.Get("/api/economy", Authed([economy](const httplib::Request& req, httplib::Response& res,
                                            const UserRecord& u) { economy(req, res, u, {}); }));
  // POST /api/economy/whatif: routes_economy.cc (with the ramme statement before and after).
  h.Get("/api/ramme", Authed([this](const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
    if (u.role != "rltn" && u.role != "plo")
      return SendError(res, PermissionDenied("the ramme statement is national: rltn and plo only"));
    RammeOptions ro;
    ro.year = static_cast<int>(QueryInt(req, "year", 2025));
    auto r = RammeStatement(*agreement, ro);
    if (!r.ok()) return SendError(res, r.status());
    if (req.has_param("format")) return SendTable(req, res, u, TableFromArray((*r)["quarters"]), "ramme");
    SendJson(res, *r);
  }));
  h.Get("/api/audit", Authed([this](const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
    if (!Require(res, u, Perm::kAudit)) return;
    bool export_all = req.has_param("format") && req.get_param_value("format") != "json";
    SendTable(req, res, u, db->AuditLog(QueryInt(req, "limit", export_all ? 1000000 : 200), QueryInt(req, "offset", 0)),
              "audit");
  }));
}

}  // namespace almen
