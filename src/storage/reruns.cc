#include "storage/reruns.h"

#include <algorithm>
#include <charconv>

#include "common/crypto.h"
#include "common/csv.h"
#include "common/file.h"
#include "common/json_text.h"
#include "storage/table_util.h"

namespace almen {

using storage_internal::AppendScope;
using storage_internal::MakeTable;
using storage_internal::Param;

namespace {

std::optional<int64_t> ToInt64(std::string_view s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

}  // namespace

Status StoreSealedInputs(Storage& db, const std::string& claims_sha256, const std::vector<ImportInput>& inputs,
                         const SealKey& key) {
  auto c = db.pool().Borrow();
  ALMEN_RETURN_IF_ERROR(c->Begin());
  ALMEN_RETURN_IF_ERROR(StoreSealedInputs(*c, claims_sha256, inputs, key));
  return c->Commit();
}

Status StoreSealedInputs(SqlConnection& conn, const std::string& claims_sha256, const std::vector<ImportInput>& inputs,
                         const SealKey& key) {
  SqlConnection* c = &conn;
  for (const auto& in : inputs) {
    ALMEN_ASSIGN_OR_RETURN(auto seen, c->Query("SELECT 1 FROM sealed_inputs WHERE claims_sha256 = $1 AND kind = $2",
                                               {claims_sha256, in.kind}));
    if (!seen.empty()) continue;
    ALMEN_ASSIGN_OR_RETURN(MappedFile f, MappedFile::Open(in.path));
    // The claim file's hash is the key, computed at upload: not hashed twice.
    const std::string sha = in.kind == "claims" ? claims_sha256 : Sha256Hex(f.data());
    const auto bytes = static_cast<int64_t>(f.data().size());
    int64_t chunks = 0;
    ALMEN_RETURN_IF_ERROR(SealFile(in.path, key, [&](int64_t n, std::string&& data) -> Status {
      chunks = n + 1;
      return c->Exec("INSERT INTO sealed_chunks (claims_sha256, kind, chunk, data) VALUES ($1,$2,$3,$4)",
                     {claims_sha256, in.kind, n, std::move(data)});
    }));
    ALMEN_RETURN_IF_ERROR(c->Exec("INSERT INTO sealed_inputs (claims_sha256, kind, name, sha256, bytes, chunks) "
                                  "VALUES ($1,$2,$3,$4,$5,$6)",
                                  {claims_sha256, in.kind, in.name, sha, bytes, chunks}));
  }
  return Status::Ok();
}

StatusOr<std::vector<std::string>> SealedInputKinds(Storage& db, const std::string& claims_sha256) {
  auto c = db.pool().Borrow();
  ALMEN_ASSIGN_OR_RETURN(auto rows, c->Query("SELECT kind FROM sealed_inputs WHERE claims_sha256 = $1 ORDER BY kind",
                                             {claims_sha256}));
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.Str(0));
  return out;
}

StatusOr<std::vector<ImportInput>> UnsealInputs(Storage& db, const std::string& claims_sha256, const SealKey& key,
                                                const std::string& dir) {
  auto c = db.pool().Borrow();
  ALMEN_ASSIGN_OR_RETURN(auto rows, c->Query("SELECT kind, name, sha256, chunks FROM sealed_inputs WHERE "
                                             "claims_sha256 = $1 ORDER BY kind",
                                             {claims_sha256}));
  if (rows.empty()) return NotFound("the run's input files were not kept (runs imported before re-runs existed)");
  std::vector<ImportInput> out;
  for (const auto& r : rows) {
    const std::string kind = r.Str(0), expected_sha = r.Str(2);
    const int64_t chunks = r.Int(3);
    const std::string path = dir + "/" + kind + ".csv";
    int64_t next = 0;
    // One chunk at a time: memory is bounded by a chunk, not by the file.
    ALMEN_RETURN_IF_ERROR(UnsealToFile(
        key,
        [&]() -> StatusOr<std::optional<std::string>> {
          if (next == chunks) return std::optional<std::string>();
          ALMEN_ASSIGN_OR_RETURN(auto d, c->Query("SELECT data FROM sealed_chunks WHERE claims_sha256 = $1 AND "
                                                  "kind = $2 AND chunk = $3",
                                                  {claims_sha256, kind, next}));
          if (d.empty()) return InvalidInput("sealed " + kind + " file: chunk " + std::to_string(next) + " missing");
          ++next;
          return std::optional<std::string>(d[0].Str(0));
        },
        path));
    ALMEN_ASSIGN_OR_RETURN(MappedFile f, MappedFile::Open(path));
    if (Sha256Hex(f.data()) != expected_sha)
      return InvalidInput("sealed " + kind + " file does not match its recorded hash");
    out.push_back({kind, r.Str(1), path});
  }
  return out;
}

Status StoreAgreementVersion(Storage& db, const std::string& hash, const std::string& version,
                             const std::map<std::string, std::string>& files, const std::string& now) {
  auto c = db.pool().Borrow();
  return StoreAgreementVersion(*c, hash, version, files, now);
}

Status StoreAgreementVersion(SqlConnection& conn, const std::string& hash, const std::string& version,
                             const std::map<std::string, std::string>& files, const std::string& now) {
  SqlConnection* c = &conn;
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, content] : files) j[name] = content;
  return c->Exec("INSERT INTO agreement_versions (hash, version, files_json, stored_at) VALUES ($1,$2,$3,$4) "
                 "ON CONFLICT (hash) DO NOTHING",
                 {hash, version, JsonText(j), now});
}

