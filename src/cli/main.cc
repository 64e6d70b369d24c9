// almen: one program for settlement, economy, demo data and the server.
// The CLI is thin: it parses arguments (CLI11), loads the agreement and calls
// the library. Exit status: 0 success, 1 bad input, 2 usage (interfaces.md).
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "agreement/agreement.h"
#include "cli/bench.h"
#include "cli/bosted_commands.h"
#include "cli/check_command.h"
#include "cli/diff_command.h"
#include "cli/commands.h"
#include "cli/economy_commands.h"
#include "cli/ledger_commands.h"
#include "common/status.h"
#include "server/ramme_storage.h"

using namespace almen;

namespace {

int Fail(const Status& s) {
  std::fprintf(stderr, "almen: %s\n", s.message().c_str());
  return ExitCode(s);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"almen: administration of the Danish GP agreement (Overenskomst om almen praksis, OK25)"};
  app.require_subcommand(1);
  std::string agreement_dir;
  app.add_option("--agreement", agreement_dir, "Agreement data directory (default: the built-in agreement/ok25)");

  // serve
  ServeOptions serve;
  bool no_demo = false;
  auto* c_serve = app.add_subcommand("serve", "HTTP JSON API and Danish web UI");
  c_serve->add_option("--db", serve.db, "Database: a SQLite file path (default almen.db) or postgresql://…");
  c_serve->add_option("--host", serve.host, "Address to listen on");
  c_serve->add_option("--port", serve.port, "Port to listen on");
  c_serve->add_option("--demo-lines", serve.demo_lines, "Claim lines of demo data to load into an empty database");
  c_serve->add_flag("--no-demo", no_demo, "Do not load demo data into an empty database");
  c_serve->add_option("--config", serve.config_path, "Configuration file (JSON)");
  c_serve->add_option("--work-dir", serve.work_dir,
                      "Private work directory for uploads and exports (default $TMPDIR/almen-work-<uid>; swept at start)");
  c_serve->add_flag("--behind-tls", serve.behind_tls,
                    "Served over TLS by a reverse proxy: Secure cookies, HSTS, https origin");
  c_serve->add_option("--public-origin", serve.public_origin,
                      "The origin browsers use (e.g. https://almen.example), if the Host header is rewritten");

  // settle
  SettleOptions settle;
  std::string out_dir, price_level, period;
  auto* c_settle = app.add_subcommand("settle", "Settle a claim file: lines.csv, statements.csv, summary.json");
  c_settle->add_option("--claims", settle.claims_path, "claims.csv")->required();
  c_settle->add_option("--out", out_dir, "Output directory")->required();
  c_settle->add_option("--providers", settle.providers_path, "providers.csv");
  c_settle->add_option("--listings", settle.listings_path, "listings.csv");
  c_settle->add_option("--botilbud", settle.botilbud_path, "botilbud.csv");
  c_settle->add_option("--attachments", settle.attachments_path, "attachments.csv");
  c_settle->add_option("--sanctions", settle.sanctions_path, "sanctions.csv");
  c_settle->add_option("--price-level", price_level, "apr-24: price at the agreement's stated level (no index)");
  c_settle->add_option("--period", period, "Statement months YYYY-MM or YYYY-MM:YYYY-MM (default: from the claims)");
  c_settle->add_option("--threads", settle.threads, "Worker threads (default: all cores)");
  std::string settle_state, settle_db;
  c_settle->add_option("--state", settle_state,
                       "Continue from the ledger kept in this directory (DIR/almen.db): file after file gives what "
                       "one file gives");
  c_settle->add_option("--db", settle_db, "Continue from the ledger in this database (SQLite path or postgresql://…)");

  // generate
  GenerateOptions gen;
  auto* c_gen = app.add_subcommand("generate", "Write a synthetic national data set");
  c_gen->add_option("--out", gen.out_dir, "Output directory")->required();
  c_gen->add_option("--lines", gen.lines, "Claim lines")->required();
  c_gen->add_option("--seed", gen.seed, "Random seed (same seed, same files)");
  c_gen->add_option("--year", gen.year, "Service year");
  std::string gen_order = "arrival", gen_split;
  c_gen->add_option("--order", gen_order,
                    "arrival (default): claims.csv in the order a region receives them, day by day, clinics "
                    "interleaved, late bills mixed in; clinic: clinic by clinic in date order");
  c_gen->add_option("--split-by", gen_split,
                    "week|month|quarter|clinic: also write the claims as claims-001.csv, … in arrival order, by "
                    "received week, month or quarter, or one file per clinic, with claims-manifest.csv");

  // ramme
  RammeOptions ramme;
  std::string prev_overrun;
  auto* c_ramme = app.add_subcommand("ramme", "The økonomisk ramme statement as JSON");
  c_ramme->add_option("--year", ramme.year, "Year")->required();
  c_ramme->add_option("--expenses", ramme.expenses_path, "expenses.csv");
  c_ramme->add_option("--listed", ramme.listed_path, "listed_patients.csv");
  c_ramme->add_option("--providers", ramme.providers_path, "providers.csv");
  c_ramme->add_option("--previous-overrun-pct", prev_overrun, "Last year's overrun in percent, e.g. 0.5");
  c_ramme->add_option("--offset-basis", ramme.offset_basis, "full_overrun (default) | excess_over_tolerance");
  c_ramme->add_option("--price-level", ramme.price_level,
                      "apr-24: the spend is at the agreement's level (settle --price-level apr-24), so the ramme is "
                      "not § 64-regulated; default: regulated");
  c_ramme->add_option("--spend-week-normalisation", ramme.week_normalisation,
                      "iso_weeks (default: a 53-week year × 52/53) | days_364 (× 364 / days in the year)");
  c_ramme->add_option("--statements", ramme.statements_path,
                      "statements.csv of almen settle: spend per region from settled statements (needs --providers)");
  std::vector<std::string> ramme_whatif;
  c_ramme->add_option("--whatif", ramme_whatif,
                      "NAME=N, repeatable: lto_capacities_recruited=N, bosted_botilbud_covered=N; prints the "
                      "statement before and after");
  std::string ramme_db;
  c_ramme->add_option("--db", ramme_db, "Spend from the stored settlements and expense files of this database "
                                        "(SQLite path or postgresql://…), as almen serve computes it");

