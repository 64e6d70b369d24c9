// Routes for the lægedækningspulje, the LSU sanctions register, employments,
// data-sharing blocks and the IT/Partsforum budgets (routes_cases.h). Each
// route checks the role (cases/roles.h) before it reads the request, parses
// it, checks object-level access (access.h) where a path names an object,
// calls one workflow of cases/service.h and answers through respond.h.
#include "server/routes_cases.h"

#include <sodium.h>

#include <ctime>
#include <memory>
#include <mutex>
#include <optional>

#include <nlohmann/json.hpp>

#include "cases/service.h"
#include "claims/cpr.h"
#include "common/utc_time.h"
#include "server/access.h"
#include "server/respond.h"

namespace almen {

namespace {

using json = nlohmann::json;

Date TodayOf(const std::string& now) { return Date::Parse(now.substr(0, 10)).value_or(Date()); }

void Send(httplib::Response& res, const json& j, int status = 200) { SendJson(res, j, status); }

// ---- small JSON body helpers (errors name the field) ----------------------------

StatusOr<json> Body(const httplib::Request& req) { return JsonObject(req.body); }
StatusOr<std::string> Str(const json& b, const char* key, bool required = true) {
  if (!b.contains(key) || b[key].is_null()) {
    if (required) return InvalidInput(std::string(key) + " is required");
    return std::string();
  }
  if (!b[key].is_string()) return InvalidInput(std::string(key) + " must be a string");
  std::string s = b[key].get<std::string>();
  if (required && s.empty()) return InvalidInput(std::string(key) + " is required");
  return s;
}
StatusOr<int64_t> Int(const json& b, const char* key, bool required = true, int64_t dflt = 0) {
  if (!b.contains(key) || b[key].is_null()) {
    if (required) return InvalidInput(std::string(key) + " is required");
    return dflt;
  }
  if (!b[key].is_number_integer()) return InvalidInput(std::string(key) + " must be a whole number (øre for amounts)");
  return b[key].get<int64_t>();
}
// An optional whole number: nullopt when absent.
StatusOr<std::optional<int64_t>> OptInt(const json& b, const char* key) {
  if (!b.contains(key) || b[key].is_null()) return std::optional<int64_t>();
  ALMEN_ASSIGN_OR_RETURN(int64_t v, Int(b, key));
  return std::optional<int64_t>(v);
}
StatusOr<Date> DateField(const json& b, const char* key, bool required = true, Date dflt = Date::Max()) {
  ALMEN_ASSIGN_OR_RETURN(std::string s, Str(b, key, required));
  if (s.empty()) return dflt;
  auto d = Date::Parse(s);
  if (!d) return InvalidInput(std::string(key) + ": '" + s + "' is not a valid date (YYYY-MM-DD)");
  return *d;
}
bool BoolField(const json& b, const char* key) { return b.contains(key) && b[key].is_boolean() && b[key].get<bool>(); }
StatusOr<bool> RequiredBool(const json& b, const char* key) {
  if (!b.contains(key) || !b[key].is_boolean()) return InvalidInput(std::string(key) + " (true/false) is required");
  return b[key].get<bool>();
}

// ---- the routes ---------------------------------------------------------------------

class CaseRoutes {
 public:
  explicit CaseRoutes(ServerRouteContext ctx)
      : ctx_(std::move(ctx)), cases_(*ctx_.db, *ctx_.agreement, ctx_.fast_password_hash) {}
  void Register();

