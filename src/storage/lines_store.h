// How Storage keeps the lines of a run (internal to src/storage).
//
//  - `line_blocks`: the accepted lines of one (run, provider, month) as one
//    row, in the block format of storage/line_blocks.h, with the block's line
//    count and amount sum as columns;
//  - `flagged_lines`: rejected and review lines (a few per mille of a year),
//    one row each with their Danish reason and paragraph, so rejection
//    analysis and filters by rule or status stay SQL.
//
// Every line is stored exactly once. The reports in lines_store.cc (Lines,
// Runs, Overview, Rejections, ForEachLine) read both.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <tuple>

#include "common/status.h"
#include "storage/sql.h"

namespace almen::storage_internal {

// The rule id of a line that repeats a claim id (settlement, rules.csv).
inline constexpr std::string_view kDuplicateRule = "claim.duplicate";

struct LinesImported {
  int64_t lines = 0, accepted = 0, rejected = 0, review = 0, duplicates = 0, amount_ore = 0;
};

// Reads a settlement's lines.csv (claim_id, provider, service_date, code,
// status, amount_ore, rule, reason[, paragraph]) into line_blocks and
// flagged_lines of run `run_id`. `aux_path` (settle.h LedgerSettlement): per
// line its contact key and price, or "" (none). Duplicates of earlier runs
// were decided by the settlement (SettleWithHistory).
// Progress stages: "import lines" (reading), "import line blocks" (writing).
// REQUIRES: inside the import's transaction.
StatusOr<LinesImported> ImportLines(SqlConnection& c, int64_t run_id, const std::string& path,
                                    const std::string& aux_path, const std::atomic<bool>* cancel,
                                    const std::function<void(const std::string&, double)>& progress);

// The C++ part of migration 0006: moves the rows of the old `lines` table into
// line_blocks / flagged_lines and drops it. REQUIRES: inside the migration's
// transaction, after 0006_line_blocks.sql.
Status ConvertLegacyLines(SqlConnection& c);

}  // namespace almen::storage_internal
