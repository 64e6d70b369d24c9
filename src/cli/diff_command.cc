#include "cli/diff_command.h"

#include <iostream>

#include <nlohmann/json.hpp>

#include "common/csv.h"
#include "common/file.h"
#include "common/json_text.h"
#include "settlement/diff.h"

namespace almen {

DiffSubcommand::DiffSubcommand(CLI::App& app) {
  cmd_ = app.add_subcommand("diff", "Compare two settlements of the same claim file: changed lines and statement rows (JSON)");
  cmd_->add_option("--before", before_, "Output directory of the first `almen settle` (lines.csv, statements.csv)")
      ->required();
  cmd_->add_option("--after", after_, "Output directory of the second `almen settle`")->required();
  cmd_->add_option("--out", out_, "Write line_changes.csv and statement_changes.csv here");
  cmd_->add_option("--show", show_, "Changed lines listed in the JSON (default 20; all in --out)");
}

Status DiffSubcommand::Run() const {
  LineDiff diff;
  ALMEN_RETURN_IF_ERROR(diff.LoadBeforeCsv(before_ + "/lines.csv"));
  std::string lines_csv(kLineChangesCsvHeader);
  lines_csv += '\n';
  nlohmann::json shown = nlohmann::json::array();
  ALMEN_RETURN_IF_ERROR(diff.CompareAfterCsv(after_ + "/lines.csv", [&](const LineChange& c) {
    if (static_cast<int64_t>(shown.size()) < show_)
      shown.push_back({{"seq", c.seq},
                       {"claim_id", c.claim_id},
                       {"provider", c.provider},
                       {"service_date", c.service_date},
                       {"code", c.code},
                       {"before", {{"status", c.before_status}, {"amount_ore", c.before_amount_ore}, {"rule", c.before_rule}}},
                       {"after",
                        {{"status", c.after_status},
                         {"amount_ore", c.after_amount_ore},
                         {"rule", c.after_rule},
                         {"reason", c.after_reason},
                         {"paragraph", c.after_paragraph}}}});
    if (!out_.empty()) AppendLineChangeCsv(lines_csv, c);
    return Status::Ok();
  }));
  ALMEN_ASSIGN_OR_RETURN(auto st_before, ReadStatementsCsv(before_ + "/statements.csv"));
  ALMEN_ASSIGN_OR_RETURN(auto st_after, ReadStatementsCsv(after_ + "/statements.csv"));
  auto st_changes = DiffStatements(st_before, std::move(st_after));
  int64_t st_before_sum = 0, st_after_sum = 0;
  std::string st_csv = "provider,month,item,code,before_count,before_amount_ore,after_count,after_amount_ore,delta_ore\n";
  for (const auto& ch : st_changes) {
    st_before_sum += ch.before.amount_ore;
    st_after_sum += ch.after.amount_ore;
    const auto& [p, m, i, code] = ch.key;
    for (const std::string& f : {p, m, i, code}) {
      AppendCsvField(st_csv, f);
      st_csv += ',';
    }
    st_csv += std::to_string(ch.before.count) + ',' + std::to_string(ch.before.amount_ore) + ',' +
              std::to_string(ch.after.count) + ',' + std::to_string(ch.after.amount_ore) + ',' +
              std::to_string(ch.after.amount_ore - ch.before.amount_ore) + '\n';
  }
  nlohmann::json out = {{"before", before_}, {"after", after_}};
  // The agreement versions of both sides, from their summary.json when present.
  for (const auto& [key, dir] : {std::pair{"before_agreement", before_}, std::pair{"after_agreement", after_}}) {
    auto text = ReadFile(dir + "/summary.json");
    if (!text.ok()) continue;
    auto j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_object() && j.contains("agreement")) out[key] = j["agreement"];
  }
  out["lines"] = diff.SummaryJson();
  out["statements"] = {{"rows_changed", st_changes.size()},
                       {"amount_before_ore", st_before_sum},
                       {"amount_after_ore", st_after_sum},
                       {"delta_ore", st_after_sum - st_before_sum}};
  out["changed_lines"] = std::move(shown);
  if (!out_.empty()) {
    ALMEN_ASSIGN_OR_RETURN(OutputDir dir, OutputDir::Create(out_));
    ALMEN_RETURN_IF_ERROR(dir.Write("line_changes.csv", lines_csv));
    ALMEN_RETURN_IF_ERROR(dir.Write("statement_changes.csv", st_csv));
    ALMEN_RETURN_IF_ERROR(dir.Write("diff.json", JsonText(out, 2) + "\n"));
    ALMEN_RETURN_IF_ERROR(dir.Commit());
  }
  std::cout << JsonText(out, 2) << "\n";
  return Status::Ok();
}

}  // namespace almen
