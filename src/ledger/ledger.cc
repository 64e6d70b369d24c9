// A ledger run, step by step (docs/ledger.md "A run, step by step").
#include "ledger/ledger.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "common/file.h"
#include "common/format_da.h"
#include "common/json_text.h"
#include "ledger/postings.h"
#include "ledger/registers.h"
#include "storage/ledger_store.h"
#include "storage/reruns.h"

namespace almen {

namespace {

const ImportInput* ClaimsInput(const std::vector<ImportInput>& inputs) {
  const ImportInput* claims = nullptr;
  for (const auto& in : inputs)
    if (in.kind == "claims") claims = &in;
  return claims;
}

// Registers the input files by content hash (a file imported before is kept
// once: its first import's row stays).
Status RecordFiles(LedgerTables& t, const std::vector<ImportInput>& inputs, const std::string& claims_sha,
                   int64_t run_id, int64_t claim_lines, const LedgerRunRequest& rq) {
  for (const auto& in : inputs) {
    ALMEN_ASSIGN_OR_RETURN(MappedFile f, MappedFile::Open(in.path));
    const std::string sha = in.kind == "claims" ? claims_sha : Sha256Hex(f.data());
    ALMEN_ASSIGN_OR_RETURN(auto seen, t.ImportedFileRun(sha));
    if (seen) continue;
    int64_t rows = in.kind == "claims" ? claim_lines : -1;
    if (rows < 0) {
      rows = 0;
      for (char ch : f.data()) rows += ch == '\n';
      rows = std::max<int64_t>(0, rows - 1);
    }
    ALMEN_RETURN_IF_ERROR(t.RecordImportedFile(sha, in.kind, in.name.empty() ? in.kind + ".csv" : in.name,
                                               static_cast<int64_t>(f.data().size()), rows, run_id, rq.now, rq.user));
  }
  return Status::Ok();
}

}  // namespace

StatusOr<LedgerRunResult> SettleIntoLedger(Storage& db, const Agreement& agreement, const Pseudonymizer& pseudonymizer,
                                           const RegisterReaders& readers, const LedgerRunRequest& rq,
                                           const std::atomic<bool>* cancel,
                                           const std::function<void(const std::string&, double)>& progress) {
  // ALMEN_TIMING=1: the wall time of each stage on stderr (docs/performance.md).
  const bool timing = std::getenv("ALMEN_TIMING") != nullptr;
  auto stage_start = std::chrono::steady_clock::now();
  std::string current;
  auto report = [&](const std::string& stage, double f) {
    if (timing && stage != current) {
      const auto now = std::chrono::steady_clock::now();
      if (!current.empty())
        std::fprintf(stderr, "timing: ledger %-16s %8.3f s\n", current.c_str(),
                     std::chrono::duration<double>(now - stage_start).count());
      current = stage;
      stage_start = now;
    }
    if (progress) progress(stage, f);
  };
  auto cancelled = [&]() -> Status {
    if (cancel && cancel->load()) return Conflict("indlæsningen blev afbrudt (serveren lukker); intet er gemt");
    return Status::Ok();
  };
  const ImportInput* claims = ClaimsInput(rq.inputs);
  if (!claims) return InvalidInput("Der mangler en fil med regninger (claims).");
  std::string sha = rq.claims_sha256;
  if (sha.empty()) {
    ALMEN_ASSIGN_OR_RETURN(sha, Storage::FileSha256(claims->path));
  }
  LedgerRunResult result;
  // A claim file imported before changes nothing.
  ALMEN_ASSIGN_OR_RETURN(auto known, db.FindImportedFile(sha));
  if (known) {
    result.run_id = *known;
    result.already_imported = true;
    return result;
  }

  auto lease = db.pool().Borrow();
  SqlConnection& c = *lease;
  ALMEN_RETURN_IF_ERROR(c.Begin());  // rolled back by the lease on any early return
  LedgerTables t(c);
  ALMEN_RETURN_IF_ERROR(t.Lock());
  ALMEN_ASSIGN_OR_RETURN(auto again, t.ImportedFileRun(sha));
  if (again) {
    ALMEN_RETURN_IF_ERROR(c.Rollback());
    result.run_id = *again;
    result.already_imported = true;
    return result;
  }
  // SQLite: a large page cache for this connection while it imports.
  struct CacheRestore {
    LedgerTables* t = nullptr;
    ~CacheRestore() {
      if (t) (void)t->SetImportCache(false);
    }
  } cache_restore;
  if (c.dialect() == SqlDialect::kSqlite) {
    ALMEN_RETURN_IF_ERROR(t.SetImportCache(true));
    cache_restore.t = &t;
  }

  ALMEN_ASSIGN_OR_RETURN(
      const int64_t run_id,
      t.InsertRun({rq.now, rq.user, rq.source, claims->name.empty() ? std::string("claims.csv") : claims->name, sha,
                   agreement.version(), agreement.content_hash(), JsonText(rq.options_json)}));
  result.run_id = run_id;

  // 1. Registers.
  report("registers", 0.0);
  MergedRegisters regs;
  ALMEN_RETURN_IF_ERROR(MergeRegisters(t, readers, agreement, pseudonymizer, rq, run_id, &regs));
  ALMEN_RETURN_IF_ERROR(cancelled());

  // 2. Settle the file against the stored history.
  report("settle", 0.0);
  SettleOptions so = rq.settle;
  for (std::string_view kind : SettleOptions::kInputKinds)
    if (std::string* p = so.InputPath(kind)) p->clear();
  so.claims_path = claims->path;
  SettleRegisters sr;
  sr.providers = regs.providers ? &*regs.providers : nullptr;
  sr.sanctions = regs.sanctions ? &*regs.sanctions : nullptr;
  sr.bosted = regs.bosted ? &*regs.bosted : nullptr;
  const std::string out_dir = (std::filesystem::path(rq.work_dir) / ("run-" + std::to_string(run_id))).string();
  SettleSummary summary;
  LedgerSettlement ls;
  {
    auto prior = t.Prior();
    ALMEN_RETURN_IF_ERROR(SettleWithHistory(agreement, pseudonymizer, so, sr, *prior, out_dir, &summary, &ls));
  }
  ALMEN_RETURN_IF_ERROR(cancelled());
  result.lines_path = out_dir + "/lines.csv";

  // 3. The lines, the patient history, corrections, days and period.
  report("import lines", 0.0);
  ALMEN_ASSIGN_OR_RETURN(auto li, t.ImportLines(run_id, result.lines_path, ls.aux_path, cancel, progress));
  report("history", 0.0);
  ALMEN_RETURN_IF_ERROR(t.StoreNewEvents(run_id, ls.prior.new_events));
  ALMEN_RETURN_IF_ERROR(t.UpdateEvents(ls.prior.changed_events));
  ALMEN_RETURN_IF_ERROR(t.StoreCorrections(run_id, ls.prior.corrections, rq.now));
  ALMEN_RETURN_IF_ERROR(t.AddDays(ls.prior.days));
  if (ls.min_month) ALMEN_RETURN_IF_ERROR(t.ExtendPeriod(*ls.min_month, *ls.max_month));
  ALMEN_RETURN_IF_ERROR(cancelled());

  // 4. Postings: the file's lines, corrections, and the monthly items as owed − posted.
  report("postings", 0.0);
  PostingContext ctx;
  ctx.run_id = run_id;
  ALMEN_ASSIGN_OR_RETURN(ctx.last_closed, t.LastClosed());
  ALMEN_ASSIGN_OR_RETURN(ctx.frozen_through, t.FrozenThrough());
  std::vector<Posting> postings = ServicePostings(ls.service, ctx);
  for (auto& p : CorrectionPostings(ls.prior.corrections, ctx)) postings.push_back(std::move(p));
  ALMEN_RETURN_IF_ERROR(t.Post(postings, rq.now));
  int64_t n_postings = static_cast<int64_t>(postings.size());
  int64_t posted = 0;
  for (const Posting& p : postings) posted += p.amount_ore;

  report("monthly items", 0.0);
  ALMEN_ASSIGN_OR_RETURN(auto period, t.Period());
  if (period) {
    ALMEN_ASSIGN_OR_RETURN(auto listed, t.Listed(period->first, period->second));
    ALMEN_ASSIGN_OR_RETURN(auto enrolments, t.Enrolments(sr.providers));
    MonthlyInputs mi;
    mi.agreement = &agreement;
    mi.apr24 = so.price_level_apr24;
    mi.from = period->first;
    mi.to = period->second;
    mi.listed = &listed;
    mi.enrolments = &enrolments;
    mi.providers = sr.providers;
    mi.sanctions = sr.sanctions;
    mi.bosted = sr.bosted;
    ALMEN_ASSIGN_OR_RETURN(auto owed, MonthlyItems(mi));
    const std::set<std::string> monthly = {"basishonorar", "chronic_fee", "bosted_honorarium"};
    ALMEN_ASSIGN_OR_RETURN(auto balances, t.Balances({"basishonorar", "chronic_fee", "bosted_honorarium"}));
    auto adjustments = MonthlyAdjustments(owed, balances, monthly, ctx);
    ALMEN_RETURN_IF_ERROR(t.Post(adjustments, rq.now));
    n_postings += static_cast<int64_t>(adjustments.size());
    for (const Posting& p : adjustments) posted += p.amount_ore;
    // LSU b) and c): collected against what is payable after everything else.
    if (sr.sanctions && !sr.sanctions->ProvidersWithCollections().empty()) {
      ALMEN_ASSIGN_OR_RETURN(auto all, t.Balances({}));
      std::map<int, std::map<Month, Money>> payable;
      std::map<BalanceKey, BalanceValue> offsets;
      for (const auto& [k, v] : all) {
        if (k.item == "offset") offsets[k] = v;
        else payable[k.provider][Month{k.month}] += Money::FromOre(v.amount_ore);
      }
      auto collected = MonthlyAdjustments(CollectionItems(*sr.sanctions, payable), offsets, {"offset"}, ctx);
      ALMEN_RETURN_IF_ERROR(t.Post(collected, rq.now));
      n_postings += static_cast<int64_t>(collected.size());
      for (const Posting& p : collected) posted += p.amount_ore;
    }
  }
  ALMEN_RETURN_IF_ERROR(cancelled());

  // 5. The inputs, sealed with the run (re-runs), and the run's record.
  if (rq.keep_inputs) {
    report("keep inputs", 0.0);
    ALMEN_RETURN_IF_ERROR(StoreAgreementVersion(c, agreement.content_hash(), agreement.version(), agreement.files(), rq.now));
    ALMEN_RETURN_IF_ERROR(StoreSealedInputs(c, sha, rq.inputs, pseudonymizer.archive_key()));
  }
  ALMEN_RETURN_IF_ERROR(RecordFiles(t, rq.inputs, sha, run_id, li.lines, rq));
  nlohmann::json sj = nlohmann::json::object();
  {
    auto text = ReadFile(out_dir + "/summary.json");
    if (text.ok()) sj = nlohmann::json::parse(*text, nullptr, false);
    if (!sj.is_object()) sj = nlohmann::json::object();
  }
  sj["ledger"] = {{"postings", n_postings},
                  {"posted_ore", posted},
                  {"corrections", ls.prior.corrections.size()},
                  {"new_events", ls.prior.new_events.size()},
                  {"changed_events", ls.prior.changed_events.size()}};
  ALMEN_RETURN_IF_ERROR(t.FinishRun(run_id, JsonText(sj), li, posted));
  ALMEN_RETURN_IF_ERROR(cancelled());
  report("commit", 1.0);
  ALMEN_RETURN_IF_ERROR(c.Commit());
  report("done", 1.0);

  result.lines = li.lines;
  result.accepted = li.accepted;
  result.rejected = li.rejected;
  result.review = li.review;
  result.duplicates = li.duplicates;
  result.amount_ore = li.amount_ore;
  result.posted_ore = posted;
  result.postings = n_postings;
  result.corrections = static_cast<int64_t>(ls.prior.corrections.size());
  result.providers_checked = regs.providers_checked;
  return result;
}

StatusOr<ClosingResult> CloseMonth(Storage& db, const std::string& month_text, const std::string& user,
                                   const std::string& now) {
  auto month = Month::Parse(month_text);
  if (!month) return InvalidInput("Måneden skal angives som ÅÅÅÅ-MM.");
  auto lease = db.pool().Borrow();
  SqlConnection& c = *lease;
  ALMEN_RETURN_IF_ERROR(c.Begin());
  LedgerTables t(c);
  ALMEN_RETURN_IF_ERROR(t.Lock());
  ALMEN_ASSIGN_OR_RETURN(auto last, t.LastClosed());
  if (last && !(*last < *month))
    return Conflict(FormatMonthDa(*month) + " er allerede afsluttet (senest afsluttet: " + FormatMonthDa(*last) + ").");
  if (last && !(*last + 1 == *month))
    return Conflict("Månederne afsluttes i rækkefølge: næste måned er " + FormatMonthDa(*last + 1) + ".");
  // The payment list: everything booked since the last closing, up to and including the month.
  ALMEN_ASSIGN_OR_RETURN(auto booked, t.BookedBetween(last ? last->ToString() : std::string(""), month->ToString()));
  ClosingResult r;
  r.month = month->ToString();
  r.providers = booked.first;
  r.amount_ore = booked.second;
  ALMEN_RETURN_IF_ERROR(t.RecordClosing(r.month, now, user, r.providers, r.amount_ore));
  ALMEN_RETURN_IF_ERROR(c.Commit());
  return r;
}

}  // namespace almen
