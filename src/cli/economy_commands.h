// The subcommands of issue 5 beyond `ramme` and `economy`: `almen ceiling`
// (højestegrænse), `almen quality` (quality payments) and `almen offset` (how
// the ramme's offset is recovered: dated agreement rows and a per-clinic view). Registered on the CLI11 app by the
// constructor; main.cc calls Run() when one of them was given.
#pragma once

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "agreement/agreement.h"
#include "common/status.h"

namespace almen {

class EconomySubcommands {
 public:
  explicit EconomySubcommands(CLI::App& app);
  bool parsed() const;
  Status Run(const Agreement& agreement) const;

 private:
  struct Paths {
    int year = 2025;
    std::string statements, listings, providers, attachments, decisions, reference, out, clusters, insured;
    std::string ramme_json, expenses, listed, previous_overrun_pct, offset_basis, agreement_out;
  };
  Status RunCeiling(const Agreement& agreement) const;
  Status RunQuality(const Agreement& agreement) const;
  Status RunOffset(const Agreement& agreement) const;
  CLI::App* ceiling_ = nullptr;
  CLI::App* quality_ = nullptr;
  CLI::App* offset_ = nullptr;
  Paths c_, q_, o_;
};

}  // namespace almen
