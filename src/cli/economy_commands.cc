// almen ceiling | quality | offset: thin wrappers over economy/ceiling.h.
// JSON on stdout; with --out, CSV files written all-or-nothing (OutputDir).
#include "cli/economy_commands.h"

#include <algorithm>
#include <iostream>

#include <nlohmann/json.hpp>

#include "common/csv.h"
#include "common/file.h"
#include "common/json_text.h"
#include "economy/ceiling.h"
#include "economy/economy.h"
#include "economy/offset.h"

namespace almen {

namespace {

StatusOr<std::map<std::string, int64_t>> ParseInsured(const std::string& label, std::string_view text) {
  ALMEN_ASSIGN_OR_RETURN(CsvReader r, CsvReader::Open(label, text));
  ALMEN_RETURN_IF_ERROR(r.RequireColumns({"region_code", "insured"}));
  int cr = r.Column("region_code"), ci = r.Column("insured");
  std::map<std::string, int64_t> out;
  while (true) {
    ALMEN_ASSIGN_OR_RETURN(bool more, r.Next());
    if (!more) break;
    std::string region(r.field(cr));
    auto n = ParseInt64(r.field(ci));
    if (region < "1081" || region > "1085" || region.size() != 4)
      return r.FieldError(cr, "region_code must be 1081..1085");
    if (!n || *n < 0) return r.FieldError(ci, "insured must be a whole number ≥ 0");
    if (!out.emplace(region, *n).second) return r.FieldError(cr, "region " + region + " appears twice");
  }
  return out;
}

}  // namespace

EconomySubcommands::EconomySubcommands(CLI::App& app) {
  ceiling_ = app.add_subcommand("ceiling", "Højestegrænse: age/sex-standardised cost per patient, ceilings and clawbacks (JSON)");
  ceiling_->add_option("--year", c_.year, "Settlement year")->required();
  ceiling_->add_option("--statements", c_.statements, "statements.csv of almen settle")->required();
  ceiling_->add_option("--listings", c_.listings, "listings.csv")->required();
  ceiling_->add_option("--providers", c_.providers, "providers.csv (regions; needed for --reference region)");
  ceiling_->add_option("--attachments", c_.attachments, "attachments.csv (bostedslæger, note to § 93 stk. 4)");
  ceiling_->add_option("--decisions", c_.decisions, "decisions.csv: provider,year,exempt,reason,decided_by,decided");
  ceiling_->add_option("--reference", c_.reference, "region | country (default: parameter ceiling_reference)");
  ceiling_->add_option("--out", c_.out, "Write ceilings.csv, clawbacks.csv and statements_with_clawback.csv here");

  quality_ = app.add_subcommand("quality", "Quality payments per region and cluster (pkt. 5.8), JSON");
  quality_->add_option("--year", q_.year, "Year")->required();
  quality_->add_option("--listings", q_.listings, "listings.csv")->required();
  quality_->add_option("--providers", q_.providers, "providers.csv")->required();
  quality_->add_option("--clusters", q_.clusters, "clusters.csv: provider,cluster_id,from,to");
  quality_->add_option("--insured", q_.insured, "insured.csv: region_code,insured (default: listed patients)");

  offset_ = app.add_subcommand(
      "offset", "How the ramme's offset is recovered (Bilag 1 pkt. 2): reduced regulation and, if needed, basishonorar "
                "as dated agreement rows, and the per-clinic effect (JSON; nothing is paid as statement rows)");
  offset_->add_option("--ramme-json", o_.ramme_json, "JSON of `almen ramme` (else computed from --year/--expenses …)");
  offset_->add_option("--year", o_.year, "Ramme year");
  offset_->add_option("--expenses", o_.expenses, "expenses.csv");
  offset_->add_option("--listed", o_.listed, "listed_patients.csv");
  offset_->add_option("--providers", o_.providers, "providers.csv (LTO capacity mechanism; the clinics' regions)");
  offset_->add_option("--previous-overrun-pct", o_.previous_overrun_pct, "Last year's overrun in percent");
  offset_->add_option("--offset-basis", o_.offset_basis, "full_overrun (default) | excess_over_tolerance");
  offset_->add_option("--statements", o_.statements, "statements.csv of the ramme year: the per-clinic effect (a view)");
  offset_->add_option("--out", o_.out, "Write offset_overlay.csv, offset_plan.json and offset_effect.csv here");
  offset_->add_option("--agreement-out", o_.agreement_out,
                      "Write the agreement data set with the offset rows (offset_overlay.csv) here, for "
                      "`almen settle --agreement DIR`");
}

bool EconomySubcommands::parsed() const {
  return ceiling_->parsed() || quality_->parsed() || offset_->parsed();
}

Status EconomySubcommands::Run(const Agreement& agreement) const {
  if (ceiling_->parsed()) return RunCeiling(agreement);
  if (quality_->parsed()) return RunQuality(agreement);
  return RunOffset(agreement);
}

Status EconomySubcommands::RunCeiling(const Agreement& agreement) const {
  CeilingInput in;
  in.year = c_.year;
  in.reference = c_.reference;
  {
    ALMEN_ASSIGN_OR_RETURN(MappedFile f, MappedFile::Open(c_.statements));
    ALMEN_ASSIGN_OR_RETURN(in.statements, ParseCeilingStatementsCsv(BaseName(c_.statements), f.data()));
  }
  ALMEN_ASSIGN_OR_RETURN(auto groups, LoadCeilingGroups(agreement, c_.year));
  {
    ALMEN_ASSIGN_OR_RETURN(MappedFile f, MappedFile::Open(c_.listings));
    ALMEN_ASSIGN_OR_RETURN(in.population, CeilingPopulationFromListings(BaseName(c_.listings), f.data(), c_.year, groups));
  }
  if (!c_.providers.empty()) {
    ALMEN_ASSIGN_OR_RETURN(MappedFile f, MappedFile::Open(c_.providers));
    ALMEN_ASSIGN_OR_RETURN(in.clinics, ParseCeilingProviders(BaseName(c_.providers), f.data(), c_.year));
  }
  if (!c_.attachments.empty()) {
    ALMEN_ASSIGN_OR_RETURN(MappedFile f, MappedFile::Open(c_.attachments));
    ALMEN_ASSIGN_OR_RETURN(auto b, ParseCeilingAttachments(BaseName(c_.attachments), f.data(), c_.year));
    in.bosted_providers = std::move(b);
  }
  if (!c_.decisions.empty()) {
    ALMEN_ASSIGN_OR_RETURN(MappedFile f, MappedFile::Open(c_.decisions));
    ALMEN_ASSIGN_OR_RETURN(in.decisions, ParseCeilingDecisions(BaseName(c_.decisions), f.data()));
  }
  ALMEN_ASSIGN_OR_RETURN(CeilingResult r, ComputeCeilings(agreement, in));
  nlohmann::json j = CeilingResultToJson(r);
  j["agreement"] = agreement.version();
  if (!c_.out.empty()) {
    ALMEN_ASSIGN_OR_RETURN(OutputDir out, OutputDir::Create(c_.out));
    std::vector<CeilingStatementRow> claw = CeilingClawbackRows(r);
    std::vector<CeilingStatementRow> all = in.statements;
    all.insert(all.end(), claw.begin(), claw.end());
    ALMEN_RETURN_IF_ERROR(out.Write("ceilings.csv", CeilingsToCsv(r)));
    ALMEN_RETURN_IF_ERROR(out.Write("clawbacks.csv", CeilingStatementsToCsv(claw)));
    ALMEN_RETURN_IF_ERROR(out.Write("statements_with_clawback.csv", CeilingStatementsToCsv(std::move(all))));
    ALMEN_RETURN_IF_ERROR(out.Write("ceilings.json", JsonText(j, 2) + "\n"));
    ALMEN_RETURN_IF_ERROR(out.Commit());
  }
  std::cout << JsonText(j, 2) << "\n";
  return Status::Ok();
}

Status EconomySubcommands::RunQuality(const Agreement& agreement) const {
  QualityInput in;
  in.year = q_.year;
  const Parameter* cd = agreement.ParameterOn("quality_count_date", Date::FromYmd(q_.year, 1, 1));
  auto count_date = Date::Parse(std::to_string(q_.year) + "-" + (cd ? cd->value : std::string("01-01")));
  if (!count_date) return Internal("quality_count_date is not MM-DD");
  {
    ALMEN_ASSIGN_OR_RETURN(MappedFile f, MappedFile::Open(q_.listings));
    ALMEN_ASSIGN_OR_RETURN(in.listed, QualityListedOn(BaseName(q_.listings), f.data(), *count_date));
  }
  {
    ALMEN_ASSIGN_OR_RETURN(MappedFile f, MappedFile::Open(q_.providers));
    ALMEN_ASSIGN_OR_RETURN(in.clinics, ParseCeilingProviders(BaseName(q_.providers), f.data(), q_.year));
  }
  if (!q_.clusters.empty()) {
    ALMEN_ASSIGN_OR_RETURN(MappedFile f, MappedFile::Open(q_.clusters));
    ALMEN_ASSIGN_OR_RETURN(in.clusters, ParseQualityClusters(BaseName(q_.clusters), f.data()));
  }
  if (!q_.insured.empty()) {
    ALMEN_ASSIGN_OR_RETURN(MappedFile f, MappedFile::Open(q_.insured));
    ALMEN_ASSIGN_OR_RETURN(in.insured, ParseInsured(BaseName(q_.insured), f.data()));
  }
  ALMEN_ASSIGN_OR_RETURN(nlohmann::json j, ComputeQualityPayments(agreement, in));
  std::cout << JsonText(j, 2) << "\n";
  return Status::Ok();
}

Status EconomySubcommands::RunOffset(const Agreement& agreement) const {
  nlohmann::json ramme;
  if (!o_.ramme_json.empty()) {
    ALMEN_ASSIGN_OR_RETURN(std::string text, ReadFile(o_.ramme_json));
    ramme = nlohmann::json::parse(text, nullptr, false);
    if (ramme.is_discarded() || !ramme.is_object()) return InvalidInput(BaseName(o_.ramme_json) + ": not a JSON object");
  } else {
    if (o_.expenses.empty()) return UsageError("almen offset needs --ramme-json or --year with --expenses");
    RammeOptions ro;
    ro.year = o_.year;
    ro.expenses_path = o_.expenses;
    ro.listed_path = o_.listed;
    ro.providers_path = o_.providers;
    ro.offset_basis = o_.offset_basis;
    if (!o_.previous_overrun_pct.empty()) ro.previous_overrun_pct = o_.previous_overrun_pct;
    ALMEN_ASSIGN_OR_RETURN(ramme, RammeStatement(agreement, ro));
  }
  if (ramme.value("complete", true) == false)
    return InvalidInput("the ramme statement is incomplete (complete: false): no offset from a partial year");
  ALMEN_ASSIGN_OR_RETURN(OffsetPlanInput pin, OffsetPlanInputFromRammeJson(ramme));
  ALMEN_ASSIGN_OR_RETURN(OffsetPlan plan, PlanOffset(agreement, pin));
  const std::string overlay = OffsetOverlayCsv(plan);

  nlohmann::json j;
  j["year"] = pin.year;
  j["agreement"] = agreement.version();
  j["offset_ore"] = pin.offset.ore();
  j["offset_rule"] = ramme.value("offset_rule", "");
  j["statement_date"] = pin.statement_date.ToIso();
  j["expected_spend_ore"] = pin.expected_spend.ore();
  j["expected_basishonorar_ore"] = pin.expected_basishonorar.ore();
  j["plan"] = OffsetPlanJson(plan);
  j["unrecovered_ore"] = plan.unrecovered.ore();
  j["warnings"] = plan.warnings;
  j["overlay_rows"] = static_cast<int64_t>(std::count(overlay.begin(), overlay.end(), '\n') - 1);
  j["method"] = "Modregningen afvikles over to reguleringsperioder fra førstkommende regulering efter opgørelsen: "
                "reguleringsprocenten nedsættes, og rækker den ikke, basishonoraret (Bilag 1 pkt. 2). Beregnet på "
                "årets udgift (statiske data). Nedsættelserne er daterede rækker i overenskomstens data "
                "(offset_overlay.csv, kilde ramme_statement:ÅR), som afregningen bruger fra deres dato; der "
                "skrives ingen offset-rækker i honorarspecifikationen.";
  nlohmann::json effects = nullptr;
  if (!o_.statements.empty()) {
    std::map<int, std::string> region_of;
    if (!o_.providers.empty()) {
      ALMEN_ASSIGN_OR_RETURN(MappedFile f, MappedFile::Open(o_.providers));
      ALMEN_ASSIGN_OR_RETURN(auto clinics, ParseCeilingProviders(BaseName(o_.providers), f.data(), pin.year));
      for (const auto& [p, c] : clinics) region_of[p] = c.region_code;
    }
    ALMEN_ASSIGN_OR_RETURN(MappedFile f, MappedFile::Open(o_.statements));
    ALMEN_ASSIGN_OR_RETURN(auto rows, ParseCeilingStatementsCsv(BaseName(o_.statements), f.data()));
    effects = ClinicOffsetEffects(plan, ClinicSpendFromStatements(agreement, pin.year, rows, region_of));
  }
  j["clinics"] = effects;
  if (!o_.agreement_out.empty()) {
    // The current data set plus the new rows; loaded once here so a bad overlay is never written.
    auto files = agreement.files();
    auto it = files.find("offset_overlay.csv");
    if (it == files.end()) files["offset_overlay.csv"] = overlay;
    else it->second += (it->second.empty() || it->second.back() == '\n' ? "" : "\n") + overlay.substr(overlay.find('\n') + 1);
    ALMEN_ASSIGN_OR_RETURN(Agreement with_offset, Agreement::LoadFiles(files, "agreement with the offset rows"));
    ALMEN_ASSIGN_OR_RETURN(OutputDir out, OutputDir::Create(o_.agreement_out));
    for (const auto& [name, content] : files) ALMEN_RETURN_IF_ERROR(out.Write(name, content));
    ALMEN_RETURN_IF_ERROR(out.Commit());
    j["agreement_out"] = {{"dir", o_.agreement_out}, {"version", with_offset.version()}};
  }
  if (!o_.out.empty()) {
    ALMEN_ASSIGN_OR_RETURN(OutputDir out, OutputDir::Create(o_.out));
    ALMEN_RETURN_IF_ERROR(out.Write("offset_overlay.csv", overlay));
    ALMEN_RETURN_IF_ERROR(out.Write("offset_plan.json", j.dump(2) + "\n"));
    std::string csv = "provider,region,spend_ore,basishonorar_ore";
    for (const auto& p : plan.periods) csv += ",period" + std::to_string(p.period) + "_ore";
    csv += ",total_ore\n";
    if (effects.is_object())
      for (const auto& c : effects["clinics"]) {
        csv += std::to_string(c["provider"].get<int>()) + "," + c["region"].get<std::string>() + "," +
               std::to_string(c["spend_ore"].get<int64_t>()) + "," + std::to_string(c["basishonorar_ore"].get<int64_t>());
        for (const auto& p : c["periods"])
          csv += "," + std::to_string(p["regulation_ore"].get<int64_t>() + p["basishonorar_ore"].get<int64_t>());
        csv += "," + std::to_string(c["total_ore"].get<int64_t>()) + "\n";
      }
    ALMEN_RETURN_IF_ERROR(out.Write("offset_effect.csv", csv));
    ALMEN_RETURN_IF_ERROR(out.Commit());
  }
  std::cout << JsonText(j, 2) << "\n";
  return Status::Ok();
}

}  // namespace almen
