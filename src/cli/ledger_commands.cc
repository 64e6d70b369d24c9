#include "cli/ledger_commands.h"

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "common/csv.h"
#include "common/file.h"
#include "common/format_da.h"
#include "common/utc_time.h"
#include "ledger/ledger.h"
#include "server/routes_bosted.h"
#include "server/routes_cases.h"
#include "settlement/statement.h"
#include "storage/ledger_store.h"
#include "storage/storage.h"

namespace almen {

namespace {

namespace fs = std::filesystem;

// statements.csv of the whole ledger: Σ postings per (provider, month, item,
// code), in the order and format of `almen settle` (settlement/statement.h).
StatusOr<std::string> LedgerStatementsCsv(Storage& db) {
  auto c = db.pool().Borrow();
  LedgerTables t(*c);
  ALMEN_ASSIGN_OR_RETURN(auto balances, t.Balances({}));
  StatementAccumulator acc;
  for (const auto& [k, v] : balances) {
    if (v.count == 0 && v.amount_ore == 0) continue;
    auto item = ParseStatementItem(k.item);
    if (!item) return Internal("ledger_balances: unknown item '" + k.item + "'");
    acc.Add(k.provider, Month{k.month}, *item, k.code.empty() ? -1 : std::atoi(k.code.c_str()), v.count,
            Money::FromOre(v.amount_ore));
  }
  return acc.ToCsv();
}

}  // namespace

std::string LedgerDatabaseUrl(const std::string& state_dir, const std::string& db_url) {
  if (!db_url.empty()) return db_url;
  return (fs::path(state_dir) / "almen.db").string();
}

Status RunSettleWithState(const Agreement& agreement, const SettleOptions& options, const std::string& db_url,
                          const std::string& out_dir) {
  if (!IsPostgresUrl(db_url)) {
    std::error_code ec;
    fs::create_directories(fs::path(db_url).parent_path(), ec);
  }
  ALMEN_ASSIGN_OR_RETURN(Pseudonymizer pseudonymizer, Pseudonymizer::FromEnvironment());
  if (pseudonymizer.used_demo_key())
    std::fprintf(stderr,
                 "almen: note: ALMEN_PSEUDONYM_KEY is not set; using the built-in demo key for CPR pseudonyms "
                 "(not for real data)\n");
  ALMEN_ASSIGN_OR_RETURN(auto db, Storage::Open(db_url, 2));
  LedgerRunRequest rq;
  SettleOptions so = options;
  for (std::string_view kind : SettleOptions::kInputKinds) {
    std::string* p = so.InputPath(kind);
    if (!p || p->empty()) continue;
    rq.inputs.push_back({std::string(kind), BaseName(*p), *p});
  }
  rq.settle = so;
  rq.options_json = {{"price_level", so.price_level_apr24 ? "apr-24" : "regulated"}};
  rq.user = "cli";
  rq.source = "cli";
  rq.now = UtcTimestamp();
  rq.require_providers = false;
  // The settlement's work files live in a private directory beside the output.
  ALMEN_ASSIGN_OR_RETURN(OutputDir out, OutputDir::Create(out_dir));
  const std::string work = out.StagingPath("work");
  fs::create_directories(work);
  rq.work_dir = work;
  RegisterReaders readers;
  readers.bosted_csv = [](SqlConnection& c) { return StoredBostedCsv(c); };
  readers.sanctions = [](SqlConnection& c) { return StoredSanctionRows(c); };
  ALMEN_ASSIGN_OR_RETURN(LedgerRunResult r, SettleIntoLedger(*db, agreement, pseudonymizer, readers, rq, nullptr, {}));

  nlohmann::json summary;
  if (r.already_imported) {
    std::fprintf(stderr, "almen: the claim file was settled before (run %lld): nothing changed\n",
                 static_cast<long long>(r.run_id));
    summary = {{"run_id", r.run_id}, {"already_imported", true}};
  } else {
    fs::rename(r.lines_path, out.StagingPath("lines.csv"));
    ALMEN_ASSIGN_OR_RETURN(std::string s, ReadFile(fs::path(r.lines_path).parent_path().string() + "/summary.json"));
    summary = nlohmann::json::parse(s, nullptr, false);
    if (!summary.is_object()) summary = nlohmann::json::object();
    summary["run_id"] = r.run_id;
    summary["already_imported"] = false;
  }
  // This run's postings and corrections; the ledger's statement after it.
  {
    auto c = db->pool().Borrow();
    LedgerTables t(*c);
    ALMEN_ASSIGN_OR_RETURN(auto postings, t.RunPostings(r.run_id));
    std::string csv = "provider,month,book_month,item,code,count,amount_ore,kind,status,rule,paragraph,reason,cause\n";
    int64_t posted = 0;
    for (const Posting& p : postings) {
      posted += p.amount_ore;
      for (const std::string& f : {ProviderText(p.provider), p.month.ToString(), p.book_month.ToString(), p.item, p.code,
                                   std::to_string(p.count), std::to_string(p.amount_ore), p.kind, p.status, p.rule,
                                   p.paragraph, p.reason, p.cause}) {
        AppendCsvField(csv, f);
        csv += ',';
      }
      csv.back() = '\n';
    }
    ALMEN_RETURN_IF_ERROR(out.Write("postings.csv", csv));
    ALMEN_ASSIGN_OR_RETURN(auto corr, t.RunCorrections(r.run_id));
    std::string ccsv = "line_run_id,line_seq,claim_id,provider,service_date,code,old_status,old_amount_ore,old_rule,"
                       "status,amount_ore,rule,reason,paragraph,cause\n";
    for (const auto& row : corr) {
      for (size_t i = 0; i < row.cols.size(); ++i) {
        AppendCsvField(ccsv, row.Str(i));
        ccsv += i + 1 < row.cols.size() ? ',' : '\n';
      }
    }
    ALMEN_RETURN_IF_ERROR(out.Write("corrections.csv", ccsv));
    summary["ledger_run"] = {{"postings", postings.size()}, {"posted_ore", posted}, {"corrections", corr.size()}};
  }
  ALMEN_ASSIGN_OR_RETURN(std::string statements, LedgerStatementsCsv(*db));
  ALMEN_RETURN_IF_ERROR(out.Write("statements.csv", statements));
  if (r.already_imported) {
    std::string empty = "claim_id,provider,service_date,code,status,amount_ore,rule,reason,paragraph\n";
    ALMEN_RETURN_IF_ERROR(out.Write("lines.csv", empty));
  }
  ALMEN_RETURN_IF_ERROR(out.Write("summary.json", summary.dump(2) + "\n"));
  fs::remove_all(work);
  ALMEN_RETURN_IF_ERROR(out.Commit());
  if (!r.already_imported)
    std::fprintf(stderr,
                 "almen: run %lld: %lld lines (%lld accepted, %lld rejected, %lld review); %s posted, %lld "
                 "corrections\n",
                 static_cast<long long>(r.run_id), static_cast<long long>(r.lines),
                 static_cast<long long>(r.accepted), static_cast<long long>(r.rejected),
                 static_cast<long long>(r.review), FormatKroner(Money::FromOre(r.posted_ore)).c_str(),
                 static_cast<long long>(r.corrections));
  return Status::Ok();
}

LedgerSubcommands::LedgerSubcommands(CLI::App& app) {
  ledger_ = app.add_subcommand("ledger", "The settlement ledger: close a month, print the statement");
  ledger_->require_subcommand(1);
  for (CLI::App** sub : {&close_, &statement_}) {
    *sub = sub == &close_ ? ledger_->add_subcommand("close", "Close a month for payment (afslutning)")
                          : ledger_->add_subcommand("statement", "The ledger's statements.csv on stdout");
    (*sub)->add_option("--state", state_, "The ledger's directory (DIR/almen.db)");
    (*sub)->add_option("--db", db_, "The ledger's database (SQLite path or postgresql://…)");
  }
  close_->add_option("--month", month_, "YYYY-MM")->required();
}

bool LedgerSubcommands::parsed() const { return ledger_->parsed(); }

Status RunLedgerClose(const std::string& db_url, const std::string& month, const std::string& user);
Status RunLedgerStatement(const std::string& db_url);

Status LedgerSubcommands::Run() {
  if (state_.empty() == db_.empty()) return UsageError("almen ledger: give --state DIR or --db URL");
  const std::string url = LedgerDatabaseUrl(state_, db_);
  if (close_->parsed()) return RunLedgerClose(url, month_, "cli");
  return RunLedgerStatement(url);
}

Status RunLedgerClose(const std::string& db_url, const std::string& month, const std::string& user) {
  ALMEN_ASSIGN_OR_RETURN(auto db, Storage::Open(db_url, 2));
  ALMEN_ASSIGN_OR_RETURN(ClosingResult r, CloseMonth(*db, month, user, UtcTimestamp()));
  std::cout << nlohmann::json{{"month", r.month}, {"providers", r.providers}, {"amount_ore", r.amount_ore}}.dump(2)
            << "\n";
  return Status::Ok();
}

Status RunLedgerStatement(const std::string& db_url) {
  ALMEN_ASSIGN_OR_RETURN(auto db, Storage::Open(db_url, 2));
  ALMEN_ASSIGN_OR_RETURN(std::string csv, LedgerStatementsCsv(*db));
  std::cout << csv;
  return Status::Ok();
}

}  // namespace almen
