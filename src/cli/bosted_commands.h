// `almen coverage`: the bostedslæger coverage follow-up (src/bosted/coverage.h)
// from botilbud.csv and attachments.csv. Registered on the CLI11 app by the
// constructor; main.cc calls Run() when it was given.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "agreement/agreement.h"
#include "common/status.h"

namespace almen {

class BostedSubcommands {
 public:
  explicit BostedSubcommands(CLI::App& app);
  bool parsed() const;
  Status Run(const Agreement& agreement) const;

 private:
  CLI::App* coverage_ = nullptr;
  std::string botilbud_, attachments_, providers_, date_, by_ = "region", format_ = "json", report_, price_level_;
  std::string region_, municipality_;
};

}  // namespace almen
