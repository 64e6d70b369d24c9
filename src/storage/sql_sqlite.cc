// SQLite backend of SqlConnection: one file, WAL journal, foreign keys on,
// a busy timeout so concurrent writers wait instead of failing.
#include <sqlite3.h>

#include <charconv>
#include <string>

#include "storage/sql.h"

namespace almen {

int64_t SqlRow::Int(size_t i) const {
  const auto& c = cols.at(i);
  if (!c || c->empty()) return 0;
  int64_t v = 0;
  std::from_chars(c->data(), c->data() + c->size(), v);
  return v;
}

bool IsPostgresUrl(std::string_view url) {
  return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

namespace {

class SqliteConnection final : public SqlConnection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override {
    if (in_tx_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close_v2(db_);
  }
  SqlDialect dialect() const override { return SqlDialect::kSqlite; }

  Status ExecScript(std::string_view sql) override {
    char* err = nullptr;
    std::string s(sql);
    if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string m = err ? err : "unknown error";
      sqlite3_free(err);
      return Internal("sqlite: " + m);
    }
    return Status::Ok();
  }

  Status Exec(std::string_view sql, const SqlParams& params) override {
    auto r = Run(sql, params, nullptr);
    return r;
  }

  StatusOr<std::vector<SqlRow>> Query(std::string_view sql, const SqlParams& params) override {
    std::vector<SqlRow> rows;
    Status s = Run(sql, params, &rows);
    if (!s.ok()) return s;
    return rows;
  }

  Status Begin() override {
    ALMEN_RETURN_IF_ERROR(ExecScript("BEGIN IMMEDIATE"));
    in_tx_ = true;
    return Status::Ok();
  }
  Status Commit() override {
    Status s = ExecScript("COMMIT");
    if (s.ok()) in_tx_ = false;
    return s;
  }
  Status Rollback() override {
    if (!in_tx_) return Status::Ok();
    in_tx_ = false;
    return ExecScript("ROLLBACK");
  }
  bool in_transaction() const override { return in_tx_; }

  Status BulkInsert(const std::string& table, const std::vector<std::string>& columns,
                    const std::function<StatusOr<bool>(SqlParams&)>& next) override {
    std::string sql = "INSERT INTO " + table + " (";
    std::string vals;
    for (size_t i = 0; i < columns.size(); ++i) {
      sql += (i ? "," : "") + columns[i];
      vals += (i ? ",?" : "?") + std::to_string(i + 1);
    }
    sql += ") VALUES (" + vals + ")";
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) return Error("prepare " + table);
    // `row` keeps the previous row's values: `next` overwrites every column,
    // reusing the strings' buffers (no allocation per field in steady state).
    SqlParams row;
    Status result;
    while (true) {
      auto more = next(row);
      if (!more.ok()) { result = more.status(); break; }
      if (!*more) break;
      Bind(st, row, false);
      if (sqlite3_step(st) != SQLITE_DONE) { result = Error("insert into " + table); break; }
      sqlite3_reset(st);
      sqlite3_clear_bindings(st);
    }
    sqlite3_finalize(st);
    return result;
  }

 private:
  Status Error(const std::string& what) const { return Internal("sqlite: " + what + ": " + sqlite3_errmsg(db_)); }

  void Bind(sqlite3_stmt* st, const SqlParams& params, bool named) {
    for (size_t i = 0; i < params.size(); ++i) {
      int idx = static_cast<int>(i + 1);
      if (named) {
        std::string name = "$" + std::to_string(i + 1);
        idx = sqlite3_bind_parameter_index(st, name.c_str());
        if (idx == 0) continue;
      }
      const SqlValue& v = params[i];
      if (std::holds_alternative<std::nullptr_t>(v)) {
        sqlite3_bind_null(st, idx);
      } else if (const auto* n = std::get_if<int64_t>(&v)) {
        sqlite3_bind_int64(st, idx, *n);
      } else {
        const std::string& s = std::get<std::string>(v);
        // STATIC: `params` outlives every step of `st`, and the bindings are
        // cleared or the statement finalized before it changes.
        sqlite3_bind_text(st, idx, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
      }
    }
  }

  Status Run(std::string_view sql, const SqlParams& params, std::vector<SqlRow>* rows) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &st, nullptr) != SQLITE_OK)
      return Error("prepare");
    Bind(st, params, true);
    int n = sqlite3_column_count(st);
    Status result;
    while (true) {
      int rc = sqlite3_step(st);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        result = Error("step");
        break;
      }
      if (!rows) continue;
      SqlRow r;
      r.cols.reserve(static_cast<size_t>(n));
      for (int i = 0; i < n; ++i) {
        if (sqlite3_column_type(st, i) == SQLITE_NULL) {
          r.cols.emplace_back(std::nullopt);
        } else {
          const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
          r.cols.emplace_back(std::string(t, static_cast<size_t>(sqlite3_column_bytes(st, i))));
        }
      }
      rows->push_back(std::move(r));
    }
    sqlite3_finalize(st);
    return result;
  }

  sqlite3* db_;
  bool in_tx_ = false;
};

}  // namespace

StatusOr<std::unique_ptr<SqlConnection>> OpenSqlite(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    std::string m = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return Internal("cannot open SQLite database " + path + ": " + m);
  }
  sqlite3_busy_timeout(db, 30000);
  auto conn = std::make_unique<SqliteConnection>(db);
  ALMEN_RETURN_IF_ERROR(conn->ExecScript(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"));
  return std::unique_ptr<SqlConnection>(std::move(conn));
}

StatusOr<std::unique_ptr<SqlConnection>> OpenSql(const std::string& url) {
  if (IsPostgresUrl(url)) return OpenPostgres(url);
  std::string path = url;
  if (path.starts_with("sqlite://")) path = path.substr(9);
  return OpenSqlite(path);
}

}  // namespace almen
