// almen check: pre-validation (forvalidering) of a claim file for a clinic.
//
// The same settlement as `almen settle` (settlement/settle.h: the same engine,
// rules and agreement data), run on the clinic's file alone, as a report of
// what would be rejected or flagged for review and why: per line the rule id,
// the Danish reason and the agreement paragraph, and a summary. Nothing is
// stored and nothing of the user's is written: the engine's outputs go to a
// private temporary directory (0700) that is read back and removed before
// CheckClaims returns, success or failure. The outputs hold no CPR number
// (lines.csv carries claim id, provider, date, code, outcome); the patients are
// pseudonymised with a random one-off key, so no pseudonym outlives the call.
//
// Errors: bad input is the Status of Settle (InvalidInput naming
// file:line:col, exit 1), a usage mistake (--botilbud without --attachments)
// is UsageError (exit 2). Rejections are not errors: the report says them.
//
// One function, CheckClaims, so that a WebAssembly wrapper can call exactly
// what the command line calls (the claim file then lives in the wrapper's
// in-memory file system). Thread safety: CheckClaims may run concurrently.
//
// Example:
//   CheckReport report;
//   ALMEN_RETURN_IF_ERROR(CheckClaims(agreement, options, &report));
//   std::cout << CheckReportText(report);
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agreement/agreement.h"
#include "common/status.h"
#include "settlement/settle.h"

namespace almen {

// One line that settlement would reject or flag for review.
struct CheckedLine {
  int64_t record = 0;  // 1-based position among the file's lines (as lines.csv)
  int64_t line = 0;    // physical line of the record in the claim file
  std::string claim_id, provider, service_date, code, status;  // status: rejected | review
  int64_t amount_ore = 0;  // what settlement would pay (0 when rejected)
  std::string rule, reason, paragraph;
};

struct CheckRuleCount {
  std::string status;  // rejected | review
  int64_t lines = 0;
  std::string reason, paragraph;  // of the first such line
};

struct CheckReport {
  std::string claims_file;  // the file's name as given in messages
  SettleSummary summary;    // counts and amount as `almen settle` reports them
  int64_t statement_amount_ore = 0;
  std::vector<CheckedLine> lines;               // rejected and review lines, in file order
  std::map<std::string, CheckRuleCount> by_rule;  // rule id -> count (rejected and review only)
};

// Settles options.claims_path alone (with the reference files of `options`)
// and reports every line that would not simply be paid. REQUIRES: report.
Status CheckClaims(const Agreement& agreement, const SettleOptions& options, CheckReport* report);

// The report as Danish text for a terminal: one line per flagged claim line
// ("claims.csv:7: regning 17 (ydernummer 012345, 3. marts 2025, ydelse 0101):
// afvist efter 0120.not_with_0101 — <reason> [<paragraph>]") and a summary.
std::string CheckReportText(const CheckReport& report);
// The report as JSON (for tools and the browser): {claims_file, agreement,
// summary, by_rule, lines}.
nlohmann::json CheckReportJson(const CheckReport& report);

}  // namespace almen