StatusOr<std::optional<std::map<std::string, std::string>>> LoadAgreementVersion(Storage& db,
                                                                                 const std::string& hash) {
  auto c = db.pool().Borrow();
  ALMEN_ASSIGN_OR_RETURN(auto rows, c->Query("SELECT files_json FROM agreement_versions WHERE hash = $1", {hash}));
  if (rows.empty()) return std::optional<std::map<std::string, std::string>>();
  auto j = nlohmann::json::parse(rows[0].Str(0), nullptr, false);
  if (!j.is_object()) return Internal("agreement_versions row " + hash + " is not a JSON object");
  std::map<std::string, std::string> files;
  for (auto it = j.begin(); it != j.end(); ++it) files[it.key()] = it->get<std::string>();
  return std::optional<std::map<std::string, std::string>>(std::move(files));
}

StatusOr<int64_t> StoreRerun(Storage& db, const RerunRecord& r) {
  auto lease = db.pool().Borrow();
  SqlConnection& c = *lease;
  ALMEN_RETURN_IF_ERROR(c.Begin());
  const auto& s = r.summary;
  const auto& st = s.value("statements", nlohmann::json::object());
  ALMEN_ASSIGN_OR_RETURN(
      auto ids,
      c.Query("INSERT INTO reruns (run_id, created_at, created_by, agreement_mode, before_agreement_version, "
              "after_agreement_version, after_agreement_hash, lines, changed, amount_before_ore, amount_after_ore, "
              "statement_rows_changed, statement_before_ore, statement_after_ore, summary_json) VALUES "
              "($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15) RETURNING id",
              {r.run_id, r.created_at, r.created_by, r.agreement_mode, r.before_agreement_version,
               r.after_agreement_version, r.after_agreement_hash, s.value("lines_compared", int64_t{0}),
               s.value("changed", int64_t{0}), s.value("amount_before_ore", int64_t{0}),
               s.value("amount_after_ore", int64_t{0}), st.value("rows_changed", int64_t{0}),
               st.value("amount_before_ore", int64_t{0}), st.value("amount_after_ore", int64_t{0}), JsonText(s)}));
  const int64_t id = ids.at(0).Int(0);

  ALMEN_ASSIGN_OR_RETURN(MappedFile f, MappedFile::Open(r.lines_csv_path));
  ALMEN_ASSIGN_OR_RETURN(CsvReader csv, CsvReader::Open("changed lines", f.data()));
  static const std::vector<std::string> kCols = {
      "seq",          "claim_id",         "provider",   "service_date", "code",
      "before_status", "before_amount_ore", "before_rule", "after_status", "after_amount_ore",
      "after_rule",   "after_reason",     "after_paragraph"};
  std::vector<int> col;
  for (const auto& name : kCols) {
    col.push_back(csv.Column(name));
    if (col.back() < 0) return Internal("changed lines: no column " + name);
  }
  std::vector<std::string> table_cols = {"rerun_id"};
  table_cols.insert(table_cols.end(), kCols.begin(), kCols.end());
  ALMEN_RETURN_IF_ERROR(c.BulkInsert("rerun_lines", table_cols, [&](SqlParams& row) -> StatusOr<bool> {
    ALMEN_ASSIGN_OR_RETURN(bool more, csv.Next());
    if (!more) return false;
    row.assign(table_cols.size(), nullptr);
    row[0] = id;
    for (size_t i = 0; i < kCols.size(); ++i) {
      std::string_view v = csv.field(col[i]);
      if (i == 0 || i == 6 || i == 9) {
        auto n = ToInt64(v);
        if (!n) return csv.FieldError(col[i], "not an integer");
        row[i + 1] = *n;
      } else {
        row[i + 1] = std::string(v);
      }
    }
    return true;
  }));
  size_t next = 0;
  ALMEN_RETURN_IF_ERROR(c.BulkInsert(
      "rerun_statements",
      {"rerun_id", "provider", "month", "item", "code", "before_count", "before_amount_ore", "after_count",
       "after_amount_ore"},
      [&](SqlParams& row) -> StatusOr<bool> {
        if (next == r.statements.size()) return false;
        const auto& x = r.statements[next++];
        row = {id, x.provider, x.month, x.item, x.code, x.before_count, x.before_amount_ore, x.after_count,
               x.after_amount_ore};
        return true;
      }));
  ALMEN_RETURN_IF_ERROR(c.Commit());
  return id;
}

