// The case work's tables (migration 0003_cases.sql; agreement.md §G, issue 7):
// the lægedækningspulje (pool_calls, pool_committee, pool_applications,
// pool_scores, pool_payments, pool_reports, pool_evaluations), the LSU
// sanctions register and the employed doctors (sanctions, employments),
// patients' blocks on sharing and the answers given (sharing_blocks,
// sharing_log), and spend against the IT and Partsforum budgets
// (budget_spend). The SQL of the case work, and nothing else: the states,
// checks and who may do what live in src/cases/ (cases/service.h).
//
// CasesStore works on ONE connection, the caller's (inside the caller's
// transaction when it began one), so that a check and the write it guards
// see the same database. Not thread safe. The *Table functions below it
// borrow a connection of their own and give it back before they return (the
// server's table sender audits exports on another connection).
//
// Dates are ISO text as stored (YYYY-MM-DD; timestamps ISO 8601 UTC); money
// is int64 øre.
//
// Example:
//   auto lease = db.pool().Borrow();
//   CasesStore store(*lease);
//   ALMEN_ASSIGN_OR_RETURN(auto app, store.Application(7));
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/date.h"
#include "common/status.h"
#include "sanctions/sanctions.h"
#include "storage/sql.h"
#include "storage/storage.h"

namespace almen {

// A member of the pool's assessment committee (pool_committee).
struct PoolCommitteeMember {
  std::string username;
  std::string party;        // rltn | plo
  std::string region_code;  // the member's region, "" for none
};

struct NewPoolCall {
  std::string name;
  int64_t year = 0;
  int64_t budget_ore = 0;
  std::string opens, closes;  // YYYY-MM-DD
  std::string created_at, created_by;
};

struct NewPoolApplication {
  int64_t call_id = 0;
  std::string region_code;
  std::string partners_json;  // [{type, name}]
  std::string project_type, title, area;
  int64_t amount_ore = 0, cofinancing_ore = 0;
  std::string submitted_at, submitted_by;
};

// One row of pool_applications as stored; NULL columns are nullopt.
struct PoolApplication {
  int64_t id = 0, call_id = 0;
  std::string region_code, partners_json, project_type, title, area;
  int64_t amount_ore = 0, cofinancing_ore = 0;
  std::string status;  // persisted text: submitted | recommended | not_recommended | granted | refused | closed
  std::string submitted_at, submitted_by;
  std::optional<std::string> recommendation;  // recommend | decline
  std::optional<int64_t> recommended_ore;
  std::optional<std::string> recommendation_note, recommended_at, recommended_by;
  std::optional<std::string> decision;  // grant | refuse
  std::optional<int64_t> granted_ore;   // 0 until granted (the column's default)
  std::optional<std::string> decision_note, decided_at, decided_by;
};

// What the committee recorded (recommendation_*) or the board decided
// (decision, granted_ore, decision_*), with the application's new status.
struct PoolVerdict {
  std::string status;
  std::string verdict;  // recommend | decline, or grant | refuse
  int64_t amount_ore = 0;
  std::optional<std::string> note;  // nullopt stores NULL
  std::string at, by;
};

struct PoolPaidSoFar {
  int64_t amount_ore = 0;
  int64_t instalments = 0;
};

// A status report of a granted project (pool_reports).
struct PoolReport {
  int64_t id = 0;
  int64_t application_id = 0;
  bool received = false;
};

// A patient's block on sharing (sharing_blocks), without the pseudonym.
struct SharingBlock {
  int64_t id = 0;
  std::string note_type;  // journal_note | lab_values | all
  std::string sector;     // hospital | municipality | specialist_practice | other_practice | all
  std::string created_at;
};

// One answer of the sharing API (sharing_log).
struct SharingLogEntry {
  std::string at, username, provider, note_type, sector;
  bool allowed = false;
  std::optional<int64_t> block_id;
  std::string pseudonym_prefix;  // the first 8 hex digits
};

// A fixed-doctor attachment (attachments) of a botilbud section.
struct AttachmentStart {
  std::string botilbud_id, section, from_date;
};

struct BudgetSpendEntry {
  std::string budget;  // it_subsidy | partsforum
  int64_t year = 0;
  int64_t amount_ore = 0;
  std::string spent_on, description, created_at, created_by;
};

// The stored LSU sanctions register (table `sanctions`), unvalidated rows.
StatusOr<std::vector<SanctionRow>> StoredSanctionRows(SqlConnection& c);

class CasesStore {
 public:
  explicit CasesStore(SqlConnection& c) : c_(c) {}
  SqlConnection& connection() { return c_; }

  // Appends to the audit log on this connection (a second one could exhaust
  // the pool while this one is held).
  Status Audit(const std::string& now, const std::string& username, const std::string& action,
               const std::string& detail);

  // ---- users (the committee's logins) ----
  StatusOr<bool> UserExists(const std::string& username);
  Status InsertUser(const std::string& username, const std::string& password_hash, const std::string& role,
                    const std::string& scope, const std::string& now);

