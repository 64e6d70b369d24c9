// Settlement diff: what changed between two settlements of the same claim file
// (a stored run and its re-run under another agreement version or corrected
// data), line by line and statement row by statement row, and why: every
// changed line carries the new deciding rule, its Danish reason and paragraph.
//
// Lines are matched by their position in the claim file (seq, 1-based): both
// settlements read the same file, and lines.csv keeps input order
// (interfaces.md). Statements are matched by (provider, month, item, code).
//
// Memory: 16 bytes per "before" line plus the interned rule ids; the "after"
// lines.csv is streamed.
//
// Example:
//   LineDiff d;
//   ALMEN_RETURN_IF_ERROR(d.LoadBeforeCsv("old/lines.csv"));
//   ALMEN_RETURN_IF_ERROR(d.CompareAfterCsv("new/lines.csv", [&](const LineChange& c) { … }));
//   nlohmann::json s = d.SummaryJson();
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace almen {

// The rule the import gives a claim id already paid in an earlier run
// (storage.cc); a re-run applies it again where the stored run did.
inline constexpr std::string_view kDuplicateRuleId = "claim.duplicate";

// The views point into the files being compared: valid during the callback only.
struct LineChange {
  int64_t seq = 0;
  std::string_view claim_id, provider, service_date, code;
  std::string_view before_status, before_rule;
  int64_t before_amount_ore = 0;
  std::string_view after_status, after_rule, after_reason, after_paragraph;
  int64_t after_amount_ore = 0;
};

// The changed-lines CSV (`almen diff --out`: line_changes.csv; a re-run's
// changes, read back by storage's StoreRerun by column name): its header, and
// one row per change (fields quoted where needed, amounts in øre).
inline constexpr std::string_view kLineChangesCsvHeader =
    "seq,claim_id,provider,service_date,code,before_status,before_amount_ore,before_rule,after_status,"
    "after_amount_ore,after_rule,after_reason,after_paragraph";
void AppendLineChangeCsv(std::string& out, const LineChange& c);

// A statement row key and one side's (count, amount).
using StatementKey = std::tuple<std::string, std::string, std::string, std::string>;  // provider, month, item, code
struct StatementCell {
  int64_t count = 0, amount_ore = 0;
};

struct StatementChange {
  StatementKey key;
  StatementCell before, after;
};

class LineDiff {
 public:
  // The "before" side, one line at a time (any order) or from a lines.csv.
  // REQUIRES: seq ≥ 1, each seq once.
  void AddBefore(int64_t seq, std::string_view status, int64_t amount_ore, std::string_view rule);
  Status LoadBeforeCsv(const std::string& path);

  // When set, a line the stored run rejected as `claim.duplicate` (paid in an
  // earlier run) is rejected the same way in the "after" side if it would be
  // paid there; the statement adjustment is recorded (statement_adjustments()).
  void set_reapply_duplicates(bool v) { reapply_duplicates_ = v; }

  // Streams the "after" lines.csv and calls `on_change` for every line whose
  // status, amount or rule differs. Lines present on one side only are
  // counted (lines_only_before / lines_only_after), not reported as changes.
  Status CompareAfterCsv(const std::string& path, const std::function<Status(const LineChange&)>& on_change);

  // Summary: line counts, changes by kind, amounts before/after, changes by
  // (before rule → after rule) with their amount effect.
  nlohmann::json SummaryJson() const;
  int64_t changed() const { return changed_; }

  // The duplicate re-application's effect on the "after" statements: subtract
  // these from the after side's (provider, month, service, code) rows.
  const std::map<StatementKey, StatementCell>& statement_adjustments() const { return adjust_; }

 private:
  struct Before {
    int64_t amount = 0;
    uint32_t rule = 0;
    uint8_t status = 0;  // 0 = no line at this seq
  };
  uint32_t Intern(std::string_view s);
  std::vector<Before> before_;
  std::vector<std::string> names_;  // interned statuses and rules; 0 = ""
  std::map<std::string, uint32_t, std::less<>> ids_;
  bool reapply_duplicates_ = false;
  std::map<StatementKey, StatementCell> adjust_;

  int64_t lines_before_ = 0, lines_after_ = 0, compared_ = 0, only_before_ = 0, only_after_ = 0;
  int64_t changed_ = 0, status_changed_ = 0, amount_changed_ = 0, rule_changed_ = 0;
  int64_t amount_before_ = 0, amount_after_ = 0;
  struct Transition {
    int64_t lines = 0, amount_before = 0, amount_after = 0;
  };
  std::map<std::pair<std::string, std::string>, Transition> by_rule_;      // (before rule, after rule)
  std::map<std::pair<std::string, std::string>, int64_t> by_status_;       // (before status, after status)
};

// Reads a statements.csv into cells by key (rows with the same key are summed).
StatusOr<std::map<StatementKey, StatementCell>> ReadStatementsCsv(const std::string& path);

// The rows whose count or amount differ, in key order. `after_adjust` (from
// LineDiff::statement_adjustments) is subtracted from the after side first.
std::vector<StatementChange> DiffStatements(const std::map<StatementKey, StatementCell>& before,
                                            std::map<StatementKey, StatementCell> after,
                                            const std::map<StatementKey, StatementCell>& after_adjust = {});

}  // namespace almen