namespace {

// Re-runs of one run (run_id > 0), or one re-run (rerun_id > 0), or all.
StatusOr<Table> RerunTable(Storage& db, const Scope& scope, int64_t run_id, int64_t rerun_id) {
  auto c = db.pool().Borrow();
  SqlParams p;
  std::string where = " WHERE 1 = 1";
  if (run_id > 0) where += " AND r.run_id = " + Param(p, run_id);
  if (rerun_id > 0) where += " AND r.id = " + Param(p, rerun_id);
  const std::vector<std::string> cols = {"id",
                                         "run_id",
                                         "created_at",
                                         "created_by",
                                         "agreement_mode",
                                         "before_agreement_version",
                                         "after_agreement_version",
                                         "lines",
                                         "changed",
                                         "amount_before_ore",
                                         "amount_after_ore",
                                         "statement_rows_changed",
                                         "statement_before_ore",
                                         "statement_after_ore"};
  if (scope.kind == Scope::Kind::kAll) {
    return MakeTable(*c,
                     "SELECT r.id, r.run_id, r.created_at, r.created_by, r.agreement_mode, "
                     "r.before_agreement_version, r.after_agreement_version, r.lines, r.changed, "
                     "r.amount_before_ore, r.amount_after_ore, r.statement_rows_changed, r.statement_before_ore, "
                     "r.statement_after_ore FROM reruns r" + where + " ORDER BY r.id DESC",
                     p, cols, "iisssssiiiiiii");
  }
  // Scoped: the figures of the user's own clinics only (lines = NULL: the
  // run's national line count is not shown).
  std::string ls, ss;
  AppendScope(ls, p, scope, "l.provider");
  AppendScope(ss, p, scope, "s.provider");
  std::string sql =
      "SELECT r.id, r.run_id, r.created_at, r.created_by, r.agreement_mode, r.before_agreement_version, "
      "r.after_agreement_version, NULL, "
      "(SELECT COUNT(*) FROM rerun_lines l WHERE l.rerun_id = r.id" + ls + "), "
      "(SELECT COALESCE(SUM(l.before_amount_ore), 0) FROM rerun_lines l WHERE l.rerun_id = r.id" + ls + "), "
      "(SELECT COALESCE(SUM(l.after_amount_ore), 0) FROM rerun_lines l WHERE l.rerun_id = r.id" + ls + "), "
      "(SELECT COUNT(*) FROM rerun_statements s WHERE s.rerun_id = r.id" + ss + "), "
      "(SELECT COALESCE(SUM(s.before_amount_ore), 0) FROM rerun_statements s WHERE s.rerun_id = r.id" + ss + "), "
      "(SELECT COALESCE(SUM(s.after_amount_ore), 0) FROM rerun_statements s WHERE s.rerun_id = r.id" + ss + ") "
      "FROM reruns r" + where + " ORDER BY r.id DESC";
  return MakeTable(*c, sql, p, cols, "iisssssiiiiiii");
}

}  // namespace

