// almen settle: prices and checks a claim file against the agreement and
// writes lines.csv, statements.csv and summary.json (spec/interfaces.md).
//
// The engine streams: the claim file is memory-mapped and read twice. Pass 1
// validates every line and collects the compact state the order-independent
// rules need (claim ids per provider, contacts, and per patient only the
// 0120 and chronic events); between the passes those rules are resolved per
// patient in date order; pass 2 prices every line and writes the outputs.
// Memory is bounded by claim ids, contacts and patients, not by line text.
//
// Bad input (a file that cannot be read as the contract says) stops the run
// with a Status naming file, line and column, and no output file appears:
// outputs are staged and moved into place only after success. Business
// rejections are not errors: they are `rejected` lines with rule and reason.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "agreement/agreement.h"
#include "common/crypto.h"
#include "common/date.h"
#include "common/money.h"
#include "common/status.h"
#include "settlement/prior.h"
#include "settlement/types.h"
#include "settlement/monthly.h"

namespace almen {

// Where a settlement is: its phase ("pass 1", "resolve", "pass 2",
// "statements") and, in the passes, the bytes of the claim file done.
struct SettleProgress {
  std::string_view phase;
  int64_t done_bytes = 0, total_bytes = 0;
  double seconds = 0;  // since the settlement started
};

struct SettleOptions {
  std::string claims_path;
  std::string providers_path;    // optional ("" = none)
  std::string listings_path;     // optional
  std::string botilbud_path;     // optional
  std::string attachments_path;  // optional
  std::string sanctions_path;    // optional
  // true: price at the agreement's stated level (apr-24), no regulation index.
  bool price_level_apr24 = false;
  // Months for basishonorar (and the statement period). Default: the months
  // spanned by the claim file's service dates.
  std::optional<Month> period_from, period_to;
  int threads = 0;  // 0 = hardware concurrency
  // When set, called about twice a second on a thread of its own while the
  // settlement runs (`almen settle` prints a progress line on stderr).
  std::function<void(const SettleProgress&)> progress;

  // The input files by kind, as uploads and kept inputs name them.
  static constexpr std::array<std::string_view, 6> kInputKinds = {"claims",   "providers",   "listings",
                                                                   "botilbud", "attachments", "sanctions"};
  // The path member of `kind`, or nullptr for an unknown kind.
  std::string* InputPath(std::string_view kind) {
    if (kind == "claims") return &claims_path;
    if (kind == "providers") return &providers_path;
    if (kind == "listings") return &listings_path;
    if (kind == "botilbud") return &botilbud_path;
    if (kind == "attachments") return &attachments_path;
    if (kind == "sanctions") return &sanctions_path;
    return nullptr;
  }
};

// Registers the caller already holds (the ledger: the stored registers merged
// with an upload's files). When given, Settle does not load the paths of
// SettleOptions for them.
struct SettleRegisters {
  const ProviderRegistry* providers = nullptr;
  const SanctionRegister* sanctions = nullptr;
  const BostedRegister* bosted = nullptr;
};

// The service money of a file's lines per (provider, month, code, status,
// rule): what the ledger posts for them (chronic codes are paid as the
// monthly chronic_fee item, not here).
struct ServiceTotal {
  int provider = 0;
  Month month;
  int code = 0;
  LineStatus status = LineStatus::kAccepted;
  std::string rule, paragraph, reason;  // reason: of the first such line
  int64_t count = 0;
  Money amount;
};

// What the ledger takes from a settlement besides lines.csv.
struct LedgerSettlement {
  PriorOutcome prior;                 // new events, changed stored events, corrections, days
  std::vector<ServiceTotal> service;  // money of the new lines
  std::vector<Enrolment> enrolments;  // of the patients resolved (informational)
  // Per line of lines.csv, in order, 24 bytes: the contact key (uint64), the
  // price (int64 øre: what the line is paid if no contact rule stops it) and
  // the quantity (int64).
  std::string aux_path;
  std::optional<Month> min_month, max_month;
  bool providers_checked = false;
};

struct SettleSummary {
  int64_t lines = 0, accepted = 0, rejected = 0, review = 0;
  int64_t amount_ore = 0;            // sum of lines.csv amount_ore
  int64_t statement_amount_ore = 0;  // sum of statements.csv amount_ore
  std::string agreement_version;     // "ok25@…"
  std::string agreement_hash;        // SHA-256 of the agreement data set
  std::string price_level;           // "regulated" or "apr-24"
  std::optional<Month> period_from, period_to;
  bool providers_checked = false;    // a provider register was given
};

// Settles `options.claims_path` alone and writes the outputs into `out_dir`.
Status Settle(const Agreement& agreement, const Pseudonymizer& pseudonymizer, const SettleOptions& options,
              const std::string& out_dir, SettleSummary* summary);

// The ledger's settlement of one file after others: the registers as given,
// the history from `prior`. Writes lines.csv, summary.json and the aux file
// into `out_dir` (no statements.csv: the ledger computes what is owed) and
// fills `out`.
Status SettleWithHistory(const Agreement& agreement, const Pseudonymizer& pseudonymizer,
                         const SettleOptions& options, const SettleRegisters& registers, PriorState& prior,
                         const std::string& out_dir, SettleSummary* summary, LedgerSettlement* out);

}  // namespace almen