  // ---- pool: calls and committee ----
  StatusOr<int64_t> CallCount();
  // The budgets of the calls opened for `year` so far.
  StatusOr<int64_t> CallBudgetsOfYear(int64_t year);
  StatusOr<int64_t> InsertCall(const NewPoolCall& call);  // status 'open'; returns the id
  StatusOr<std::optional<std::string>> CallStatus(int64_t call_id);
  Status SetCallStatus(int64_t call_id, const std::string& status);
  // The call's budget less what its applications were granted (0 for no call).
  StatusOr<int64_t> CallRemaining(int64_t call_id);
  StatusOr<std::optional<PoolCommitteeMember>> CommitteeMember(const std::string& username);
  StatusOr<int64_t> CommitteeMembersOf(const std::string& party);
  Status InsertCommitteeMember(const PoolCommitteeMember& m, const std::string& now, const std::string& by);

  // ---- pool: applications ----
  StatusOr<int64_t> InsertApplication(const NewPoolApplication& a);  // status 'submitted'; returns the id
  StatusOr<std::optional<PoolApplication>> Application(int64_t id);
  StatusOr<int64_t> ScoreCount(int64_t application_id);
  // Inserts or replaces the member's score.
  Status UpsertScore(int64_t application_id, const std::string& username, int64_t score, bool recommend,
                     const std::string& comment, const std::string& now);
  Status RecordRecommendation(int64_t application_id, const PoolVerdict& v);
  Status RecordDecision(int64_t application_id, const PoolVerdict& v);
  StatusOr<PoolPaidSoFar> PaidSoFar(int64_t application_id);
  Status InsertPayment(int64_t application_id, int64_t instalment, int64_t amount_ore, const std::string& paid_on,
                       const std::string& now, const std::string& by);
  StatusOr<int64_t> InsertReportRequest(int64_t application_id, const std::string& now, const std::string& by,
                                        const std::string& due);
  StatusOr<std::optional<PoolReport>> Report(int64_t report_id);
  Status MarkReportReceived(int64_t report_id, const std::string& now, const std::string& by,
                            const std::string& summary);
  // An application's scores (with the member's party and region), payments and reports.
  StatusOr<Table> ScoresTable(int64_t application_id);
  StatusOr<Table> PaymentsTable(int64_t application_id);
  StatusOr<Table> ReportsTable(int64_t application_id);

  // ---- pool: evaluation ----
  // Per project type of the call: project_type, applications, granted,
  // applied_ore, cofinancing_ore, granted_ore, paid_ore, reports_requested,
  // reports_received.
  StatusOr<Table> CallFiguresByProjectType(int64_t call_id);
  Status InsertEvaluation(int64_t call_id, const std::string& text, const std::string& figures_json,
                          const std::string& now, const std::string& by);

  // ---- sanctions and employment ----
  // The first attachment of `provider` (ydernummer text) that starts in
  // [from, to), if any.
  StatusOr<std::optional<AttachmentStart>> AttachmentStartingIn(const std::string& provider, const Date& from,
                                                                const Date& to);
  Status InsertSanction(const SanctionRow& s, const std::string& now, const std::string& by);
  StatusOr<std::vector<SanctionEmployment>> EmploymentsOf(const std::string& doctor_id);
  StatusOr<int64_t> InsertEmployment(const std::string& doctor_id, const std::string& provider, const Period& period,
                                     const std::string& now, const std::string& by);

  // ---- sharing ----
  StatusOr<int64_t> InsertBlock(const std::string& pseudonym_hex, const std::string& note_type,
                                const std::string& sector, const std::string& now, const std::string& by);
  // Whether block `id` is revoked; nullopt when there is no such block.
  StatusOr<std::optional<bool>> BlockRevoked(int64_t id);
  Status RevokeBlock(int64_t id, const std::string& now, const std::string& by);
  // The patient's blocks in force, oldest first.
  StatusOr<std::vector<SharingBlock>> BlocksInForce(const std::string& pseudonym_hex);
  Status InsertSharingLog(const SharingLogEntry& e);

  // ---- budgets ----
  StatusOr<int64_t> BudgetSpent(const std::string& budget, int64_t year);
  Status InsertSpend(const BudgetSpendEntry& e);

 private:
  SqlConnection& c_;
};

// ---- listings (each on a connection of its own) ----
// Each call with its granted, remaining and paid amounts and its number of applications.
StatusOr<Table> PoolCallsTable(Storage& db);
StatusOr<Table> PoolCommitteeTable(Storage& db);
// Applications with their scores and payments; `region` / `call_id` filter
// when set.
StatusOr<Table> PoolApplicationsTable(Storage& db, const std::optional<std::string>& region,
                                      const std::optional<int64_t>& call_id);
StatusOr<Table> PoolEvaluationsTable(Storage& db, int64_t call_id);
// The register, the lines stopped by a suspension or exclusion per provider
// and month, and the offsets collected per provider and month; all scoped.
StatusOr<Table> SanctionsTable(Storage& db, const Scope& scope);
StatusOr<Table> SanctionStoppedTable(Storage& db, const Scope& scope);
StatusOr<Table> SanctionCollectedTable(Storage& db, const Scope& scope);
StatusOr<Table> EmploymentsTable(Storage& db, const Scope& scope);
// The blocks with the pseudonym's first 8 hex digits only.
StatusOr<Table> SharingBlocksTable(Storage& db);
StatusOr<Table> SharingLogTable(Storage& db, const Scope& scope);
StatusOr<Table> BudgetSpendTable(Storage& db, int64_t year);
StatusOr<int64_t> BudgetSpent(Storage& db, const std::string& budget, int64_t year);

}  // namespace almen
