// The case work's SQL (cases_store.h).
#include "storage/cases_store.h"

#include "common/ydernummer.h"
#include "storage/table_util.h"

namespace almen {

using storage_internal::AppendScope;
using storage_internal::MakeTable;

namespace {

SqlValue Nullable(const std::optional<std::string>& s) { return s ? SqlValue(*s) : SqlValue(nullptr); }

std::optional<std::string> OptStr(const SqlRow& r, size_t i) {
  if (r.IsNull(i)) return std::nullopt;
  return r.Str(i);
}
std::optional<int64_t> OptInt(const SqlRow& r, size_t i) {
  if (r.IsNull(i)) return std::nullopt;
  return r.Int(i);
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

Status CasesStore::Audit(const std::string& now, const std::string& username, const std::string& action,
                         const std::string& detail) {
  return c_.Exec("INSERT INTO audit_log (at, username, action, detail) VALUES ($1, $2, $3, $4)",
                 {now, username, action, detail});
}

// ---- users ------------------------------------------------------------------------

StatusOr<bool> CasesStore::UserExists(const std::string& username) {
  ALMEN_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT id FROM users WHERE username = $1", {username}));
  return !rows.empty();
}

Status CasesStore::InsertUser(const std::string& username, const std::string& password_hash, const std::string& role,
                              const std::string& scope, const std::string& now) {
  return c_.Exec("INSERT INTO users (username, password_hash, role, scope, created_at) VALUES ($1, $2, $3, $4, $5)",
                 {username, password_hash, role, scope, now});
}

// ---- pool: calls and committee --------------------------------------------------------

StatusOr<int64_t> CasesStore::CallCount() {
  ALMEN_ASSIGN_OR_RETURN(auto calls, c_.Query("SELECT COUNT(*) FROM pool_calls"));
  return calls[0].Int(0);
}

StatusOr<int64_t> CasesStore::CallBudgetsOfYear(int64_t year) {
  ALMEN_ASSIGN_OR_RETURN(auto used, c_.Query("SELECT COALESCE(SUM(budget_ore), 0) FROM pool_calls WHERE year = $1", {year}));
  return used[0].Int(0);
}

StatusOr<int64_t> CasesStore::InsertCall(const NewPoolCall& k) {
  ALMEN_ASSIGN_OR_RETURN(auto r, c_.Query("INSERT INTO pool_calls (name, year, budget_ore, opens, closes, status, "
                                          "created_at, created_by) VALUES ($1, $2, $3, $4, $5, 'open', $6, $7) "
                                          "RETURNING id",
                                          {k.name, k.year, k.budget_ore, k.opens, k.closes, k.created_at, k.created_by}));
  return r[0].Int(0);
}

StatusOr<std::optional<std::string>> CasesStore::CallStatus(int64_t call_id) {
  ALMEN_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT status FROM pool_calls WHERE id = $1", {call_id}));
  if (rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(rows[0].Str(0));
}

Status CasesStore::SetCallStatus(int64_t call_id, const std::string& status) {
  return c_.Exec("UPDATE pool_calls SET status = $1 WHERE id = $2", {status, call_id});
}

StatusOr<int64_t> CasesStore::CallRemaining(int64_t call_id) {
  ALMEN_ASSIGN_OR_RETURN(auto left, c_.Query("SELECT k.budget_ore - COALESCE((SELECT SUM(x.granted_ore) FROM "
                                             "pool_applications x WHERE x.call_id = k.id), 0) FROM pool_calls k "
                                             "WHERE k.id = $1",
                                             {call_id}));
  return left.empty() ? int64_t{0} : left[0].Int(0);
}

StatusOr<std::optional<PoolCommitteeMember>> CasesStore::CommitteeMember(const std::string& username) {
  ALMEN_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT party, region_code FROM pool_committee WHERE username = $1",
                                             {username}));
  if (rows.empty()) return std::optional<PoolCommitteeMember>();
  return std::optional<PoolCommitteeMember>(PoolCommitteeMember{username, rows[0].Str(0), rows[0].Str(1)});
}

StatusOr<int64_t> CasesStore::CommitteeMembersOf(const std::string& party) {
  ALMEN_ASSIGN_OR_RETURN(auto n, c_.Query("SELECT COUNT(*) FROM pool_committee WHERE party = $1", {party}));
  return n[0].Int(0);
}

Status CasesStore::InsertCommitteeMember(const PoolCommitteeMember& m, const std::string& now, const std::string& by) {
  return c_.Exec("INSERT INTO pool_committee (username, party, region_code, appointed_at, appointed_by) "
                 "VALUES ($1, $2, $3, $4, $5)",
                 {m.username, m.party, m.region_code, now, by});
}

// ---- pool: applications -----------------------------------------------------------------

StatusOr<int64_t> CasesStore::InsertApplication(const NewPoolApplication& a) {
  ALMEN_ASSIGN_OR_RETURN(auto r, c_.Query("INSERT INTO pool_applications (call_id, region_code, partners, project_type, "
                                          "title, area, amount_ore, cofinancing_ore, status, submitted_at, submitted_by) "
                                          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'submitted', $9, $10) RETURNING id",
                                          {a.call_id, a.region_code, a.partners_json, a.project_type, a.title, a.area,
                                           a.amount_ore, a.cofinancing_ore, a.submitted_at, a.submitted_by}));
  return r[0].Int(0);
}

StatusOr<std::optional<PoolApplication>> CasesStore::Application(int64_t id) {
  ALMEN_ASSIGN_OR_RETURN(
      auto rows, c_.Query("SELECT id, call_id, region_code, partners, project_type, title, area, amount_ore, "
                          "cofinancing_ore, status, submitted_at, submitted_by, recommendation, recommended_ore, "
                          "recommendation_note, recommended_at, recommended_by, decision, granted_ore, decision_note, "
                          "decided_at, decided_by FROM pool_applications WHERE id = $1",
                          {id}));
  if (rows.empty()) return std::optional<PoolApplication>();
  const SqlRow& r = rows[0];
  PoolApplication a;
  a.id = r.Int(0);
  a.call_id = r.Int(1);
  a.region_code = r.Str(2);
  a.partners_json = r.Str(3);
  a.project_type = r.Str(4);
  a.title = r.Str(5);
  a.area = r.Str(6);
  a.amount_ore = r.Int(7);
  a.cofinancing_ore = r.Int(8);
  a.status = r.Str(9);
  a.submitted_at = r.Str(10);
  a.submitted_by = r.Str(11);
  a.recommendation = OptStr(r, 12);
  a.recommended_ore = OptInt(r, 13);
  a.recommendation_note = OptStr(r, 14);
  a.recommended_at = OptStr(r, 15);
  a.recommended_by = OptStr(r, 16);
  a.decision = OptStr(r, 17);
  a.granted_ore = OptInt(r, 18);
  a.decision_note = OptStr(r, 19);
  a.decided_at = OptStr(r, 20);
  a.decided_by = OptStr(r, 21);
  return std::optional<PoolApplication>(std::move(a));
}

StatusOr<int64_t> CasesStore::ScoreCount(int64_t application_id) {
  ALMEN_ASSIGN_OR_RETURN(auto n, c_.Query("SELECT COUNT(*) FROM pool_scores WHERE application_id = $1", {application_id}));
  return n[0].Int(0);
}

Status CasesStore::UpsertScore(int64_t application_id, const std::string& username, int64_t score, bool recommend,
                               const std::string& comment, const std::string& now) {
  return c_.Exec(
      "INSERT INTO pool_scores (application_id, username, score, recommend, comment, scored_at) VALUES ($1, $2, $3, $4, "
      "$5, $6) ON CONFLICT (application_id, username) DO UPDATE SET score = excluded.score, recommend = "
      "excluded.recommend, comment = excluded.comment, scored_at = excluded.scored_at",
      {application_id, username, score, int64_t{recommend ? 1 : 0}, comment, now});
}

Status CasesStore::RecordRecommendation(int64_t application_id, const PoolVerdict& v) {
  return c_.Exec("UPDATE pool_applications SET status = $1, recommendation = $2, recommended_ore = $3, "
                 "recommendation_note = $4, recommended_at = $5, recommended_by = $6 WHERE id = $7",
                 {v.status, v.verdict, v.amount_ore, Nullable(v.note), v.at, v.by, application_id});
}

Status CasesStore::RecordDecision(int64_t application_id, const PoolVerdict& v) {
  return c_.Exec("UPDATE pool_applications SET status = $1, decision = $2, granted_ore = $3, "
                 "decision_note = $4, decided_at = $5, decided_by = $6 WHERE id = $7",
                 {v.status, v.verdict, v.amount_ore, Nullable(v.note), v.at, v.by, application_id});
}

StatusOr<PoolPaidSoFar> CasesStore::PaidSoFar(int64_t application_id) {
  ALMEN_ASSIGN_OR_RETURN(auto paid, c_.Query("SELECT COALESCE(SUM(amount_ore), 0), COUNT(*) FROM pool_payments WHERE "
                                             "application_id = $1",
                                             {application_id}));
  return PoolPaidSoFar{paid[0].Int(0), paid[0].Int(1)};
}

Status CasesStore::InsertPayment(int64_t application_id, int64_t instalment, int64_t amount_ore,
                                 const std::string& paid_on, const std::string& now, const std::string& by) {
  return c_.Exec("INSERT INTO pool_payments (application_id, instalment, amount_ore, paid_on, created_at, "
                 "created_by) VALUES ($1, $2, $3, $4, $5, $6)",
                 {application_id, instalment, amount_ore, paid_on, now, by});
}

StatusOr<int64_t> CasesStore::InsertReportRequest(int64_t application_id, const std::string& now,
                                                  const std::string& by, const std::string& due) {
  ALMEN_ASSIGN_OR_RETURN(auto r, c_.Query("INSERT INTO pool_reports (application_id, requested_at, requested_by, due) "
                                          "VALUES ($1, $2, $3, $4) RETURNING id",
                                          {application_id, now, by, due}));
  return r[0].Int(0);
}

StatusOr<std::optional<PoolReport>> CasesStore::Report(int64_t report_id) {
  ALMEN_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT r.application_id, r.received_at, a.region_code FROM pool_reports r "
                                             "JOIN pool_applications a ON a.id = r.application_id WHERE r.id = $1",
                                             {report_id}));
  if (rows.empty()) return std::optional<PoolReport>();
  return std::optional<PoolReport>(PoolReport{report_id, rows[0].Int(0), !rows[0].IsNull(1)});
}

