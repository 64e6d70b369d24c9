// Routes for the lægedækningspulje, the LSU sanctions register, employments,
// data-sharing blocks and the IT/Partsforum budgets (routes_cases.h).
#include "server/routes_cases.h"

#include <sodium.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <ctime>
#include <map>
#include <mutex>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "claims/cpr.h"
#include "common/csv.h"
#include "common/format_da.h"
#include "common/json_text.h"
#include "common/ydernummer.h"
#include "sanctions/sanctions.h"
#include "server/access.h"
#include "server/respond.h"

namespace almen {

namespace {

using json = nlohmann::json;

std::string NowUtc() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char b[32];
  std::strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return b;
}
std::string Today() { return NowUtc().substr(0, 10); }

void Send(httplib::Response& res, const json& j, int status = 200) { SendJson(res, j, status); }
void Fail(httplib::Response& res, const Status& s) { SendError(res, s); }

const std::set<std::string> kRegions = {"1081", "1082", "1083", "1084", "1085"};
const std::set<std::string> kPartnerTypes = {"plo_regional", "municipality", "local_organisation"};
// The seed's examples of projects (afsnit 1, "Pulje til bedre lægedækning").
const std::set<std::string> kProjectTypes = {"professional_community", "cross_disciplinary", "satellite_transport",
                                             "settling_families",      "premises",           "tutors",
                                             "training_posts",         "operating_costs"};
const std::set<std::string> kNoteTypes = {"journal_note", "lab_values"};
const std::set<std::string> kSectors = {"hospital", "municipality", "specialist_practice", "other_practice"};
const std::map<std::string, std::string> kNoteTypeDa = {{"journal_note", "journalnotater"},
                                                        {"lab_values", "laboratorieværdier"},
                                                        {"all", "journalnotater og laboratorieværdier"}};
const std::map<std::string, std::string> kSectorDa = {{"hospital", "sygehuse"},
                                                      {"municipality", "kommuner"},
                                                      {"specialist_practice", "speciallægepraksis"},
                                                      {"other_practice", "andre almen praksis"},
                                                      {"all", "alle sektorer"}};

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
StatusOr<Date> DateField(const json& b, const char* key, bool required = true, Date dflt = Date::Max()) {
  ALMEN_ASSIGN_OR_RETURN(std::string s, Str(b, key, required));
  if (s.empty()) return dflt;
  auto d = Date::Parse(s);
  if (!d) return InvalidInput(std::string(key) + ": '" + s + "' is not a valid date (YYYY-MM-DD)");
  return *d;
}
bool BoolField(const json& b, const char* key) { return b.contains(key) && b[key].is_boolean() && b[key].get<bool>(); }

StatusOr<Table> QueryTable(SqlConnection& c, std::string_view sql, const SqlParams& params,
                           std::vector<std::string> columns, std::string_view types) {
  ALMEN_ASSIGN_OR_RETURN(auto rows, c.Query(sql, params));
  Table t;
  t.columns = std::move(columns);
  for (const auto& r : rows) {
    std::vector<json> out;
    for (size_t i = 0; i < r.cols.size(); ++i) {
      if (r.IsNull(i)) out.emplace_back(nullptr);
      else if (i < types.size() && types[i] == 'i') out.emplace_back(r.Int(i));
      else out.emplace_back(r.Str(i));
    }
    t.rows.push_back(std::move(out));
  }
  return t;
}

json RowObject(const Table& t, size_t i) {
  json o = json::object();
  for (size_t k = 0; k < t.columns.size(); ++k) o[t.columns[k]] = t.rows[i][k];
  return o;
}

// ---- roles ----------------------------------------------------------------------

bool IsSecretariat(const UserRecord& u) { return u.role == "pool_secretariat" || u.role == "rltn"; }
bool PoolReader(const UserRecord& u) {
  return u.role == "rltn" || u.role == "plo" || u.role == "pool_secretariat" || u.role == "pool_committee" ||
         u.role == "pool_board" || u.role == "region";
}

// ---- the service ------------------------------------------------------------------

class Cases {
 public:
  explicit Cases(ServerRouteContext ctx) : ctx_(std::move(ctx)) {}
  void Register();

 private:
  using H = std::function<Status(const httplib::Request&, httplib::Response&, const UserRecord&)>;
  httplib::Server::Handler Authed(H h) {
    return [this, h](const httplib::Request& req, httplib::Response& res) {
      try {
        auto u = ctx_.authenticate(req);
        if (!u.ok()) return Fail(res, u.status());
        Status s = h(req, res, *u);
        if (!s.ok()) Fail(res, s);
      } catch (const std::exception& e) {
        Fail(res, Internal(std::string("internal error: ") + e.what()));
      }
    };
  }
  // On the handler's own connection (a second one could exhaust the pool).
  void Audit(SqlConnection& c, const std::string& user, const std::string& action, const std::string& detail) {
    Status s = c.Exec("INSERT INTO audit_log (at, username, action, detail) VALUES ($1, $2, $3, $4)",
                      {NowUtc(), user, action, detail});
    if (!s.ok()) std::fprintf(stderr, "almen serve: audit log write failed: %s\n", s.message().c_str());
  }
  Status Deny(const UserRecord& u, const std::string& what) {
    return PermissionDenied("role '" + u.role + "' may not " + what);
  }
  // One query on a connection borrowed just for it (handlers that hand a
  // table to send_table must not hold a connection: it audits on another).
  StatusOr<Table> Q(std::string_view sql, const SqlParams& params, std::vector<std::string> columns,
                    std::string_view types) {
    auto c = ctx_.db->pool().Borrow();
    return QueryTable(*c, sql, params, std::move(columns), types);
  }
  StatusOr<std::vector<SqlRow>> QRows(std::string_view sql, const SqlParams& params) {
    auto c = ctx_.db->pool().Borrow();
    return c->Query(sql, params);
  }
  int64_t ParamYear(const httplib::Request& req) { return QueryInt(req, "year", 2025); }
  StatusOr<Money> BudgetParameter(const std::string& name, int64_t year) {
    auto m = ctx_.agreement->MoneyParameter(name, Date::FromYmd(static_cast<int>(year), 1, 1));
    if (!m.ok()) return NotFound("no " + name + " for " + std::to_string(year) + " in the agreement data");
    return *m;
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
  StatusOr<json> EvaluationFigures(SqlConnection& c, int64_t call_id);
  StatusOr<json> LoadApplication(SqlConnection& c, int64_t id);
  StatusOr<json> CommitteeMember(SqlConnection& c, const UserRecord& u);
  // sanctions and employment
  StatusOr<SanctionRegister> LoadSanctions(SqlConnection& c, std::vector<SanctionRow> extra);
  Status ListSanctions(const httplib::Request&, httplib::Response&, const UserRecord&);
  Status AddSanctions(const httplib::Request&, httplib::Response&, const UserRecord&);
  Status SanctionEffect(const httplib::Request&, httplib::Response&, const UserRecord&);
  Status ListEmployments(const httplib::Request&, httplib::Response&, const UserRecord&);
  Status AddEmployment(const httplib::Request&, httplib::Response&, const UserRecord&);
  Status CheckEmployment(const httplib::Request&, httplib::Response&, const UserRecord&);
  // sharing and budgets
  StatusOr<Pseudonym> PseudonymOf(const json& body);
  Status AddBlock(const httplib::Request&, httplib::Response&, const UserRecord&);
  Status RevokeBlock(const httplib::Request&, httplib::Response&, const UserRecord&);
  Status ListBlocks(const httplib::Request&, httplib::Response&, const UserRecord&);
  Status CheckSharing(const httplib::Request&, httplib::Response&, const UserRecord&);
  Status SharingLog(const httplib::Request&, httplib::Response&, const UserRecord&);
  Status Budgets(const httplib::Request&, httplib::Response&, const UserRecord&);
  Status Spend(const httplib::Request&, httplib::Response&, const UserRecord&);

  ServerRouteContext ctx_;
  std::mutex mu_;  // serialises check-then-write steps (pool remaining, budgets, overlaps)
};

// ---- pool: calls and committee -------------------------------------------------------

Status Cases::CreateCall(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  if (!IsSecretariat(u)) return Deny(u, "open calls of the pool (the fund's secretariat does)");
  ALMEN_ASSIGN_OR_RETURN(json b, Body(req));
  ALMEN_ASSIGN_OR_RETURN(std::string name, Str(b, "name"));
  ALMEN_ASSIGN_OR_RETURN(int64_t year, Int(b, "year", false, 2025));
  ALMEN_ASSIGN_OR_RETURN(Money pool, BudgetParameter("pool_laegedaekning_budget_ore", year));
  ALMEN_ASSIGN_OR_RETURN(int64_t budget, Int(b, "budget_ore", false, pool.ore()));
  ALMEN_ASSIGN_OR_RETURN(Date opens, DateField(b, "opens"));
  ALMEN_ASSIGN_OR_RETURN(Date closes, DateField(b, "closes"));
  if (budget <= 0) return InvalidInput("budget_ore must be positive");
  if (!(opens < closes)) return InvalidInput("opens must be before closes");
  std::lock_guard lock(mu_);
  auto c = ctx_.db->pool().Borrow();
  ALMEN_ASSIGN_OR_RETURN(auto used, c->Query("SELECT COALESCE(SUM(budget_ore), 0) FROM pool_calls WHERE year = $1", {year}));
  int64_t left = pool.ore() - used[0].Int(0);
  if (budget > left)
    return Conflict("the call's budget " + FormatKroner(Money::FromOre(budget)) + " exceeds what is left of the " +
                    std::to_string(year) + " pool (" + FormatKroner(Money::FromOre(left)) + " of " +
                    FormatKroner(pool) + ")");
  std::string now = NowUtc();
  ALMEN_ASSIGN_OR_RETURN(auto r, c->Query("INSERT INTO pool_calls (name, year, budget_ore, opens, closes, status, "
                                          "created_at, created_by) VALUES ($1, $2, $3, $4, $5, 'open', $6, $7) "
                                          "RETURNING id",
                                          {name, year, budget, opens.ToIso(), closes.ToIso(), now, u.username}));
  int64_t id = r[0].Int(0);
  Audit(*c, u.username, "pool.call.create", "call " + std::to_string(id) + " budget_ore=" + std::to_string(budget));
  Send(res, {{"id", id}, {"budget_ore", budget}}, 201);
  return Status::Ok();
}

Status Cases::ListCalls(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  if (!PoolReader(u)) return Deny(u, "see the pool");
  auto t = Q(
                      "SELECT k.id, k.name, k.year, k.opens, k.closes, k.status, k.budget_ore, "
                      "COALESCE((SELECT SUM(a.granted_ore) FROM pool_applications a WHERE a.call_id = k.id), 0), "
                      "k.budget_ore - COALESCE((SELECT SUM(a.granted_ore) FROM pool_applications a WHERE a.call_id = k.id), 0), "
                      "COALESCE((SELECT SUM(p.amount_ore) FROM pool_payments p JOIN pool_applications a ON a.id = p.application_id "
                      "WHERE a.call_id = k.id), 0), "
                      "(SELECT COUNT(*) FROM pool_applications a WHERE a.call_id = k.id), k.created_at, k.created_by "
                      "FROM pool_calls k ORDER BY k.id",
                      {},
                      {"id", "name", "year", "opens", "closes", "status", "budget_ore", "granted_ore", "remaining_ore",
                       "paid_ore", "applications", "created_at", "created_by"},
                      "isisssiiiiiss");
  ctx_.send_table(req, res, u, t, "pool-calls");
  return Status::Ok();
}

StatusOr<json> Cases::CommitteeMember(SqlConnection& c, const UserRecord& u) {
  if (u.role != "pool_committee") return json();
  ALMEN_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT party, region_code FROM pool_committee WHERE username = $1",
                                            {u.username}));
  if (rows.empty()) return json();
  return json{{"party", rows[0].Str(0)}, {"region_code", rows[0].Str(1)}};
}

