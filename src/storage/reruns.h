// Re-runs of stored settlements (issue 4): the sealed inputs a run can be
// settled again from, the agreement versions runs were settled with, and the
// stored diff of each re-run (settlement/diff.h computes it; the server's
// rerun job ties it together, src/server/rerun.cc).
//
// Tables (migration 0005_reruns.sql): sealed_inputs + sealed_chunks (inputs
// by the run's claim-file hash, zstd + XChaCha20-Poly1305, never plain),
// agreement_versions, reruns, rerun_lines, rerun_statements.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/sealed.h"
#include "storage/storage.h"

namespace almen {

// Seals `inputs` (kind, name, plain path) and stores them under the run's
// claim-file hash, in one transaction; inputs already stored are skipped.
Status StoreSealedInputs(Storage& db, const std::string& claims_sha256, const std::vector<ImportInput>& inputs,
                         const SealKey& key);
// The same inside the caller's transaction on `c` (a ledger run commits the
// run and its sealed inputs together).
Status StoreSealedInputs(SqlConnection& c, const std::string& claims_sha256, const std::vector<ImportInput>& inputs,
                         const SealKey& key);

// The kinds stored for a claim-file hash (empty if none).
StatusOr<std::vector<std::string>> SealedInputKinds(Storage& db, const std::string& claims_sha256);

// Writes the stored inputs as plain files into `dir` (0600) and returns them
// as import inputs (path = the new file). NotFound if none are stored.
StatusOr<std::vector<ImportInput>> UnsealInputs(Storage& db, const std::string& claims_sha256, const SealKey& key,
                                                const std::string& dir);

// Agreement data sets by content hash (a no-op if stored).
Status StoreAgreementVersion(Storage& db, const std::string& hash, const std::string& version,
                             const std::map<std::string, std::string>& files, const std::string& now);
Status StoreAgreementVersion(SqlConnection& c, const std::string& hash, const std::string& version,
                             const std::map<std::string, std::string>& files, const std::string& now);
StatusOr<std::optional<std::map<std::string, std::string>>> LoadAgreementVersion(Storage& db,
                                                                                 const std::string& hash);

struct RerunStatementRow {
  std::string provider, month, item, code;
  int64_t before_count = 0, before_amount_ore = 0, after_count = 0, after_amount_ore = 0;
};
struct RerunRecord {
  int64_t run_id = 0;
  std::string created_at, created_by, agreement_mode, before_agreement_version, after_agreement_version,
      after_agreement_hash;
  nlohmann::json summary;        // LineDiff::SummaryJson + statement totals
  // The changed lines as CSV (settlement/diff.h kLineChangesCsvHeader; read by
  // column name), streamed into the table.
  std::string lines_csv_path;
  std::vector<RerunStatementRow> statements;
};

// Stores a re-run and its changes in one transaction; returns its id.
StatusOr<int64_t> StoreRerun(Storage& db, const RerunRecord& r);

// Re-runs (optionally of one run), newest first. Scoped: a region or clinic
// sees the counts and amounts of its own changed lines only.
StatusOr<Table> Reruns(Storage& db, const Scope& scope, int64_t run_id);
StatusOr<nlohmann::json> Rerun(Storage& db, const Scope& scope, int64_t id);
StatusOr<Table> RerunLines(Storage& db, const Scope& scope, int64_t rerun_id, const std::string& provider,
                           int64_t limit, int64_t offset);
StatusOr<Table> RerunStatements(Storage& db, const Scope& scope, int64_t rerun_id, const std::string& provider);

}  // namespace almen
