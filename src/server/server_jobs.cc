// Settlement and re-run jobs (app_impl.h): the streamed upload, the job that
// settles the files into the ledger (ledger/ledger.h) or re-runs a stored run
// (rerun.h), and their routes: POST/GET /api/settlements, /api/jobs,
// POST /api/settlements/{id}/rerun, /api/reruns.
#include <algorithm>
#include <charconv>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

#include "common/json_text.h"
#include "ledger/ledger.h"
#include "server/app_impl.h"
#include "server/job_priority.h"
#include "server/respond.h"
#include "server/routes_bosted.h"
#include "server/routes_uploads.h"
#include "storage/cases_store.h"
#include "storage/reruns.h"

namespace almen {

namespace fs = std::filesystem;
using json = nlohmann::json;
using server_internal::Now;
using server_internal::Perm;
using server_internal::ScopeOf;
using server_internal::UploadLimitsOf;

// ---- jobs -------------------------------------------------------------------------


StatusOr<LedgerRunResult> App::Impl::SettleAndImport(const fs::path& dir, const std::vector<ImportInput>& inputs,
                                                     SettleOptions so, const json& options_json, const std::string& user,
                                                     const std::string& source,
                                                     const std::function<void(const std::string&, double)>& progress) {
  // The ledger settles the file against the stored registers and history and
  // commits the run with its postings and sealed inputs (ledger/ledger.h).
  LedgerRunRequest rq;
  rq.inputs = inputs;
  rq.settle = so;
  rq.options_json = options_json;
  rq.user = user;
  rq.source = source;
  rq.now = Now();
  rq.work_dir = dir.string();
  rq.require_providers = true;
  RegisterReaders readers;
  readers.bosted_csv = [](SqlConnection& c) { return StoredBostedCsv(c); };
  readers.sanctions = [](SqlConnection& c) { return StoredSanctionRows(c); };
  return SettleIntoLedger(*db, *agreement, *pseudonymizer, readers, rq, &cancel, progress);
}

void App::Impl::SetJob(int64_t id, const std::function<void(Job&)>& f) {
  std::lock_guard l(jobs_mu);
  f(jobs[id]);
}

// A job's thread: its priority lowered (job_priority.h), "running", its stage
// and progress from `job`, an exception as an internal error, its folder
// removed before the job says it has ended (files with CPR numbers in clear),
// `finish` with the outcome of `job` (results, audit), then its end state.
void App::Impl::SpawnJob(int64_t id, std::string folder, JobWork job, std::function<void(const Status&)> finish) {
  std::lock_guard lock(jobs_mu);
  workers.emplace_back([this, id, folder = std::move(folder), job = std::move(job), finish = std::move(finish)] {
    LowerJobPriority();
    ScopedDir dir(folder);
    SetJob(id, [](Job& j) { j.state = "running"; });
    Status st;
    try {
      st = job([&](const std::string& stage, double f) {
        SetJob(id, [&](Job& j) {
          j.stage = stage;
          j.progress = f;
        });
      });
    } catch (const std::exception& e) {
      st = Internal(std::string("internal error: ") + e.what());
    }
    dir = ScopedDir();
    finish(st);  // the job's results first: a client that sees "done" finds them
    if (st.ok()) {
      SetJob(id, [](Job& j) {
        j.state = "done";
        j.stage = "done";
        j.progress = 1.0;
      });
    } else {
      SetJob(id, [&](Job& j) {
        j.state = cancel ? "cancelled" : "failed";
        j.error = st.message();
      });
    }
  });
}

void App::Impl::StartRerunJob(const UserRecord& u, RerunRequest rq, httplib::Response& res) {
  const int64_t id = NewJob(u, "rerun");
  SetJob(id, [&](Job& j) { j.run_id = rq.run_id; });
  rq.user = u.username;
  auto rerun_id = std::make_shared<int64_t>(0);
  const std::string folder = rq.replacement_dir;  // uploaded replacement files
  SpawnJob(
      id, folder,
      [this, rq, rerun_id](const JobProgress& progress) -> Status {
        RerunRequest r = rq;
        r.now = Now();
        r.work_dir = work->path();
        ALMEN_ASSIGN_OR_RETURN(*rerun_id, RerunAndDiff(*db, *agreement, *pseudonymizer, pipeline, r, &cancel, progress));
        return Status::Ok();
      },
      [this, id, rq, rerun_id](const Status& st) {
        if (!st.ok()) {
          Audit(rq.user, "settlement.rerun_failed", "run " + std::to_string(rq.run_id) + ": " + st.message());
          return;
        }
        SetJob(id, [&](Job& j) { j.rerun_id = *rerun_id; });
        Audit(rq.user, "settlement.rerun",
              "run " + std::to_string(rq.run_id) + " rerun " + std::to_string(*rerun_id) + " agreement " +
                  (rq.original_agreement ? "original" : "current"));
      });
  SendJson(res, {{"job_id", id}, {"state", "queued"}, {"href", "/api/jobs/" + std::to_string(id)}}, 202);
}

int64_t App::Impl::NewJob(const UserRecord& u, const std::string& kind) {
  std::lock_guard lock(jobs_mu);
  const int64_t id = next_job++;
  Job job;
  job.id = id;
  job.kind = kind;
  job.user = u.username;
  job.created_at = Now();
  jobs[id] = job;
  return id;
}

void App::Impl::StartJob(const UserRecord& u, fs::path dir, std::vector<ImportInput> inputs, SettleOptions so,
                         json options_json, std::string source, httplib::Response& res, int64_t job_id) {
  const int64_t id = job_id ? job_id : NewJob(u, "settlement");
  const std::string user = u.username;
  auto result = std::make_shared<LedgerRunResult>();
  // The job's folder: uploaded files with CPR numbers in clear, the settlement's outputs.
  SpawnJob(
      id, dir.string(),
      [this, dir, inputs, so, options_json, source, user, result](const JobProgress& progress) -> Status {
        ALMEN_ASSIGN_OR_RETURN(*result, SettleAndImport(dir, inputs, so, options_json, user, source, progress));
        return Status::Ok();
      },
      [this, id, user, result](const Status& st) {
        if (!st.ok()) {
          Audit(user, "settlement.failed", st.message());
          return;
        }
        const LedgerRunResult& r = *result;
        SetJob(id, [&](Job& j) {
          j.run_id = r.run_id;
          j.already_imported = r.already_imported;
          j.lines = r.lines;
          j.duplicates = r.duplicates;
          j.accepted = r.accepted;
          j.rejected = r.rejected;
          j.review = r.review;
          j.amount_ore = r.amount_ore;
          j.posted_ore = r.posted_ore;
          j.corrections = r.corrections;
          j.providers_checked = r.providers_checked;
        });
        Audit(user, r.already_imported ? "settlement.reimport_noop" : "settlement.import",
              "run " + std::to_string(r.run_id) + " lines=" + std::to_string(r.lines) +
                  " duplicates=" + std::to_string(r.duplicates));
      });
  SendJson(res, {{"job_id", id}, {"state", "queued"}, {"href", "/api/jobs/" + std::to_string(id)}}, 202);
}

// ---- the upload --------------------------------------------------------------------

// POST /api/settlements: the files stream into a private folder as they
// arrive (upload.h); the job exists from the first byte, so its bytes can be
// followed (GET /api/jobs), and ends in StartJob with the files on disk.
void App::Impl::Upload(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader,
                       const UserRecord& u) {
  if (!Require(res, u, Perm::kUpload)) return;
  auto dir = work->NewDir("upload");
  if (!dir.ok()) return SendError(res, dir.status());
  const int64_t id = NewJob(u, "settlement");
  int64_t expected = -1;
  if (req.has_header("Content-Length")) {
    const std::string v = req.get_header_value("Content-Length");
    std::from_chars(v.data(), v.data() + v.size(), expected);
  }
  auto set = [&](auto f) {
    std::lock_guard l(jobs_mu);
    f(jobs[id]);
  };
  set([&](Job& j) {
    j.state = "receiving";
    j.stage = "upload";
    j.bytes_expected = expected;
  });
  UploadReceiver rx(dir->path(), {"claims", "providers", "listings", "botilbud", "attachments"},
                    UploadLimitsOf(options), [&](uint64_t received, uint64_t written) {
                      set([&](Job& j) {
                        j.bytes_received = static_cast<int64_t>(std::max(received, CurrentBodyBytes()));
                        j.bytes_written = static_cast<int64_t>(written);
                        if (j.bytes_expected > 0)
                          j.progress = std::min(1.0, static_cast<double>(j.bytes_received) / j.bytes_expected);
                      });
                    });
  bool transfer_ok = true;
  Status delivered;
  if (HasMediaType(req, "application/json")) {
    // {"uploads": {"claims": id, …}}: files sent earlier in pieces (resumable.h).
    std::string text;
    transfer_ok = reader([&](const char* d, size_t n) {
      text.append(d, n);
      return text.size() <= (64u << 10);
    });
    auto body = JsonObject(text);
    std::map<std::string, std::string> ids;
    if (!body.ok()) {
      delivered = body.status();
    } else if (!body->contains("uploads") || !(*body)["uploads"].is_object()) {
      delivered = InvalidInput("Angiv overførslerne som {\"uploads\": {\"claims\": \"<id>\", …}}.");
    } else {
      for (auto it = (*body)["uploads"].begin(); it != (*body)["uploads"].end(); ++it)
        if (it.value().is_string()) ids[it.key()] = it.value().get<std::string>();
        else delivered = InvalidInput("Overførslen til " + CleanText(it.key(), 40) + " skal angives med sit id.");
    }
    if (delivered.ok() && transfer_ok) delivered = resumable->Deliver(u.username, ids, rx);
  } else if (req.is_multipart_form_data()) {
    transfer_ok = reader([&](const httplib::MultipartFormData& f) { return rx.BeginPart(f.name, f.filename); },
                         [&](const char* d, size_t n) { return rx.Write(d, n); });
  } else {
    rx.BeginRaw("claims", req.has_param("name") ? req.get_param_value("name") : "claims.csv");
    transfer_ok = reader([&](const char* d, size_t n) { return rx.Write(d, n); });
  }
  Status s = delivered.ok() ? rx.Finish(transfer_ok) : delivered;
  std::vector<ImportInput> inputs;
  json files = json::array();
  for (const UploadedFile& f : rx.files()) {
    inputs.push_back({f.field, f.name, f.path});
    files.push_back({{"field", f.field}, {"name", f.name}, {"bytes", f.bytes}, {"received", f.received},
                     {"compression", f.compression.empty() ? json(nullptr) : json(f.compression)}});
  }
  bool has_claims = std::any_of(inputs.begin(), inputs.end(), [](const auto& i) { return i.kind == "claims"; });
  if (s.ok() && !has_claims) s = InvalidInput("upload a claims CSV (request body, or multipart field 'claims')");
  set([&](Job& j) {
    j.files = files;
    j.bytes_received = static_cast<int64_t>(std::max(rx.received(), CurrentBodyBytes()));
    j.bytes_written = static_cast<int64_t>(rx.written());
  });
  if (!s.ok()) {
    set([&](Job& j) {
      j.state = "failed";
      j.error = s.message();
    });
    Audit(u.username, "settlement.upload_refused", CleanText(s.message(), 300));
    return SendError(res, s);  // the folder goes with `dir`
  }
  SettleOptions so;
  json oj = {{"price_level", "regulated"}};
  if (req.get_param_value("price_level") == "apr-24") {
    so.price_level_apr24 = true;
    oj["price_level"] = "apr-24";
  }
  std::string names;
  for (const auto& in : inputs) names += " " + in.kind + "=" + in.name;
  Audit(u.username, "settlement.upload", std::to_string(inputs.size()) + " file(s)" + names + " bytes=" +
                                             std::to_string(rx.written()));
  set([](Job& j) {
    j.state = "queued";
    j.progress = 0;
  });
  StartJob(u, dir->Release(), inputs, so, oj, "upload", res, id);  // the job owns the folder now
}

// ---- routes ------------------------------------------------------------------------

void App::Impl::SettlementRoutes() {
  GuardedServer& h = *http;
  UploadRouteDeps upload_deps;
  upload_deps.authed = [this](UploadRouteDeps::Handler f) { return Authed(std::move(f)); };
  upload_deps.authed_upload = [this](UploadRouteDeps::ReaderHandler f) { return AuthedUpload(std::move(f)); };
  upload_deps.may_upload = [this](httplib::Response& res, const UserRecord& u) { return Require(res, u, Perm::kUpload); };
  upload_deps.audit = [this](const std::string& user, const std::string& action, const std::string& detail) {
    Audit(user, action, detail);
  };
  RegisterResumableRoutes(h, *resumable, upload_deps);
  h.Post("/api/settlements",
            AuthedUpload([this](const httplib::Request& req, httplib::Response& res,
                                const httplib::ContentReader& reader, const UserRecord& u) { Upload(req, res, reader, u); }));
  h.Get("/api/jobs", Authed([this](const httplib::Request&, httplib::Response& res, const UserRecord& u) {
    json rows = json::array();
    std::lock_guard lock(jobs_mu);
    for (auto it = jobs.rbegin(); it != jobs.rend() && rows.size() < 100; ++it)
      if (it->second.user == u.username || u.role == "rltn") rows.push_back(it->second.ToJson());
    SendJson(res, {{"rows", rows}});
  }));
  h.Get(R"(/api/jobs/(\d+))", Authed([this](const httplib::Request& req, httplib::Response& res,
                                                 const UserRecord& u) {
    auto id = PathId(req);
    if (!id.ok()) return SendError(res, id.status());
    std::lock_guard lock(jobs_mu);
    auto it = jobs.find(*id);
    if (it == jobs.end() || (it->second.user != u.username && u.role != "rltn"))
      return SendError(res, NotFound("no job " + std::to_string(*id)));
    SendJson(res, it->second.ToJson());
  }));
  h.Get("/api/settlements", Authed([this](const httplib::Request& req, httplib::Response& res,
                                             const UserRecord& u) {
    if (!Require(res, u, Perm::kClinicData)) return;
    SendTable(req, res, u, Visible(u, db->Runs(ScopeOf(u)), ObjectKind::kRun), "settlements");
  }));
  h.Get(R"(/api/settlements/(\d+))", Authed([this](const httplib::Request& req, httplib::Response& res,
                                                        const UserRecord& u) {
    if (!Require(res, u, Perm::kClinicData)) return;
    auto id = PathId(req);
    if (!id.ok()) return SendError(res, id.status());
    if (Status may = access->Check(u, ObjectKind::kRun, *id, Act::kRead); !may.ok()) return SendError(res, may);
    auto r = db->Run(*id, ScopeOf(u));
    if (!r.ok()) return SendError(res, r.status());
    json out = *r;
    // The input files' sizes and row counts are national figures.
    if (ScopeOf(u).kind != Scope::Kind::kAll && out.contains("files"))
      for (auto& f : out["files"]) {
        f.erase("bytes");
        f.erase("rows");
      }
    auto kinds = SealedInputKinds(*db, out.value("claims_sha256", ""));
    if (!kinds.ok()) return SendError(res, kinds.status());
    out["kept_inputs"] = *kinds;
    out["rerunnable"] = std::find(kinds->begin(), kinds->end(), "claims") != kinds->end();
    SendJson(res, out);
  }));

  // -- re-runs and diffs (rerun.h)
  h.Post(R"(/api/settlements/(\d+)/rerun)",
            AuthedUpload([this](const httplib::Request& req, httplib::Response& res,
                                const httplib::ContentReader& reader, const UserRecord& u) {
    if (!Require(res, u, Perm::kUpload)) return;
    RerunRequest rq;
    auto id = PathId(req);
    if (!id.ok()) return SendError(res, id.status());
    rq.run_id = *id;
    std::string mode = req.has_param("agreement") ? req.get_param_value("agreement") : "current";
    // Corrected reference files (multipart) stream into a private folder the
    // job removes when it ends; a JSON body is small.
    auto dir = work->NewDir("rerun-upload");
    if (!dir.ok()) return SendError(res, dir.status());
    UploadReceiver rx(dir->path(), {"providers", "listings", "botilbud", "attachments", "sanctions"},
                      UploadLimitsOf(options));
    std::string json_body;
    bool transfer_ok = true, claims_given = false;
    if (req.is_multipart_form_data()) {
      transfer_ok = reader(
          [&](const httplib::MultipartFormData& f) {
            if (f.name == "claims") claims_given = true;
            return !claims_given && rx.BeginPart(f.name, f.filename);
          },
          [&](const char* d, size_t n) { return rx.Write(d, n); });
      if (claims_given)
        return SendError(res, InvalidInput("a re-run settles the run's own claim file; upload a new file instead"));
    } else if (HasMediaType(req, "application/json")) {
      transfer_ok = reader([&](const char* d, size_t n) {
        if (json_body.size() + n > http->options().max_json_body) return false;
        json_body.append(d, n);
        return true;
      });
      if (!transfer_ok) return SendHttpError(res, 413, "forespørgslens JSON er for stor");
      if (!json_body.empty()) {
        auto b = JsonObject(json_body);
        if (!b.ok()) return SendError(res, b.status());
        if (b->contains("agreement") && (*b)["agreement"].is_string()) mode = (*b)["agreement"].get<std::string>();
      }
    }
    Status received = rx.Finish(transfer_ok);
    if (!received.ok()) return SendError(res, received);
    if (mode != "current" && mode != "original")
      return SendError(res, InvalidInput("agreement must be 'current' or 'original'"));
    rq.original_agreement = mode == "original";
    const std::string registers = req.has_param("registers") ? req.get_param_value("registers") : "kept";
    if (registers != "kept" && registers != "stored")
      return SendError(res, InvalidInput("registers must be 'kept' or 'stored'"));
    rq.current_registers = registers == "stored";
    auto run = db->Run(rq.run_id, Scope{});
    if (!run.ok()) return SendError(res, run.status());
    auto kinds = SealedInputKinds(*db, run->value("claims_sha256", ""));
    if (!kinds.ok()) return SendError(res, kinds.status());
    if (std::find(kinds->begin(), kinds->end(), "claims") == kinds->end())
      return SendError(res, Conflict("run " + std::to_string(rq.run_id) +
                                     " cannot be re-run: its input files were not kept (imported before re-runs "
                                     "existed)"));
    for (const UploadedFile& f : rx.files()) rq.replacements[f.field] = f.path;
    std::string replaced;
    for (const auto& [kind, path] : rq.replacements) replaced += " " + kind;
    Audit(u.username, "settlement.rerun_start",
          "run " + std::to_string(rq.run_id) + " agreement " + mode + " registers " + registers +
              (replaced.empty() ? "" : " replaced:" + replaced));
    if (!rq.replacements.empty()) rq.replacement_dir = dir->Release();  // the job owns it now
    StartRerunJob(u, rq, res);
  }));
  h.Get("/api/reruns", Authed([this](const httplib::Request& req, httplib::Response& res,
                                        const UserRecord& u) {
    if (!Require(res, u, Perm::kClinicData)) return;
    SendTable(req, res, u, Visible(u, Reruns(*db, ScopeOf(u), QueryInt(req, "run_id", 0)), ObjectKind::kRerun),
              "genberegninger");
  }));
  // A re-run the user may read, by the id in the path: its summary, or an error sent.
  auto readable_rerun = [this](const httplib::Request& req, httplib::Response& res,
                               const UserRecord& u) -> std::optional<std::pair<int64_t, json>> {
    auto id = PathId(req);
    Status st = id.status();
    if (st.ok()) st = access->Check(u, ObjectKind::kRerun, *id, Act::kRead);
    StatusOr<json> r = st.ok() ? Rerun(*db, ScopeOf(u), *id) : StatusOr<json>(st);
    if (!r.ok()) {
      SendError(res, r.status());
      return std::nullopt;
    }
    return std::pair<int64_t, json>{*id, std::move(*r)};
  };
  h.Get(R"(/api/reruns/(\d+))", Authed([this, readable_rerun](const httplib::Request& req, httplib::Response& res,
                                                                const UserRecord& u) {
    if (!Require(res, u, Perm::kClinicData)) return;
    if (auto r = readable_rerun(req, res, u)) SendJson(res, r->second);
  }));
  h.Get(R"(/api/reruns/(\d+)/lines)", Authed([this, readable_rerun](const httplib::Request& req,
                                                                      httplib::Response& res, const UserRecord& u) {
    if (!Require(res, u, Perm::kLines)) return;
    auto r = readable_rerun(req, res, u);
    if (!r) return;
    SendTable(req, res, u,
              RerunLines(*db, ScopeOf(u), r->first, req.get_param_value("provider"), QueryInt(req, "limit", 100),
                         QueryInt(req, "offset", 0)),
              "genberegning_linjer");
  }));
  h.Get(R"(/api/reruns/(\d+)/statements)", Authed([this, readable_rerun](const httplib::Request& req,
                                                                           httplib::Response& res,
                                                                           const UserRecord& u) {
    if (!Require(res, u, Perm::kClinicData)) return;
    auto r = readable_rerun(req, res, u);
    if (!r) return;
    SendTable(req, res, u, RerunStatements(*db, ScopeOf(u), r->first, req.get_param_value("provider")),
              "genberegning_specifikation");
  }));
}

}  // namespace almen