Status Cases::AppointMember(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  if (!IsSecretariat(u)) return Deny(u, "appoint committee members");
  ALMEN_ASSIGN_OR_RETURN(json b, Body(req));
  ALMEN_ASSIGN_OR_RETURN(std::string username, Str(b, "username"));
  ALMEN_ASSIGN_OR_RETURN(std::string password, Str(b, "password"));
  ALMEN_ASSIGN_OR_RETURN(std::string party, Str(b, "party"));
  ALMEN_ASSIGN_OR_RETURN(std::string region, Str(b, "region_code", false));
  if (party != "rltn" && party != "plo") return InvalidInput("party must be rltn or plo (the agreement's parties)");
  if (!region.empty() && !kRegions.count(region)) return InvalidInput("region_code must be 1081–1085 or empty");
  if (password.size() < 8) return InvalidInput("password must have at least 8 characters");
  auto per_party = ctx_.agreement->IntParameter("pool_committee_members_per_party", Date::FromYmd(2025, 1, 1));
  int64_t max = per_party.ok() ? *per_party : 3;
  std::lock_guard lock(mu_);
  auto c = ctx_.db->pool().Borrow();
  ALMEN_ASSIGN_OR_RETURN(auto n, c->Query("SELECT COUNT(*) FROM pool_committee WHERE party = $1", {party}));
  if (n[0].Int(0) >= max)
    return Conflict(party + " has already appointed " + std::to_string(max) +
                    " members of the assessment committee (OK25 afsnit 1, Governance)");
  ALMEN_ASSIGN_OR_RETURN(auto existing, c->Query("SELECT id FROM users WHERE username = $1", {username}));
  if (!existing.empty()) return Conflict("user '" + username + "' exists already");
  ALMEN_ASSIGN_OR_RETURN(std::string hash, HashPassword(password, ctx_.fast_password_hash));
  std::string now = NowUtc();
  ALMEN_RETURN_IF_ERROR(c->Begin());
  Status st = c->Exec("INSERT INTO users (username, password_hash, role, scope, created_at) VALUES ($1, $2, "
                      "'pool_committee', $3, $4)",
                      {username, hash, party + ":" + region, now});
  if (st.ok())
    st = c->Exec("INSERT INTO pool_committee (username, party, region_code, appointed_at, appointed_by) "
                 "VALUES ($1, $2, $3, $4, $5)",
                 {username, party, region, now, u.username});
  if (!st.ok()) {
    (void)c->Rollback();
    return st;
  }
  ALMEN_RETURN_IF_ERROR(c->Commit());
  Audit(*c, u.username, "pool.committee.appoint", username + " party=" + party + " region=" + region);
  Send(res, {{"username", username}, {"party", party}, {"region_code", region}}, 201);
  return Status::Ok();
}

Status Cases::ListCommittee(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  if (!PoolReader(u)) return Deny(u, "see the pool");
  ctx_.send_table(req, res, u,
                  Q( "SELECT username, party, region_code, appointed_at, appointed_by FROM pool_committee "
                                 "ORDER BY party, username",
                             {}, {"username", "party", "region_code", "appointed_at", "appointed_by"}, "sssss"),
                  "pool-committee");
  return Status::Ok();
}

// ---- pool: applications ----------------------------------------------------------------

Status Cases::Apply(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  if (u.role != "region" && !IsSecretariat(u))
    return Deny(u, "apply to the pool (the regions apply, with their partners)");
  ALMEN_ASSIGN_OR_RETURN(json b, Body(req));
  ALMEN_ASSIGN_OR_RETURN(int64_t call_id, Int(b, "call_id"));
  ALMEN_ASSIGN_OR_RETURN(std::string region, Str(b, "region_code", u.role != "region"));
  if (u.role == "region") {
    if (!region.empty() && region != u.scope) return PermissionDenied("a region applies for itself only");
    region = u.scope;
  }
  if (!kRegions.count(region)) return InvalidInput("region_code must be one of the five regions (1081–1085)");
  ALMEN_ASSIGN_OR_RETURN(std::string type, Str(b, "project_type"));
  if (!kProjectTypes.count(type))
    return InvalidInput("project_type '" + type +
                        "' is unknown (professional_community, cross_disciplinary, satellite_transport, "
                        "settling_families, premises, tutors, training_posts, operating_costs)");
  ALMEN_ASSIGN_OR_RETURN(std::string title, Str(b, "title"));
  ALMEN_ASSIGN_OR_RETURN(std::string area, Str(b, "area"));
  ALMEN_ASSIGN_OR_RETURN(int64_t amount, Int(b, "amount_ore"));
  ALMEN_ASSIGN_OR_RETURN(int64_t cofin, Int(b, "cofinancing_ore", false, 0));
  if (amount <= 0) return InvalidInput("amount_ore must be positive");
  if (cofin < 0) return InvalidInput("cofinancing_ore may not be negative");
  json partners = json::array();
  if (b.contains("partners")) {
    if (!b["partners"].is_array()) return InvalidInput("partners must be an array of {type, name}");
    for (const auto& p : b["partners"]) {
      if (!p.is_object() || !p.contains("type") || !p["type"].is_string() || !p.contains("name") ||
          !p["name"].is_string() || p["name"].get<std::string>().empty())
        return InvalidInput("each partner needs a type and a name");
      if (!kPartnerTypes.count(p["type"].get<std::string>()))
        return InvalidInput("partner type must be plo_regional, municipality or local_organisation");
      partners.push_back({{"type", p["type"]}, {"name", p["name"]}});
    }
  }
  auto c = ctx_.db->pool().Borrow();
  ALMEN_ASSIGN_OR_RETURN(auto call, c->Query("SELECT status FROM pool_calls WHERE id = $1", {call_id}));
  if (call.empty()) return NotFound("no call " + std::to_string(call_id));
  if (call[0].Str(0) != "open") return Conflict("call " + std::to_string(call_id) + " is not open for applications");
  std::string now = NowUtc();
  ALMEN_ASSIGN_OR_RETURN(auto r, c->Query("INSERT INTO pool_applications (call_id, region_code, partners, project_type, "
                                          "title, area, amount_ore, cofinancing_ore, status, submitted_at, submitted_by) "
                                          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'submitted', $9, $10) RETURNING id",
                                          {call_id, region, JsonText(partners), type, title, area, amount, cofin, now,
                                           u.username}));
  int64_t id = r[0].Int(0);
  Audit(*c, u.username, "pool.application.submit",
        "application " + std::to_string(id) + " call " + std::to_string(call_id) + " region " + region +
            " amount_ore=" + std::to_string(amount));
  Send(res, {{"id", id}, {"status", "submitted"}}, 201);
  return Status::Ok();
}