 private:
  using H = std::function<Status(const httplib::Request&, httplib::Response&, const UserRecord&)>;
  // Authentication, exceptions → 500, Status → HTTP.
  httplib::Server::Handler Authed(H h) {
    return [this, h](const httplib::Request& req, httplib::Response& res) {
      try {
        auto u = ctx_.authenticate(req);
        if (!u.ok()) return SendError(res, u.status());
        Status s = h(req, res, *u);
        if (!s.ok()) SendError(res, s);
      } catch (const std::exception& e) {
        SendError(res, Internal(std::string("internal error: ") + e.what()));
      }
    };
  }
  // JSON, or CSV/XLSX with ?format= (the server's table sender; audited).
  void SendTable(const httplib::Request& req, httplib::Response& res, const UserRecord& u, const StatusOr<Table>& t,
                 const std::string& name) {
    ctx_.send_table(req, res, u, t, name);
  }
  // The CPR is read, checked and pseudonymised here and nowhere else; it is
  // not kept, logged or repeated in an error.
  StatusOr<Pseudonym> PseudonymOf(const json& body) {
    if (!body.contains("cpr") || !body["cpr"].is_string()) return InvalidInput("cpr is required");
    CprResult r = ParseCpr(body["cpr"].get_ref<const std::string&>());
    if (!r.info) return InvalidInput("cpr: " + std::string(r.error.empty() ? "not a valid CPR number" : r.error));
    Pseudonym p = ctx_.pseudonymizer->Of(std::string_view(r.info->digits, 10));
    sodium_memzero(r.info->digits, sizeof r.info->digits);
    return p;
  }

  // pool
  Status CreateCall(const httplib::Request&, httplib::Response&, const UserRecord&);
  Status ListCalls(const httplib::Request&, httplib::Response&, const UserRecord&);
  Status AppointMember(const httplib::Request&, httplib::Response&, const UserRecord&);
  Status ListCommittee(const httplib::Request&, httplib::Response&, const UserRecord&);
  Status Apply(const httplib::Request&, httplib::Response&, const UserRecord&);
  Status ListApplications(const httplib::Request&, httplib::Response&, const UserRecord&);
  Status GetApplication(const httplib::Request&, httplib::Response&, const UserRecord&);
  Status Score(const httplib::Request&, httplib::Response&, const UserRecord&);
  Status Recommend(const httplib::Request&, httplib::Response&, const UserRecord&);
  Status Decide(const httplib::Request&, httplib::Response&, const UserRecord&);
  Status Pay(const httplib::Request&, httplib::Response&, const UserRecord&);
  Status RequestReport(const httplib::Request&, httplib::Response&, const UserRecord&);
  Status ReceiveReport(const httplib::Request&, httplib::Response&, const UserRecord&);
  Status Evaluate(const httplib::Request&, httplib::Response&, const UserRecord&);
  Status GetEvaluation(const httplib::Request&, httplib::Response&, const UserRecord&);
  // sanctions and employment
  Status ListSanctions(const httplib::Request&, httplib::Response&, const UserRecord&);
  Status AddSanctions(const httplib::Request&, httplib::Response&, const UserRecord&);
  Status SanctionEffect(const httplib::Request&, httplib::Response&, const UserRecord&);
  Status ListEmployments(const httplib::Request&, httplib::Response&, const UserRecord&);
  Status AddEmployment(const httplib::Request&, httplib::Response&, const UserRecord&);
  Status CheckEmployment(const httplib::Request&, httplib::Response&, const UserRecord&);
  // sharing and budgets
  Status AddBlock(const httplib::Request&, httplib::Response&, const UserRecord&);
  Status RevokeBlock(const httplib::Request&, httplib::Response&, const UserRecord&);
  Status ListBlocks(const httplib::Request&, httplib::Response&, const UserRecord&);
  Status CheckSharing(const httplib::Request&, httplib::Response&, const UserRecord&);
  Status SharingLog(const httplib::Request&, httplib::Response&, const UserRecord&);
  Status Budgets(const httplib::Request&, httplib::Response&, const UserRecord&);
  Status Spend(const httplib::Request&, httplib::Response&, const UserRecord&);

