// The SQL of post-payment control (efterkontrol, docs/control.md; migration
// 0011_control.sql). Two parts:
//
//  - Reads for the indicators (control/indicators.h), each limited to the
//    clinics of a Scope: the clinics, the CPR-free listings register (birth
//    date and sex, never a CPR), the money per code from ledger_balances, every
//    stored line as it is now (line_blocks + flagged_lines with the latest
//    line_corrections applied), the event lines of ledger_events (0120 by
//    indication; patients with event lines at more than one clinic the same
//    day) and the runs' upload dates. Large tables are read in slices (a month
//    of blocks, a batch of clinics' listings) so memory stays bounded.
//  - ControlCases: the control cases, their samples, findings and messages,
//    and the recovery postings of a conclusion (through LedgerTables::Post, in
//    the same transaction, under the ledger's lock).
//
// Money is int64 øre; months YYYY-MM; dates YYYY-MM-DD. Thread safety: the
// free functions borrow their own connection; ControlCases works on the
// connection it is given (one thread).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/date.h"
#include "common/status.h"
#include "storage/ledger_store.h"
#include "storage/sql.h"
#include "storage/storage.h"

namespace almen {

// ---- Reads for the indicators -------------------------------------------------------

// A clinic (its latest provider version).
struct ControlClinicRow {
  int provider = 0;
  std::string name, municipality_code, region_code, clinic_type;
  bool lto = false;
};
StatusOr<std::vector<ControlClinicRow>> ControlClinics(Storage& db, const Scope& scope);

// A listing of the CPR-free register that overlaps [from, to).
struct ControlListingRow {
  int provider = 0;
  Date birth;
  bool male = false;
  Date from, to = Date::Max();
};
Status ForEachControlListing(Storage& db, const std::vector<int>& providers, Date from, Date to,
                             const std::function<void(const ControlListingRow&)>& fn);

// Σ ledger_balances of items service and chronic_fee per (provider, item, code)
// over the service months [from, to].
struct ControlCodeTotal {
  int provider = 0;
  std::string item, code;
  int64_t count = 0, amount_ore = 0;
};
StatusOr<std::vector<ControlCodeTotal>> ControlCodeTotals(Storage& db, const Scope& scope, Month from, Month to);

// A stored line as it is now: its latest correction, if any, decides status,
// amount, rule and paragraph. The views are valid during the callback only.
struct ControlLine {
  int64_t run_id = 0, seq = 0;
  int provider = 0;
  Date date;
  std::string_view claim_id, code, status, rule, paragraph;  // status: accepted | rejected | review
  int64_t amount_ore = 0;
  uint64_t contact = 0;  // 0 = none
};
// Every stored line of the clinics in scope with a service month in [from,
// to], month by month; within a month the lines of one (run, provider) come
// together (blocks first, then the flagged lines).
Status ForEachControlLine(Storage& db, const Scope& scope, Month from, Month to,
                          const std::function<Status(const ControlLine&)>& fn);

// The upload date of every run.
StatusOr<std::map<int64_t, Date>> ControlRunDates(Storage& db);

// Paid 0120 event lines per provider and indication (ledger_events), and the
// distinct patients with one.
struct ControlAnnualStatusRow {
  int provider = 0;
  int indication = 0;  // claims/claim.h Indication
  int64_t lines = 0, patients = 0, amount_ore = 0;
};
StatusOr<std::vector<ControlAnnualStatusRow>> ControlAnnualStatus(Storage& db, const Scope& scope, Date from,
                                                                  Date to);
StatusOr<std::map<int, int64_t>> ControlAnnualStatusPatients(Storage& db, const Scope& scope, Date from, Date to);

// Patient-days with paid event lines (ledger_events) per provider, and those
// on which the same patient also has a paid event line at another clinic
// (anywhere in the country). Event lines are the only lines stored with their
// patient's pseudonym (docs/control.md "Same day at two clinics").
struct ControlSharedDayRow {
  int provider = 0;
  int64_t patient_days = 0, shared_patient_days = 0, shared_lines = 0, shared_amount_ore = 0;
};
StatusOr<std::vector<ControlSharedDayRow>> ControlSharedDays(Storage& db, const Scope& scope, Date from, Date to);

// The event lines of `provider` on shared patient-days, each with the other
// clinics' lines that day (no pseudonym leaves the database).
struct ControlSharedLine {
  int64_t run_id = 0, seq = 0;
  std::string claim_id, service_date, code, status;
  int64_t amount_ore = 0;
  std::vector<std::pair<std::string, std::string>> others;  // (provider, code)
};
StatusOr<std::vector<ControlSharedLine>> ControlSharedLines(Storage& db, int provider, Date from, Date to);

// ---- Control cases ----------------------------------------------------------------------

// persisted by name (control_cases.status): do not rename.
//   open → documentation_requested → answered → concluded (a case may be
//   concluded from any state; a request may be repeated).
struct ControlCaseRow {
  int64_t id = 0;
  std::string provider, region_code, period_from, period_to, status;
  std::string opened_at, opened_by, risk_json;
  // Sampling (method "" = not drawn yet).
  std::string method, seed;
  int64_t confidence_ppm = 0, tolerable_error_ore = 0, expected_error_ore = 0;
  int64_t population_lines = 0, population_ore = 0, sample_size = 0, interval_ore = 0;
  std::string sampled_at, sampled_by;
  // Documentation request.
  std::string request_text, requested_at, requested_by, due_date;
  // Conclusion.
  std::string conclusion, concluded_at, concluded_by, evaluation_json;
  int64_t projected_error_ore = 0, upper_error_ore = 0, recovered_ore = 0;
  std::string lsu_case_id;
};

struct ControlStratumRow {
  std::string stratum;
  int64_t lines = 0, amount_ore = 0, sample_size = 0;
};

struct ControlSampleRow {
  int64_t item = 0;  // 1..n in selection order
  int64_t run_id = 0, seq = 0;
  std::string claim_id, service_date, code, stratum;
  int64_t amount_ore = 0, hits = 1;
  std::string paragraph;  // the line's paragraph
  // Finding ("" = not reviewed, correct, error).
  std::string finding;
  int64_t error_ore = 0;
  std::string note, finding_paragraph, found_by, found_at;
  int64_t recovered_ore = 0;
};

struct ControlMessageRow {
  int64_t id = 0;
  std::string at, by_user, role, kind, text;  // kind: request | answer | note
  int64_t item = 0;                           // the sampled line it concerns, 0 = the case
};

// The case tables on one connection. Mutations REQUIRE a transaction opened
// by the caller (Begin/Commit), except where said.
class ControlCases {
 public:
  explicit ControlCases(SqlConnection& c) : c_(c) {}