Status CasesStore::MarkReportReceived(int64_t report_id, const std::string& now, const std::string& by,
                                      const std::string& summary) {
  return c_.Exec("UPDATE pool_reports SET received_at = $1, received_by = $2, summary = $3 WHERE id = $4",
                 {now, by, summary, report_id});
}

StatusOr<Table> CasesStore::ScoresTable(int64_t application_id) {
  return MakeTable(c_,
                   "SELECT s.username, m.party, m.region_code, s.score, s.recommend, "
                   "s.comment, s.scored_at FROM pool_scores s LEFT JOIN pool_committee m "
                   "ON m.username = s.username WHERE s.application_id = $1 ORDER BY s.username",
                   {application_id}, {"username", "party", "region_code", "score", "recommend", "comment", "scored_at"},
                   "sssiiss");
}

StatusOr<Table> CasesStore::PaymentsTable(int64_t application_id) {
  return MakeTable(c_,
                   "SELECT id, instalment, amount_ore, paid_on, created_at, created_by "
                   "FROM pool_payments WHERE application_id = $1 ORDER BY instalment",
                   {application_id}, {"id", "instalment", "amount_ore", "paid_on", "created_at", "created_by"},
                   "iiisss");
}

StatusOr<Table> CasesStore::ReportsTable(int64_t application_id) {
  return MakeTable(c_,
                   "SELECT id, requested_at, requested_by, due, received_at, received_by, "
                   "summary FROM pool_reports WHERE application_id = $1 ORDER BY id",
                   {application_id}, {"id", "requested_at", "requested_by", "due", "received_at", "received_by", "summary"},
                   "issssss");
}