  ServerRouteContext ctx_;
  CaseService cases_;
};

// ---- pool: calls and committee -------------------------------------------------------

Status CaseRoutes::CreateCall(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kOpenCall));
  ALMEN_ASSIGN_OR_RETURN(json b, Body(req));
  PoolCallRequest r;
  ALMEN_ASSIGN_OR_RETURN(r.name, Str(b, "name"));
  ALMEN_ASSIGN_OR_RETURN(r.year, Int(b, "year", false, 2025));
  ALMEN_ASSIGN_OR_RETURN(Money pool, cases_.PoolBudget(r.year));
  ALMEN_ASSIGN_OR_RETURN(r.budget_ore, Int(b, "budget_ore", false, pool.ore()));
  ALMEN_ASSIGN_OR_RETURN(r.opens, DateField(b, "opens"));
  ALMEN_ASSIGN_OR_RETURN(r.closes, DateField(b, "closes"));
  ALMEN_ASSIGN_OR_RETURN(int64_t id, cases_.CreateCall(u, r, UtcTimestamp()));
  Send(res, {{"id", id}, {"budget_ore", r.budget_ore}}, 201);
  return Status::Ok();
}

Status CaseRoutes::ListCalls(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kSeePool));
  SendTable(req, res, u, cases_.Calls(u), "pool-calls");
  return Status::Ok();
}

Status CaseRoutes::AppointMember(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kAppointMember));
  ALMEN_ASSIGN_OR_RETURN(json b, Body(req));
  CommitteeMemberRequest r;
  ALMEN_ASSIGN_OR_RETURN(r.username, Str(b, "username"));
  ALMEN_ASSIGN_OR_RETURN(r.password, Str(b, "password"));
  ALMEN_ASSIGN_OR_RETURN(r.party, Str(b, "party"));
  ALMEN_ASSIGN_OR_RETURN(r.region_code, Str(b, "region_code", false));
  ALMEN_RETURN_IF_ERROR(cases_.AppointMember(u, r, UtcTimestamp()));
  Send(res, {{"username", r.username}, {"party", r.party}, {"region_code", r.region_code}}, 201);
  return Status::Ok();
}

Status CaseRoutes::ListCommittee(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kSeePool));
  SendTable(req, res, u, cases_.Committee(u), "pool-committee");
  return Status::Ok();
}

// ---- pool: applications ----------------------------------------------------------------

Status CaseRoutes::Apply(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kApply));
  ALMEN_ASSIGN_OR_RETURN(json b, Body(req));
  PoolApplicationRequest r;
  ALMEN_ASSIGN_OR_RETURN(r.call_id, Int(b, "call_id"));
  ALMEN_ASSIGN_OR_RETURN(std::string region, Str(b, "region_code", u.role != "region"));
  ALMEN_ASSIGN_OR_RETURN(r.region_code, ActingFor(u, "region", region, "a region applies for itself only"));
  ALMEN_ASSIGN_OR_RETURN(r.project_type, Str(b, "project_type"));
  ALMEN_ASSIGN_OR_RETURN(r.title, Str(b, "title"));
  ALMEN_ASSIGN_OR_RETURN(r.area, Str(b, "area"));
  ALMEN_ASSIGN_OR_RETURN(r.amount_ore, Int(b, "amount_ore"));
  ALMEN_ASSIGN_OR_RETURN(r.cofinancing_ore, Int(b, "cofinancing_ore", false, 0));
  if (b.contains("partners")) {
    if (!b["partners"].is_array()) return InvalidInput("partners must be an array of {type, name}");
    for (const auto& p : b["partners"]) {
      if (!p.is_object() || !p.contains("type") || !p["type"].is_string() || !p.contains("name") ||
          !p["name"].is_string() || p["name"].get<std::string>().empty())
        return InvalidInput("each partner needs a type and a name");
      r.partners.push_back({p["type"].get<std::string>(), p["name"].get<std::string>()});
    }
  }
  ALMEN_ASSIGN_OR_RETURN(int64_t id, cases_.Apply(u, r, UtcTimestamp()));
  Send(res, {{"id", id}, {"status", "submitted"}}, 201);
  return Status::Ok();
}