Status Cases::ListApplications(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  if (!PoolReader(u)) return Deny(u, "see the pool");
  std::string sql =
      "SELECT a.id, a.call_id, a.region_code, a.project_type, a.title, a.area, a.amount_ore, a.cofinancing_ore, "
      "a.status, (SELECT COUNT(*) FROM pool_scores s WHERE s.application_id = a.id), "
      "(SELECT COALESCE(SUM(s.score), 0) FROM pool_scores s WHERE s.application_id = a.id), "
      "a.recommendation, a.recommended_ore, a.decision, a.granted_ore, "
      "COALESCE((SELECT SUM(p.amount_ore) FROM pool_payments p WHERE p.application_id = a.id), 0), "
      "a.submitted_at, a.submitted_by FROM pool_applications a WHERE 1 = 1";
  SqlParams params;
  if (u.role == "region") {
    params.push_back(u.scope);
    sql += " AND a.region_code = $" + std::to_string(params.size());
  }
  if (req.has_param("call")) {
    try {
      params.push_back(static_cast<int64_t>(std::stoll(req.get_param_value("call"))));
    } catch (...) {
      return InvalidInput("call must be a number");
    }
    sql += " AND a.call_id = $" + std::to_string(params.size());
  }
  sql += " ORDER BY a.id";
  ctx_.send_table(req, res, u,
                  Q( sql, params,
                             {"id", "call_id", "region_code", "project_type", "title", "area", "amount_ore",
                              "cofinancing_ore", "status", "scores", "score_sum", "recommendation", "recommended_ore",
                              "decision", "granted_ore", "paid_ore", "submitted_at", "submitted_by"},
                             "iissssiisiisisiiss"),
                  "pool-applications");
  return Status::Ok();
}

StatusOr<json> Cases::LoadApplication(SqlConnection& c, int64_t id) {
  ALMEN_ASSIGN_OR_RETURN(
      Table t, QueryTable(c,
                          "SELECT id, call_id, region_code, partners, project_type, title, area, amount_ore, "
                          "cofinancing_ore, status, submitted_at, submitted_by, recommendation, recommended_ore, "
                          "recommendation_note, recommended_at, recommended_by, decision, granted_ore, decision_note, "
                          "decided_at, decided_by FROM pool_applications WHERE id = $1",
                          {id},
                          {"id", "call_id", "region_code", "partners", "project_type", "title", "area", "amount_ore",
                           "cofinancing_ore", "status", "submitted_at", "submitted_by", "recommendation",
                           "recommended_ore", "recommendation_note", "recommended_at", "recommended_by", "decision",
                           "granted_ore", "decision_note", "decided_at", "decided_by"},
                          "iisssssiissssissssisss"));
  if (t.rows.empty()) return NotFound("no application " + std::to_string(id));
  json a = RowObject(t, 0);
  a["partners"] = json::parse(a["partners"].get<std::string>(), nullptr, false);
  return a;
}

Status Cases::GetApplication(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  if (!PoolReader(u)) return Deny(u, "see the pool");
  ALMEN_ASSIGN_OR_RETURN(int64_t id, PathId(req));
  ALMEN_RETURN_IF_ERROR(ctx_.access->Check(u, ObjectKind::kPoolApplication, id, Act::kRead));
  auto c = ctx_.db->pool().Borrow();
  ALMEN_ASSIGN_OR_RETURN(json a, LoadApplication(*c, id));
  ALMEN_ASSIGN_OR_RETURN(Table scores, QueryTable(*c, "SELECT s.username, m.party, m.region_code, s.score, s.recommend, "
                                                      "s.comment, s.scored_at FROM pool_scores s LEFT JOIN pool_committee m "
                                                      "ON m.username = s.username WHERE s.application_id = $1 ORDER BY s.username",
                                                  {id}, {"username", "party", "region_code", "score", "recommend", "comment", "scored_at"},
                                                  "sssiiss"));
  ALMEN_ASSIGN_OR_RETURN(Table pays, QueryTable(*c, "SELECT id, instalment, amount_ore, paid_on, created_at, created_by "
                                                    "FROM pool_payments WHERE application_id = $1 ORDER BY instalment",
                                                {id}, {"id", "instalment", "amount_ore", "paid_on", "created_at", "created_by"},
                                                "iiisss"));
  ALMEN_ASSIGN_OR_RETURN(Table reps, QueryTable(*c, "SELECT id, requested_at, requested_by, due, received_at, received_by, "
                                                    "summary FROM pool_reports WHERE application_id = $1 ORDER BY id",
                                                {id}, {"id", "requested_at", "requested_by", "due", "received_at", "received_by", "summary"},
                                                "issssss"));
  a["scores"] = scores.ToJson()["rows"];
  a["payments"] = pays.ToJson()["rows"];
  a["reports"] = reps.ToJson()["rows"];
  ALMEN_ASSIGN_OR_RETURN(json member, CommitteeMember(*c, u));
  a["conflict_of_interest"] = member.is_object() && member["region_code"] == a["region_code"];
  Send(res, a);
  return Status::Ok();
}

Status Cases::Score(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  if (u.role != "pool_committee") return Deny(u, "score applications (the assessment committee does)");
  ALMEN_ASSIGN_OR_RETURN(int64_t id, PathId(req));
  ALMEN_ASSIGN_OR_RETURN(json b, Body(req));
  ALMEN_ASSIGN_OR_RETURN(int64_t score, Int(b, "score"));
  if (score < 1 || score > 5) return InvalidInput("score must be 1–5");
  ALMEN_ASSIGN_OR_RETURN(std::string comment, Str(b, "comment", false));
  std::lock_guard lock(mu_);
  auto c = ctx_.db->pool().Borrow();
  ALMEN_ASSIGN_OR_RETURN(json member, CommitteeMember(*c, u));
  if (!member.is_object()) return PermissionDenied(u.username + " is not an appointed member of the assessment committee");
  ALMEN_ASSIGN_OR_RETURN(json a, LoadApplication(*c, id));
  if (member["region_code"] == a["region_code"]) {
    Audit(*c, u.username, "pool.score.refused_conflict", "application " + std::to_string(id));
    return PermissionDenied("conflict of interest: " + u.username + " comes from region " +
                            member["region_code"].get<std::string>() + ", which applies; another member must score application " +
                            std::to_string(id));
  }
  if (a["status"] != "submitted") return Conflict("application " + std::to_string(id) + " is " +
                                                  a["status"].get<std::string>() + "; scoring is closed");
  std::string now = NowUtc();
  ALMEN_RETURN_IF_ERROR(c->Exec(
      "INSERT INTO pool_scores (application_id, username, score, recommend, comment, scored_at) VALUES ($1, $2, $3, $4, "
      "$5, $6) ON CONFLICT (application_id, username) DO UPDATE SET score = excluded.score, recommend = "
      "excluded.recommend, comment = excluded.comment, scored_at = excluded.scored_at",
      {id, u.username, score, int64_t{BoolField(b, "recommend") ? 1 : 0}, comment, now}));
  Audit(*c, u.username, "pool.score", "application " + std::to_string(id) + " score=" + std::to_string(score));
  Send(res, {{"application_id", id}, {"score", score}});
  return Status::Ok();
}

Status Cases::Recommend(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  if (u.role != "pool_committee" && u.role != "pool_secretariat")
    return Deny(u, "record the committee's recommendation");
  ALMEN_ASSIGN_OR_RETURN(int64_t id, PathId(req));
  ALMEN_ASSIGN_OR_RETURN(json b, Body(req));
  if (!b.contains("recommend") || !b["recommend"].is_boolean()) return InvalidInput("recommend (true/false) is required");
  bool rec = b["recommend"].get<bool>();
  ALMEN_ASSIGN_OR_RETURN(std::string note, Str(b, "note", false));
  std::lock_guard lock(mu_);
  auto c = ctx_.db->pool().Borrow();
  ALMEN_ASSIGN_OR_RETURN(json a, LoadApplication(*c, id));
  ALMEN_ASSIGN_OR_RETURN(json member, CommitteeMember(*c, u));
  if (u.role == "pool_committee" && !member.is_object())
    return PermissionDenied(u.username + " is not an appointed member of the assessment committee");
  if (member.is_object() && member["region_code"] == a["region_code"])
    return PermissionDenied("conflict of interest: " + u.username + " comes from the applying region");
  if (a["status"] != "submitted")
    return Conflict("application " + std::to_string(id) + " is " + a["status"].get<std::string>() + ", not submitted");
  ALMEN_ASSIGN_OR_RETURN(auto n, c->Query("SELECT COUNT(*) FROM pool_scores WHERE application_id = $1", {id}));
  if (n[0].Int(0) == 0) return Conflict("the committee has not scored application " + std::to_string(id) + " yet");
  int64_t applied = a["amount_ore"].get<int64_t>();
  ALMEN_ASSIGN_OR_RETURN(int64_t amount, Int(b, "amount_ore", false, rec ? applied : 0));
  if (rec && (amount <= 0 || amount > applied))
    return InvalidInput("the recommended amount must be positive and at most the amount applied for (" +
                        FormatKroner(Money::FromOre(applied)) + ")");
  std::string now = NowUtc();
  ALMEN_RETURN_IF_ERROR(c->Exec("UPDATE pool_applications SET status = $1, recommendation = $2, recommended_ore = $3, "
                                "recommendation_note = $4, recommended_at = $5, recommended_by = $6 WHERE id = $7",
                                {std::string(rec ? "recommended" : "not_recommended"),
                                 std::string(rec ? "recommend" : "decline"), rec ? amount : int64_t{0}, note, now,
                                 u.username, id}));
  Audit(*c, u.username, "pool.recommend",
        "application " + std::to_string(id) + (rec ? " recommend amount_ore=" + std::to_string(amount) : " decline"));
  Send(res, {{"application_id", id}, {"status", rec ? "recommended" : "not_recommended"}});
  return Status::Ok();
}

