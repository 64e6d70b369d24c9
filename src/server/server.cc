// almen serve: the App (app.h) — its life cycle, sessions and login, the
// table sender, the order of the routes — and the configuration and Serve.
// The rest of the App is in the files app_impl.h lists (jobs and uploads,
// reports, static files, bootstrap); the route groups in routes_*.cc.
#include "server/server.h"

#include <httplib.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/file.h"
#include "common/json_text.h"
#include "common/utc_time.h"
#include "server/app_impl.h"
#include "server/export.h"
#include "server/respond.h"
#include "server/route_context.h"
#include "server/routes_bosted.h"
#include "server/routes_cases.h"
#include "server/routes_control.h"
#include "server/routes_economy.h"
#include "server/routes_ledger.h"
#include "server/routes_uploads.h"

namespace almen {

using json = nlohmann::json;

// ---- shared by the App's files (app_impl.h) ---------------------------------------

namespace server_internal {

std::string IsoUtc(std::time_t t) { return UtcTimestamp(t); }
std::string Now() { return UtcTimestamp(); }

bool Allowed(const std::string& role, Perm p) {
  if (role == "rltn") return true;
  switch (p) {
    case Perm::kLines: return role == "region" || role == "clinic";
    case Perm::kClinicData: return role == "region" || role == "clinic" || role == "plo";
    case Perm::kUpload: return false;
    case Perm::kAudit: return false;
    case Perm::kBotilbud: return role == "municipality" || role == "plo" || role == "region";
  }
  return false;
}

Scope ScopeOf(const UserRecord& u) { return ObjectAccess::ScopeOf(u); }

std::string RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

UploadLimits UploadLimitsOf(const ServeOptions& o) {
  UploadLimits l;
  l.max_file_bytes = static_cast<uint64_t>(o.max_upload_bytes) * 4;
  l.max_total_bytes = static_cast<uint64_t>(o.max_upload_bytes) * 4;
  return l;
}

}  // namespace server_internal

using server_internal::Allowed;
using server_internal::IsoUtc;
using server_internal::Now;
using server_internal::Perm;
using server_internal::RandomHex;
using server_internal::ScopeOf;
using server_internal::UploadLimitsOf;

namespace {

constexpr const char* kCookie = "almen_session";
constexpr int kSessionHours = 12;

json Permissions(const std::string& role) {
  return {{"lines", Allowed(role, Perm::kLines)},     {"clinic_data", Allowed(role, Perm::kClinicData)},
          {"upload", Allowed(role, Perm::kUpload)},   {"audit", Allowed(role, Perm::kAudit)},
          {"botilbud", Allowed(role, Perm::kBotilbud)}, {"ramme", role == "rltn" || role == "plo"}};
}

bool VerifyPassword(const std::string& hash, const std::string& pw) {
  return crypto_pwhash_str_verify(hash.c_str(), pw.data(), pw.size()) == 0;
}

std::string CookieToken(const httplib::Request& req) {
  std::string cookies = req.get_header_value("Cookie");
  std::string key = std::string(kCookie) + "=";
  size_t pos = 0;
  while ((pos = cookies.find(key, pos)) != std::string::npos) {
    if (pos == 0 || cookies[pos - 1] == ' ' || cookies[pos - 1] == ';') {
      size_t end = cookies.find(';', pos);
      return cookies.substr(pos + key.size(), end == std::string::npos ? std::string::npos : end - pos - key.size());
    }
    pos += key.size();
  }
  return "";
}

std::string SessionCookie(const std::string& token, int max_age, bool secure) {
  return std::string(kCookie) + "=" + token + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
         std::to_string(max_age) + (secure ? "; Secure" : "");
}

}  // namespace

// ---- Pipeline ------------------------------------------------------------------

Pipeline Pipeline::Default() {
  Pipeline p;
  p.generate = [](const GenerateOptions& o, GenerateSummary* s) { return Generate(o, s); };
  p.settle = [](const Agreement& a, const Pseudonymizer& ps, const SettleOptions& o, const std::string& out,
                SettleSummary* s) { return Settle(a, ps, o, out, s); };
  return p;
}

// ---- App::Impl helpers ----------------------------------------------------------

void App::Impl::Audit(const std::string& user, const std::string& action, const std::string& detail) {
  Status s = db->Audit(Now(), user, action, detail);
  if (!s.ok()) std::fprintf(stderr, "almen serve: audit log write failed: %s\n", s.message().c_str());
}

StatusOr<UserRecord> App::Impl::Authenticate(const httplib::Request& req) {
  std::string token = CookieToken(req);
  if (token.empty()) return Unauthenticated("not logged in");
  ALMEN_ASSIGN_OR_RETURN(auto u, db->SessionUser(Sha256Hex(token), Now()));
  if (!u) return Unauthenticated("session expired or unknown; log in again");
  CurrentRequest().user = u->username;
  return *u;
}

void App::Impl::PurgeSessions() {
  auto n = db->PurgeExpiredSessions(Now());
  if (!n.ok()) std::fprintf(stderr, "almen serve: purging expired sessions failed: %s\n", n.status().message().c_str());
}

httplib::Server::Handler App::Impl::Authed(Handler h) {
  return [this, h](const httplib::Request& req, httplib::Response& res) {
    try {
      auto u = Authenticate(req);
      if (!u.ok()) return SendError(res, u.status());
      h(req, res, *u);
    } catch (const std::exception& e) {
      SendError(res, Internal(std::string("internal error: ") + e.what()));
    }
  };
}

httplib::Server::HandlerWithContentReader App::Impl::AuthedUpload(UploadHandler h) {
  return [this, h](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
    try {
      auto u = Authenticate(req);
      if (!u.ok()) return SendError(res, u.status());
      h(req, res, reader, *u);
    } catch (const std::exception& e) {
      SendError(res, Internal(std::string("internal error: ") + e.what()));
    }
  };
}

StatusOr<Table> App::Impl::Visible(const UserRecord& u, StatusOr<Table> t, ObjectKind kind) {
  if (!t.ok() || ScopeOf(u).kind == Scope::Kind::kAll) return t;
  std::vector<std::vector<json>> keep;
  for (auto& row : t->rows) {
    Status may = access->Check(u, kind, row[0].get<int64_t>(), Act::kRead);
    if (may.ok()) keep.push_back(std::move(row));
    else if (may.code() != StatusCode::kNotFound) return may;
  }
  t->rows = std::move(keep);
  return t;
}

bool App::Impl::Require(httplib::Response& res, const UserRecord& u, Perm p) {
  if (Allowed(u.role, p)) return true;
  SendError(res, PermissionDenied("role '" + u.role + "' may not see this"));
  return false;
}

void App::Impl::SendTable(const httplib::Request& req, httplib::Response& res, const UserRecord& u,
                          const StatusOr<Table>& t, const std::string& name, json extra) {
  if (!t.ok()) return SendError(res, t.status());
  auto file = ExportOf(req, *t, name, work->path());
  if (!file.ok()) return SendError(res, file.status());
  if (*file) {
    Audit(u.username, "export", (*file)->audit + " rows=" + std::to_string(t->rows.size()));
    res.set_header("Content-Disposition", "attachment; filename=\"" + (*file)->filename + "\"");
    return res.set_content((*file)->body, (*file)->content_type);
  }
  json j = t->ToJson();
  for (auto it = extra.begin(); it != extra.end(); ++it) j[it.key()] = *it;
  SendJson(res, j);
}

// ---- App ------------------------------------------------------------------------

App::App() : impl_(std::make_unique<Impl>()) {}
App::~App() { Stop(); }

StatusOr<std::unique_ptr<App>> App::Create(const Agreement& agreement, const ServeOptions& options,
                                           Pipeline pipeline) {
  if (sodium_init() < 0) return Internal("libsodium failed to initialise");
  std::unique_ptr<App> app(new App());
  auto& m = *app->impl_;
  m.agreement = &agreement;
  m.options = options;
  m.pipeline = std::move(pipeline);
  ALMEN_ASSIGN_OR_RETURN(auto ps, Pseudonymizer::FromEnvironment());
  if (ps.used_demo_key())
    std::fprintf(stderr, "almen serve: ALMEN_PSEUDONYM_KEY is not set: using the built-in demo key (not for real data)\n");
  m.pseudonymizer = std::make_unique<Pseudonymizer>(std::move(ps));
  // The work directory first: what a killed server left there (uploads with
  // CPR numbers in clear) is swept before anything else happens.
  ALMEN_ASSIGN_OR_RETURN(m.work, WorkDir::Open(options.work_dir.empty() ? WorkDir::DefaultRoot() : options.work_dir));
  if (m.work->swept() > 0)
    std::fprintf(stderr, "almen serve: removed %lld file(s)/folder(s) a stopped server left in %s\n",
                 static_cast<long long>(m.work->swept()), m.work->root().c_str());
  std::string url = options.db.empty() ? "almen.db" : options.db;
  ALMEN_ASSIGN_OR_RETURN(m.db, Storage::Open(url, std::max(2, options.threads / 2)));
  m.PurgeSessions();
  ALMEN_ASSIGN_OR_RETURN(m.dummy_hash, HashPassword(RandomHex(16), options.fast_password_hash));
  m.failed_logins = std::make_unique<FailedLoginLog>(
      [&m](const std::string& user, const std::string& action, const std::string& detail) { m.Audit(user, action, detail); });
  m.access = std::make_unique<ObjectAccess>(*m.db);
  m.resumable = std::make_unique<ResumableUploads>(
      m.work.get(), std::vector<std::string>{"claims", "providers", "listings", "botilbud", "attachments"},
      static_cast<uint64_t>(options.max_upload_bytes));
  GuardOptions go;
  go.behind_tls = options.behind_tls;
  go.public_origin = options.public_origin;
  go.max_connections = std::max(4, options.max_connections);
  // Behind a reverse proxy every connection comes from the proxy's address.
  go.max_connections_per_ip = options.behind_tls ? go.max_connections : std::max(2, go.max_connections / 2);
  m.http = std::make_unique<GuardedServer>(go);
  m.Routes();
  m.maintenance = std::thread([&m] {
    std::unique_lock lock(m.maintenance_mu);
    while (!m.stopping) {
      m.maintenance_cv.wait_for(lock, std::chrono::minutes(5));
      if (m.stopping) break;
      m.PurgeSessions();
      m.resumable->PurgeIdle();
      m.failed_logins->Flush(std::chrono::steady_clock::now());
    }
  });
  return app;
}

StatusOr<int> App::Bind(const std::string& host, int port) {
  auto& http = *impl_->http;
  int bound = port == 0 ? http.bind_to_any_port(host) : (http.bind_to_port(host, port) ? port : -1);
  if (bound <= 0) return Internal("cannot listen on " + host + ":" + std::to_string(port));
  return bound;
}

// Listen and Stop may race (a test stops a server whose listener thread has
// not started yet): httplib's stop() is a no-op before listen has begun, and
// the listen would then never return. Both sides publish their step first
// (sequentially consistent atomics), so either Listen sees `stopping` and does
// not start, or Stop sees `listen_called` and waits until the listener runs
// (or has returned) before stopping it.
void App::Listen() {
  impl_->listen_called = true;
  if (!impl_->stopping) impl_->http->listen_after_bind();
  impl_->listen_returned = true;
}

void App::Stop() {
  if (!impl_ || !impl_->http) return;
  impl_->cancel = true;
  {
    std::lock_guard lock(impl_->maintenance_mu);
    impl_->stopping = true;
  }
  impl_->maintenance_cv.notify_all();
  if (impl_->listen_called)
    while (!impl_->http->is_running() && !impl_->listen_returned)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  impl_->http->stop();
  std::vector<std::thread> workers;
  {
    std::lock_guard lock(impl_->jobs_mu);
    workers.swap(impl_->workers);
  }
  for (auto& t : workers)
    if (t.joinable()) t.join();
  if (impl_->maintenance.joinable()) impl_->maintenance.join();
  if (impl_->failed_logins) impl_->failed_logins->Flush(std::chrono::steady_clock::now(), true);
}

// ---- sessions and the routes ----------------------------------------------------

// POST /api/login: throttled per address and user name (login_guard.h); an
// unknown user name costs the same password check as a known one.
void App::Impl::Login(const httplib::Request& req, httplib::Response& res) {
  auto body = JsonObject(req.body);
  if (!body.ok()) return SendError(res, body.status());
  const json& b = *body;
  if (!b.contains("username") || !b["username"].is_string() || !b.contains("password") || !b["password"].is_string())
    return SendError(res, InvalidInput("username og password skal være tekst"));
  const std::string username = b["username"].get<std::string>(), password = b["password"].get<std::string>();
  if (username.size() > 200 || password.size() > 1024)
    return SendError(res, InvalidInput("brugernavn eller adgangskode er for lang"));
  const std::string logged_name = username.empty() ? "-" : CleanText(username, 64);
  const auto now = std::chrono::steady_clock::now();
  const std::string address = ClientAddress(req, options.behind_tls);
  if (auto wait = login_throttle.Wait(address, username, now); wait.count() > 0) {
    const int64_t seconds = (wait.count() + 999) / 1000;
    res.set_header("Retry-After", std::to_string(seconds));
    return SendHttpError(res, 429, "for mange mislykkede login-forsøg: prøv igen om " + std::to_string(seconds) +
                                       " sekunder");
  }
  auto u = db->FindUser(username);
  if (!u.ok()) return SendError(res, u.status());
  // The same argon2id check whether or not the user exists (no timing oracle).
  const bool verified = VerifyPassword(*u ? (*u)->password_hash : dummy_hash, password);
  if (!*u || !verified) {
    const bool locked = login_throttle.Failed(address, username, now);
    failed_logins->Record(logged_name, locked ? "login.locked" : "login.failed", now);
    return SendError(res, Unauthenticated("wrong user name or password"));
  }
  login_throttle.Succeeded(username);
  std::string token = RandomHex(32);
  Status s = db->CreateSession(Sha256Hex(token), (*u)->id, Now(), IsoUtc(std::time(nullptr) + kSessionHours * 3600));
  if (!s.ok()) return SendError(res, s);
  CurrentRequest().user = (*u)->username;
  Audit((*u)->username, "login", "");
  res.set_header("Set-Cookie", SessionCookie(token, kSessionHours * 3600, options.behind_tls));
  SendJson(res, {{"username", (*u)->username}, {"role", (*u)->role}, {"scope", (*u)->scope},
                 {"permissions", Permissions((*u)->role)}});
}

void App::Impl::Routes() {
  GuardedServer& h = *http;
  // The routes that take large bodies (streamed, after the session is checked);
  // every other route takes JSON up to 64 KiB (http_guard.h).
  const uint64_t big = static_cast<uint64_t>(options.max_upload_bytes);
  h.AcceptBody("POST", R"(/api/settlements)", kBodyMultipart | kBodyCsv | kBodyJson, big);
  DeclareResumableBodies(h, big);
  h.AcceptBody("POST", R"(/api/settlements/\d+/rerun)", kBodyJson | kBodyMultipart, big);
  h.AcceptBody("POST", R"(/api/economy/(ceilings|quality))", kBodyMultipart, big);
  h.AcceptBody("POST", R"(/api/economy/expenses)", kBodyMultipart, uint64_t{64} << 20);
  h.AcceptBody("POST", R"(/api/sanctions)", kBodyJson | kBodyCsv, uint64_t{16} << 20);
  h.Install([this](const httplib::Request& req) { return Authenticate(req).ok(); });

  h.Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
    auto v = db->SchemaVersion();
    if (!v.ok()) return SendJson(res, {{"status", "error"}, {"message", v.status().message()}}, 503);
    SendJson(res, {{"status", "ok"},
                   {"schema_version", *v},
                   {"database", db->dialect() == SqlDialect::kPostgres ? "postgresql" : "sqlite"},
                   {"agreement", agreement->version()}});
  });

  // -- session
  h.Post("/api/login", [this](const httplib::Request& req, httplib::Response& res) { Login(req, res); });
  h.Post("/api/logout", Authed([this](const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
    Status s = db->DeleteSession(Sha256Hex(CookieToken(req)));
    if (!s.ok()) return SendError(res, s);
    Audit(u.username, "logout", "");
    res.set_header("Set-Cookie", SessionCookie("", 0, options.behind_tls));
    SendJson(res, {{"ok", true}});
  }));
  h.Get("/api/me", Authed([](const httplib::Request&, httplib::Response& res, const UserRecord& u) {
    json j = {{"username", u.username}, {"role", u.role}, {"scope", u.scope}, {"permissions", Permissions(u.role)}};
    if (u.role == "region") j["scope_name"] = Storage::RegionName(u.scope);
    SendJson(res, j);
  }));

  SettlementRoutes();  // upload, jobs, settlements, re-runs (server_jobs.cc)
  ReportRoutes();      // statements, lines, overview, agreement, economy, audit (routes_reports.cc)

  ServerRouteContext routes;
  routes.http = &h;
  routes.db = db.get();
  routes.agreement = agreement;
  routes.pseudonymizer = pseudonymizer.get();
  routes.authenticate = [this](const httplib::Request& r) { return Authenticate(r); };
  routes.send_table = [this](const httplib::Request& q, httplib::Response& r, const UserRecord& u,
                             const StatusOr<Table>& t, const std::string& n) { SendTable(q, r, u, t, n); };
  routes.fast_password_hash = options.fast_password_hash;
  routes.access = access.get();
  routes.work = work.get();
  routes.upload_limits = UploadLimitsOf(options);
  RegisterCaseRoutes(routes);     // issue 7: pool, sanctions, sharing (routes_cases.cc)
  RegisterBostedRoutes(routes);   // issue 6: bostedslæger (routes_bosted.cc)
  RegisterEconomyRoutes(routes);  // issue 5: ramme from stored settlements, ceilings, quality (routes_economy.cc)
  RegisterLedgerRoutes(routes);   // issue 11: postings, corrections, closings, payment lists (routes_ledger.cc)
  RegisterControlRoutes(routes);  // issue 16: risk-based post-payment control, control cases (routes_control.cc)
  StaticRoutes();  // the OpenAPI document, unknown /api/ paths, the web UI (static_files.cc)
}