  // economy
  std::vector<std::string> sets, eco_whatif;
  auto* c_eco = app.add_subcommand("economy", "The section 6 economy table as JSON (what-if with --set, --whatif)");
  c_eco->add_option("--set", sets, "ITEM=VALUE (mio. kr., e.g. \"Bostedslæger.y2025=8,0\")");
  c_eco->add_option("--whatif", eco_whatif, "NAME=N, repeatable: lto_capacities_recruited=N, bosted_botilbud_covered=N");

  // agreement
  auto* c_agr = app.add_subcommand("agreement", "Show or check the agreement data");
  c_agr->require_subcommand(1);
  bool show_json = false;
  auto* c_agr_show = c_agr->add_subcommand("show", "Print the agreement version and its tables");
  c_agr_show->add_flag("--json", show_json, "JSON instead of text");
  auto* c_agr_check = c_agr->add_subcommand("check", "Load and validate the agreement data");

  // bench
  BenchOptions bench;
  auto* c_bench = app.add_subcommand(
      "bench", "Generate N claim lines (arrival and clinic order) and settle them; time, lines/s, peak RSS, peer ratio");
  c_bench->add_option("--lines", bench.lines, "Claim lines (default 10 000 000)");
  c_bench->add_option("--dir", bench.dir, "Work directory (default: a temporary directory)");
  c_bench->add_option("--report", bench.report_path, "Append the result as a Markdown row to this file");
  c_bench->add_option("--threads", bench.threads, "Worker threads for settle (and the peer)");
  c_bench->add_option("--runs", bench.runs, "Runs of each settle; the median is reported (default 3)");
  c_bench->add_option("--orders", bench.orders, "Claim orders to measure, in order (default arrival,clinic)");
  c_bench->add_option("--peer", bench.peer,
                      "auto (default): the DuckDB peer bench/duckdb when installed; off; or its directory");

  // ceiling, quality, offset (src/cli/economy_commands.cc)
  EconomySubcommands economy_cmds(app);

  // coverage (src/cli/bosted_commands.cc)
  BostedSubcommands bosted_cmds(app);

  // check (src/cli/check_command.cc): pre-validation for clinics
  CheckSubcommand check_cmd(app);

  // diff (src/cli/diff_command.cc)
  DiffSubcommand diff_cmd(app);

  // ledger close|statement (src/cli/ledger_commands.cc)
  LedgerSubcommands ledger_cmds(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }

  StatusOr<Agreement> agreement =
      agreement_dir.empty() ? Agreement::LoadBuiltin() : Agreement::LoadDirectory(agreement_dir);
  if (!agreement.ok()) return Fail(agreement.status());

  Status st;
  if (c_serve->parsed()) {
    serve.demo = !no_demo;
    st = Serve(*agreement, serve);
  } else if (c_settle->parsed()) {
    st = RunSettle(*agreement, settle, out_dir, price_level, period, settle_state, settle_db);
  } else if (c_gen->parsed()) {
    auto order = ParseClaimOrder(gen_order);
    auto split = ParseSplitBy(gen_split);
    if (!order.ok()) st = order.status();
    else if (!split.ok()) st = split.status();
    else {
      gen.order = *order;
      gen.split_by = *split;
      st = RunGenerate(gen);
    }
  } else if (c_ramme->parsed() && !ramme_db.empty()) {
    if (!prev_overrun.empty()) ramme.previous_overrun_pct = prev_overrun;
    st = !ramme_whatif.empty() ? UsageError("almen ramme: --whatif with --db is not supported (POST /api/economy/whatif "
                                            "computes it from the database)")
                               : RunJson(RammeStatementFromDatabase(*agreement, ramme, ramme_db));
  } else if (c_ramme->parsed()) {
    if (!prev_overrun.empty()) ramme.previous_overrun_pct = prev_overrun;
    if (!ramme.price_level.empty() && ramme.price_level != "apr-24" && ramme.price_level != "regulated")
      st = UsageError("--price-level must be apr-24 or regulated, not '" + ramme.price_level + "'");
    else
      st = RunJson(ramme_whatif.empty() ? RammeStatement(*agreement, ramme)
                                        : RammeStatementWhatIf(*agreement, ramme, ramme_whatif));
  } else if (c_eco->parsed()) {
    st = RunJson(EconomyTable(*agreement, sets, eco_whatif));
  } else if (c_agr_show->parsed()) {
    st = RunAgreementShow(*agreement, show_json);
  } else if (c_agr_check->parsed()) {
    st = RunAgreementCheck(*agreement);
  } else if (economy_cmds.parsed()) {
    st = economy_cmds.Run(*agreement);
  } else if (ledger_cmds.parsed()) {
    st = ledger_cmds.Run();
  } else if (check_cmd.parsed()) {
    st = check_cmd.Run(*agreement);
  } else if (diff_cmd.parsed()) {
    st = diff_cmd.Run();
  } else if (bosted_cmds.parsed()) {
    st = bosted_cmds.Run(*agreement);
  } else if (c_bench->parsed()) {
    bench.agreement_dir = agreement_dir;
    st = RunBench(*agreement, bench);
  }
  if (!st.ok()) return Fail(st);
  return 0;
}