// ---- pool: evaluation ------------------------------------------------------------------

StatusOr<Table> CasesStore::CallFiguresByProjectType(int64_t call_id) {
  return MakeTable(c_,
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
                   "siiiiiiii");
}

Status CasesStore::InsertEvaluation(int64_t call_id, const std::string& text, const std::string& figures_json,
                                    const std::string& now, const std::string& by) {
  return c_.Exec("INSERT INTO pool_evaluations (call_id, text, figures_json, created_at, created_by) VALUES ($1, $2, "
                 "$3, $4, $5)",
                 {call_id, text, figures_json, now, by});
}

// ---- sanctions and employment --------------------------------------------------------------

StatusOr<std::optional<AttachmentStart>> CasesStore::AttachmentStartingIn(const std::string& provider, const Date& from,
                                                                          const Date& to) {
  ALMEN_ASSIGN_OR_RETURN(auto hits, c_.Query("SELECT botilbud_id, section, from_date FROM attachments WHERE provider = $1 "
                                             "AND from_date >= $2 AND from_date < $3 ORDER BY from_date LIMIT 1",
                                             {provider, from.ToIso(), to.ToIso()}));
  if (hits.empty()) return std::optional<AttachmentStart>();
  return std::optional<AttachmentStart>(AttachmentStart{hits[0].Str(0), hits[0].Str(1), hits[0].Str(2)});
}

