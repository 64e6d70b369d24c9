#include "cli/check_command.h"

#include <cstdio>
#include <iostream>

#include "control/check.h"

namespace almen {

CheckSubcommand::CheckSubcommand(CLI::App& app) {
  cmd_ = app.add_subcommand("check",
                            "Pre-validate a claim file (forvalidering): what settlement would reject or flag and why; "
                            "writes nothing");
  cmd_->add_option("--claims", options_.claims_path, "claims.csv")->required();
  cmd_->add_option("--providers", options_.providers_path, "providers.csv");
  cmd_->add_option("--listings", options_.listings_path, "listings.csv");
  cmd_->add_option("--botilbud", options_.botilbud_path, "botilbud.csv (with --attachments)");
  cmd_->add_option("--attachments", options_.attachments_path, "attachments.csv (with --botilbud)");
  cmd_->add_option("--sanctions", options_.sanctions_path, "sanctions.csv");
  cmd_->add_option("--price-level", price_level_, "apr-24: price at the agreement's stated level (no index)");
  cmd_->add_option("--period", period_, "Statement months YYYY-MM or YYYY-MM:YYYY-MM (default: from the claims)");
  cmd_->add_option("--threads", options_.threads, "Worker threads (default: all cores)");
  cmd_->add_option("--format", format_, "text (default): a Danish report; json: the same as JSON");
}

Status CheckSubcommand::Run(const Agreement& agreement) const {
  SettleOptions options = options_;
  if (format_ != "text" && format_ != "json") return UsageError("--format must be 'text' or 'json'");
  if (price_level_ == "apr-24") options.price_level_apr24 = true;
  else if (!price_level_.empty() && price_level_ != "regulated")
    return UsageError("--price-level must be 'apr-24' or 'regulated'");
  if (!period_.empty()) {
    auto colon = period_.find(':');
    auto from = Month::Parse(period_.substr(0, colon));
    auto to = colon == std::string::npos ? from : Month::Parse(period_.substr(colon + 1));
    if (!from || !to || *to < *from) return UsageError("--period must be YYYY-MM or YYYY-MM:YYYY-MM");
    options.period_from = from;
    options.period_to = to;
  }
  CheckReport report;
  ALMEN_RETURN_IF_ERROR(CheckClaims(agreement, options, &report));
  if (format_ == "json") std::cout << CheckReportJson(report).dump(2) << "\n";
  else std::cout << CheckReportText(report);
  std::cout.flush();
  return Status::Ok();
}

}  // namespace almen