Status Cases::Decide(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  if (u.role != "pool_board") return Deny(u, "decide on grants (the fund's board does)");
  ALMEN_ASSIGN_OR_RETURN(int64_t id, PathId(req));
  ALMEN_ASSIGN_OR_RETURN(json b, Body(req));
  if (!b.contains("grant") || !b["grant"].is_boolean()) return InvalidInput("grant (true/false) is required");
  bool grant = b["grant"].get<bool>();
  ALMEN_ASSIGN_OR_RETURN(std::string note, Str(b, "note", false));
  std::lock_guard lock(mu_);
  auto c = ctx_.db->pool().Borrow();
  ALMEN_ASSIGN_OR_RETURN(json a, LoadApplication(*c, id));
  if (a["recommendation"].is_null())
    return Conflict("no decision without the assessment committee's recommendation: application " +
                    std::to_string(id) + " has none yet");
  if (!a["decision"].is_null()) return Conflict("application " + std::to_string(id) + " is decided already");
  int64_t amount = 0;
  if (grant) {
    int64_t dflt = a["recommended_ore"].is_number_integer() && a["recommended_ore"].get<int64_t>() > 0
                       ? a["recommended_ore"].get<int64_t>()
                       : a["amount_ore"].get<int64_t>();
    ALMEN_ASSIGN_OR_RETURN(amount, Int(b, "amount_ore", false, dflt));
    if (amount <= 0 || amount > a["amount_ore"].get<int64_t>())
      return InvalidInput("the grant must be positive and at most the amount applied for");
    ALMEN_ASSIGN_OR_RETURN(auto left, c->Query("SELECT k.budget_ore - COALESCE((SELECT SUM(x.granted_ore) FROM "
                                               "pool_applications x WHERE x.call_id = k.id), 0) FROM pool_calls k "
                                               "WHERE k.id = $1",
                                               {a["call_id"].get<int64_t>()}));
    int64_t remaining = left.empty() ? 0 : left[0].Int(0);
    if (amount > remaining) {
      Audit(*c, u.username, "pool.decision.refused_budget", "application " + std::to_string(id) + " amount_ore=" +
                                                            std::to_string(amount) + " remaining_ore=" + std::to_string(remaining));
      return Conflict("the grant of " + FormatKroner(Money::FromOre(amount)) + " exceeds the remaining pool of " +
                      FormatKroner(Money::FromOre(remaining)) + "; nothing was granted");
    }
  }
  std::string now = NowUtc();
  ALMEN_RETURN_IF_ERROR(c->Exec("UPDATE pool_applications SET status = $1, decision = $2, granted_ore = $3, "
                                "decision_note = $4, decided_at = $5, decided_by = $6 WHERE id = $7",
                                {std::string(grant ? "granted" : "refused"), std::string(grant ? "grant" : "refuse"),
                                 amount, note, now, u.username, id}));
  Audit(*c, u.username, "pool.decision",
        "application " + std::to_string(id) + (grant ? " grant amount_ore=" + std::to_string(amount) : " refuse"));
  Send(res, {{"application_id", id}, {"status", grant ? "granted" : "refused"}, {"granted_ore", amount}});
  return Status::Ok();
}

Status Cases::Pay(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  if (!IsSecretariat(u)) return Deny(u, "pay instalments");
  ALMEN_ASSIGN_OR_RETURN(int64_t id, PathId(req));
  ALMEN_ASSIGN_OR_RETURN(json b, Body(req));
  ALMEN_ASSIGN_OR_RETURN(int64_t amount, Int(b, "amount_ore"));
  ALMEN_ASSIGN_OR_RETURN(Date paid_on, DateField(b, "paid_on", false, *Date::Parse(Today())));
  if (amount <= 0) return InvalidInput("amount_ore must be positive");
  std::lock_guard lock(mu_);
  auto c = ctx_.db->pool().Borrow();
  ALMEN_ASSIGN_OR_RETURN(json a, LoadApplication(*c, id));
  if (a["status"] != "granted" && a["status"] != "closed")
    return Conflict("application " + std::to_string(id) + " has no grant to pay");
  ALMEN_ASSIGN_OR_RETURN(auto paid, c->Query("SELECT COALESCE(SUM(amount_ore), 0), COUNT(*) FROM pool_payments WHERE "
                                             "application_id = $1",
                                             {id}));
  int64_t granted = a["granted_ore"].get<int64_t>();
  if (paid[0].Int(0) + amount > granted)
    return Conflict("the instalment would bring payments to " + FormatKroner(Money::FromOre(paid[0].Int(0) + amount)) +
                    ", above the grant of " + FormatKroner(Money::FromOre(granted)));
  int64_t instalment = paid[0].Int(1) + 1;
  std::string now = NowUtc();
  ALMEN_RETURN_IF_ERROR(c->Exec("INSERT INTO pool_payments (application_id, instalment, amount_ore, paid_on, created_at, "
                                "created_by) VALUES ($1, $2, $3, $4, $5, $6)",
                                {id, instalment, amount, paid_on.ToIso(), now, u.username}));
  Audit(*c, u.username, "pool.payment", "application " + std::to_string(id) + " instalment " + std::to_string(instalment) +
                                        " amount_ore=" + std::to_string(amount));
  Send(res, {{"application_id", id}, {"instalment", instalment}, {"paid_ore", paid[0].Int(0) + amount}}, 201);
  return Status::Ok();
}

Status Cases::RequestReport(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  if (!IsSecretariat(u)) return Deny(u, "request status reports");
  ALMEN_ASSIGN_OR_RETURN(int64_t id, PathId(req));
  ALMEN_ASSIGN_OR_RETURN(json b, Body(req));
  ALMEN_ASSIGN_OR_RETURN(Date due, DateField(b, "due"));
  auto c = ctx_.db->pool().Borrow();
  ALMEN_ASSIGN_OR_RETURN(json a, LoadApplication(*c, id));
  if (a["status"] != "granted") return Conflict("status reports are requested from granted projects only");
  ALMEN_ASSIGN_OR_RETURN(auto r, c->Query("INSERT INTO pool_reports (application_id, requested_at, requested_by, due) "
                                          "VALUES ($1, $2, $3, $4) RETURNING id",
                                          {id, NowUtc(), u.username, due.ToIso()}));
  Audit(*c, u.username, "pool.report.request",
        "application " + std::to_string(id) + " report " + std::to_string(r[0].Int(0)) + " due " + due.ToIso());
  Send(res, {{"id", r[0].Int(0)}, {"application_id", id}, {"due", due.ToIso()}}, 201);
  return Status::Ok();
}

Status Cases::ReceiveReport(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  if (u.role != "region" && !IsSecretariat(u)) return Deny(u, "submit status reports");
  ALMEN_ASSIGN_OR_RETURN(int64_t id, PathId(req));
  ALMEN_RETURN_IF_ERROR(ctx_.access->Check(u, ObjectKind::kPoolReport, id, Act::kWrite));
  ALMEN_ASSIGN_OR_RETURN(json b, Body(req));
  ALMEN_ASSIGN_OR_RETURN(std::string summary, Str(b, "summary"));
  std::lock_guard lock(mu_);
  auto c = ctx_.db->pool().Borrow();
  ALMEN_ASSIGN_OR_RETURN(auto rows, c->Query("SELECT r.application_id, r.received_at, a.region_code FROM pool_reports r "
                                             "JOIN pool_applications a ON a.id = r.application_id WHERE r.id = $1",
                                             {id}));
  if (rows.empty()) return NotFound("no report " + std::to_string(id));
  if (!rows[0].IsNull(1)) return Conflict("report " + std::to_string(id) + " was received already");
  ALMEN_RETURN_IF_ERROR(c->Exec("UPDATE pool_reports SET received_at = $1, received_by = $2, summary = $3 WHERE id = $4",
                                {NowUtc(), u.username, summary, id}));
  Audit(*c, u.username, "pool.report.receive", "report " + std::to_string(id) + " application " + rows[0].Str(0));
  Send(res, {{"id", id}, {"received", true}});
  return Status::Ok();
}

StatusOr<json> Cases::EvaluationFigures(SqlConnection& c, int64_t call_id) {
  ALMEN_ASSIGN_OR_RETURN(
      Table t, QueryTable(c,
                          "SELECT a.project_type, COUNT(*), SUM(CASE WHEN a.decision = 'grant' THEN 1 ELSE 0 END), "
                          "SUM(a.amount_ore), SUM(a.cofinancing_ore), SUM(a.granted_ore), "
                          "COALESCE(SUM((SELECT SUM(p.amount_ore) FROM pool_payments p WHERE p.application_id = a.id)), 0), "
                          "COALESCE(SUM((SELECT COUNT(*) FROM pool_reports r WHERE r.application_id = a.id)), 0), "
                          "COALESCE(SUM((SELECT COUNT(*) FROM pool_reports r WHERE r.application_id = a.id AND "
                          "r.received_at IS NOT NULL)), 0) "
                          "FROM pool_applications a WHERE a.call_id = $1 GROUP BY a.project_type ORDER BY a.project_type",
                          {call_id},
                          {"project_type", "applications", "granted", "applied_ore", "cofinancing_ore", "granted_ore",
                           "paid_ore", "reports_requested", "reports_received"},
                          "siiiiiiii"));
  json rows = t.ToJson()["rows"];
  json total = {{"applications", 0}, {"granted", 0},          {"applied_ore", 0},       {"cofinancing_ore", 0},
                {"granted_ore", 0},  {"paid_ore", 0},         {"reports_requested", 0}, {"reports_received", 0}};
  for (const auto& r : rows)
    for (auto it = total.begin(); it != total.end(); ++it) *it = it->get<int64_t>() + r[it.key()].get<int64_t>();
  return json{{"by_project_type", rows}, {"total", total}};
}