Status CaseRoutes::ListApplications(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kSeePool));
  std::optional<int64_t> call;
  if (req.has_param("call")) {
    try {
      call = static_cast<int64_t>(std::stoll(req.get_param_value("call")));
    } catch (...) {
      return InvalidInput("call must be a number");
    }
  }
  SendTable(req, res, u, cases_.Applications(u, call), "pool-applications");
  return Status::Ok();
}

Status CaseRoutes::GetApplication(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kSeePool));
  ALMEN_ASSIGN_OR_RETURN(int64_t id, PathId(req));
  ALMEN_RETURN_IF_ERROR(ctx_.access->Check(u, ObjectKind::kPoolApplication, id, Act::kRead));
  ALMEN_ASSIGN_OR_RETURN(json a, cases_.Application(u, id));
  Send(res, a);
  return Status::Ok();
}

Status CaseRoutes::Score(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kScore));
  ALMEN_ASSIGN_OR_RETURN(int64_t id, PathId(req));
  ALMEN_ASSIGN_OR_RETURN(json b, Body(req));
  ScoreRequest r;
  ALMEN_ASSIGN_OR_RETURN(r.score, Int(b, "score"));
  ALMEN_ASSIGN_OR_RETURN(r.comment, Str(b, "comment", false));
  r.recommend = BoolField(b, "recommend");
  ALMEN_RETURN_IF_ERROR(cases_.Score(u, id, r, UtcTimestamp()));
  Send(res, {{"application_id", id}, {"score", r.score}});
  return Status::Ok();
}

Status CaseRoutes::Recommend(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kRecommend));
  ALMEN_ASSIGN_OR_RETURN(int64_t id, PathId(req));
  ALMEN_ASSIGN_OR_RETURN(json b, Body(req));
  RecommendationRequest r;
  ALMEN_ASSIGN_OR_RETURN(r.recommend, RequiredBool(b, "recommend"));
  ALMEN_ASSIGN_OR_RETURN(r.note, Str(b, "note", false));
  ALMEN_ASSIGN_OR_RETURN(r.amount_ore, OptInt(b, "amount_ore"));
  ALMEN_ASSIGN_OR_RETURN(ApplicationState state, cases_.Recommend(u, id, r, UtcTimestamp()));
  Send(res, {{"application_id", id}, {"status", ApplicationStateName(state)}});
  return Status::Ok();
}

Status CaseRoutes::Decide(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kDecide));
  ALMEN_ASSIGN_OR_RETURN(int64_t id, PathId(req));
  ALMEN_ASSIGN_OR_RETURN(json b, Body(req));
  DecisionRequest r;
  ALMEN_ASSIGN_OR_RETURN(r.grant, RequiredBool(b, "grant"));
  ALMEN_ASSIGN_OR_RETURN(r.note, Str(b, "note", false));
  if (r.grant) {
    ALMEN_ASSIGN_OR_RETURN(r.amount_ore, OptInt(b, "amount_ore"));
  }
  ALMEN_ASSIGN_OR_RETURN(DecisionResult d, cases_.Decide(u, id, r, UtcTimestamp()));
  Send(res, {{"application_id", id}, {"status", ApplicationStateName(d.state)}, {"granted_ore", d.granted_ore}});
  return Status::Ok();
}

Status CaseRoutes::Pay(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kPay));
  ALMEN_ASSIGN_OR_RETURN(int64_t id, PathId(req));
  ALMEN_ASSIGN_OR_RETURN(json b, Body(req));
  const std::string now = UtcTimestamp();
  ALMEN_ASSIGN_OR_RETURN(int64_t amount, Int(b, "amount_ore"));
  ALMEN_ASSIGN_OR_RETURN(Date paid_on, DateField(b, "paid_on", false, TodayOf(now)));
  ALMEN_ASSIGN_OR_RETURN(PaymentResult p, cases_.Pay(u, id, amount, paid_on, now));
  Send(res, {{"application_id", id}, {"instalment", p.instalment}, {"paid_ore", p.paid_ore}}, 201);
  return Status::Ok();
}