StatusOr<Table> Reruns(Storage& db, const Scope& scope, int64_t run_id) { return RerunTable(db, scope, run_id, 0); }

StatusOr<nlohmann::json> Rerun(Storage& db, const Scope& scope, int64_t id) {
  ALMEN_ASSIGN_OR_RETURN(Table t, RerunTable(db, scope, 0, id));
  auto j = t.ToJson();
  for (const auto& row : j["rows"]) {
    if (row["id"] != id) continue;
    nlohmann::json out = row;
    if (scope.kind == Scope::Kind::kAll) {
      auto c = db.pool().Borrow();
      ALMEN_ASSIGN_OR_RETURN(auto rows, c->Query("SELECT summary_json FROM reruns WHERE id = $1", {id}));
      if (!rows.empty()) out["summary"] = nlohmann::json::parse(rows[0].Str(0), nullptr, false);
    }
    return out;
  }
  return NotFound("no re-run " + std::to_string(id));
}

StatusOr<Table> RerunLines(Storage& db, const Scope& scope, int64_t rerun_id, const std::string& provider,
                           int64_t limit, int64_t offset) {
  auto c = db.pool().Borrow();
  SqlParams p;
  std::string where = " WHERE rerun_id = " + Param(p, rerun_id);
  if (!provider.empty()) where += " AND provider = " + Param(p, provider);
  AppendScope(where, p, scope, "provider");
  ALMEN_ASSIGN_OR_RETURN(auto total, c->Query("SELECT COUNT(*) FROM rerun_lines" + where, p));
  SqlParams q = p;
  std::string sql =
      "SELECT seq, claim_id, provider, service_date, code, before_status, before_amount_ore, before_rule, "
      "after_status, after_amount_ore, after_rule, after_reason, after_paragraph FROM rerun_lines" + where +
      " ORDER BY seq LIMIT " + Param(q, std::clamp<int64_t>(limit, 1, 100000)) + " OFFSET " +
      Param(q, std::max<int64_t>(offset, 0));
  ALMEN_ASSIGN_OR_RETURN(Table t, MakeTable(*c, sql, q,
                                            {"seq", "claim_id", "provider", "service_date", "code", "before_status",
                                             "before_amount_ore", "before_rule", "after_status", "after_amount_ore",
                                             "after_rule", "after_reason", "after_paragraph"},
                                            "isssssississs"));
  t.total = total.at(0).Int(0);
  return t;
}

StatusOr<Table> RerunStatements(Storage& db, const Scope& scope, int64_t rerun_id, const std::string& provider) {
  auto c = db.pool().Borrow();
  SqlParams p;
  std::string sql =
      "SELECT provider, month, item, code, before_count, before_amount_ore, after_count, after_amount_ore, "
      "after_amount_ore - before_amount_ore FROM rerun_statements WHERE rerun_id = " + Param(p, rerun_id);
  if (!provider.empty()) sql += " AND provider = " + Param(p, provider);
  AppendScope(sql, p, scope, "provider");
  sql += " ORDER BY provider, month, item, code";
  return MakeTable(*c, sql, p,
                   {"provider", "month", "item", "code", "before_count", "before_amount_ore", "after_count",
                    "after_amount_ore", "delta_ore"},
                   "ssssiiiii");
}

}  // namespace almen