Status Cases::Evaluate(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  if (!IsSecretariat(u)) return Deny(u, "record the evaluation");
  ALMEN_ASSIGN_OR_RETURN(int64_t id, PathId(req));
  ALMEN_ASSIGN_OR_RETURN(json b, Body(req));
  ALMEN_ASSIGN_OR_RETURN(std::string text, Str(b, "text"));
  auto c = ctx_.db->pool().Borrow();
  ALMEN_ASSIGN_OR_RETURN(auto call, c->Query("SELECT id FROM pool_calls WHERE id = $1", {id}));
  if (call.empty()) return NotFound("no call " + std::to_string(id));
  ALMEN_ASSIGN_OR_RETURN(json figures, EvaluationFigures(*c, id));
  std::string now = NowUtc();
  ALMEN_RETURN_IF_ERROR(c->Begin());
  Status s = c->Exec("INSERT INTO pool_evaluations (call_id, text, figures_json, created_at, created_by) VALUES ($1, $2, "
                     "$3, $4, $5)",
                     {id, text, JsonText(figures), now, u.username});
  if (s.ok()) s = c->Exec("UPDATE pool_calls SET status = 'evaluated' WHERE id = $1", {id});
  if (!s.ok()) {
    (void)c->Rollback();
    return s;
  }
  ALMEN_RETURN_IF_ERROR(c->Commit());
  Audit(*c, u.username, "pool.evaluation", "call " + std::to_string(id));
  Send(res, {{"call_id", id}, {"figures", figures}}, 201);
  return Status::Ok();
}

Status Cases::GetEvaluation(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  if (!PoolReader(u)) return Deny(u, "see the pool");
  ALMEN_ASSIGN_OR_RETURN(int64_t id, PathId(req));
  ALMEN_ASSIGN_OR_RETURN(json figures, EvaluationFigures(*ctx_.db->pool().Borrow(), id));
  ALMEN_ASSIGN_OR_RETURN(Table ev, Q( "SELECT id, text, created_at, created_by FROM pool_evaluations WHERE "
                                                  "call_id = $1 ORDER BY id",
                                              {id}, {"id", "text", "created_at", "created_by"}, "isss"));
  if (req.has_param("format")) {
    Table t;
    t.columns = {"project_type", "applications", "granted", "applied_ore", "cofinancing_ore", "granted_ore",
                 "paid_ore", "reports_requested", "reports_received"};
    for (const auto& r : figures["by_project_type"]) {
      std::vector<json> row;
      for (const auto& col : t.columns) row.push_back(r[col]);
      t.rows.push_back(std::move(row));
    }
    ctx_.send_table(req, res, u, t, "pool-evaluation");
    return Status::Ok();
  }
  Send(res, {{"call_id", id}, {"figures", figures}, {"evaluations", ev.ToJson()["rows"]}});
  return Status::Ok();
}

// ---- sanctions and employment ------------------------------------------------------------

StatusOr<SanctionRegister> Cases::LoadSanctions(SqlConnection& c, std::vector<SanctionRow> extra) {
  ALMEN_ASSIGN_OR_RETURN(std::vector<SanctionRow> all, StoredSanctionRows(c));
  for (auto& e : extra) all.push_back(std::move(e));
  return SanctionRegister::FromRows(std::move(all), "sanctions register");
}

bool SanctionReader(const UserRecord& u) {
  return u.role == "rltn" || u.role == "plo" || u.role == "region" || u.role == "clinic";
}

// Restricts to the user's clinics: region -> providers in the region, clinic -> itself.
std::string ProviderScopeSql(const UserRecord& u, const std::string& column, SqlParams* params) {
  if (u.role == "region") {
    params->push_back(u.scope);
    return " AND " + column + " IN (SELECT provider FROM providers WHERE region_code = $" +
           std::to_string(params->size()) + ")";
  }
  if (u.role == "clinic") {
    params->push_back(u.scope);
    return " AND " + column + " = $" + std::to_string(params->size());
  }
  return "";
}

Status Cases::ListSanctions(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  if (!SanctionReader(u)) return Deny(u, "see the sanctions register");
  SqlParams params;
  std::string sql = "SELECT id, doctor_id, provider, kind, decided, from_date, to_date, amount_ore, repetition, case_id, "
                    "created_at, created_by FROM sanctions WHERE 1 = 1" +
                    ProviderScopeSql(u, "provider", &params) + " ORDER BY decided, id";
  ctx_.send_table(req, res, u,
                  Q( sql, params,
                             {"id", "doctor_id", "provider", "kind", "decided", "from_date", "to_date", "amount_ore",
                              "repetition", "case_id", "created_at", "created_by"},
                             "issssssiisss"),
                  "sanctions");
  return Status::Ok();
}

Status Cases::AddSanctions(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  if (u.role != "rltn") return Deny(u, "register LSU decisions");
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
  if (add.empty()) return InvalidInput("no decisions in the request");
  std::lock_guard lock(mu_);
  auto c = ctx_.db->pool().Borrow();
  auto merged = LoadSanctions(*c, add);
  if (!merged.ok()) return merged.status();  // overlap with the register: nothing stored
  // A payment stop (d, e) may not cover the start of a fixed-doctor attachment
  // the clinic holds: the stored botilbud register would no longer be valid
  // (an excluded doctor cannot be attached, § 114 stk. 2) and every later
  // settlement would be refused. End or move the attachment first.
  for (const auto& s : add) {
    if ((s.kind != SanctionKind::kD && s.kind != SanctionKind::kE) || !s.provider) continue;
    ALMEN_ASSIGN_OR_RETURN(
        auto hits, c->Query("SELECT botilbud_id, section, from_date FROM attachments WHERE provider = $1 "
                            "AND from_date >= $2 AND from_date < $3 ORDER BY from_date LIMIT 1",
                            {YdernummerText(s.provider), s.period.from.ToIso(), s.period.to.ToIso()}));
    if (!hits.empty())
      return Conflict("ydernummer " + YdernummerText(s.provider) + " er fast tilknyttet botilbud " + hits[0].Str(0) +
                      " afsnit " + hits[0].Str(1) + " fra " + hits[0].Str(2) +
                      ", som ligger i sanktionsperioden: afslut eller flyt tilknytningen først (§ 114 stk. 2); "
                      "intet er registreret");
  }
  std::string now = NowUtc();
  ALMEN_RETURN_IF_ERROR(c->Begin());
  for (const auto& s : add) {
    Status st = c->Exec("INSERT INTO sanctions (doctor_id, provider, kind, decided, from_date, to_date, amount_ore, "
                        "repetition, case_id, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                        {s.doctor_id, s.provider ? YdernummerText(s.provider) : std::string(),
                         std::string(1, SanctionKindLetter(s.kind)), s.decided.ToIso(), s.period.from.ToIso(),
                         s.period.to.ToIso(), s.amount.ore(), int64_t{s.repetition ? 1 : 0}, s.case_id, now, u.username});
    if (!st.ok()) {
      (void)c->Rollback();
      return st;
    }
  }
  ALMEN_RETURN_IF_ERROR(c->Commit());
  for (const auto& s : add)
    Audit(*c, u.username, "sanction.register",
          std::string(1, SanctionKindLetter(s.kind)) + " doctor " + s.doctor_id + " provider " +
              (s.provider ? YdernummerText(s.provider) : std::string("-")) + " from " + s.period.from.ToIso() +
              (s.amount.ore() ? " amount_ore=" + std::to_string(s.amount.ore()) : std::string()));
  Send(res, {{"added", add.size()}}, 201);
  return Status::Ok();
}

Status Cases::SanctionEffect(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  if (!SanctionReader(u)) return Deny(u, "see the sanctions register");
  SqlParams p1;
  std::string s1 = "SELECT provider, rule, month, COUNT(*) FROM flagged_lines WHERE rule IN ('sanction.suspended', "
                   "'sanction.excluded')" + ProviderScopeSql(u, "provider", &p1) +
                   " GROUP BY provider, rule, month ORDER BY provider, month, rule";
  ALMEN_ASSIGN_OR_RETURN(Table stopped, Q( s1, p1, {"provider", "rule", "month", "lines"}, "sssi"));
  SqlParams p2;
  std::string s2 = "SELECT provider, month, SUM(-amount_ore) FROM ledger_balances WHERE item = 'offset'" +
                   ProviderScopeSql(u, "provider", &p2) + " GROUP BY provider, month ORDER BY provider, month";
  ALMEN_ASSIGN_OR_RETURN(Table collected, Q( s2, p2, {"provider", "month", "collected_ore"}, "ssi"));
  if (req.has_param("format")) {
    ctx_.send_table(req, res, u, req.get_param_value("table") == "collected" ? collected : stopped,
                    req.get_param_value("table") == "collected" ? "sanctions-collected" : "sanctions-stopped");
    return Status::Ok();
  }
  Send(res, {{"stopped", stopped.ToJson()}, {"collected", collected.ToJson()}});
  return Status::Ok();
}

Status Cases::ListEmployments(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  if (!SanctionReader(u)) return Deny(u, "see the employment register");
  SqlParams params;
  std::string sql = "SELECT id, doctor_id, provider, from_date, to_date, created_at, created_by FROM employments WHERE 1 = 1" +
                    ProviderScopeSql(u, "provider", &params) + " ORDER BY provider, from_date, id";
  ctx_.send_table(req, res, u,
                  Q( sql, params,
                             {"id", "doctor_id", "provider", "from_date", "to_date", "created_at", "created_by"},
                             "issssss"),
                  "employments");
  return Status::Ok();
}