Status CaseRoutes::RequestReport(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kRequestReport));
  ALMEN_ASSIGN_OR_RETURN(int64_t id, PathId(req));
  ALMEN_ASSIGN_OR_RETURN(json b, Body(req));
  ALMEN_ASSIGN_OR_RETURN(Date due, DateField(b, "due"));
  ALMEN_ASSIGN_OR_RETURN(int64_t report, cases_.RequestReport(u, id, due, UtcTimestamp()));
  Send(res, {{"id", report}, {"application_id", id}, {"due", due.ToIso()}}, 201);
  return Status::Ok();
}

Status CaseRoutes::ReceiveReport(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kSubmitReport));
  ALMEN_ASSIGN_OR_RETURN(int64_t id, PathId(req));
  ALMEN_RETURN_IF_ERROR(ctx_.access->Check(u, ObjectKind::kPoolReport, id, Act::kWrite));
  ALMEN_ASSIGN_OR_RETURN(json b, Body(req));
  ALMEN_ASSIGN_OR_RETURN(std::string summary, Str(b, "summary"));
  ALMEN_RETURN_IF_ERROR(cases_.ReceiveReport(u, id, summary, UtcTimestamp()));
  Send(res, {{"id", id}, {"received", true}});
  return Status::Ok();
}

Status CaseRoutes::Evaluate(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kEvaluate));
  ALMEN_ASSIGN_OR_RETURN(int64_t id, PathId(req));
  ALMEN_ASSIGN_OR_RETURN(json b, Body(req));
  ALMEN_ASSIGN_OR_RETURN(std::string text, Str(b, "text"));
  ALMEN_ASSIGN_OR_RETURN(json figures, cases_.Evaluate(u, id, text, UtcTimestamp()));
  Send(res, {{"call_id", id}, {"figures", figures}}, 201);
  return Status::Ok();
}

Status CaseRoutes::GetEvaluation(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kSeePool));
  ALMEN_ASSIGN_OR_RETURN(int64_t id, PathId(req));
  ALMEN_ASSIGN_OR_RETURN(PoolEvaluation ev, cases_.Evaluation(u, id));
  if (req.has_param("format")) {
    Table t;
    t.columns = {"project_type", "applications", "granted", "applied_ore", "cofinancing_ore", "granted_ore",
                 "paid_ore", "reports_requested", "reports_received"};
    for (const auto& r : ev.figures["by_project_type"]) {
      std::vector<json> row;
      for (const auto& col : t.columns) row.push_back(r[col]);
      t.rows.push_back(std::move(row));
    }
    SendTable(req, res, u, t, "pool-evaluation");
    return Status::Ok();
  }
  Send(res, {{"call_id", id}, {"figures", ev.figures}, {"evaluations", ev.evaluations.ToJson()["rows"]}});
  return Status::Ok();
}

// ---- sanctions and employment ------------------------------------------------------------

Status CaseRoutes::ListSanctions(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kSeeSanctions));
  SendTable(req, res, u, cases_.Sanctions(u, ObjectAccess::ScopeOf(u)), "sanctions");
  return Status::Ok();
}

