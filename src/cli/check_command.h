// `almen check --claims F [--providers F] [--listings F] [--botilbud F
// --attachments F] [--sanctions F] [--price-level apr-24] [--period …]
// [--format text|json]`: pre-validation of a claim file for a clinic
// (control/check.h). Prints per line what settlement would reject or flag and
// why, and a summary, on stdout; writes nothing. Exit 0 even when lines would
// be rejected (a report), 1 on malformed input (file:line:col), 2 on usage.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "agreement/agreement.h"
#include "common/status.h"
#include "settlement/settle.h"

namespace almen {

class CheckSubcommand {
 public:
  explicit CheckSubcommand(CLI::App& app);
  bool parsed() const { return cmd_->parsed(); }
  Status Run(const Agreement& agreement) const;

 private:
  CLI::App* cmd_ = nullptr;
  SettleOptions options_;
  std::string price_level_, period_, format_ = "text";
};

}  // namespace almen