Status Cases::AddEmployment(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  if (u.role != "rltn" && u.role != "clinic") return Deny(u, "register employed doctors");
  ALMEN_ASSIGN_OR_RETURN(json b, Body(req));
  SanctionEmployment e;
  ALMEN_ASSIGN_OR_RETURN(e.doctor_id, Str(b, "doctor_id"));
  ALMEN_ASSIGN_OR_RETURN(std::string provider, Str(b, "provider", u.role != "clinic"));
  if (u.role == "clinic") {
    if (!provider.empty() && provider != u.scope) return PermissionDenied("a clinic registers its own employees only");
    provider = u.scope;
  }
  e.provider = ParseYdernummer(provider).value_or(0);
  ALMEN_ASSIGN_OR_RETURN(e.period.from, DateField(b, "from_date"));
  ALMEN_ASSIGN_OR_RETURN(e.period.to, DateField(b, "to_date", false, Date::Max()));
  std::lock_guard lock(mu_);
  auto c = ctx_.db->pool().Borrow();
  ALMEN_ASSIGN_OR_RETURN(SanctionRegister sanctions, LoadSanctions(*c, {}));
  SanctionEmploymentRegister reg(&sanctions);
  ALMEN_ASSIGN_OR_RETURN(auto rows, c->Query("SELECT doctor_id, provider, from_date, to_date FROM employments WHERE "
                                             "doctor_id = $1",
                                             {e.doctor_id}));
  for (const auto& r : rows) {
    SanctionEmployment o{r.Str(0), ParseYdernummer(r.Str(1)).value_or(0),
                         {Date::Parse(r.Str(2)).value_or(Date()),
                          r.Str(3).empty() ? Date::Max() : Date::Parse(r.Str(3)).value_or(Date::Max())}};
    (void)reg.Register(o);  // already stored; a later ban does not undo history
  }
  Status st = reg.Register(e);
  if (!st.ok()) {
    Audit(*c, u.username, "employment.refused", "doctor " + e.doctor_id + " provider " + provider + ": " + st.message());
    return st;
  }
  std::string now = NowUtc();
  ALMEN_ASSIGN_OR_RETURN(auto r, c->Query("INSERT INTO employments (doctor_id, provider, from_date, to_date, created_at, "
                                          "created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                                          {e.doctor_id, provider, e.period.from.ToIso(), e.period.to.ToIso(), now,
                                           u.username}));
  Audit(*c, u.username, "employment.register", "doctor " + e.doctor_id + " provider " + provider + " from " +
                                               e.period.from.ToIso());
  Send(res, {{"id", r[0].Int(0)}}, 201);
  return Status::Ok();
}

Status Cases::CheckEmployment(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  if (!SanctionReader(u) && u.role != "municipality") return Deny(u, "check employment bans");
  std::string doctor = req.get_param_value("doctor_id");
  auto d = Date::Parse(req.has_param("date") ? req.get_param_value("date") : Today());
  if (doctor.empty() || !d) return InvalidInput("doctor_id and date (YYYY-MM-DD) are required");
  auto c = ctx_.db->pool().Borrow();
  ALMEN_ASSIGN_OR_RETURN(SanctionRegister sanctions, LoadSanctions(*c, {}));
  const SanctionRow* ban = sanctions.EmploymentBan(doctor, *d);
  Send(res, {{"doctor_id", doctor},
             {"date", d->ToIso()},
             {"blocked", ban != nullptr},
             {"reason", ban ? json(EmploymentBlockedMessage(*ban)) : json(nullptr)}});
  return Status::Ok();
}

// ---- data sharing ---------------------------------------------------------------------------

// The CPR is read, checked and pseudonymised here and nowhere else; it is not
// kept, logged or repeated in an error.
StatusOr<Pseudonym> Cases::PseudonymOf(const json& body) {
  if (!body.contains("cpr") || !body["cpr"].is_string()) return InvalidInput("cpr is required");
  CprResult r = ParseCpr(body["cpr"].get_ref<const std::string&>());
  if (!r.info) return InvalidInput("cpr: " + std::string(r.error.empty() ? "not a valid CPR number" : r.error));
  Pseudonym p = ctx_.pseudonymizer->Of(std::string_view(r.info->digits, 10));
  sodium_memzero(r.info->digits, sizeof r.info->digits);
  return p;
}

bool BlockWriter(const UserRecord& u) { return u.role == "rltn" || u.role == "clinic" || u.role == "region"; }

Status Cases::AddBlock(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  if (!BlockWriter(u)) return Deny(u, "register a patient's block");
  ALMEN_ASSIGN_OR_RETURN(json b, Body(req));
  ALMEN_ASSIGN_OR_RETURN(Pseudonym p, PseudonymOf(b));
  ALMEN_ASSIGN_OR_RETURN(std::string note_type, Str(b, "note_type", false));
  ALMEN_ASSIGN_OR_RETURN(std::string sector, Str(b, "sector", false));
  if (note_type.empty()) note_type = "all";
  if (sector.empty()) sector = "all";
  if (note_type != "all" && !kNoteTypes.count(note_type)) return InvalidInput("note_type must be journal_note, lab_values or all");
  if (sector != "all" && !kSectors.count(sector))
    return InvalidInput("sector must be hospital, municipality, specialist_practice, other_practice or all");
  auto c = ctx_.db->pool().Borrow();
  ALMEN_ASSIGN_OR_RETURN(auto r, c->Query("INSERT INTO sharing_blocks (pseudonym, note_type, sector, created_at, created_by) "
                                          "VALUES ($1, $2, $3, $4, $5) RETURNING id",
                                          {p.ToHex(), note_type, sector, NowUtc(), u.username}));
  Audit(*c, u.username, "sharing.block", "block " + std::to_string(r[0].Int(0)) + " " + note_type + " -> " + sector);
  Send(res, {{"id", r[0].Int(0)}, {"note_type", note_type}, {"sector", sector}}, 201);
  return Status::Ok();
}

Status Cases::RevokeBlock(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  if (!BlockWriter(u)) return Deny(u, "revoke a patient's block");
  ALMEN_ASSIGN_OR_RETURN(int64_t id, PathId(req));
  // Whose block it is (issue 12: ids are sequential; any clinic could revoke any block).
  ALMEN_RETURN_IF_ERROR(ctx_.access->Check(u, ObjectKind::kSharingBlock, id, Act::kWrite));
  auto c = ctx_.db->pool().Borrow();
  ALMEN_ASSIGN_OR_RETURN(auto rows, c->Query("SELECT revoked_at FROM sharing_blocks WHERE id = $1", {id}));
  if (rows.empty()) return NotFound("no block " + std::to_string(id));
  if (!rows[0].IsNull(0)) return Conflict("block " + std::to_string(id) + " is revoked already");
  ALMEN_RETURN_IF_ERROR(c->Exec("UPDATE sharing_blocks SET revoked_at = $1, revoked_by = $2 WHERE id = $3",
                                {NowUtc(), u.username, id}));
  Audit(*c, u.username, "sharing.block.revoke", "block " + std::to_string(id));
  Send(res, {{"id", id}, {"revoked", true}});
  return Status::Ok();
}

Status Cases::ListBlocks(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  if (u.role != "rltn") return Deny(u, "see the register of blocks");
  ctx_.send_table(req, res, u,
                  Q( "SELECT id, SUBSTR(pseudonym, 1, 8), note_type, sector, created_at, created_by, "
                                 "revoked_at, revoked_by FROM sharing_blocks ORDER BY id",
                             {}, {"id", "pseudonym_prefix", "note_type", "sector", "created_at", "created_by",
                                  "revoked_at", "revoked_by"},
                             "isssssss"),
                  "sharing-blocks");
  return Status::Ok();
}

Status Cases::CheckSharing(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  if (u.role != "rltn" && u.role != "clinic") return Deny(u, "ask whether a clinic may share notes");
  ALMEN_ASSIGN_OR_RETURN(json b, Body(req));
  ALMEN_ASSIGN_OR_RETURN(Pseudonym p, PseudonymOf(b));
  ALMEN_ASSIGN_OR_RETURN(std::string provider, Str(b, "provider", u.role != "clinic"));
  if (u.role == "clinic") {
    if (!provider.empty() && provider != u.scope) return PermissionDenied("a clinic asks for itself only");
    provider = u.scope;
  }
  ALMEN_ASSIGN_OR_RETURN(std::string note_type, Str(b, "note_type"));
  ALMEN_ASSIGN_OR_RETURN(std::string sector, Str(b, "sector"));
  if (!kNoteTypes.count(note_type)) return InvalidInput("note_type must be journal_note or lab_values");
  if (!kSectors.count(sector))
    return InvalidInput("sector must be hospital, municipality, specialist_practice or other_practice");
  std::string hex = p.ToHex();
  auto c = ctx_.db->pool().Borrow();
  ALMEN_ASSIGN_OR_RETURN(auto blocks, c->Query("SELECT id, note_type, sector, created_at FROM sharing_blocks WHERE "
                                               "pseudonym = $1 AND revoked_at IS NULL AND (note_type = $2 OR note_type = "
                                               "'all') AND (sector = $3 OR sector = 'all') ORDER BY id",
                                               {hex, note_type, sector}));
  bool allowed = blocks.empty();
  json block_id = allowed ? json(nullptr) : json(blocks[0].Int(0));
  std::string reason =
      allowed ? "Der er ingen spærring: klinikken må dele patientens " + kNoteTypeDa.at(note_type) + " med " +
                    kSectorDa.at(sector) + " (OK25 afsnit 3)."
              : "Patienten har frabedt sig deling af " + kNoteTypeDa.at(blocks[0].Str(1)) + " med " +
                    kSectorDa.at(blocks[0].Str(2)) + " (spærring nr. " + std::to_string(blocks[0].Int(0)) +
                    " af " + FormatDateDa(Date::Parse(blocks[0].Str(3).substr(0, 10)).value_or(Date())) +
                    "); der må ikke deles (OK25 afsnit 3).";
  std::string now = NowUtc();
  ALMEN_RETURN_IF_ERROR(c->Exec("INSERT INTO sharing_log (at, username, provider, note_type, sector, allowed, block_id, "
                                "pseudonym_prefix) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                                {now, u.username, provider, note_type, sector, int64_t{allowed ? 1 : 0},
                                 allowed ? SqlValue(nullptr) : SqlValue(blocks[0].Int(0)), hex.substr(0, 8)}));
  Audit(*c, u.username, "sharing.check", "provider " + provider + " " + note_type + " -> " + sector +
                                         (allowed ? " allowed" : " blocked by " + std::to_string(blocks[0].Int(0))));
  Send(res, {{"allowed", allowed}, {"block_id", block_id}, {"reason", reason}, {"provider", provider},
             {"note_type", note_type}, {"sector", sector}});
  return Status::Ok();
}