Status CaseRoutes::AddSanctions(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kRegisterSanctions));
  std::vector<SanctionRow> add;
  std::string ctype = req.get_header_value("Content-Type");
  if (ctype.find("json") != std::string::npos) {
    ALMEN_ASSIGN_OR_RETURN(json b, Body(req));
    // One decision as JSON: turned into a one-row sanctions.csv so it is
    // validated exactly like the file.
    std::string csv = "doctor_id,provider,kind,decided,from_date,to_date,amount_ore,repetition,case_id\n";
    for (const char* k : {"doctor_id", "provider", "kind", "decided", "from_date", "to_date"}) {
      ALMEN_ASSIGN_OR_RETURN(std::string v, Str(b, k, false));
      if (v.find_first_of(",\"\n\r") != std::string::npos) return InvalidInput(std::string(k) + ": invalid characters");
      csv += v + ",";
    }
    ALMEN_ASSIGN_OR_RETURN(int64_t amount, Int(b, "amount_ore", false, 0));
    ALMEN_ASSIGN_OR_RETURN(std::string case_id, Str(b, "case_id", false));
    if (case_id.find_first_of(",\"\n\r") != std::string::npos) return InvalidInput("case_id: invalid characters");
    csv += (amount ? std::to_string(amount) : std::string()) + "," + (BoolField(b, "repetition") ? "1" : "0") + "," +
           case_id + "\n";
    ALMEN_ASSIGN_OR_RETURN(SanctionRegister one, SanctionRegister::Parse("sanction", csv));
    add = one.rows();
  } else {
    ALMEN_ASSIGN_OR_RETURN(SanctionRegister file, SanctionRegister::Parse(
                                                      req.has_param("name") ? req.get_param_value("name") : "sanctions.csv",
                                                      req.body));
    add = file.rows();
  }
  ALMEN_ASSIGN_OR_RETURN(size_t added, cases_.AddSanctions(u, add, UtcTimestamp()));
  Send(res, {{"added", added}}, 201);
  return Status::Ok();
}

Status CaseRoutes::SanctionEffect(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kSeeSanctions));
  const Scope scope = ObjectAccess::ScopeOf(u);
  ALMEN_ASSIGN_OR_RETURN(Table stopped, cases_.SanctionsStopped(u, scope));
  ALMEN_ASSIGN_OR_RETURN(Table collected, cases_.SanctionsCollected(u, scope));
  if (req.has_param("format")) {
    const bool c = req.get_param_value("table") == "collected";
    SendTable(req, res, u, c ? collected : stopped, c ? "sanctions-collected" : "sanctions-stopped");
    return Status::Ok();
  }
  Send(res, {{"stopped", stopped.ToJson()}, {"collected", collected.ToJson()}});
  return Status::Ok();
}

Status CaseRoutes::ListEmployments(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kSeeEmployments));
  SendTable(req, res, u, cases_.Employments(u, ObjectAccess::ScopeOf(u)), "employments");
  return Status::Ok();
}

Status CaseRoutes::AddEmployment(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kRegisterEmployment));
  ALMEN_ASSIGN_OR_RETURN(json b, Body(req));
  EmploymentRequest r;
  ALMEN_ASSIGN_OR_RETURN(r.doctor_id, Str(b, "doctor_id"));
  ALMEN_ASSIGN_OR_RETURN(std::string provider, Str(b, "provider", u.role != "clinic"));
  ALMEN_ASSIGN_OR_RETURN(r.provider, ActingFor(u, "clinic", provider, "a clinic registers its own employees only"));
  ALMEN_ASSIGN_OR_RETURN(r.period.from, DateField(b, "from_date"));
  ALMEN_ASSIGN_OR_RETURN(r.period.to, DateField(b, "to_date", false, Date::Max()));
  ALMEN_ASSIGN_OR_RETURN(int64_t id, cases_.AddEmployment(u, r, UtcTimestamp()));
  Send(res, {{"id", id}}, 201);
  return Status::Ok();
}

Status CaseRoutes::CheckEmployment(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kCheckEmployment));
  std::string doctor = req.get_param_value("doctor_id");
  auto d = req.has_param("date") ? Date::Parse(req.get_param_value("date")) : std::optional<Date>(TodayOf(UtcTimestamp()));
  if (doctor.empty() || !d) return InvalidInput("doctor_id and date (YYYY-MM-DD) are required");
  ALMEN_ASSIGN_OR_RETURN(EmploymentCheck check, cases_.CheckEmployment(u, doctor, *d));
  Send(res, {{"doctor_id", doctor},
             {"date", d->ToIso()},
             {"blocked", check.blocked},
             {"reason", check.blocked ? json(check.reason) : json(nullptr)}});
  return Status::Ok();
}

// ---- data sharing ---------------------------------------------------------------------------

