// Economy routes (routes_economy.h): the ramme with spend from stored
// settlements and a year-end forecast, højestegrænser, quality payments.
#include "server/routes_economy.h"

#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include <nlohmann/json.hpp>

#include "common/decimal.h"
#include "common/utc_time.h"
#include "economy/ceiling.h"
#include "economy/economy.h"
#include "economy/ramme.h"
#include "server/economy_inputs.h"
#include "server/ramme_storage.h"
#include "server/respond.h"
#include "server/upload.h"
#include "server/work_dir.h"
#include "common/file.h"

namespace almen {

namespace {

using json = nlohmann::json;


int YearParam(const httplib::Request& req) {
  if (!req.has_param("year")) return 2025;
  auto y = ParseInt64(req.get_param_value("year"));
  return y && *y >= 2000 && *y <= 2100 ? static_cast<int>(*y) : 0;
}

void AuditE(Storage& db, const UserRecord& u, const std::string& action, const std::string& detail) {
  Status s = db.Audit(UtcTimestamp(), u.username, action, detail);
  if (!s.ok()) std::fprintf(stderr, "almen serve: audit log write failed: %s\n", s.message().c_str());
}

// The multipart files of an economy upload, streamed into a private folder
// (upload.h) and mapped for reading; the folder goes with the object.
struct EconomyUpload {
  ScopedDir dir;
  std::map<std::string, MappedFile> files;
  std::map<std::string, std::string> names;
  // The field's text; "" when absent (InvalidInput when `required`).
  StatusOr<std::string_view> Text(const char* field, bool required) const {
    auto it = files.find(field);
    if (it == files.end()) {
      if (required) return InvalidInput(std::string("upload the ") + field + ".csv file (multipart field '" + field + "')");
      return std::string_view();
    }
    return it->second.data();
  }
};

StatusOr<EconomyUpload> ReceiveUpload(const ServerRouteContext& ctx, const httplib::Request& req,
                                      const httplib::ContentReader& reader, std::set<std::string> fields) {
  // No body at all: no files (the routes whose files are all optional use their stored data).
  if (!req.is_multipart_form_data() && req.get_header_value("Content-Length") == "0" &&
      !req.has_header("Transfer-Encoding"))
    return EconomyUpload{};
  if (!req.is_multipart_form_data()) return InvalidInput("send the files as multipart/form-data");
  ALMEN_ASSIGN_OR_RETURN(ScopedDir dir, ctx.work->NewDir("economy-upload"));
  UploadReceiver rx(dir.path(), std::move(fields), ctx.upload_limits);
  const bool ok = reader([&](const httplib::MultipartFormData& f) { return rx.BeginPart(f.name, f.filename); },
                         [&](const char* d, size_t n) { return rx.Write(d, n); });
  ALMEN_RETURN_IF_ERROR(rx.Finish(ok));
  EconomyUpload up;
  for (const UploadedFile& f : rx.files()) {
    ALMEN_ASSIGN_OR_RETURN(MappedFile m, MappedFile::Open(f.path));
    up.files.emplace(f.field, std::move(m));
    up.names[f.field] = f.name;
  }
  up.dir = std::move(dir);
  return up;
}

// What a role sees of the højestegrænser: rltn and plo the country; a region
// its clinics, a clinic itself, with the totals of what they see (never the
// national ones); every other role nothing (403, in the route).
json ScopeCeilings(const json& all, const UserRecord& u) {
  if (u.role == "rltn" || u.role == "plo") return all;
  json out = all;
  auto keep = [&](const json& c) {
    if (u.role == "region") return c["region"].is_string() && c["region"] == u.scope;
    return u.role == "clinic" && c["provider"] == u.scope;
  };
  json clinics = json::array(), tasks = json::array();
  std::set<std::string> kept;
  int64_t above = 0, ceilings = 0, pending = 0, exempt = 0, no_patients = 0, clawback = 0;
  for (const auto& c : all["clinics"])
    if (keep(c)) {
      clinics.push_back(c);
      kept.insert(c["provider"].get<std::string>());
      if (c.value("above", false)) ++above;
      const std::string status = c.value("status", "");
      if (status == "ceiling") ++ceilings;
      if (status == "assessment_pending") ++pending;
      if (status == "exempt") ++exempt;
      if (status == "no_patients") ++no_patients;
      if (c.contains("clawback_ore") && c["clawback_ore"].is_number_integer()) clawback += c["clawback_ore"].get<int64_t>();
    }
  for (const auto& t : all["tasks"])
    if (kept.count(t["provider"].get<std::string>())) tasks.push_back(t);
  out["clinics"] = clinics;
  out["tasks"] = tasks;
  out["totals"] = {{"clinics", static_cast<int64_t>(clinics.size())},
                   {"above", above},
                   {"ceilings", ceilings},
                   {"assessment_pending", pending},
                   {"exempt", exempt},
                   {"no_patients", no_patients},
                   {"clawback_ore", clawback}};
  // The reference areas hold national (and other regions') cost totals.
  out.erase("reference_areas");
  out.erase("warnings");
  out.erase("listings");
  out["scope"] = u.role + ":" + u.scope;
  return out;
}

}  // namespace

void RegisterEconomyRoutes(const ServerRouteContext& ctx) {
  using Handler = std::function<void(const httplib::Request&, httplib::Response&, const UserRecord&)>;
  auto wrap = [ctx](Handler h) {
    return [ctx, h](const httplib::Request& req, httplib::Response& res) {
      try {
        auto u = ctx.authenticate(req);
        if (!u.ok()) return SendError(res, u.status());
        h(req, res, *u);
      } catch (const std::exception& e) {
        SendError(res, Internal(std::string("internal error: ") + e.what()));
      }
    };
  };
  using UploadHandler = std::function<void(const httplib::Request&, httplib::Response&, const httplib::ContentReader&,
                                           const UserRecord&)>;
  // An upload route: the session is checked before a byte of the body is read.
  auto wrap_upload = [ctx](UploadHandler h) {
    return [ctx, h](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
      try {
        auto u = ctx.authenticate(req);
        if (!u.ok()) return SendError(res, u.status());
        h(req, res, reader, *u);
      } catch (const std::exception& e) {
        SendError(res, Internal(std::string("internal error: ") + e.what()));
      }
    };
  };
  auto& http = *ctx.http;

  http.Get("/api/economy/ramme", wrap([ctx](const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
    int year = YearParam(req);
    if (!year) return SendError(res, InvalidInput("year must be a year, e.g. 2025"));
    std::string region;
    if (u.role == "region") {
      region = u.scope;
    } else if (u.role != "rltn" && u.role != "plo") {
      return SendError(res, PermissionDenied("the ramme is national: rltn, plo and regions only"));
    }
    StoredRammeOptions o;
    o.base.year = year;
    o.region = region;
    auto r = RammeFromStorage(*ctx.db, *ctx.agreement, o);
    if (!r.ok()) return SendError(res, r.status());
    if (req.has_param("format")) {
      Table t;
      t.columns = {"quarter", "ramme_ore", "spend_ore", "complete", "excluded_ore", "cumulative_spend_ore"};
      for (const auto& q : (*r)["quarters"])
        t.rows.push_back({q["quarter"], q.value("ramme_ore", json(nullptr)), q["spend_ore"], q["complete"] ? 1 : 0,
                          q.value("excluded_ore", json(nullptr)), q.value("cumulative_spend_ore", json(nullptr))});
      return ctx.send_table(req, res, u, t, "ramme-quarters");
    }
    SendJson(res, *r);
  }));

  // The offset of a year as Bilag 1 pkt. 2 applies it: the reduced regulation
  // and basishonorar (dated agreement rows) and their estimated effect per
  // clinic (a view, not a payment). rltn and plo see every clinic, a region
  // its clinics, a clinic itself.
  http.Get("/api/economy/offset", wrap([ctx](const httplib::Request& req, httplib::Response& res,
                                             const UserRecord& u) {
    if (u.role != "rltn" && u.role != "plo" && u.role != "region" && u.role != "clinic")
      return SendError(res, PermissionDenied("Rollen '" + u.role + "' har ikke adgang til modregningen."));
    int year = YearParam(req);
    if (!year) return SendError(res, InvalidInput("year must be a year, e.g. 2025"));
    auto r = OffsetViewFromStorage(*ctx.db, *ctx.agreement, year);
    if (!r.ok()) return SendError(res, r.status());
    json out = std::move(*r);
    if (out.value("available", false) && u.role != "rltn" && u.role != "plo") {
      json kept = json::array();
      for (const auto& c : out["clinics"]["clinics"])
        if ((u.role == "region" && c["region"] == u.scope) || std::to_string(c["provider"].get<int>()) == u.scope)
          kept.push_back(c);
      out["clinics"]["clinics"] = kept;
      out["clinics"].erase("total_ore");
      out["scope"] = u.role + ":" + u.scope;
    }
    if (req.has_param("format") && out.value("available", false)) {
      Table t;
      t.columns = {"provider", "region", "spend_ore", "basishonorar_ore", "total_ore"};
      for (const auto& c : out["clinics"]["clinics"])
        t.rows.push_back({c["provider"], c["region"], c["spend_ore"], c["basishonorar_ore"], c["total_ore"]});
      return ctx.send_table(req, res, u, t, "offset-clinics");
    }
    SendJson(res, out);
  }));

  // The what-if (EconomyWhatIf: "set", "changes", and the named items
  // lto_capacities_recruited, bosted_botilbud_covered) with the ramme statement
  // from the stored settlements before and after (rltn, plo; others get the
  // table only, like GET /api/economy).
  http.Post("/api/economy/whatif", wrap([ctx](const httplib::Request& req, httplib::Response& res,
                                              const UserRecord& u) {
    auto parsed = JsonObject(req.body);
    json body = parsed.ok() ? std::move(*parsed) : json();
    if (!body.is_object())
      return SendError(res, InvalidInput("body must be a JSON object, e.g. {\"set\": [\"ITEM=VALUE\", …]} or "
                                          "{\"lto_capacities_recruited\": 30}"));
    int year = YearParam(req);
    if (!year) return SendError(res, InvalidInput("year must be a year, e.g. 2025"));
    auto e = EconomyWhatIf(*ctx.agreement, body);
    if (!e.ok()) return SendError(res, e.status());
    json out = std::move(*e);
    if (u.role == "rltn" || u.role == "plo") {
      const RammeWhatIf wi = RammeWhatIfOf(out);
      StoredRammeOptions o;
      o.base.year = year;
      auto before = RammeFromStorage(*ctx.db, *ctx.agreement, o);
      if (!before.ok()) return SendError(res, before.status());
      o.whatif = &wi;
      auto after = RammeFromStorage(*ctx.db, *ctx.agreement, o);
      if (!after.ok()) return SendError(res, after.status());
      out["ramme_statement"] = CompareRammeStatements(*before, *after);
      out["ramme_statement"]["source"] = "stored_settlements";
    } else {
      out["ramme_statement"] = nullptr;
      out["ramme_statement_note"] = "Rammeopgørelsen er national og vises kun for RLTN og PLO.";
    }
    SendJson(res, out);
  }));

  // Expense files (expenses.csv) per region, quarter and category: stored,
  // merged into the ramme statement (ramme_storage.h).
  http.Post("/api/economy/expenses", wrap_upload([ctx](const httplib::Request& req, httplib::Response& res,
                                                       const httplib::ContentReader& reader, const UserRecord& u) {
    if (u.role != "rltn") return SendError(res, PermissionDenied("only rltn uploads expense files"));
    int year = YearParam(req);
    if (!year) return SendError(res, InvalidInput("year must be a year, e.g. 2025"));
    auto received = ReceiveUpload(ctx, req, reader, {"expenses"});
    if (!received.ok()) return SendError(res, received.status());
    auto text = received->Text("expenses", true);
    if (!text.ok()) return SendError(res, text.status());
    ExpenseUpload up;
    up.name = received->names["expenses"];
    up.content = *text;
    up.year = year;
    up.quarter = req.get_param_value("quarter");
    up.user = u.username;
    up.now = UtcTimestamp();
    auto r = ImportExpenseFile(*ctx.db, up);
    if (!r.ok()) {
      AuditE(*ctx.db, u, "expenses.refused", up.name + ": " + r.status().message().substr(0, 400));
      return SendError(res, r.status());
    }
    AuditE(*ctx.db, u, r->already_imported ? "expenses.reimport_noop" : "expenses.import",
           "file " + std::to_string(r->file_id) + " " + up.name + " rows=" + std::to_string(r->rows) +
               " amount_ore=" + std::to_string(r->amount_ore));
    SendJson(res, {{"file_id", r->file_id},
                    {"already_imported", r->already_imported},
                    {"rows", r->rows},
                    {"amount_ore", r->amount_ore},
                    {"name", up.name}},
              r->already_imported ? 200 : 201);
  }));

  http.Delete(R"(/api/economy/expenses/(\d+))", wrap([ctx](const httplib::Request& req, httplib::Response& res,
                                                            const UserRecord& u) {
    if (u.role != "rltn") return SendError(res, PermissionDenied("only rltn withdraws expense files"));
    auto parsed_id = PathId(req);
    if (!parsed_id.ok()) return SendError(res, parsed_id.status());
    const int64_t id = *parsed_id;
    auto r = WithdrawExpenseFile(*ctx.db, id);
    if (!r.ok()) return SendError(res, r.status());
    AuditE(*ctx.db, u, "expenses.withdraw", "file " + std::to_string(id) + " rows=" + std::to_string(*r));
    SendJson(res, {{"file_id", id}, {"rows_removed", *r}});
  }));

  http.Get("/api/economy/expenses", wrap([ctx](const httplib::Request& req, httplib::Response& res,
                                               const UserRecord& u) {
    std::string region;
    if (u.role == "region") region = u.scope;
    else if (u.role != "rltn" && u.role != "plo")
      return SendError(res, PermissionDenied("expense files: rltn, plo and regions only"));
    int year = YearParam(req);
    if (!year) return SendError(res, InvalidInput("year must be a year, e.g. 2025"));
    ctx.send_table(req, res, u, StoredExpenses(*ctx.db, year, region), "expenses");
  }));

  http.Get("/api/economy/ceilings", wrap([ctx](const httplib::Request& req, httplib::Response& res,
                                               const UserRecord& u) {
    if (u.role != "rltn" && u.role != "plo" && u.role != "region" && u.role != "clinic")
      return SendError(res, PermissionDenied("role '" + u.role + "' may not see højestegrænser"));
    int year = YearParam(req);
    auto all = StoredCeilings(*ctx.db, *ctx.agreement, year);
    if (!all.ok() && all.status().code() == StatusCode::kNotFound)
      return SendJson(res, {{"year", year}, {"available", false},
                             {"message", "Højestegrænserne er ikke beregnet for året: RLTN uploader listings.csv "
                                         "(tilmeldte patienter) på siden Økonomi."}});
    if (!all.ok()) return SendError(res, all.status());
    json out = ScopeCeilings(*all, u);
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
    SendJson(res, out);
  }));

  // listings.csv is read once: its CPR-free profile is stored (economy_inputs.h)
  // and the result is computed from the stored profile, as GET does after a restart.
  http.Post("/api/economy/ceilings", wrap_upload([ctx](const httplib::Request& req, httplib::Response& res,
                                                       const httplib::ContentReader& reader, const UserRecord& u) {
    if (u.role != "rltn") return SendError(res, PermissionDenied("only rltn computes højestegrænser"));
    int year = YearParam(req);
    if (!year) return SendError(res, InvalidInput("year must be a year, e.g. 2025"));
    auto received = ReceiveUpload(ctx, req, reader, {"listings", "decisions"});
    if (!received.ok()) return SendError(res, received.status());
    // Without a listings.csv: the ledger's listings register.
    auto listings = received->Text("listings", false);
    if (!listings.ok()) return SendError(res, listings.status());
    auto decisions = received->Text("decisions", false);
    if (!decisions.ok()) return SendError(res, decisions.status());
    std::string reference = req.get_param_value("reference");
    if (!reference.empty() && reference != "region" && reference != "country")
      return SendError(res, InvalidInput("reference must be region or country"));
    if (!decisions->empty()) {
      auto d = ParseCeilingDecisions("decisions.csv", *decisions);
      if (!d.ok()) return SendError(res, d.status());
    }
    ListingProfileUpload up{year, "ceilings", listings->empty() ? "tilmeldingsregistret" : "listings.csv",
                            *listings, reference, std::string(*decisions), u.username, UtcTimestamp()};
    auto stored = StoreListingProfile(*ctx.db, *ctx.agreement, up);
    if (!stored.ok()) return SendError(res, stored.status());
    AuditE(*ctx.db, u, "economy.ceilings",
           "year " + std::to_string(year) + " listings profile providers=" + std::to_string((*stored)["providers"].get<int64_t>()) +
               " rows=" + std::to_string((*stored)["profile_rows"].get<int64_t>()));
    auto j = StoredCeilings(*ctx.db, *ctx.agreement, year);
    if (!j.ok()) return SendError(res, j.status());
    (*j)["available"] = true;
    SendJson(res, *j);
  }));

  http.Get("/api/economy/quality", wrap([ctx](const httplib::Request& req, httplib::Response& res,
                                              const UserRecord& u) {
    if (u.role != "rltn" && u.role != "plo" && u.role != "region")
      return SendError(res, PermissionDenied("quality payments: rltn, plo and regions only"));
    int year = YearParam(req);
    auto got = StoredQuality(*ctx.db, *ctx.agreement, year);
    if (!got.ok() && got.status().code() == StatusCode::kNotFound)
      return SendJson(res, {{"year", year}, {"available", false},
                             {"message", "Kvalitetsbetalingerne er ikke beregnet for året: RLTN uploader "
                                         "listings.csv på siden Økonomi."}});
    if (!got.ok()) return SendError(res, got.status());
    json all = std::move(*got);
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
    SendJson(res, all);
  }));

  http.Post("/api/economy/quality", wrap_upload([ctx](const httplib::Request& req, httplib::Response& res,
                                                      const httplib::ContentReader& reader, const UserRecord& u) {
    if (u.role != "rltn") return SendError(res, PermissionDenied("only rltn computes quality payments"));
    int year = YearParam(req);
    if (!year) return SendError(res, InvalidInput("year must be a year, e.g. 2025"));
    auto received = ReceiveUpload(ctx, req, reader, {"listings", "clusters"});
    if (!received.ok()) return SendError(res, received.status());
    // Without a listings.csv: the ledger's listings register.
    auto listings = received->Text("listings", false);
    if (!listings.ok()) return SendError(res, listings.status());
    auto clusters = received->Text("clusters", false);
    if (!clusters.ok()) return SendError(res, clusters.status());
    if (!clusters->empty()) {
      auto cl = ParseQualityClusters("clusters.csv", *clusters);
      if (!cl.ok()) return SendError(res, cl.status());
    }
    ListingProfileUpload up{year, "quality", listings->empty() ? "tilmeldingsregistret" : "listings.csv",
                            *listings, "", std::string(*clusters), u.username, UtcTimestamp()};
    auto stored = StoreListingProfile(*ctx.db, *ctx.agreement, up);
    if (!stored.ok()) return SendError(res, stored.status());
    AuditE(*ctx.db, u, "economy.quality",
           "year " + std::to_string(year) + " listings profile providers=" + std::to_string((*stored)["providers"].get<int64_t>()));
    auto j = StoredQuality(*ctx.db, *ctx.agreement, year);
    if (!j.ok()) return SendError(res, j.status());
    (*j)["available"] = true;
    SendJson(res, *j);
  }));
}

}  // namespace almen
