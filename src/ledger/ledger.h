// The settlement ledger (docs/ledger.md): money as postings that depend on the
// claims received and the registers in force, never on how the claims were
// split into files or the order they came in.
//
// SettleIntoLedger settles one claim file against the stored state and posts
// what it changes, all in one transaction: the run and its lines, the register
// versions the upload brought, the patient history, line corrections (a
// reversal and a correction posting each, naming the claim that caused it),
// the monthly items as owed − posted, and the sealed input files. CloseMonth
// closes a month for payment; PaymentList and Specification read what a
// closing pays.
//
// Thread safety: each call borrows its own connection; ledger runs are
// serialised by the database (LedgerTables::Lock).
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agreement/agreement.h"
#include "common/crypto.h"
#include "common/status.h"
#include "sanctions/sanctions.h"
#include "settlement/settle.h"
#include "storage/storage.h"

namespace almen {

// How the stored botilbud register and sanctions are read (owned by the
// server's register routes; given by the caller so this library does not
// depend on the server).
struct RegisterReaders {
  // The stored register as botilbud.csv and attachments.csv texts.
  std::function<StatusOr<std::pair<std::string, std::string>>(SqlConnection&)> bosted_csv;
  std::function<StatusOr<std::vector<SanctionRow>>(SqlConnection&)> sanctions;
};

struct LedgerRunRequest {
  std::vector<ImportInput> inputs;  // REQUIRES: exactly one of kind "claims"
  SettleOptions settle;             // price level, threads, period (input paths are taken from `inputs`)
  nlohmann::json options_json;      // stored with the run
  std::string user, source, now;    // who, "upload" | "demo" | "cli", ISO timestamp
  std::string work_dir;             // a private directory for the settlement's files
  std::string claims_sha256;        // when already computed
  // Reject claims of providers missing from the register even when the
  // register is empty (the server); otherwise an empty register is not checked.
  bool require_providers = true;
  bool keep_inputs = true;          // seal the input files with the run (re-runs)
};

struct LedgerRunResult {
  int64_t run_id = 0;
  bool already_imported = false;  // the claim file was imported before: nothing done
  int64_t lines = 0, accepted = 0, rejected = 0, review = 0, duplicates = 0;
  int64_t amount_ore = 0;   // paid on the file's lines
  int64_t posted_ore = 0;   // Σ postings of the run (lines, corrections, monthly items)
  int64_t postings = 0, corrections = 0;
  bool providers_checked = false;
  std::string lines_path;   // the settlement's lines.csv (in work_dir, until it is removed)
};

StatusOr<LedgerRunResult> SettleIntoLedger(Storage& db, const Agreement& agreement, const Pseudonymizer& pseudonymizer,
                                           const RegisterReaders& readers, const LedgerRunRequest& request,
                                           const std::atomic<bool>* cancel,
                                           const std::function<void(const std::string&, double)>& progress);

// Closes `month` for payment (rltn): months close in order; the first close
// may be any month. Returns the payment list's totals.
struct ClosingResult {
  std::string month;
  int64_t providers = 0, amount_ore = 0;
};
StatusOr<ClosingResult> CloseMonth(Storage& db, const std::string& month, const std::string& user,
                                   const std::string& now);

}  // namespace almen
