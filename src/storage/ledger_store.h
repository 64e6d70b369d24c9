// The ledger's tables (docs/ledger.md, migration 0008): postings and their
// balances, the patient history, line corrections, the days and period
// received, closings, and the registers with history (providers, listings).
//
// LedgerTables works inside ONE transaction of one connection: a ledger run
// reads the state, settles, and writes everything it changed before the
// caller commits. Lock() serialises ledger runs (SQLite: the transaction's
// write lock; PostgreSQL: a transaction-level advisory lock).
//
// Not thread safe (one connection).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "claims/registry.h"
#include "common/date.h"
#include "common/status.h"
#include "settlement/monthly.h"
#include "settlement/prior.h"
#include "storage/sql.h"

namespace almen {

// persisted by name (postings.item): the items of statements.csv, plus recovery.
std::string ProviderText(int provider);  // "012345"

struct Posting {
  int64_t run_id = 0;
  int provider = 0;
  Month month, book_month;
  std::string item;  // service | chronic_fee | basishonorar | bosted_honorarium | offset | ceiling_clawback | recovery
  std::string code;  // "" when none
  int64_t count = 0;
  int64_t amount_ore = 0;
  std::string kind;  // original | reversal | correction | adjustment
  std::string status, rule, paragraph, reason, cause;
  int64_t line_run_id = 0, line_seq = 0;
};

struct BalanceKey {
  int provider = 0;
  int32_t month = 0;  // Month serial
  std::string item, code;
  auto operator<=>(const BalanceKey&) const = default;
};
struct BalanceValue {
  int64_t count = 0, amount_ore = 0;
};

// A listing of the CPR-free register.
struct ListingRow {
  std::string patient;  // pseudonym hex
  int provider = 0;
  Date from, to = Date::Max();
  Date birth;
  char sex = 'F';
};

// The C++ part of migration 0008: claim-key segments for the runs stored
// before it (claim_keys.h). REQUIRES: inside the migration's transaction.
Status BuildClaimKeySegments(SqlConnection& c);

class LedgerTables {
 public:
  explicit LedgerTables(SqlConnection& c) : c_(c) {}
  SqlConnection& connection() { return c_; }

  // Serialises ledger runs. REQUIRES: inside a transaction.
  Status Lock();

  // A run's lines.csv (+ the settlement's aux file) into the line store.
  struct ImportedLines {
    int64_t lines = 0, accepted = 0, rejected = 0, review = 0, duplicates = 0, amount_ore = 0;
  };
  StatusOr<ImportedLines> ImportLines(int64_t run_id, const std::string& lines_path, const std::string& aux_path,
                                      const std::atomic<bool>* cancel,
                                      const std::function<void(const std::string&, double)>& progress);

  // The engine's view of the stored history (settlement/prior.h).
  std::unique_ptr<PriorState> Prior();

  // The ledger's period (hull of service months received), if any.
  StatusOr<std::optional<std::pair<Month, Month>>> Period();
  Status ExtendPeriod(Month from, Month to);
  // The last month closed for payment, if any.
  StatusOr<std::optional<Month>> LastClosed();
  // The last month of runs stored before the ledger (its monthly items are
  // kept as they were), if any.
  StatusOr<std::optional<Month>> FrozenThrough();

  // Balances, optionally only of some items.
  StatusOr<std::map<BalanceKey, BalanceValue>> Balances(const std::vector<std::string>& items);
  // Inserts postings and adds them to the balances.
  Status Post(const std::vector<Posting>& postings, const std::string& now);

  // The patient history.
  Status StoreNewEvents(int64_t run_id, const std::vector<NewEvent>& events);
  Status UpdateEvents(const std::vector<ChangedEvent>& events);
  StatusOr<std::vector<Enrolment>> Enrolments(const ProviderRegistry* providers);
  Status StoreCorrections(int64_t run_id, const std::vector<LineCorrection>& corrections, const std::string& now);
  Status AddDays(const ProviderDays& days);

  // A run's postings and line corrections, in order.
  StatusOr<std::vector<Posting>> RunPostings(int64_t run_id);
  StatusOr<std::vector<SqlRow>> RunCorrections(int64_t run_id);

  // Registers.
  StatusOr<std::vector<ProviderRow>> ProviderVersions();
  // Merges uploaded provider rows: a stored version of the same provider that
  // overlaps an uploaded row is ended at the row's start or replaced
  // (docs/decisions.md "Ledger"). Returns the rows added or changed.
  StatusOr<int64_t> MergeProviders(const ProviderRegistry& uploaded, int64_t run_id, const std::string& now);
  // Upserts listings by (patient, provider, listed_from), keeping the steps.
  StatusOr<int64_t> MergeListings(const std::vector<ListingRow>& rows, int64_t run_id);
  // Patients listed on the 1st of each month in [from, to] per provider.
  StatusOr<absl::flat_hash_map<ProviderMonth, int64_t>> Listed(Month from, Month to);
  // Upserts botilbud.csv (by botilbud, section and valid_from) or
  // attachments.csv (by botilbud, section, provider and from_date); `label`
  // names the user's file in errors. Returns the rows.
  StatusOr<int64_t> MergeBostedFile(const std::string& kind, const std::string& path, const std::string& label,
                                    const std::string& now, const std::string& user);
  Status RecordRegisterChange(int64_t run_id, const std::string& reg, int64_t changed, const std::string& detail,
                              const std::string& now);

  // The run's records (runs, imported_files, ledger_closings).
  struct RunRow {
    std::string created_at, created_by, source, claims_name, claims_sha256, agreement_version, agreement_hash,
        options_json;
  };
  // A new run (summary "{}" until FinishRun); returns its id.
  StatusOr<int64_t> InsertRun(const RunRow& r);
  Status FinishRun(int64_t run_id, const std::string& summary_json, const ImportedLines& lines, int64_t posted_ore);
  // The run that imported the file with this content hash (0 when none was
  // recorded), or nullopt when the file was never imported.
  StatusOr<std::optional<int64_t>> ImportedFileRun(const std::string& sha256);
  Status RecordImportedFile(const std::string& sha256, const std::string& kind, const std::string& name, int64_t bytes,
                            int64_t rows, int64_t run_id, const std::string& now, const std::string& user);
  // Providers and amount of the postings booked in (after, month] ("" = from the start).
  StatusOr<std::pair<int64_t, int64_t>> BookedBetween(const std::string& after, const std::string& month);
  Status RecordClosing(const std::string& month, const std::string& now, const std::string& user, int64_t providers,
                       int64_t amount_ore);
  // SQLite only: this connection's page cache, large while a run imports.
  Status SetImportCache(bool large);

 private:
  SqlConnection& c_;
};

}  // namespace almen
