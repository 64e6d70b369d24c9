// The inside of App (app.h), shared by the files that implement it; private
// to src/server/:
//   server.cc          App::Create/Bind/Listen/Stop, sessions and login, the
//                      table sender, the order of the routes, configuration, Serve
//   server_jobs.cc     settlement and re-run jobs, the streamed upload,
//                      /api/settlements, /api/jobs, /api/reruns
//   routes_reports.cc  overview, statements, lines, rejections, providers,
//                      botilbud, agreement, economy, ramme, audit
//   static_files.cc    /api/openapi.json, unknown /api/ paths, the web UI
//   bootstrap.cc       App::Bootstrap: demo data and the first users
// The route groups with their own files (routes_*.cc) get a
// ServerRouteContext (route_context.h) instead of this.
//
// Thread safety: handlers run on cpp-httplib's worker threads; the jobs are
// guarded by jobs_mu, everything else is set up before the server listens.
#pragma once

#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/crypto.h"
#include "ledger/ledger.h"
#include "server/access.h"
#include "server/app.h"
#include "server/http_guard.h"
#include "server/login_guard.h"
#include "server/rerun.h"
#include "server/resumable.h"
#include "server/upload.h"
#include "server/work_dir.h"
#include "storage/storage.h"

namespace almen {

namespace server_internal {

// ISO 8601 UTC, e.g. "2025-03-01T10:00:00Z".
std::string IsoUtc(std::time_t t);
std::string Now();

// What a role may do. Enforced here, in the API; the UI only mirrors it.
enum class Perm : uint8_t {
  kLines,       // line-level rows (drill-down)
  kClinicData,  // statements, providers, overview, rejections, settlements (scoped)
  kUpload,      // POST /api/settlements
  kAudit,       // GET /api/audit
  kBotilbud,    // GET /api/botilbud
};
bool Allowed(const std::string& role, Perm p);
Scope ScopeOf(const UserRecord& u);  // ObjectAccess::ScopeOf

// `bytes` random bytes as hex (session tokens, first passwords).
std::string RandomHex(size_t bytes);

// The upload route's limits: the request on the wire at most
// max_upload_bytes; each file, decompressed, at most 4× that.
UploadLimits UploadLimitsOf(const ServeOptions& o);

}  // namespace server_internal

// A settlement or re-run job, kept in memory (GET /api/jobs).
struct Job {
  int64_t id = 0;
  std::string user, state = "queued", stage, error, created_at;
  double progress = 0;
  std::string kind = "settlement";  // settlement | rerun
  int64_t run_id = 0, lines = 0, duplicates = 0, rerun_id = 0;
  int64_t accepted = 0, rejected = 0, review = 0, amount_ore = 0, posted_ore = 0, corrections = 0;
  bool already_imported = false, providers_checked = true;
  // Upload progress by bytes: received on the wire (compressed, if it was),
  // expected (Content-Length; -1 when chunked), written to disk (decompressed).
  int64_t bytes_received = 0, bytes_expected = -1, bytes_written = 0;
  nlohmann::json files = nlohmann::json::array();  // [{field, name, bytes, received, compression}]
  nlohmann::json ToJson() const {
    using json = nlohmann::json;
    json j = {{"id", id},       {"state", state}, {"stage", stage},       {"progress", progress},
              {"user", user},   {"created_at", created_at}, {"already_imported", already_imported},
              {"lines", lines}, {"duplicates", duplicates}};
    j["kind"] = kind;
    j["accepted"] = accepted;
    j["rejected"] = rejected;
    j["review"] = review;
    j["amount_ore"] = amount_ore;
    j["posted_ore"] = posted_ore;
    j["corrections"] = corrections;
    j["providers_checked"] = providers_checked;
    j["run_id"] = run_id ? json(run_id) : json(nullptr);
    if (kind == "rerun") j["rerun_id"] = rerun_id ? json(rerun_id) : json(nullptr);
    j["error"] = error.empty() ? json(nullptr) : json(error);
    j["bytes_received"] = bytes_received;
    j["bytes_expected"] = bytes_expected >= 0 ? json(bytes_expected) : json(nullptr);
    j["bytes_written"] = bytes_written;
    j["files"] = files;
    return j;
  }
};

struct App::Impl {
  const Agreement* agreement = nullptr;
  ServeOptions options;
  Pipeline pipeline;
  std::unique_ptr<Storage> db;
  std::unique_ptr<Pseudonymizer> pseudonymizer;
  std::unique_ptr<WorkDir> work;
  std::unique_ptr<GuardedServer> http;
  std::unique_ptr<ResumableUploads> resumable;  // pieces of uploads sent with PATCH (resumable.h)
  std::unique_ptr<ObjectAccess> access;
  LoginThrottle login_throttle;
  std::unique_ptr<FailedLoginLog> failed_logins;
  std::string dummy_hash;  // verified for unknown user names (same cost as a real one)

