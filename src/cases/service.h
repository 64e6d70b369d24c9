// The agreement's case work (agreement.md §G, issue 7) as workflows over the
// database:
//  - the lægedækningspulje (G1): calls, the assessment committee, applications,
//    scores, the committee's recommendation, the board's decision,
//    instalments, status reports and the final evaluation (pool.cc);
//  - the LSU sanctions register (G2) and the §§ 23–26 employment register
//    (registers.cc);
//  - patients' blocks on sharing and the "may I share" answer (G3, sharing.cc);
//  - the IT subsidy and Partsforum budgets (budgets.cc).
//
// Each workflow checks who may do it (roles.h), loads what the rules need
// (storage/cases_store.h), asks the rules (rules.h), stores the outcome and
// appends it to the audit log, dated `now` and naming the user. The HTTP
// routes (server/routes_cases.cc) parse the request, check object-level
// access (server/access.h) and call one of these. A refusal is a Status with
// the API's message; nothing is stored then (the refusals the audit log
// keeps are said so below).
//
// Ownership: the service borrows the Storage and the Agreement; both outlive
// it. Thread safe: check-then-write steps (what is left of a pool or budget,
// committee size, overlapping sanctions) are serialised by one mutex; each
// workflow works on one borrowed connection.
//
// Example:
//   CaseService cases(db, agreement);
//   ALMEN_ASSIGN_OR_RETURN(auto granted, cases.Decide(board, 7, {.grant = true}, "2025-06-01T10:00:00Z"));
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agreement/agreement.h"
#include "cases/roles.h"
#include "cases/rules.h"
#include "common/crypto.h"
#include "common/date.h"
#include "common/money.h"
#include "common/status.h"
#include "sanctions/sanctions.h"
#include "storage/cases_store.h"
#include "storage/storage.h"

namespace almen {

struct PoolCallRequest {
  std::string name;
  int64_t year = 2025;
  int64_t budget_ore = 0;
  Date opens, closes;
};

struct CommitteeMemberRequest {
  std::string username, password, party, region_code;
};

struct PoolPartner {
  std::string type, name;
};

struct PoolApplicationRequest {
  int64_t call_id = 0;
  std::string region_code;  // the region's own for a region (ActingFor)
  std::string project_type, title, area;
  int64_t amount_ore = 0, cofinancing_ore = 0;
  std::vector<PoolPartner> partners;
};

struct ScoreRequest {
  int64_t score = 0;
  bool recommend = false;
  std::string comment;
};

struct RecommendationRequest {
  bool recommend = false;
  std::optional<int64_t> amount_ore;  // default: the amount applied for (recommend), 0 (decline)
  std::string note;
};

struct DecisionRequest {
  bool grant = false;
  std::optional<int64_t> amount_ore;  // default: DefaultGrant (rules.h)
  std::string note;
};

struct DecisionResult {
  ApplicationState state = ApplicationState::kRefused;
  int64_t granted_ore = 0;
};

struct PaymentResult {
  int64_t instalment = 0;
  int64_t paid_ore = 0;  // paid in all, with this instalment
};

struct PoolEvaluation {
  nlohmann::json figures;  // EvaluationFigures (rules.h)
  Table evaluations;       // id, text, created_at, created_by
};

struct EmploymentRequest {
  std::string doctor_id;
  std::string provider;  // ydernummer; a clinic's own (ActingFor)
  Period period;
};

struct EmploymentCheck {
  bool blocked = false;
  std::string reason;  // the f) decision, when blocked
};

struct SharingAnswer {
  bool allowed = true;
  std::optional<int64_t> block_id;
  std::string reason;  // Danish
};

struct SpendRequest {
  std::string budget;  // it_subsidy | partsforum
  int64_t amount_ore = 0;
  Date spent_on;
  std::string description;
};

struct SpendResult {
  int64_t spent_ore = 0, remaining_ore = 0;  // the year's, after this spend
};

class CaseService {
 public:
  // `fast_password_hash`: tests only (the committee's logins, common/crypto.h HashPassword).
  CaseService(Storage& db, const Agreement& agreement, bool fast_password_hash = false)
      : db_(db), agreement_(agreement), fast_password_hash_(fast_password_hash) {}
  CaseService(const CaseService&) = delete;
  CaseService& operator=(const CaseService&) = delete;

  // ---- the pool: calls and committee (pool.cc) ----
  // The year's pool (parameter pool_laegedaekning_budget_ore); NotFound when the agreement has none.
  StatusOr<Money> PoolBudget(int64_t year) const;
  // Opens a call; its budget must fit what is left of the year's pool. Returns its id.
  StatusOr<int64_t> CreateCall(const UserRecord& u, const PoolCallRequest& r, const std::string& now);
  StatusOr<Table> Calls(const UserRecord& u);
  // Appoints a committee member with a login (role pool_committee, scope
  // "<party>:<region>"); at most pool_committee_members_per_party per party.
  Status AppointMember(const UserRecord& u, const CommitteeMemberRequest& r, const std::string& now);
  StatusOr<Table> Committee(const UserRecord& u);

