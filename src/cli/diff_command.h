// `almen diff --before DIR --after DIR [--out DIR]`: what changed between two
// settlements of the same claim file (the outputs of two `almen settle` runs,
// e.g. under two agreement versions), line by line and per statement row,
// with the deciding rule, reason and paragraph of every changed line
// (settlement/diff.h). JSON summary on stdout; with --out, line_changes.csv and
// statement_changes.csv written all-or-nothing.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "common/status.h"

namespace almen {

class DiffSubcommand {
 public:
  explicit DiffSubcommand(CLI::App& app);
  bool parsed() const { return cmd_->parsed(); }
  Status Run() const;

 private:
  CLI::App* cmd_ = nullptr;
  std::string before_, after_, out_;
  int64_t show_ = 20;
};

}  // namespace almen
