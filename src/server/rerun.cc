#include "server/rerun.h"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <optional>

#include <nlohmann/json.hpp>

#include "cases/service.h"
#include "common/file.h"
#include "server/routes_bosted.h"
#include "settlement/diff.h"
#include "storage/reruns.h"

namespace almen {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// A private temporary directory (0700), removed with everything in it.
struct TempDir {
  std::string path;
  static StatusOr<TempDir> Create(const std::string& parent) {
    std::string t = (fs::path(parent.empty() ? fs::temp_directory_path().string() : parent) / "rerun-XXXXXX").string();
    if (!mkdtemp(t.data())) return Internal("cannot create a temporary directory");
    return TempDir{t};
  }
  TempDir(std::string p) : path(std::move(p)) {}
  TempDir(TempDir&& o) noexcept : path(std::move(o.path)) { o.path.clear(); }
  TempDir(const TempDir&) = delete;
  ~TempDir() {
    if (path.empty()) return;
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

}  // namespace

Status KeepRunInputs(Storage& db, const Agreement& agreement, const Pseudonymizer& pseudonymizer,
                     const std::string& claims_sha256, const std::vector<ImportInput>& inputs,
                     const std::string& now) {
  ALMEN_RETURN_IF_ERROR(
      StoreAgreementVersion(db, agreement.content_hash(), agreement.version(), agreement.files(), now));
  return StoreSealedInputs(db, claims_sha256, inputs, pseudonymizer.archive_key());
}

StatusOr<int64_t> RerunAndDiff(Storage& db, const Agreement& current, const Pseudonymizer& pseudonymizer,
                               const Pipeline& pipeline, const RerunRequest& rq, const std::atomic<bool>* cancel,
                               const std::function<void(const std::string&, double)>& progress) {
  auto report = [&](const std::string& stage, double f) {
    if (progress) progress(stage, f);
  };
  auto cancelled = [&]() -> Status {
    if (cancel && cancel->load()) return Conflict("re-run cancelled (server shutting down)");
    return Status::Ok();
  };
  std::string claims_sha, run_hash, run_version, options_text;
  {
    auto c = db.pool().Borrow();
    ALMEN_ASSIGN_OR_RETURN(auto rows, c->Query("SELECT claims_sha256, agreement_hash, agreement_version, "
                                               "options_json FROM runs WHERE id = $1",
                                               {rq.run_id}));
    if (rows.empty()) return NotFound("no settlement run " + std::to_string(rq.run_id));
    claims_sha = rows[0].Str(0);
    run_hash = rows[0].Str(1);
    run_version = rows[0].Str(2);
    options_text = rows[0].Str(3);
  }

  // The agreement to settle under.
  std::optional<Agreement> original;
  const Agreement* agreement = &current;
  if (rq.original_agreement && run_hash != current.content_hash()) {
    ALMEN_ASSIGN_OR_RETURN(auto files, LoadAgreementVersion(db, run_hash));
    if (!files)
      return NotFound("the agreement data set " + run_version + " of run " + std::to_string(rq.run_id) +
                      " is not stored; re-run it under the current agreement instead");
    ALMEN_ASSIGN_OR_RETURN(Agreement a, Agreement::LoadFiles(std::move(*files), run_version));
    if (a.content_hash() != run_hash) return Internal("stored agreement data set " + run_version + " is damaged");
    original = std::move(a);
    agreement = &*original;
  }

  report("unseal", 0.0);
  ALMEN_ASSIGN_OR_RETURN(TempDir tmp, TempDir::Create(rq.work_dir));
  ALMEN_ASSIGN_OR_RETURN(auto inputs, UnsealInputs(db, claims_sha, pseudonymizer.archive_key(), tmp.path));
  if (rq.replacements.count("claims")) return InvalidInput("a re-run settles the run's own claim file; it cannot be replaced");
  if (rq.current_registers) {
    // The registers as stored now replace the kept ones (an empty register
    // means none: the kept file is dropped too).
    std::erase_if(inputs, [](const ImportInput& in) {
      return in.kind == "botilbud" || in.kind == "attachments" || in.kind == "sanctions";
    });
    std::string b, a, sp;
    ALMEN_ASSIGN_OR_RETURN(bool bosted, WriteStoredBostedFiles(db, tmp.path, &b, &a));
    if (bosted) {
      inputs.push_back({"botilbud", "botilbud.csv", b});
      inputs.push_back({"attachments", "attachments.csv", a});
    }
    ALMEN_ASSIGN_OR_RETURN(bool sanctions, WriteStoredSanctionsFile(db, tmp.path, &sp));
    if (sanctions) inputs.push_back({"sanctions", "sanctions.csv", sp});
  }
  for (const auto& [kind, path] : rq.replacements) {
    std::erase_if(inputs, [&](const ImportInput& in) { return in.kind == kind; });
    inputs.push_back({kind, kind + ".csv", path});
  }
  SettleOptions so;
  for (const auto& in : inputs)
    if (std::string* p = so.InputPath(in.kind)) *p = in.path;
  if (so.claims_path.empty()) return NotFound("the run's claim file was not kept");
  json options = json::parse(options_text, nullptr, false);
  if (options.is_object() && options.value("price_level", "") == "apr-24") so.price_level_apr24 = true;
  ALMEN_RETURN_IF_ERROR(cancelled());

  report("settle", 0.1);
  const std::string out = tmp.path + "/out";
  SettleSummary summary;
  ALMEN_RETURN_IF_ERROR(pipeline.settle(*agreement, pseudonymizer, so, out, &summary));
  ALMEN_RETURN_IF_ERROR(cancelled());

  report("diff", 0.6);
  LineDiff diff;
  diff.set_reapply_duplicates(true);
  ALMEN_RETURN_IF_ERROR(db.ForEachLine(rq.run_id, [&](const StoredLine& l) {
    diff.AddBefore(l.seq, l.status, l.amount_ore, l.rule);
    return Status::Ok();
  }));
  const std::string changes_path = tmp.path + "/changes.csv";
  {
    std::string buf(kLineChangesCsvHeader);
    buf += '\n';
    FILE* f = std::fopen(changes_path.c_str(), "wb");
    if (!f) return Internal("cannot write " + changes_path);
    Status st = diff.CompareAfterCsv(out + "/lines.csv", [&](const LineChange& c) -> Status {
      AppendLineChangeCsv(buf, c);
      if (buf.size() > (1u << 20)) {
        if (std::fwrite(buf.data(), 1, buf.size(), f) != buf.size()) return Internal("cannot write changes");
        buf.clear();
      }
      return Status::Ok();
    });
    const bool wrote = st.ok() && std::fwrite(buf.data(), 1, buf.size(), f) == buf.size();
    if (std::fclose(f) != 0 || (st.ok() && !wrote)) return Internal("cannot write " + changes_path);
    ALMEN_RETURN_IF_ERROR(st);
  }

  // Statements: the stored run's rows against the new ones.
  std::map<StatementKey, StatementCell> before;
  {
    auto c = db.pool().Borrow();
    ALMEN_ASSIGN_OR_RETURN(auto rows, c->Query("SELECT provider, month, item, code, SUM(count), SUM(amount_ore) "
                                               "FROM postings WHERE run_id = $1 GROUP BY provider, month, item, code",
                                               {rq.run_id}));
    for (const auto& r : rows) before[{r.Str(0), r.Str(1), r.Str(2), r.Str(3)}] = {r.Int(4), r.Int(5)};
  }
  ALMEN_ASSIGN_OR_RETURN(auto after, ReadStatementsCsv(out + "/statements.csv"));
  auto st_changes = DiffStatements(before, std::move(after), diff.statement_adjustments());
  ALMEN_RETURN_IF_ERROR(cancelled());

  report("store", 0.9);
  RerunRecord rec;
  rec.run_id = rq.run_id;
  rec.created_at = rq.now;
  rec.created_by = rq.user;
  rec.agreement_mode = rq.original_agreement ? "original" : "current";
  std::vector<std::string> replaced;
  for (const auto& [kind, path] : rq.replacements) replaced.push_back(kind);
  rec.before_agreement_version = run_version;
  rec.after_agreement_version = agreement->version();
  rec.after_agreement_hash = agreement->content_hash();
  rec.summary = diff.SummaryJson();
  int64_t sb = 0, sa = 0;
  for (const auto& ch : st_changes) {
    const auto& [p, m, i, code] = ch.key;
    rec.statements.push_back(
        {p, m, i, code, ch.before.count, ch.before.amount_ore, ch.after.count, ch.after.amount_ore});
    sb += ch.before.amount_ore;
    sa += ch.after.amount_ore;
  }
  rec.summary["statements"] = {{"rows_changed", static_cast<int64_t>(st_changes.size())},
                               {"amount_before_ore", sb},
                               {"amount_after_ore", sa},
                               {"delta_ore", sa - sb}};
  rec.summary["before_agreement"] = {{"version", run_version}, {"hash", run_hash}};
  rec.summary["after_agreement"] = {{"version", agreement->version()}, {"hash", agreement->content_hash()}};
  rec.summary["inputs"] = {{"registers", rq.current_registers ? "stored" : "kept"}, {"replaced", replaced}};
  rec.lines_csv_path = changes_path;
  return StoreRerun(db, rec);
}

}  // namespace almen
