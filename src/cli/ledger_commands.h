// `almen settle --state DIR | --db URL` and `almen ledger …`: the ledger on the
// command line (docs/ledger.md "The command line"), the same pipeline as the
// server's uploads.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "agreement/agreement.h"
#include "common/status.h"
#include "settlement/settle.h"

namespace almen {

// The database of a state directory (DIR/almen.db) or a URL.
std::string LedgerDatabaseUrl(const std::string& state_dir, const std::string& db_url);

// Settles `options.claims_path` (and the reference files given) into the
// ledger at `db_url` and writes lines.csv, statements.csv (the whole ledger),
// postings.csv and corrections.csv (this run's) and summary.json to `out_dir`.
Status RunSettleWithState(const Agreement& agreement, const SettleOptions& options, const std::string& db_url,
                          const std::string& out_dir);

// `almen ledger close --month YYYY-MM (--state DIR | --db URL)`: closes a
// month for payment; `almen ledger statement (--state DIR | --db URL)`: the
// ledger's statements.csv on stdout.
class LedgerSubcommands {
 public:
  explicit LedgerSubcommands(CLI::App& app);
  bool parsed() const;
  Status Run();

 private:
  CLI::App* ledger_ = nullptr;
  CLI::App* close_ = nullptr;
  CLI::App* statement_ = nullptr;
  std::string state_, db_, month_;
};

}  // namespace almen
