// Ledger routes (routes_ledger.h): postings, corrections, closings, payment
// lists and honorarspecifikationer (docs/ledger.md, docs/server.md).
#include "server/routes_ledger.h"

#include <ctime>

#include <nlohmann/json.hpp>

#include "common/utc_time.h"
#include "ledger/ledger.h"
#include "server/respond.h"
#include "storage/ledger_reports.h"

namespace almen {

namespace {

using json = nlohmann::json;

Scope ScopeOfL(const UserRecord& u) {
  if (u.role == "region") return {Scope::Kind::kRegion, u.scope};
  if (u.role == "clinic") return {Scope::Kind::kProvider, u.scope};
  return {};
}

bool ClinicData(const UserRecord& u) {
  return u.role == "rltn" || u.role == "region" || u.role == "clinic" || u.role == "plo";
}
bool LineData(const UserRecord& u) { return u.role == "rltn" || u.role == "region" || u.role == "clinic"; }

// A non-negative integer query parameter, or an error.
StatusOr<int64_t> IntParam(const httplib::Request& req, const char* key, int64_t dflt) {
  if (!req.has_param(key)) return dflt;
  auto v = ParseInt64(req.get_param_value(key));
  if (!v || *v < 0) return InvalidInput(std::string("Parameteren ") + key + " skal være et ikke-negativt heltal.");
  return *v;
}

StatusOr<PostingFilter> Filter(const httplib::Request& req) {
  PostingFilter f;
  f.provider = req.get_param_value("provider");
  f.month = req.get_param_value("month");
  f.book_month = req.get_param_value("book_month");
  f.item = req.get_param_value("item");
  f.code = req.get_param_value("code");
  f.kind = req.get_param_value("kind");
  f.rule = req.get_param_value("rule");
  f.status = req.get_param_value("status");
  f.sort = req.get_param_value("sort");
  const bool export_all = req.has_param("format") && req.get_param_value("format") != "json";
  ALMEN_ASSIGN_OR_RETURN(f.run_id, IntParam(req, "run", 0));
  ALMEN_ASSIGN_OR_RETURN(f.limit, IntParam(req, "limit", export_all ? 1000000 : 100));
  ALMEN_ASSIGN_OR_RETURN(f.offset, IntParam(req, "offset", 0));
  if (!export_all) f.limit = std::min<int64_t>(f.limit, 10000);
  return f;
}

}  // namespace

void RegisterLedgerRoutes(const ServerRouteContext& ctx) {
  httplib::Server& http = *ctx.http;
  // Wraps a handler with the session check and a catch-all.
  auto authed = [ctx](std::function<void(const httplib::Request&, httplib::Response&, const UserRecord&)> h) {
    return [ctx, h](const httplib::Request& req, httplib::Response& res) {
      try {
        auto u = ctx.authenticate(req);
        if (!u.ok()) return SendError(res, u.status());
        h(req, res, *u);
      } catch (const std::exception& e) {
        SendError(res, Internal(std::string("intern fejl: ") + e.what()));
      }
    };
  };
  auto deny = [](httplib::Response& res, const UserRecord& u) {
    SendError(res, PermissionDenied("Rollen '" + u.role + "' har ikke adgang til dette."));
  };

  http.Get("/api/ledger", authed([ctx, deny](const httplib::Request&, httplib::Response& res, const UserRecord& u) {
    if (!ClinicData(u)) return deny(res, u);
    auto j = LedgerSummary(*ctx.db, ScopeOfL(u));
    if (!j.ok()) return SendError(res, j.status());
    SendJson(res, *j);
  }));

  http.Get("/api/postings", authed([ctx, deny](const httplib::Request& req, httplib::Response& res,
                                                     const UserRecord& u) {
    if (!ClinicData(u)) return deny(res, u);
    auto f = Filter(req);
    if (!f.ok()) return SendError(res, f.status());
    ctx.send_table(req, res, u, Postings(*ctx.db, ScopeOfL(u), *f), "posteringer");
  }));

  http.Get("/api/corrections", authed([ctx, deny](const httplib::Request& req, httplib::Response& res,
                                                        const UserRecord& u) {
    if (!LineData(u)) return deny(res, u);
    auto f = Filter(req);
    if (!f.ok()) return SendError(res, f.status());
    ctx.send_table(req, res, u, Corrections(*ctx.db, ScopeOfL(u), *f), "korrektioner");
  }));

  http.Get("/api/ledger/closings", authed([ctx, deny](const httplib::Request& req, httplib::Response& res,
                                                            const UserRecord& u) {
    if (!ClinicData(u)) return deny(res, u);
    ctx.send_table(req, res, u, Closings(*ctx.db, ScopeOfL(u)), "afslutninger");
  }));

  http.Post("/api/ledger/closings", authed([ctx, deny](const httplib::Request& req, httplib::Response& res,
                                                             const UserRecord& u) {
    if (u.role != "rltn") return deny(res, u);
    // The month from the JSON body ({"month": "2025-03"}) or ?month=.
    std::string month = req.get_param_value("month");
    if (!req.body.empty()) {
      auto body = JsonObject(req.body);
      if (!body.ok()) return SendError(res, body.status());
      if (body->contains("month") && (*body)["month"].is_string()) month = (*body)["month"].get<std::string>();
    }
    auto r = CloseMonth(*ctx.db, month, u.username, UtcTimestamp());
    if (!r.ok()) return SendError(res, r.status());
    Status a = ctx.db->Audit(UtcTimestamp(), u.username, "ledger.close",
                             r->month + " providers=" + std::to_string(r->providers) +
                                 " amount_ore=" + std::to_string(r->amount_ore));
    if (!a.ok()) std::fprintf(stderr, "almen serve: audit log write failed: %s\n", a.message().c_str());
    SendJson(res, {{"month", r->month}, {"providers", r->providers}, {"amount_ore", r->amount_ore}}, 201);
  }));

  http.Get("/api/ledger/payments", authed([ctx, deny](const httplib::Request& req, httplib::Response& res,
                                                            const UserRecord& u) {
    if (!ClinicData(u)) return deny(res, u);
    ctx.send_table(req, res, u, PaymentList(*ctx.db, ScopeOfL(u), req.get_param_value("month")),
                   "udbetalingsliste-" + req.get_param_value("month"));
  }));

  http.Get("/api/ledger/specification", authed([ctx, deny](const httplib::Request& req, httplib::Response& res,
                                                                 const UserRecord& u) {
    if (!LineData(u)) return deny(res, u);
    const std::string provider = req.get_param_value("provider"), month = req.get_param_value("month");
    ctx.send_table(req, res, u, Specification(*ctx.db, ScopeOfL(u), provider, month),
                   "honorarspecifikation-" + provider + "-" + month);
  }));
}

}  // namespace almen