  StatusOr<int64_t> Insert(const ControlCaseRow& row);
  StatusOr<std::optional<ControlCaseRow>> Get(int64_t id);
  // Cases of the clinics in scope, newest first.
  StatusOr<std::vector<ControlCaseRow>> List(const Scope& scope);
  Status Update(const ControlCaseRow& row);  // every mutable column of the case
  Status InsertSample(int64_t case_id, const std::vector<ControlStratumRow>& strata,
                      const std::vector<ControlSampleRow>& lines);
  StatusOr<std::vector<ControlStratumRow>> Strata(int64_t case_id);
  StatusOr<std::vector<ControlSampleRow>> Sample(int64_t case_id);
  Status UpdateFinding(int64_t case_id, const ControlSampleRow& row);
  Status AddMessage(int64_t case_id, const ControlMessageRow& m);
  StatusOr<std::vector<ControlMessageRow>> Messages(int64_t case_id);
  // The LSU decisions registered with this case id (sanctions.case_id).
  StatusOr<std::vector<SqlRow>> Sanctions(const std::string& lsu_case_id);
  // The stored line (run, seq) of `provider` ("012345") in `month` as it is
  // now: its status and amount after corrections, nullopt if there is none.
  StatusOr<std::optional<std::pair<std::string, int64_t>>> LineNow(int64_t run_id, int64_t seq,
                                                                   const std::string& provider,
                                                                   const std::string& month);
  // Posts the recovery postings under the ledger's lock; their book month is
  // the first open month when the service month is closed.
  Status PostRecovery(std::vector<Posting> postings, const std::string& now);

 private:
  SqlConnection& c_;
};

}  // namespace almen
