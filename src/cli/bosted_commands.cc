// almen coverage: a thin wrapper over bosted/coverage.h. JSON (coverage table,
// target group, spend against pace) or CSV (the coverage table) on stdout;
// with --report the note's report as JSON.
#include "cli/bosted_commands.h"

#include <ctime>
#include <iostream>

#include <nlohmann/json.hpp>

#include "bosted/coverage.h"
#include "bosted/register.h"
#include "claims/registry.h"
#include "common/csv.h"
#include "common/json_text.h"

namespace almen {

namespace {

Date Today() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  return Date::FromYmd(tm.tm_year + 1900, static_cast<unsigned>(tm.tm_mon + 1), static_cast<unsigned>(tm.tm_mday));
}

}  // namespace

BostedSubcommands::BostedSubcommands(CLI::App& app) {
  coverage_ = app.add_subcommand("coverage", "Bostedslæger: coverage of botilbud with a fixed doctor, targets, spend (JSON/CSV)");
  coverage_->add_option("--botilbud", botilbud_, "botilbud.csv")->required();
  coverage_->add_option("--attachments", attachments_, "attachments.csv")->required();
  coverage_->add_option("--providers", providers_, "providers.csv (checks the attached providers)");
  coverage_->add_option("--date", date_, "Date of the count, YYYY-MM-DD (default: today; reports: their parameter date)");
  coverage_->add_option("--by", by_, "region | municipality | paragraph | operator | size | all (default region)");
  coverage_->add_option("--format", format_, "json | csv (default json)");
  coverage_->add_option("--report", report_, "q4-regional | halfway | end: the January 2025 note's reports (JSON)");
  coverage_->add_option("--region", region_, "Only this region code (e.g. 1084)");
  coverage_->add_option("--municipality", municipality_, "Only this municipality code (e.g. 0101)");
  coverage_->add_option("--price-level", price_level_, "apr-24: spend at the agreement's stated level (no index)");
}

bool BostedSubcommands::parsed() const { return coverage_->parsed(); }

Status BostedSubcommands::Run(const Agreement& agreement) const {
  auto by = ParseBostedGroupBy(by_);
  if (!by) return UsageError("--by must be region, municipality, paragraph, operator, size or all");
  if (format_ != "json" && format_ != "csv") return UsageError("--format must be json or csv");
  if (!price_level_.empty() && price_level_ != "apr-24") return UsageError("--price-level must be apr-24");
  std::optional<Date> date;
  if (!date_.empty()) {
    date = Date::Parse(date_);
    if (!date) return UsageError("--date must be YYYY-MM-DD");
  }
  BostedLoadOptions lo;
  std::optional<ProviderRegistry> providers;
  if (!providers_.empty()) {
    ALMEN_ASSIGN_OR_RETURN(providers, ProviderRegistry::Load(providers_));
    lo.providers = &*providers;
  }
  ALMEN_ASSIGN_OR_RETURN(auto min_res, agreement.IntParameter("bosted_min_section_residents", Date::FromYmd(2025, 1, 1)));
  lo.min_section_residents = min_res;
  ALMEN_ASSIGN_OR_RETURN(BostedRegister reg, BostedRegister::Load(botilbud_, attachments_, lo));
  BostedCoverageFilter filter;
  filter.region_code = region_;
  filter.municipality_code = municipality_;

  if (!report_.empty()) {
    ALMEN_ASSIGN_OR_RETURN(nlohmann::json r, BostedReportJson(agreement, reg, report_, date ? *date : Date::Max(), filter));
    std::cout << JsonText(r, 2) << "\n";
    return Status::Ok();
  }
  const Date d = date ? *date : Today();
  if (format_ == "csv") {
    std::string out =
        "key,label,botilbud,botilbud_covered,coverage_ppm,places,places_covered,places_coverage_ppm,sections,"
        "sections_covered,residents,residents_covered,attachments\n";
    for (const auto& r : BostedCoverage(reg, d, *by, filter)) {
      AppendCsvField(out, r.key);
      out += ',';
      AppendCsvField(out, r.label);
      for (int64_t v : {r.botilbud, r.botilbud_covered, r.coverage_ppm, r.places, r.places_covered,
                        r.places_coverage_ppm, r.sections, r.sections_covered, r.residents, r.residents_covered,
                        r.attachments})
        out += "," + std::to_string(v);
      out += '\n';
    }
    std::cout << out;
    return Status::Ok();
  }
  nlohmann::json j = BostedCoverageJson(reg, d, *by, filter);
  ALMEN_ASSIGN_OR_RETURN(j["target_group"], BostedTargetGroupJson(agreement, reg, d, filter));
  ALMEN_ASSIGN_OR_RETURN(j["spend"], BostedSpendJson(agreement, reg, d, price_level_ == "apr-24", filter));
  std::cout << JsonText(j, 2) << "\n";
  return Status::Ok();
}

}  // namespace almen