// ---- configuration and Serve -------------------------------------------------------------

Status ApplyServeConfig(ServeOptions* o) {
  const ServeOptions d;
  json file = json::object();
  if (!o->config_path.empty()) {
    ALMEN_ASSIGN_OR_RETURN(std::string text, ReadFile(o->config_path));
    file = json::parse(text, nullptr, false);
    if (!file.is_object()) return InvalidInput(o->config_path + ": not a JSON object");
  }
  auto str = [&](const char* env, const char* key, std::string* field, const std::string& dflt) {
    if (*field != dflt) return;
    if (const char* e = std::getenv(env); e && *e) *field = e;
    else if (file.contains(key) && file[key].is_string()) *field = file[key].get<std::string>();
  };
  auto num = [&](const char* env, const char* key, auto* field, auto dflt) {
    if (*field != dflt) return;
    if (const char* e = std::getenv(env); e && *e) *field = static_cast<std::decay_t<decltype(*field)>>(std::atoll(e));
    else if (file.contains(key) && file[key].is_number_integer())
      *field = file[key].get<std::decay_t<decltype(*field)>>();
  };
  str("ALMEN_DB", "db", &o->db, d.db);
  str("ALMEN_HOST", "host", &o->host, d.host);
  num("ALMEN_PORT", "port", &o->port, d.port);
  num("ALMEN_DEMO_LINES", "demo_lines", &o->demo_lines, d.demo_lines);
  num("ALMEN_THREADS", "threads", &o->threads, d.threads);
  str("ALMEN_WORK_DIR", "work_dir", &o->work_dir, d.work_dir);
  str("ALMEN_PUBLIC_ORIGIN", "public_origin", &o->public_origin, d.public_origin);
  num("ALMEN_MAX_UPLOAD_BYTES", "max_upload_bytes", &o->max_upload_bytes, d.max_upload_bytes);
  num("ALMEN_MAX_CONNECTIONS", "max_connections", &o->max_connections, d.max_connections);
  if (!o->behind_tls) {
    if (const char* e = std::getenv("ALMEN_BEHIND_TLS"); e && std::string(e) == "1") o->behind_tls = true;
    else if (file.contains("behind_tls") && file["behind_tls"].is_boolean()) o->behind_tls = file["behind_tls"].get<bool>();
  }
  if (o->max_upload_bytes <= 0) return InvalidInput("max_upload_bytes must be positive");
  if (o->demo) {
    if (const char* e = std::getenv("ALMEN_DEMO"); e && std::string(e) == "0") o->demo = false;
    else if (file.contains("demo") && file["demo"].is_boolean()) o->demo = file["demo"].get<bool>();
  }
  return Status::Ok();
}

Status Serve(const Agreement& agreement, const ServeOptions& given) {
  ServeOptions options = given;
  ALMEN_RETURN_IF_ERROR(ApplyServeConfig(&options));
  // Signals are taken by one thread (sigwait); block them everywhere else.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  ALMEN_ASSIGN_OR_RETURN(auto app, App::Create(agreement, options, Pipeline::Default()));
  ALMEN_RETURN_IF_ERROR(app->Bootstrap());
  ALMEN_ASSIGN_OR_RETURN(int port, app->Bind(options.host, options.port));
  std::fprintf(stderr, "almen serve: listening on http://%s:%d/ (database: %s)\n", options.host.c_str(), port,
               IsPostgresUrl(options.db) ? "postgresql" : (options.db.empty() ? "almen.db" : options.db.c_str()));
  std::thread signals([&app, set] {
    int sig = 0;
    sigwait(&set, &sig);
    std::fprintf(stderr, "almen serve: signal %d: stopping (running imports are rolled back)\n", sig);
    app->Stop();
  });
  signals.detach();
  app->Listen();
  app->Stop();
  std::fprintf(stderr, "almen serve: stopped\n");
  return Status::Ok();
}

}  // namespace almen