Status CasesStore::InsertSanction(const SanctionRow& s, const std::string& now, const std::string& by) {
  return c_.Exec("INSERT INTO sanctions (doctor_id, provider, kind, decided, from_date, to_date, amount_ore, "
                 "repetition, case_id, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                 {s.doctor_id, s.provider ? YdernummerText(s.provider) : std::string(),
                  std::string(1, SanctionKindLetter(s.kind)), s.decided.ToIso(), s.period.from.ToIso(),
                  s.period.to.ToIso(), s.amount.ore(), int64_t{s.repetition ? 1 : 0}, s.case_id, now, by});
}

StatusOr<std::vector<SanctionEmployment>> CasesStore::EmploymentsOf(const std::string& doctor_id) {
  ALMEN_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT doctor_id, provider, from_date, to_date FROM employments WHERE "
                                             "doctor_id = $1",
                                             {doctor_id}));
  std::vector<SanctionEmployment> out;
  for (const auto& r : rows)
    out.push_back(SanctionEmployment{r.Str(0), ParseYdernummer(r.Str(1)).value_or(0),
                                     {Date::Parse(r.Str(2)).value_or(Date()),
                                      r.Str(3).empty() ? Date::Max() : Date::Parse(r.Str(3)).value_or(Date::Max())}});
  return out;
}

StatusOr<int64_t> CasesStore::InsertEmployment(const std::string& doctor_id, const std::string& provider,
                                               const Period& period, const std::string& now, const std::string& by) {
  ALMEN_ASSIGN_OR_RETURN(auto r, c_.Query("INSERT INTO employments (doctor_id, provider, from_date, to_date, created_at, "
                                          "created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                                          {doctor_id, provider, period.from.ToIso(), period.to.ToIso(), now, by}));
  return r[0].Int(0);
}

// ---- sharing -------------------------------------------------------------------------------

StatusOr<int64_t> CasesStore::InsertBlock(const std::string& pseudonym_hex, const std::string& note_type,
                                          const std::string& sector, const std::string& now, const std::string& by) {
  ALMEN_ASSIGN_OR_RETURN(auto r, c_.Query("INSERT INTO sharing_blocks (pseudonym, note_type, sector, created_at, created_by) "
                                          "VALUES ($1, $2, $3, $4, $5) RETURNING id",
                                          {pseudonym_hex, note_type, sector, now, by}));
  return r[0].Int(0);
}

StatusOr<std::optional<bool>> CasesStore::BlockRevoked(int64_t id) {
  ALMEN_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT revoked_at FROM sharing_blocks WHERE id = $1", {id}));
  if (rows.empty()) return std::optional<bool>();
  return std::optional<bool>(!rows[0].IsNull(0));
}

Status CasesStore::RevokeBlock(int64_t id, const std::string& now, const std::string& by) {
  return c_.Exec("UPDATE sharing_blocks SET revoked_at = $1, revoked_by = $2 WHERE id = $3", {now, by, id});
}

StatusOr<std::vector<SharingBlock>> CasesStore::BlocksInForce(const std::string& pseudonym_hex) {
  ALMEN_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT id, note_type, sector, created_at FROM sharing_blocks WHERE "
                                             "pseudonym = $1 AND revoked_at IS NULL ORDER BY id",
                                             {pseudonym_hex}));
  std::vector<SharingBlock> out;
  for (const auto& r : rows) out.push_back(SharingBlock{r.Int(0), r.Str(1), r.Str(2), r.Str(3)});
  return out;
}