Status CaseRoutes::AddBlock(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kBlockSharing));
  ALMEN_ASSIGN_OR_RETURN(json b, Body(req));
  ALMEN_ASSIGN_OR_RETURN(Pseudonym p, PseudonymOf(b));
  ALMEN_ASSIGN_OR_RETURN(std::string note_type, Str(b, "note_type", false));
  ALMEN_ASSIGN_OR_RETURN(std::string sector, Str(b, "sector", false));
  if (note_type.empty()) note_type = "all";
  if (sector.empty()) sector = "all";
  ALMEN_ASSIGN_OR_RETURN(int64_t id, cases_.AddBlock(u, p, note_type, sector, UtcTimestamp()));
  Send(res, {{"id", id}, {"note_type", note_type}, {"sector", sector}}, 201);
  return Status::Ok();
}

Status CaseRoutes::RevokeBlock(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kRevokeBlock));
  ALMEN_ASSIGN_OR_RETURN(int64_t id, PathId(req));
  // Whose block it is (issue 12: ids are sequential; any clinic could revoke any block).
  ALMEN_RETURN_IF_ERROR(ctx_.access->Check(u, ObjectKind::kSharingBlock, id, Act::kWrite));
  ALMEN_RETURN_IF_ERROR(cases_.RevokeBlock(u, id, UtcTimestamp()));
  Send(res, {{"id", id}, {"revoked", true}});
  return Status::Ok();
}

Status CaseRoutes::ListBlocks(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kSeeBlocks));
  SendTable(req, res, u, cases_.Blocks(u), "sharing-blocks");
  return Status::Ok();
}

Status CaseRoutes::CheckSharing(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kCheckSharing));
  ALMEN_ASSIGN_OR_RETURN(json b, Body(req));
  ALMEN_ASSIGN_OR_RETURN(Pseudonym p, PseudonymOf(b));
  ALMEN_ASSIGN_OR_RETURN(std::string given, Str(b, "provider", u.role != "clinic"));
  ALMEN_ASSIGN_OR_RETURN(std::string provider, ActingFor(u, "clinic", given, "a clinic asks for itself only"));
  ALMEN_ASSIGN_OR_RETURN(std::string note_type, Str(b, "note_type"));
  ALMEN_ASSIGN_OR_RETURN(std::string sector, Str(b, "sector"));
  ALMEN_ASSIGN_OR_RETURN(SharingAnswer a, cases_.CheckSharing(u, p, provider, note_type, sector, UtcTimestamp()));
  Send(res, {{"allowed", a.allowed}, {"block_id", a.block_id ? json(*a.block_id) : json(nullptr)},
             {"reason", a.reason}, {"provider", provider}, {"note_type", note_type}, {"sector", sector}});
  return Status::Ok();
}

Status CaseRoutes::SharingLog(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kSeeSharingLog));
  SendTable(req, res, u, cases_.SharingLog(u, ObjectAccess::ScopeOf(u)), "sharing-log");
  return Status::Ok();
}

// ---- budgets -------------------------------------------------------------------------------

Status CaseRoutes::Budgets(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kSeeBudgets));
  const int64_t year = QueryInt(req, "year", 2025);
  ALMEN_ASSIGN_OR_RETURN(json budgets, cases_.Budgets(u, year));
  ALMEN_ASSIGN_OR_RETURN(Table spend, cases_.Spend(u, year));
  if (req.has_param("format")) {
    SendTable(req, res, u, spend, "budget-spend");
    return Status::Ok();
  }
  Send(res, {{"year", year}, {"budgets", budgets}, {"spend", spend.ToJson()}});
  return Status::Ok();
}

Status CaseRoutes::Spend(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kSpend));
  ALMEN_ASSIGN_OR_RETURN(json b, Body(req));
  SpendRequest r;
  ALMEN_ASSIGN_OR_RETURN(r.budget, Str(b, "budget"));
  ALMEN_ASSIGN_OR_RETURN(r.amount_ore, Int(b, "amount_ore"));
  ALMEN_ASSIGN_OR_RETURN(r.spent_on, DateField(b, "spent_on"));
  ALMEN_ASSIGN_OR_RETURN(r.description, Str(b, "description"));
  ALMEN_ASSIGN_OR_RETURN(SpendResult s, cases_.RecordSpend(u, r, UtcTimestamp()));
  Send(res, {{"budget", r.budget}, {"spent_ore", s.spent_ore}, {"remaining_ore", s.remaining_ore}}, 201);
  return Status::Ok();
}