Status Cases::SharingLog(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  if (u.role != "rltn" && u.role != "clinic") return Deny(u, "see the sharing log");
  SqlParams params;
  std::string sql = "SELECT id, at, username, provider, note_type, sector, allowed, block_id, pseudonym_prefix FROM "
                    "sharing_log WHERE 1 = 1" + ProviderScopeSql(u, "provider", &params) + " ORDER BY id DESC";
  ctx_.send_table(req, res, u,
                  Q( sql, params,
                             {"id", "at", "username", "provider", "note_type", "sector", "allowed", "block_id",
                              "pseudonym_prefix"},
                             "isssssiis"),
                  "sharing-log");
  return Status::Ok();
}

// ---- budgets -------------------------------------------------------------------------------

const std::map<std::string, std::pair<std::string, std::string>> kBudgets = {
    {"it_subsidy", {"it_subsidy_budget_ore", "Tilskud til it-drift i almen praksis (pkt. 3.3)"}},
    {"partsforum", {"partsforum_budget_ore", "Partsforum for data og digitalisering (afsnit 3)"}},
};

Status Cases::Budgets(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  if (u.role != "rltn" && u.role != "plo" && u.role != "pool_secretariat") return Deny(u, "see the budgets");
  int64_t year = ParamYear(req);
  json budgets = json::array();
  for (const auto& [key, v] : kBudgets) {
    auto budget = BudgetParameter(v.first, year);
    ALMEN_ASSIGN_OR_RETURN(auto spent, QRows("SELECT COALESCE(SUM(amount_ore), 0) FROM budget_spend WHERE budget = $1 "
                                                "AND year = $2",
                                                {key, year}));
    int64_t b = budget.ok() ? budget->ore() : 0;
    budgets.push_back({{"budget", key}, {"name", v.second}, {"year", year}, {"budget_ore", b},
                       {"spent_ore", spent[0].Int(0)}, {"remaining_ore", b - spent[0].Int(0)}});
  }
  ALMEN_ASSIGN_OR_RETURN(Table spend, Q( "SELECT id, budget, year, amount_ore, spent_on, description, "
                                                     "created_at, created_by FROM budget_spend WHERE year = $1 ORDER BY "
                                                     "spent_on, id",
                                                 {year}, {"id", "budget", "year", "amount_ore", "spent_on", "description",
                                                          "created_at", "created_by"},
                                                 "isiissss"));
  if (req.has_param("format")) {
    ctx_.send_table(req, res, u, spend, "budget-spend");
    return Status::Ok();
  }
  Send(res, {{"year", year}, {"budgets", budgets}, {"spend", spend.ToJson()}});
  return Status::Ok();
}

Status Cases::Spend(const httplib::Request& req, httplib::Response& res, const UserRecord& u) {
  if (u.role != "rltn" && u.role != "plo") return Deny(u, "record spend");
  ALMEN_ASSIGN_OR_RETURN(json b, Body(req));
  ALMEN_ASSIGN_OR_RETURN(std::string budget, Str(b, "budget"));
  auto it = kBudgets.find(budget);
  if (it == kBudgets.end()) return InvalidInput("budget must be it_subsidy or partsforum");
  ALMEN_ASSIGN_OR_RETURN(int64_t amount, Int(b, "amount_ore"));
  ALMEN_ASSIGN_OR_RETURN(Date on, DateField(b, "spent_on"));
  ALMEN_ASSIGN_OR_RETURN(std::string description, Str(b, "description"));
  if (amount <= 0) return InvalidInput("amount_ore must be positive");
  int64_t year = on.year();
  ALMEN_ASSIGN_OR_RETURN(Money total, BudgetParameter(it->second.first, year));
  std::lock_guard lock(mu_);
  auto c = ctx_.db->pool().Borrow();
  ALMEN_ASSIGN_OR_RETURN(auto spent, c->Query("SELECT COALESCE(SUM(amount_ore), 0) FROM budget_spend WHERE budget = $1 AND "
                                              "year = $2",
                                              {budget, year}));
  if (spent[0].Int(0) + amount > total.ore())
    return Conflict("the spend would exceed the " + std::to_string(year) + " budget of " + FormatKroner(total) +
                    " (spent so far " + FormatKroner(Money::FromOre(spent[0].Int(0))) + ")");
  ALMEN_RETURN_IF_ERROR(c->Exec("INSERT INTO budget_spend (budget, year, amount_ore, spent_on, description, created_at, "
                                "created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                                {budget, year, amount, on.ToIso(), description, NowUtc(), u.username}));
  Audit(*c, u.username, "budget.spend", budget + " " + std::to_string(year) + " amount_ore=" + std::to_string(amount));
  Send(res, {{"budget", budget}, {"spent_ore", spent[0].Int(0) + amount}, {"remaining_ore",
                                                                            total.ore() - spent[0].Int(0) - amount}},
       201);
  return Status::Ok();
}

// ---- registration ------------------------------------------------------------------------------

void Cases::Register() {
  auto& h = *ctx_.http;
  auto bind = [this](Status (Cases::*f)(const httplib::Request&, httplib::Response&, const UserRecord&)) {
    return Authed([this, f](const httplib::Request& q, httplib::Response& r, const UserRecord& u) {
      return (this->*f)(q, r, u);
    });
  };
  h.Get("/api/pool/calls", bind(&Cases::ListCalls));
  h.Post("/api/pool/calls", bind(&Cases::CreateCall));
  h.Get(R"(/api/pool/calls/(\d+)/evaluation)", bind(&Cases::GetEvaluation));
  h.Post(R"(/api/pool/calls/(\d+)/evaluation)", bind(&Cases::Evaluate));
  h.Get("/api/pool/committee", bind(&Cases::ListCommittee));
  h.Post("/api/pool/committee", bind(&Cases::AppointMember));
  h.Get("/api/pool/applications", bind(&Cases::ListApplications));
  h.Post("/api/pool/applications", bind(&Cases::Apply));
  h.Get(R"(/api/pool/applications/(\d+))", bind(&Cases::GetApplication));
  h.Post(R"(/api/pool/applications/(\d+)/scores)", bind(&Cases::Score));
  h.Post(R"(/api/pool/applications/(\d+)/recommendation)", bind(&Cases::Recommend));
  h.Post(R"(/api/pool/applications/(\d+)/decision)", bind(&Cases::Decide));
  h.Post(R"(/api/pool/applications/(\d+)/payments)", bind(&Cases::Pay));
  h.Post(R"(/api/pool/applications/(\d+)/reports)", bind(&Cases::RequestReport));
  h.Post(R"(/api/pool/reports/(\d+)/receive)", bind(&Cases::ReceiveReport));
  h.Get("/api/sanctions", bind(&Cases::ListSanctions));
  h.Post("/api/sanctions", bind(&Cases::AddSanctions));
  h.Get("/api/sanctions/effect", bind(&Cases::SanctionEffect));
  h.Get("/api/employments", bind(&Cases::ListEmployments));
  h.Post("/api/employments", bind(&Cases::AddEmployment));
  h.Get("/api/employments/check", bind(&Cases::CheckEmployment));
  h.Get("/api/sharing/blocks", bind(&Cases::ListBlocks));
  h.Post("/api/sharing/blocks", bind(&Cases::AddBlock));
  h.Post(R"(/api/sharing/blocks/(\d+)/revoke)", bind(&Cases::RevokeBlock));
  h.Post("/api/sharing/check", bind(&Cases::CheckSharing));
  h.Get("/api/sharing/log", bind(&Cases::SharingLog));
  h.Get("/api/budgets", bind(&Cases::Budgets));
  h.Post("/api/budgets/spend", bind(&Cases::Spend));
}

}  // namespace

StatusOr<std::vector<SanctionRow>> StoredSanctionRows(SqlConnection& c) {
  ALMEN_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT doctor_id, provider, kind, decided, from_date, to_date, amount_ore, "
                                            "repetition, case_id FROM sanctions ORDER BY id"));
  std::vector<SanctionRow> all;
  for (const auto& r : rows) {
    SanctionRow s;
    s.doctor_id = r.Str(0);
    if (!r.Str(1).empty()) {
      auto provider = ParseYdernummer(r.Str(1));
      if (!provider) return Internal("sanctions table: '" + r.Str(1) + "' is not a ydernummer");
      s.provider = *provider;
    }
    if (!ParseSanctionKind(r.Str(2), &s.kind)) return Internal("sanctions table: bad kind");
    s.decided = Date::Parse(r.Str(3)).value_or(Date());
    s.period.from = Date::Parse(r.Str(4)).value_or(s.decided);
    s.period.to = r.Str(5).empty() ? Date::Max() : Date::Parse(r.Str(5)).value_or(Date::Max());
    s.amount = Money::FromOre(r.Int(6));
    s.repetition = r.Int(7) != 0;
    s.case_id = r.Str(8);
    all.push_back(std::move(s));
  }
  return all;
}

