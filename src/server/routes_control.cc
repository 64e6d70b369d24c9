// Control routes (routes_control.h): the risk ranking, a clinic's indicators and
// the control cases, each a call into control/cases.h.
#include "server/routes_control.h"

#include <ctime>

#include <nlohmann/json.hpp>

#include "common/utc_time.h"
#include "common/ydernummer.h"
#include "control/cases.h"
#include "control/load.h"
#include "server/access.h"
#include "server/respond.h"

namespace almen {

namespace {

using json = nlohmann::json;
using control::Actor;

Actor ActorOf(const UserRecord& u) { return {u.username, u.role, u.scope, UtcTimestamp()}; }

// An integer query parameter within [lo, hi], or a Danish error.
StatusOr<int64_t> Bounded(const httplib::Request& req, const char* key, int64_t dflt, int64_t lo, int64_t hi) {
  if (!req.has_param(key)) return dflt;
  auto v = ParseInt64(req.get_param_value(key));
  if (!v || *v < lo || *v > hi)
    return InvalidInput(std::string("Parameteren ") + key + " skal være et heltal fra " + std::to_string(lo) +
                        " til " + std::to_string(hi) + ".");
  return *v;
}

StatusOr<control::Settings> SettingsOf(const httplib::Request& req) {
  control::Settings s;
  ALMEN_ASSIGN_OR_RETURN(int64_t peers, Bounded(req, "min_peers", s.min_peers, 2, 100));
  ALMEN_ASSIGN_OR_RETURN(int64_t late, Bounded(req, "late_days", s.late_days, 1, 730));
  s.min_peers = static_cast<int>(peers);
  s.late_days = static_cast<int>(late);
  return s;
}

StatusOr<std::pair<Month, Month>> PeriodOf(const httplib::Request& req) {
  return control::ParsePeriod(req.get_param_value("year"), req.get_param_value("from"), req.get_param_value("to"));
}

StatusOr<int> ProviderOf(const std::string& s) {
  auto p = ParseYdernummer(s);
  if (!p) return InvalidInput("Ydernummeret skal være 6 cifre.");
  return *p;
}

std::string StrField(const json& b, const char* key) {
  return b.contains(key) && b[key].is_string() ? b[key].get<std::string>() : std::string();
}
StatusOr<int64_t> IntField(const json& b, const char* key, int64_t dflt) {
  if (!b.contains(key) || b[key].is_null()) return dflt;
  if (!b[key].is_number_integer()) return InvalidInput(std::string("Feltet ") + key + " skal være et heltal.");
  return b[key].get<int64_t>();
}

// The ranking as an export table (Danish reasons).
Table RankingTable(const json& r) {
  Table t;
  t.columns = {"rank_in_region", "provider", "name", "region_code", "clinic_type", "lto", "listed_patients",
               "paid_ore", "score_tenths", "materiality_ore", "reasons"};
  for (const auto& c : r["clinics"]) {
    std::string reasons;
    for (const auto& x : c["reasons"]) reasons += (reasons.empty() ? "" : " ") + x["text"].get<std::string>();
    t.rows.push_back({c["rank_in_region"], c["provider"], c["name"], c["region_code"], c["clinic_type"],
                      c["lto"].get<bool>() ? 1 : 0, c["listed_patients"], c["paid_ore"], c["score_tenths"],
                      c["materiality_ore"], reasons});
  }
  return t;
}

Table IndicatorTable(const json& r) {
  Table t;
  t.columns = {"indicator", "unit", "value", "numerator", "denominator", "peer_n", "peer_p10", "peer_median",
               "peer_p90", "percentile_tenths", "z_milli", "flagged", "at_stake_ore"};
  for (const auto& x : r["indicators"]) {
    const bool c = x.value("compared", false);
    t.rows.push_back({x["id"], x["unit"], x["value"], x["numerator"], x["denominator"],
                      c ? x["peers"]["n"] : json(nullptr), c ? x["peers"]["p10"] : json(nullptr),
                      c ? x["peers"]["median"] : json(nullptr), c ? x["peers"]["p90"] : json(nullptr),
                      c ? x["percentile_tenths"] : json(nullptr), c ? x["z_milli"] : json(nullptr),
                      x["flagged"].get<bool>() ? 1 : 0, x["at_stake_ore"]});
  }
  return t;
}

Table FromRows(const json& j, const std::vector<std::string>& columns) {
  Table t;
  t.columns = columns;
  for (const auto& r : j) {
    std::vector<json> row;
    for (const auto& c : columns) row.push_back(r.contains(c) ? r[c] : json(nullptr));
    t.rows.push_back(std::move(row));
  }
  t.total = static_cast<int64_t>(t.rows.size());
  return t;
}

}  // namespace

void RegisterControlRoutes(const ServerRouteContext& ctx) {
  httplib::Server& http = *ctx.http;
  // Who may call, checked before anything of the request is read (a role
  // without the route gets 403 whatever it sends; a case outside the user's
  // scope is 404, access.h), then the handler.
  using Gate = std::function<Status(const httplib::Request&, const UserRecord&)>;
  auto authed = [ctx](Gate gate,
                      std::function<Status(const httplib::Request&, httplib::Response&, const UserRecord&)> h) {
    return [ctx, gate, h](const httplib::Request& req, httplib::Response& res) {
      try {
        auto u = ctx.authenticate(req);
        if (!u.ok()) return SendError(res, u.status());
        Status s = gate(req, *u);
        if (s.ok()) s = h(req, res, *u);
        if (!s.ok()) SendError(res, s);
      } catch (const std::exception& e) {
        SendError(res, Internal(std::string("intern fejl: ") + e.what()));
      }
    };
  };
  const Gate controller = [](const httplib::Request&, const UserRecord& u) -> Status {
    if (u.role == "rltn" || u.role == "region") return Status::Ok();
    return PermissionDenied("Kun RLTN og regionerne foretager efterkontrol.");
  };
  const Gate case_roles = [](const httplib::Request&, const UserRecord& u) -> Status {
    if (u.role == "rltn" || u.role == "region" || u.role == "clinic") return Status::Ok();
    return PermissionDenied("Rollen '" + u.role + "' har ingen kontrolsager.");
  };
  auto the_case = [ctx](Act act) -> Gate {
    return [ctx, act](const httplib::Request& req, const UserRecord& u) -> Status {
      ALMEN_ASSIGN_OR_RETURN(int64_t id, PathId(req));
      return ctx.access->Check(u, ObjectKind::kControlCase, id, act);
    };
  };
  auto table = [ctx](const httplib::Request& req, httplib::Response& res, const UserRecord& u, const Table& t,
                     const std::string& name) {
    if (req.has_param("format")) ctx.send_table(req, res, u, t, name);
    else SendJson(res, t.ToJson());
  };

  http.Get("/api/control/risk", authed(controller, [ctx](const httplib::Request& req, httplib::Response& res,
                                             const UserRecord& u) -> Status {
    ALMEN_ASSIGN_OR_RETURN(auto period, PeriodOf(req));
    ALMEN_ASSIGN_OR_RETURN(auto settings, SettingsOf(req));
    ALMEN_ASSIGN_OR_RETURN(json r, control::RiskRanking(*ctx.db, *ctx.agreement, ActorOf(u),
                                                        req.get_param_value("region"), period.first, period.second,
                                                        settings));
    if (req.has_param("format")) ctx.send_table(req, res, u, RankingTable(r), "kontrol-risiko");
    else SendJson(res, r);
    return Status::Ok();
  }));

  // (\d+), not (\d{6}): a malformed ydernummer is answered after the session check
  // (401 before 400), as roles_test expects of every route.
  http.Get(R"(/api/control/clinics/(\d+))", authed(controller, [ctx](const httplib::Request& req, httplib::Response& res,
                                                           const UserRecord& u) -> Status {
    ALMEN_ASSIGN_OR_RETURN(int provider, ProviderOf(req.matches[1]));
    ALMEN_ASSIGN_OR_RETURN(auto period, PeriodOf(req));
    ALMEN_ASSIGN_OR_RETURN(auto settings, SettingsOf(req));
    ALMEN_ASSIGN_OR_RETURN(json r, control::ClinicIndicators(*ctx.db, *ctx.agreement, ActorOf(u), provider,
                                                             period.first, period.second, settings));
    if (req.has_param("format"))
      ctx.send_table(req, res, u, IndicatorTable(r), "kontrol-indikatorer-" + std::string(req.matches[1]));
    else SendJson(res, r);
    return Status::Ok();
  }));

  http.Get(R"(/api/control/clinics/(\d+)/shared-days)",
           authed(controller, [ctx, table](const httplib::Request& req, httplib::Response& res, const UserRecord& u) -> Status {
             ALMEN_ASSIGN_OR_RETURN(int provider, ProviderOf(req.matches[1]));
             ALMEN_ASSIGN_OR_RETURN(auto period, PeriodOf(req));
             ALMEN_ASSIGN_OR_RETURN(json r, control::SharedDayLines(*ctx.db, ActorOf(u), provider, period.first,
                                                                    period.second));
             table(req, res, u, FromRows(r["rows"], r["columns"].get<std::vector<std::string>>()),
                   "kontrol-samme-dag-" + std::string(req.matches[1]));
             return Status::Ok();
           }));

  http.Get("/api/control/cases", authed(case_roles, [ctx, table](const httplib::Request& req, httplib::Response& res,
                                                     const UserRecord& u) -> Status {
    ALMEN_ASSIGN_OR_RETURN(json r, control::ListCases(*ctx.db, ActorOf(u)));
    table(req, res, u,
          FromRows(r["rows"], {"id", "provider", "region_code", "period_from", "period_to", "status", "opened_at",
                               "opened_by", "method", "sample_size", "due_date", "projected_error_ore",
                               "upper_error_ore", "recovered_ore", "lsu_case_id"}),
          "kontrolsager");
    return Status::Ok();
  }));

  http.Post("/api/control/cases", authed(controller, [ctx](const httplib::Request& req, httplib::Response& res,
                                               const UserRecord& u) -> Status {
    ALMEN_ASSIGN_OR_RETURN(json b, JsonObject(req.body));
    ALMEN_ASSIGN_OR_RETURN(int provider, ProviderOf(StrField(b, "provider")));
    ALMEN_ASSIGN_OR_RETURN(auto period, control::ParsePeriod(StrField(b, "year"), StrField(b, "from"),
                                                             StrField(b, "to")));
    ALMEN_ASSIGN_OR_RETURN(auto settings, SettingsOf(req));
    ALMEN_ASSIGN_OR_RETURN(int64_t id, control::OpenCase(*ctx.db, *ctx.agreement, ActorOf(u), provider,
                                                         period.first, period.second, settings));
    SendJson(res, {{"id", id}}, 201);
    return Status::Ok();
  }));

  http.Get(R"(/api/control/cases/(\d+))", authed(the_case(Act::kRead), [ctx](const httplib::Request& req, httplib::Response& res,
                                                       const UserRecord& u) -> Status {
    ALMEN_ASSIGN_OR_RETURN(int64_t id, PathId(req));
    ALMEN_ASSIGN_OR_RETURN(json r, control::GetCase(*ctx.db, ActorOf(u), id));
    SendJson(res, r);
    return Status::Ok();
  }));

  http.Get(R"(/api/control/cases/(\d+)/sample)", authed(the_case(Act::kRead), [ctx, table](const httplib::Request& req,
                                                                      httplib::Response& res,
                                                                      const UserRecord& u) -> Status {
    ALMEN_ASSIGN_OR_RETURN(int64_t id, PathId(req));
    ALMEN_ASSIGN_OR_RETURN(json r, control::GetCase(*ctx.db, ActorOf(u), id));
    table(req, res, u,
          FromRows(r["sample"], {"item", "claim_id", "service_date", "code", "stratum", "amount_ore", "hits",
                                 "paragraph", "finding", "error_ore", "note", "finding_paragraph", "recovered_ore"}),
          "kontrolsag-" + std::to_string(id) + "-stikproeve");
    return Status::Ok();
  }));

  http.Post(R"(/api/control/cases/(\d+)/sample)", authed(the_case(Act::kWrite), [ctx](const httplib::Request& req, httplib::Response& res,
                                                               const UserRecord& u) -> Status {
    ALMEN_ASSIGN_OR_RETURN(int64_t id, PathId(req));
    ALMEN_ASSIGN_OR_RETURN(json b, JsonObject(req.body));
    control::SampleRequest s;
    s.method = b.contains("method") ? StrField(b, "method") : std::string("mus");
    if (s.method != "mus" && s.method != "stratified")
      return InvalidInput("Metoden skal være mus (beløbsbaseret) eller stratified (efter risiko).");
    if (b.contains("seed") && !b["seed"].is_null()) {
      if (!b["seed"].is_number_unsigned() && !b["seed"].is_string())
        return InvalidInput("Feltet seed skal være et ikke-negativt heltal.");
      if (b["seed"].is_string()) {
        const std::string t = b["seed"].get<std::string>();
        if (t.empty() || t.size() > 20 || t.find_first_not_of("0123456789") != std::string::npos)
          return InvalidInput("Feltet seed skal være et ikke-negativt heltal.");
        s.seed = std::strtoull(t.c_str(), nullptr, 10);
      } else {
        s.seed = b["seed"].get<uint64_t>();
      }
    }
    ALMEN_ASSIGN_OR_RETURN(int64_t pct, IntField(b, "confidence_pct", 95));
    s.confidence_ppm = pct * 10000;
    ALMEN_ASSIGN_OR_RETURN(s.tolerable_error_ore, IntField(b, "tolerable_error_ore", 0));
    ALMEN_ASSIGN_OR_RETURN(s.expected_error_ore, IntField(b, "expected_error_ore", 0));
    ALMEN_ASSIGN_OR_RETURN(auto settings, SettingsOf(req));
    ALMEN_RETURN_IF_ERROR(control::DrawCaseSample(*ctx.db, *ctx.agreement, ActorOf(u), id, s, settings));
    ALMEN_ASSIGN_OR_RETURN(json r, control::GetCase(*ctx.db, ActorOf(u), id));
    SendJson(res, r, 201);
    return Status::Ok();
  }));

  http.Post(R"(/api/control/cases/(\d+)/request)", authed(the_case(Act::kWrite), [ctx](const httplib::Request& req, httplib::Response& res,
                                                                const UserRecord& u) -> Status {
    ALMEN_ASSIGN_OR_RETURN(int64_t id, PathId(req));
    ALMEN_ASSIGN_OR_RETURN(json b, JsonObject(req.body));
    ALMEN_RETURN_IF_ERROR(
        control::RequestDocumentation(*ctx.db, ActorOf(u), id, StrField(b, "text"), StrField(b, "due_date")));
    SendJson(res, {{"id", id}, {"status", "documentation_requested"}});
    return Status::Ok();
  }));

  http.Post(R"(/api/control/cases/(\d+)/answers)", authed(the_case(Act::kRead), [ctx](const httplib::Request& req, httplib::Response& res,
                                                                const UserRecord& u) -> Status {
    ALMEN_ASSIGN_OR_RETURN(int64_t id, PathId(req));
    ALMEN_ASSIGN_OR_RETURN(json b, JsonObject(req.body));
    ALMEN_ASSIGN_OR_RETURN(int64_t item, IntField(b, "item", 0));
    ALMEN_RETURN_IF_ERROR(control::AnswerCase(*ctx.db, ActorOf(u), id, StrField(b, "text"), item));
    SendJson(res, {{"id", id}}, 201);
    return Status::Ok();
  }));

  http.Post(R"(/api/control/cases/(\d+)/findings)", authed(the_case(Act::kWrite), [ctx](const httplib::Request& req, httplib::Response& res,
                                                                 const UserRecord& u) -> Status {
    ALMEN_ASSIGN_OR_RETURN(int64_t id, PathId(req));
    ALMEN_ASSIGN_OR_RETURN(json b, JsonObject(req.body));
    ALMEN_ASSIGN_OR_RETURN(int64_t item, IntField(b, "item", 0));
    ALMEN_ASSIGN_OR_RETURN(int64_t error, IntField(b, "error_ore", 0));
    ALMEN_RETURN_IF_ERROR(control::RecordFinding(*ctx.db, ActorOf(u), id, item, StrField(b, "finding"), error,
                                                 StrField(b, "note"), StrField(b, "paragraph")));
    SendJson(res, {{"id", id}, {"item", item}});
    return Status::Ok();
  }));

  http.Post(R"(/api/control/cases/(\d+)/conclude)", authed(the_case(Act::kWrite), [ctx](const httplib::Request& req, httplib::Response& res,
                                                                 const UserRecord& u) -> Status {
    ALMEN_ASSIGN_OR_RETURN(int64_t id, PathId(req));
    ALMEN_ASSIGN_OR_RETURN(json b, JsonObject(req.body));
    control::Conclusion c;
    c.text = StrField(b, "text");
    c.recover = b.contains("recover") && b["recover"].is_boolean() && b["recover"].get<bool>();
    c.lsu = b.contains("lsu") && b["lsu"].is_boolean() && b["lsu"].get<bool>();
    ALMEN_ASSIGN_OR_RETURN(json r, control::ConcludeCase(*ctx.db, ActorOf(u), id, c));
    SendJson(res, r);
    return Status::Ok();
  }));
}

}  // namespace almen