Status CasesStore::InsertSharingLog(const SharingLogEntry& e) {
  return c_.Exec("INSERT INTO sharing_log (at, username, provider, note_type, sector, allowed, block_id, "
                 "pseudonym_prefix) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                 {e.at, e.username, e.provider, e.note_type, e.sector, int64_t{e.allowed ? 1 : 0},
                  e.block_id ? SqlValue(*e.block_id) : SqlValue(nullptr), e.pseudonym_prefix});
}

// ---- budgets ------------------------------------------------------------------------------

StatusOr<int64_t> CasesStore::BudgetSpent(const std::string& budget, int64_t year) {
  ALMEN_ASSIGN_OR_RETURN(auto spent, c_.Query("SELECT COALESCE(SUM(amount_ore), 0) FROM budget_spend WHERE budget = $1 AND "
                                              "year = $2",
                                              {budget, year}));
  return spent[0].Int(0);
}

Status CasesStore::InsertSpend(const BudgetSpendEntry& e) {
  return c_.Exec("INSERT INTO budget_spend (budget, year, amount_ore, spent_on, description, created_at, "
                 "created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                 {e.budget, e.year, e.amount_ore, e.spent_on, e.description, e.created_at, e.created_by});
}

// ---- listings ------------------------------------------------------------------------------

StatusOr<Table> PoolCallsTable(Storage& db) {
  auto c = db.pool().Borrow();
  return MakeTable(*c,
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
}

StatusOr<Table> PoolCommitteeTable(Storage& db) {
  auto c = db.pool().Borrow();
  return MakeTable(*c,
                   "SELECT username, party, region_code, appointed_at, appointed_by FROM pool_committee "
                   "ORDER BY party, username",
                   {}, {"username", "party", "region_code", "appointed_at", "appointed_by"}, "sssss");
}

StatusOr<Table> PoolApplicationsTable(Storage& db, const std::optional<std::string>& region,
                                      const std::optional<int64_t>& call_id) {
  std::string sql =
      "SELECT a.id, a.call_id, a.region_code, a.project_type, a.title, a.area, a.amount_ore, a.cofinancing_ore, "
      "a.status, (SELECT COUNT(*) FROM pool_scores s WHERE s.application_id = a.id), "
      "(SELECT COALESCE(SUM(s.score), 0) FROM pool_scores s WHERE s.application_id = a.id), "
      "a.recommendation, a.recommended_ore, a.decision, a.granted_ore, "
      "COALESCE((SELECT SUM(p.amount_ore) FROM pool_payments p WHERE p.application_id = a.id), 0), "
      "a.submitted_at, a.submitted_by FROM pool_applications a WHERE 1 = 1";
  SqlParams params;
  if (region) {
    params.push_back(*region);
    sql += " AND a.region_code = $" + std::to_string(params.size());
  }
  if (call_id) {
    params.push_back(*call_id);
    sql += " AND a.call_id = $" + std::to_string(params.size());
  }
  sql += " ORDER BY a.id";
  auto c = db.pool().Borrow();
  return MakeTable(*c, sql, params,
                   {"id", "call_id", "region_code", "project_type", "title", "area", "amount_ore", "cofinancing_ore",
                    "status", "scores", "score_sum", "recommendation", "recommended_ore", "decision", "granted_ore",
                    "paid_ore", "submitted_at", "submitted_by"},
                   "iissssiisiisisiiss");
}

StatusOr<Table> PoolEvaluationsTable(Storage& db, int64_t call_id) {
  auto c = db.pool().Borrow();
  return MakeTable(*c, "SELECT id, text, created_at, created_by FROM pool_evaluations WHERE call_id = $1 ORDER BY id",
                   {call_id}, {"id", "text", "created_at", "created_by"}, "isss");
}

StatusOr<Table> SanctionsTable(Storage& db, const Scope& scope) {
  SqlParams params;
  std::string sql = "SELECT id, doctor_id, provider, kind, decided, from_date, to_date, amount_ore, repetition, case_id, "
                    "created_at, created_by FROM sanctions WHERE 1 = 1";
  AppendScope(sql, params, scope, "provider");
  sql += " ORDER BY decided, id";
  auto c = db.pool().Borrow();
  return MakeTable(*c, sql, params,
                   {"id", "doctor_id", "provider", "kind", "decided", "from_date", "to_date", "amount_ore",
                    "repetition", "case_id", "created_at", "created_by"},
                   "issssssiisss");
}

StatusOr<Table> SanctionStoppedTable(Storage& db, const Scope& scope) {
  SqlParams params;
  std::string sql = "SELECT provider, rule, month, COUNT(*) FROM flagged_lines WHERE rule IN ('sanction.suspended', "
                    "'sanction.excluded')";
  AppendScope(sql, params, scope, "provider");
  sql += " GROUP BY provider, rule, month ORDER BY provider, month, rule";
  auto c = db.pool().Borrow();
  return MakeTable(*c, sql, params, {"provider", "rule", "month", "lines"}, "sssi");
}

StatusOr<Table> SanctionCollectedTable(Storage& db, const Scope& scope) {
  SqlParams params;
  std::string sql = "SELECT provider, month, SUM(-amount_ore) FROM ledger_balances WHERE item = 'offset'";
  AppendScope(sql, params, scope, "provider");
  sql += " GROUP BY provider, month ORDER BY provider, month";
  auto c = db.pool().Borrow();
  return MakeTable(*c, sql, params, {"provider", "month", "collected_ore"}, "ssi");
}

StatusOr<Table> EmploymentsTable(Storage& db, const Scope& scope) {
  SqlParams params;
  std::string sql = "SELECT id, doctor_id, provider, from_date, to_date, created_at, created_by FROM employments WHERE 1 = 1";
  AppendScope(sql, params, scope, "provider");
  sql += " ORDER BY provider, from_date, id";
  auto c = db.pool().Borrow();
  return MakeTable(*c, sql, params, {"id", "doctor_id", "provider", "from_date", "to_date", "created_at", "created_by"},
                   "issssss");
}

StatusOr<Table> SharingBlocksTable(Storage& db) {
  auto c = db.pool().Borrow();
  return MakeTable(*c,
                   "SELECT id, SUBSTR(pseudonym, 1, 8), note_type, sector, created_at, created_by, "
                   "revoked_at, revoked_by FROM sharing_blocks ORDER BY id",
                   {},
                   {"id", "pseudonym_prefix", "note_type", "sector", "created_at", "created_by", "revoked_at",
                    "revoked_by"},
                   "isssssss");
}

StatusOr<Table> SharingLogTable(Storage& db, const Scope& scope) {
  SqlParams params;
  std::string sql = "SELECT id, at, username, provider, note_type, sector, allowed, block_id, pseudonym_prefix FROM "
                    "sharing_log WHERE 1 = 1";
  AppendScope(sql, params, scope, "provider");
  sql += " ORDER BY id DESC";
  auto c = db.pool().Borrow();
  return MakeTable(*c, sql, params,
                   {"id", "at", "username", "provider", "note_type", "sector", "allowed", "block_id",
                    "pseudonym_prefix"},
                   "isssssiis");
}

StatusOr<Table> BudgetSpendTable(Storage& db, int64_t year) {
  auto c = db.pool().Borrow();
  return MakeTable(*c,
                   "SELECT id, budget, year, amount_ore, spent_on, description, created_at, created_by FROM "
                   "budget_spend WHERE year = $1 ORDER BY spent_on, id",
                   {year}, {"id", "budget", "year", "amount_ore", "spent_on", "description", "created_at", "created_by"},
                   "isiissss");
}

StatusOr<int64_t> BudgetSpent(Storage& db, const std::string& budget, int64_t year) {
  auto c = db.pool().Borrow();
  return CasesStore(*c).BudgetSpent(budget, year);
}

}  // namespace almen