StatusOr<bool> WriteStoredSanctionsFile(Storage& db, const std::string& dir, std::string* sanctions_path) {
  std::vector<SanctionRow> rows;
  {
    auto c = db.pool().Borrow();
    ALMEN_ASSIGN_OR_RETURN(rows, StoredSanctionRows(*c));
  }
  if (rows.empty()) return false;
  // sanctions.csv as interfaces.md has it, plus the repetition and case_id extensions.
  std::string csv = "doctor_id,provider,kind,decided,from_date,to_date,amount_ore,repetition,case_id\n";
  for (const SanctionRow& r : rows) {
    const std::string provider = r.provider > 0 ? YdernummerText(r.provider) : std::string();
    const bool money = r.kind == SanctionKind::kB || r.kind == SanctionKind::kC;
    for (const std::string& field :
         {r.doctor_id, provider, std::string(1, SanctionKindLetter(r.kind)), r.decided.ToIso(),
          r.period.from.ToIso(), r.period.to.ToIso(), money ? std::to_string(r.amount.ore()) : std::string(),
          std::string(r.repetition ? "1" : "0"), r.case_id}) {
      AppendCsvField(csv, field);
      csv += ',';
    }
    csv.back() = '\n';
  }
  std::string path = (std::filesystem::path(dir) / "stored-sanctions.csv").string();
  std::ofstream f(path, std::ios::binary);
  f.write(csv.data(), static_cast<std::streamsize>(csv.size()));
  if (!f) return Internal("cannot write " + path);
  *sanctions_path = path;
  return true;
}


void RegisterCaseRoutes(const ServerRouteContext& ctx) {
  // Lives as long as the process's server (routes hold a pointer to it).
  static std::vector<std::unique_ptr<Cases>>* all = new std::vector<std::unique_ptr<Cases>>();
  static std::mutex mu;
  std::lock_guard lock(mu);
  all->push_back(std::make_unique<Cases>(ctx));
  all->back()->Register();
}

Status BootstrapCaseDemo(Storage& db, bool fast_password_hash, const std::string& now) {
  struct DemoUser {
    const char* name;
    const char* role;
    const char* party;
    const char* region;
  };
  const DemoUser users[] = {{"fond-sekretariat", "pool_secretariat", "", ""},
                            {"fond-bestyrelse", "pool_board", "", ""},
                            {"udvalg-rltn-1", "pool_committee", "rltn", "1084"},
                            {"udvalg-rltn-2", "pool_committee", "rltn", "1082"},
                            {"udvalg-rltn-3", "pool_committee", "rltn", "1081"},
                            {"udvalg-plo-1", "pool_committee", "plo", "1083"},
                            {"udvalg-plo-2", "pool_committee", "plo", "1085"},
                            {"udvalg-plo-3", "pool_committee", "plo", ""}};
  auto c = db.pool().Borrow();
  for (const auto& du : users) {
    ALMEN_ASSIGN_OR_RETURN(auto existing, db.FindUser(du.name));
    if (existing) continue;
    ALMEN_ASSIGN_OR_RETURN(std::string hash, HashPassword(du.name, fast_password_hash));
    std::string scope = std::string(du.role) == "pool_committee" ? std::string(du.party) + ":" + du.region : "";
    ALMEN_RETURN_IF_ERROR(db.CreateUser(du.name, hash, du.role, scope, now));
    if (std::string(du.role) == "pool_committee")
      ALMEN_RETURN_IF_ERROR(c->Exec("INSERT INTO pool_committee (username, party, region_code, appointed_at, "
                                    "appointed_by) VALUES ($1, $2, $3, $4, 'system')",
                                    {std::string(du.name), std::string(du.party), std::string(du.region), now}));
    std::fprintf(stderr, "  %-20s %-13s %s\n", du.name, du.role, scope.c_str());
    ALMEN_RETURN_IF_ERROR(c->Exec("INSERT INTO audit_log (at, username, action, detail) VALUES ($1, 'system', "
                                  "'user.create', $2)",
                                  {now, std::string(du.name) + " role=" + du.role}));
  }
  ALMEN_ASSIGN_OR_RETURN(auto calls, c->Query("SELECT COUNT(*) FROM pool_calls"));
  if (calls[0].Int(0) > 0) return Status::Ok();
  ALMEN_RETURN_IF_ERROR(c->Begin());
  auto run = [&]() -> Status {
    ALMEN_ASSIGN_OR_RETURN(auto call, c->Query("INSERT INTO pool_calls (name, year, budget_ore, opens, closes, status, "
                                               "created_at, created_by) VALUES ('Lægedækningspuljen 2025', 2025, "
                                               "2000000000, '2025-02-01', '2025-04-30', 'open', $1, 'system') RETURNING id",
                                               {now}));
    int64_t call_id = call[0].Int(0);
    struct DemoApplication {
      const char* region;
      const char* type;
      const char* title;
      const char* area;
      int64_t amount, cofin;
      const char* partners;
    };
    const DemoApplication apps[] = {
        {"1085", "satellite_transport", "Satellitklinik på Lolland med transportordning", "Lolland Kommune", 450000000,
         150000000, R"([{"type":"municipality","name":"Lolland Kommune"},{"type":"plo_regional","name":"PLO-Sjælland"}])"},
        {"1081", "tutors", "Flere tutorlæger i Vendsyssel", "Hjørring og Frederikshavn", 280000000, 50000000,
         R"([{"type":"plo_regional","name":"PLO-Nordjylland"}])"},
        {"1083", "settling_families", "Velkommen til Sønderjylland: bolig og job til ægtefæller", "Tønder Kommune",
         320000000, 120000000, R"([{"type":"municipality","name":"Tønder Kommune"},{"type":"local_organisation","name":"Erhverv Tønder"}])"},
    };
    std::vector<int64_t> ids;
    for (const auto& a : apps) {
      ALMEN_ASSIGN_OR_RETURN(auto r, c->Query("INSERT INTO pool_applications (call_id, region_code, partners, project_type, "
                                              "title, area, amount_ore, cofinancing_ore, status, submitted_at, submitted_by) "
                                              "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'submitted', $9, $10) RETURNING id",
                                              {call_id, std::string(a.region), std::string(a.partners), std::string(a.type),
                                               std::string(a.title), std::string(a.area), a.amount, a.cofin, now,
                                               "region-" + std::string(a.region)}));
      ids.push_back(r[0].Int(0));
    }
    // The first: scored, recommended, granted, first instalment paid, status report requested.
    for (const char* m : {"udvalg-rltn-1", "udvalg-plo-1", "udvalg-plo-3"})
      ALMEN_RETURN_IF_ERROR(c->Exec("INSERT INTO pool_scores (application_id, username, score, recommend, comment, "
                                    "scored_at) VALUES ($1, $2, 4, 1, 'Godt forankret i kommunen', $3)",
                                    {ids[0], std::string(m), now}));
    ALMEN_RETURN_IF_ERROR(c->Exec("UPDATE pool_applications SET status = 'granted', recommendation = 'recommend', "
                                  "recommended_ore = 400000000, recommended_at = $1, recommended_by = 'udvalg-plo-3', "
                                  "decision = 'grant', granted_ore = 400000000, decided_at = $1, decided_by = "
                                  "'fond-bestyrelse' WHERE id = $2",
                                  {now, ids[0]}));
    ALMEN_RETURN_IF_ERROR(c->Exec("INSERT INTO pool_payments (application_id, instalment, amount_ore, paid_on, created_at, "
                                  "created_by) VALUES ($1, 1, 200000000, '2025-06-01', $2, 'fond-sekretariat')",
                                  {ids[0], now}));
    ALMEN_RETURN_IF_ERROR(c->Exec("INSERT INTO pool_reports (application_id, requested_at, requested_by, due) VALUES ($1, "
                                  "$2, 'fond-sekretariat', '2025-12-01')",
                                  {ids[0], now}));
    // The second: scored by one member, awaiting the recommendation.
    ALMEN_RETURN_IF_ERROR(c->Exec("INSERT INTO pool_scores (application_id, username, score, recommend, comment, "
                                  "scored_at) VALUES ($1, 'udvalg-rltn-1', 3, 1, '', $2)",
                                  {ids[1], now}));
    ALMEN_RETURN_IF_ERROR(c->Exec("INSERT INTO budget_spend (budget, year, amount_ore, spent_on, description, created_at, "
                                  "created_by) VALUES ('it_subsidy', 2025, 525000000, '2025-03-31', 'Driftstilskud 1. "
                                  "kvartal', $1, 'plo'), ('partsforum', 2025, 180000000, '2025-05-15', 'Afprøvning af "
                                  "deling af journalnotater', $1, 'rltn')",
                                  {now}));
    return Status::Ok();
  };
  Status s = run();
  if (!s.ok()) {
    (void)c->Rollback();
    return s.WithContext("pool demo data");
  }
  ALMEN_RETURN_IF_ERROR(c->Commit());
  return db.Audit(now, "system", "pool.demo.load", "demo call and applications");
}

}  // namespace almen
