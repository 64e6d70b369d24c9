// Storage: almen's database, one interface over SQLite (the embedded default:
// one file, WAL mode) and PostgreSQL (`postgresql://…`), same schema and
// behaviour. The schema is versioned by the migrations in
// src/storage/migrations/ (embedded into the binary, applied at Open).
//
// What it keeps (docs/server.md has the table-by-table description):
//  - settlement runs with the agreement version + hash and options, so any run
//    can be replayed; their lines and statements;
//  - imported files by content hash: importing the same file again is a no-op;
//  - providers (with region, from the municipality), botilbud, attachments;
//  - users, sessions (by token hash), and the append-only audit log.
//
// Invariants:
//  - A ledger run (ledger/ledger.h) is atomic: one transaction; a failure or a
//    cancellation rolls everything back.
//  - No CPR is ever stored: patients are keyed pseudonyms.
//
// Money is int64 øre. Thread safe: every call borrows a pooled connection.
//
// Example:
//   ALMEN_ASSIGN_OR_RETURN(auto db, Storage::Open("almen.db"));
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "storage/sql.h"

namespace almen {

// What a user may see. kAll: everything; kRegion: clinics whose municipality
// lies in the region `value` (region code, e.g. "1084"); kProvider: one
// provider number.
struct Scope {
  enum class Kind : uint8_t { kAll, kRegion, kProvider };
  Kind kind = Kind::kAll;
  std::string value;
};

// A result table for the API and for CSV/XLSX export. Cells are JSON numbers
// (integers) or strings or null.
struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<nlohmann::json>> rows;
  int64_t total = -1;  // total rows before paging, or -1 when not paged
  nlohmann::json ToJson() const;  // {"columns":[…],"rows":[{col:value…}],"total":n}
};

struct ImportInput {
  std::string kind;  // claims | providers | listings | botilbud | attachments
  std::string name;  // original file name
  std::string path;  // where the content is on disk
};

struct UserRecord {
  int64_t id = 0;
  std::string username, password_hash, role, scope;
};

// One stored line of a run (lines.csv of the settlement, after the import's
// duplicate check).
struct StoredLine {
  int64_t seq = 0;  // 1-based position in the run's claim file
  std::string claim_id, provider, service_date, code, status;
  int64_t amount_ore = 0;
  std::string rule, reason, paragraph;
};

struct LineFilter {
  std::string provider, month, status, rule, code;
  std::string claim;   // a claim_id ("" = any)
  int64_t run_id = 0;  // 0 = all runs
  // "col" or "-col" (descending), col one of provider, service_date, code,
  // status, amount_ore, rule; "" = provider, service_date, run, seq. Only
  // the columns LineSortColumns(filter) names (InvalidInput otherwise).
  std::string sort;
  int64_t limit = 100, offset = 0;
};

// The columns Lines() sorts by for this filter without decoding every stored
// block: all of them for rejected or review lines (rows); with accepted lines
// (blocks, ordered by provider and month) provider always, service_date with
// a provider, the others with a provider and a month (one block group).
// Lines are sorted as stored, before their latest correction is shown.
std::vector<std::string> LineSortColumns(const LineFilter& filter);

class Storage {
 public:
  // `url`: a SQLite file path (or sqlite://path) or postgresql://… .
  // Applies pending migrations.
  static StatusOr<std::unique_ptr<Storage>> Open(const std::string& url, int pool_size = 4);
  SqlDialect dialect() const { return pool_->dialect(); }
  // Schema version after migrations (the highest applied migration).
  StatusOr<int64_t> SchemaVersion();

  // Content hash of a file (hex SHA-256); the key of imported_files.
  static StatusOr<std::string> FileSha256(const std::string& path);
  // The run that imported a file with this hash, if any.
  StatusOr<std::optional<int64_t>> FindImportedFile(const std::string& sha256);
  StatusOr<int64_t> CountRuns();

  // ---- Reports (all filtered by scope) ----
  StatusOr<Table> Runs(const Scope& scope);
  StatusOr<nlohmann::json> Run(int64_t id, const Scope& scope);
  StatusOr<Table> Statements(const Scope& scope, const std::string& provider, const std::string& month);
  // Lines as they are now: a line a later run corrected shows its latest
  // correction (column corrected_by_run); filters apply to the stored line.
  StatusOr<Table> Lines(const Scope& scope, const LineFilter& filter);
  // Calls `fn` for every stored line of run `run_id`, in no particular order;
  // stops at the first error `fn` returns. Unscoped: for re-runs and tools.
  Status ForEachLine(int64_t run_id, const std::function<Status(const StoredLine&)>& fn);
  StatusOr<Table> Rejections(const Scope& scope, const std::string& month);
  StatusOr<Table> Overview(const Scope& scope, const std::string& year);
  StatusOr<Table> Providers(const Scope& scope);
  StatusOr<Table> Botilbud(const std::string& municipality_code);  // "" = all
  // Region code of a municipality (from data/municipalities.csv), "" if unknown.
  static std::string RegionOfMunicipality(const std::string& municipality_code);
  static std::string RegionName(const std::string& region_code);

  // ---- Users, sessions, audit ----
  Status CreateUser(const std::string& username, const std::string& password_hash, const std::string& role,
                    const std::string& scope, const std::string& now);
  StatusOr<std::optional<UserRecord>> FindUser(const std::string& username);
  StatusOr<int64_t> CountUsers();
  Status CreateSession(const std::string& token_hash, int64_t user_id, const std::string& now,
                       const std::string& expires_at);
  // The session's user if the session exists and has not expired at `now`.
  StatusOr<std::optional<UserRecord>> SessionUser(const std::string& token_hash, const std::string& now);
  Status DeleteSession(const std::string& token_hash);
  // Removes every session that expired at `now` or before; returns how many.
  StatusOr<int64_t> PurgeExpiredSessions(const std::string& now);
  Status Audit(const std::string& now, const std::string& username, const std::string& action,
               const std::string& detail);
  StatusOr<Table> AuditLog(int64_t limit, int64_t offset);

  // Direct access for tests and tools.
  ConnectionPool& pool() { return *pool_; }

 private:
  StatusOr<Table> LinesAsStored(const Scope& scope, const LineFilter& filter);
  Status Migrate();
  std::unique_ptr<ConnectionPool> pool_;
};

}  // namespace almen