// ---- registration ------------------------------------------------------------------------------

void CaseRoutes::Register() {
  auto& h = *ctx_.http;
  auto bind = [this](Status (CaseRoutes::*f)(const httplib::Request&, httplib::Response&, const UserRecord&)) {
    return Authed([this, f](const httplib::Request& q, httplib::Response& r, const UserRecord& u) {
      return (this->*f)(q, r, u);
    });
  };
  h.Get("/api/pool/calls", bind(&CaseRoutes::ListCalls));
  h.Post("/api/pool/calls", bind(&CaseRoutes::CreateCall));
  h.Get(R"(/api/pool/calls/(\d+)/evaluation)", bind(&CaseRoutes::GetEvaluation));
  h.Post(R"(/api/pool/calls/(\d+)/evaluation)", bind(&CaseRoutes::Evaluate));
  h.Get("/api/pool/committee", bind(&CaseRoutes::ListCommittee));
  h.Post("/api/pool/committee", bind(&CaseRoutes::AppointMember));
  h.Get("/api/pool/applications", bind(&CaseRoutes::ListApplications));
  h.Post("/api/pool/applications", bind(&CaseRoutes::Apply));
  h.Get(R"(/api/pool/applications/(\d+))", bind(&CaseRoutes::GetApplication));
  h.Post(R"(/api/pool/applications/(\d+)/scores)", bind(&CaseRoutes::Score));
  h.Post(R"(/api/pool/applications/(\d+)/recommendation)", bind(&CaseRoutes::Recommend));
  h.Post(R"(/api/pool/applications/(\d+)/decision)", bind(&CaseRoutes::Decide));
  h.Post(R"(/api/pool/applications/(\d+)/payments)", bind(&CaseRoutes::Pay));
  h.Post(R"(/api/pool/applications/(\d+)/reports)", bind(&CaseRoutes::RequestReport));
  h.Post(R"(/api/pool/reports/(\d+)/receive)", bind(&CaseRoutes::ReceiveReport));
  h.Get("/api/sanctions", bind(&CaseRoutes::ListSanctions));
  h.Post("/api/sanctions", bind(&CaseRoutes::AddSanctions));
  h.Get("/api/sanctions/effect", bind(&CaseRoutes::SanctionEffect));
  h.Get("/api/employments", bind(&CaseRoutes::ListEmployments));
  h.Post("/api/employments", bind(&CaseRoutes::AddEmployment));
  h.Get("/api/employments/check", bind(&CaseRoutes::CheckEmployment));
  h.Get("/api/sharing/blocks", bind(&CaseRoutes::ListBlocks));
  h.Post("/api/sharing/blocks", bind(&CaseRoutes::AddBlock));
  h.Post(R"(/api/sharing/blocks/(\d+)/revoke)", bind(&CaseRoutes::RevokeBlock));
  h.Post("/api/sharing/check", bind(&CaseRoutes::CheckSharing));
  h.Get("/api/sharing/log", bind(&CaseRoutes::SharingLog));
  h.Get("/api/budgets", bind(&CaseRoutes::Budgets));
  h.Post("/api/budgets/spend", bind(&CaseRoutes::Spend));
}

}  // namespace

void RegisterCaseRoutes(const ServerRouteContext& ctx) {
  // Lives as long as the process's server (routes hold a pointer to it).
  static std::vector<std::unique_ptr<CaseRoutes>>* all = new std::vector<std::unique_ptr<CaseRoutes>>();
  static std::mutex mu;
  std::lock_guard lock(mu);
  all->push_back(std::make_unique<CaseRoutes>(ctx));
  all->back()->Register();
}

}  // namespace almen