  std::mutex jobs_mu;
  std::map<int64_t, Job> jobs;
  int64_t next_job = 1;
  std::vector<std::thread> workers;
  std::atomic<bool> cancel{false};
  std::atomic<bool> stopping{false}, listen_called{false}, listen_returned{false};
  // Maintenance (expired sessions, the failed-login summary), every few minutes.
  std::thread maintenance;
  std::mutex maintenance_mu;
  std::condition_variable maintenance_cv;

  // -- helpers (server.cc)
  void Audit(const std::string& user, const std::string& action, const std::string& detail);
  StatusOr<UserRecord> Authenticate(const httplib::Request& req);
  void PurgeSessions();
  using Handler = std::function<void(const httplib::Request&, httplib::Response&, const UserRecord&)>;
  // Wraps a handler: authentication, exceptions → 500, Status → HTTP.
  httplib::Server::Handler Authed(Handler h);
  using UploadHandler = std::function<void(const httplib::Request&, httplib::Response&, const httplib::ContentReader&,
                                           const UserRecord&)>;
  // The same for a route whose body is streamed (an upload): authentication
  // before a byte of the body is read.
  httplib::Server::HandlerWithContentReader AuthedUpload(UploadHandler h);
  // Keeps the rows of a run (or re-run) table whose object the user may see
  // (access.h): a scoped user sees the runs that hold its clinics' data.
  StatusOr<Table> Visible(const UserRecord& u, StatusOr<Table> t, ObjectKind kind);
  // false (and 403 sent) when the user's role lacks `p`.
  bool Require(httplib::Response& res, const UserRecord& u, server_internal::Perm p);
  // Sends a table as JSON, or as CSV/XLSX with ?format= (audited as an export).
  void SendTable(const httplib::Request& req, httplib::Response& res, const UserRecord& u, const StatusOr<Table>& t,
                 const std::string& name, nlohmann::json extra = nlohmann::json::object());

  // -- routes, in the order they are registered (Routes(), server.cc)
  void Routes();
  void Login(const httplib::Request& req, httplib::Response& res);
  void SettlementRoutes();  // server_jobs.cc
  void ReportRoutes();      // routes_reports.cc
  void StaticRoutes();      // static_files.cc: after every API route

  // -- jobs (server_jobs.cc)
  void Upload(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader,
              const UserRecord& u);
  int64_t NewJob(const UserRecord& u, const std::string& kind);
  // A job's progress (stage, fraction) and its work on the job's thread (server_jobs.cc).
  using JobProgress = std::function<void(const std::string&, double)>;
  using JobWork = std::function<Status(const JobProgress&)>;
  void SetJob(int64_t id, const std::function<void(Job&)>& f);
  void SpawnJob(int64_t id, std::string folder, JobWork job, std::function<void(const Status&)> finish);
  void StartJob(const UserRecord& u, std::filesystem::path dir, std::vector<ImportInput> inputs,
                SettleOptions settle_options, nlohmann::json options_json, std::string source, httplib::Response& res,
                int64_t job_id = 0);
  StatusOr<LedgerRunResult> SettleAndImport(const std::filesystem::path& dir, const std::vector<ImportInput>& inputs,
                                            SettleOptions settle_options, const nlohmann::json& options_json,
                                            const std::string& user, const std::string& source,
                                            const std::function<void(const std::string&, double)>& progress);
  void StartRerunJob(const UserRecord& u, RerunRequest rq, httplib::Response& res);

  // -- reports (routes_reports.cc)
  nlohmann::json Overview(const UserRecord& u, const std::string& year_param, Status* st);
};

}  // namespace almen