  // ---- the pool: applications (pool.cc) ----
  // A region applies for itself, to an open call. Returns the id.
  StatusOr<int64_t> Apply(const UserRecord& u, const PoolApplicationRequest& r, const std::string& now);
  // A region sees its own applications only.
  StatusOr<Table> Applications(const UserRecord& u, std::optional<int64_t> call_id);
  // One application with its scores, payments, reports and whether the user
  // (a committee member) has a conflict of interest. REQUIRES: the caller
  // checked ObjectAccess (kPoolApplication, read).
  StatusOr<nlohmann::json> Application(const UserRecord& u, int64_t id);
  // A member with a conflict of interest is refused (and the refusal audited).
  Status Score(const UserRecord& u, int64_t id, const ScoreRequest& r, const std::string& now);
  StatusOr<ApplicationState> Recommend(const UserRecord& u, int64_t id, const RecommendationRequest& r,
                                       const std::string& now);
  // A grant beyond what is left of the call is refused (and the refusal audited).
  StatusOr<DecisionResult> Decide(const UserRecord& u, int64_t id, const DecisionRequest& r, const std::string& now);
  StatusOr<PaymentResult> Pay(const UserRecord& u, int64_t id, int64_t amount_ore, const Date& paid_on,
                              const std::string& now);
  // Returns the report's id.
  StatusOr<int64_t> RequestReport(const UserRecord& u, int64_t id, const Date& due, const std::string& now);
  // REQUIRES: the caller checked ObjectAccess (kPoolReport, write).
  Status ReceiveReport(const UserRecord& u, int64_t report_id, const std::string& summary, const std::string& now);
  // Records the final evaluation of a call with its figures; the call is then `evaluated`.
  StatusOr<nlohmann::json> Evaluate(const UserRecord& u, int64_t call_id, const std::string& text,
                                    const std::string& now);
  StatusOr<PoolEvaluation> Evaluation(const UserRecord& u, int64_t call_id);

  // ---- sanctions and employment (registers.cc) ----
  // `scope`: the user's clinics (ObjectAccess::ScopeOf).
  StatusOr<Table> Sanctions(const UserRecord& u, const Scope& scope);
  // Adds LSU decisions (validated rows, sanctions.h). Refused as a whole when
  // they overlap the stored register, or when a payment stop (d, e) covers
  // the start of a fixed-doctor attachment of the clinic. Returns how many.
  StatusOr<size_t> AddSanctions(const UserRecord& u, const std::vector<SanctionRow>& rows, const std::string& now);
  // Lines stopped by d/e per provider, rule and month; offsets collected for b/c per provider and month.
  StatusOr<Table> SanctionsStopped(const UserRecord& u, const Scope& scope);
  StatusOr<Table> SanctionsCollected(const UserRecord& u, const Scope& scope);
  StatusOr<Table> Employments(const UserRecord& u, const Scope& scope);
  // Refused (and the refusal audited) when an f) decision bans the doctor in
  // the period. A clinic registers its own employees. Returns the id.
  StatusOr<int64_t> AddEmployment(const UserRecord& u, const EmploymentRequest& r, const std::string& now);
  StatusOr<EmploymentCheck> CheckEmployment(const UserRecord& u, const std::string& doctor_id, const Date& date);

  // ---- sharing (sharing.cc); patients by their keyed pseudonym only ----
  // `note_type` journal_note | lab_values | all, `sector` as rules.h or all. Returns the id.
  StatusOr<int64_t> AddBlock(const UserRecord& u, const Pseudonym& patient, const std::string& note_type,
                             const std::string& sector, const std::string& now);
  // REQUIRES: the caller checked ObjectAccess (kSharingBlock, write).
  Status RevokeBlock(const UserRecord& u, int64_t id, const std::string& now);
  StatusOr<Table> Blocks(const UserRecord& u);
  // May `provider` share the patient's notes of `note_type` with `sector`?
  // Every answer is logged (without the CPR). A clinic asks for itself.
  StatusOr<SharingAnswer> CheckSharing(const UserRecord& u, const Pseudonym& patient, const std::string& provider,
                                       const std::string& note_type, const std::string& sector,
                                       const std::string& now);
  StatusOr<Table> SharingLog(const UserRecord& u, const Scope& scope);

  // ---- budgets (budgets.cc) ----
  // [{budget, name, year, budget_ore, spent_ore, remaining_ore}] for the year.
  StatusOr<nlohmann::json> Budgets(const UserRecord& u, int64_t year);
  StatusOr<Table> Spend(const UserRecord& u, int64_t year);  // the year's spend
  StatusOr<SpendResult> RecordSpend(const UserRecord& u, const SpendRequest& r, const std::string& now);

 private:
  StatusOr<Money> BudgetParameter(const std::string& name, int64_t year) const;
  StatusOr<SanctionRegister> LoadSanctions(CasesStore& store, std::vector<SanctionRow> extra);
  // Appends to the audit log; a failure is reported on stderr, not to the user.
  static void Audit(CasesStore& store, const std::string& now, const std::string& user, const std::string& action,
                    const std::string& detail);

  Storage& db_;
  const Agreement& agreement_;
  bool fast_password_hash_ = false;
  std::mutex mu_;  // serialises check-then-write steps
};

// Demo data for a freshly created demo database: the fund's users
// (fond-sekretariat, fond-bestyrelse, udvalg-rltn-1..3, udvalg-plo-1..3;
// password = user name), a 2025 call with applications in several states,
// and IT/Partsforum spend (demo.cc).
Status BootstrapCaseDemo(Storage& db, bool fast_password_hash, const std::string& now);

// Writes the stored LSU sanctions register as sanctions.csv into `dir` for a
// settlement run (d/e stop payments, b/c are collected by offset). false when
// no sanction is stored (registers.cc).
StatusOr<bool> WriteStoredSanctionsFile(Storage& db, const std::string& dir, std::string* sanctions_path);

}  // namespace almen
