// A small SQL connection interface with two backends, SQLite (embedded, the
// default) and PostgreSQL (libpqxx). Storage (storage.h) is written once on
// top of it, in SQL that both dialects accept:
//  - parameters are written $1, $2, … (SQLite reads them as named parameters);
//  - `INSERT … RETURNING id` and `INSERT … ON CONFLICT … DO UPDATE` (SQLite ≥ 3.35);
//  - results come back as text (NULL as nullopt); callers convert.
//
// A connection is NOT thread safe; ConnectionPool hands one connection to one
// thread at a time. Transactions are explicit (Begin/Commit/Rollback); outside
// one every statement commits on its own.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/status.h"

namespace almen {

enum class SqlDialect : uint8_t { kSqlite, kPostgres };

using SqlValue = std::variant<std::nullptr_t, int64_t, std::string>;
using SqlParams = std::vector<SqlValue>;

struct SqlRow {
  std::vector<std::optional<std::string>> cols;
  bool IsNull(size_t i) const { return !cols.at(i).has_value(); }
  std::string Str(size_t i) const { return cols.at(i).value_or(""); }
  int64_t Int(size_t i) const;  // 0 for NULL
};

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;
  virtual SqlDialect dialect() const = 0;
  // Runs a script of several statements without parameters (migrations).
  virtual Status ExecScript(std::string_view sql) = 0;
  virtual Status Exec(std::string_view sql, const SqlParams& params = {}) = 0;
  virtual StatusOr<std::vector<SqlRow>> Query(std::string_view sql, const SqlParams& params = {}) = 0;
  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;  // a no-op outside a transaction
  virtual bool in_transaction() const = 0;
  // Whether the connection to the database server is lost (PostgreSQL
  // restarted, network cut): the pool then opens a new one.
  virtual bool Broken() { return false; }
  // Inserts rows into `table(columns)` as fast as the backend can (a prepared
  // statement in SQLite, COPY in PostgreSQL). `next` fills one row and returns
  // false at the end; it may receive the previous row (SQLite reuses it) and must then assign
  // every column; it must not use the connection. After an error (from `next` or the database)
  // rows before it may have been written: the caller rolls the transaction back, as after any
  // failed statement. REQUIRES: inside a transaction.
  virtual Status BulkInsert(const std::string& table, const std::vector<std::string>& columns,
                            const std::function<StatusOr<bool>(SqlParams&)>& next) = 0;
};

// "postgresql://…" or "postgres://…" opens PostgreSQL; anything else is a SQLite file path.
bool IsPostgresUrl(std::string_view url);
StatusOr<std::unique_ptr<SqlConnection>> OpenSqlite(const std::string& path);
StatusOr<std::unique_ptr<SqlConnection>> OpenPostgres(const std::string& url);
StatusOr<std::unique_ptr<SqlConnection>> OpenSql(const std::string& url);

// Hands out connections, one thread at a time each; Borrow() blocks while all
// are in use. Thread safe.
class ConnectionPool {
 public:
  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<SqlConnection> c) : pool_(pool), conn_(std::move(c)) {}
    Lease(Lease&& o) noexcept = default;
    Lease(const Lease&) = delete;
    ~Lease();
    SqlConnection* operator->() { return conn_.get(); }
    SqlConnection& operator*() { return *conn_; }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<SqlConnection> conn_;
  };

  static StatusOr<std::unique_ptr<ConnectionPool>> Open(const std::string& url, int size);
  ~ConnectionPool();
  Lease Borrow();
  SqlDialect dialect() const { return dialect_; }

 private:
  ConnectionPool() = default;
  void Return(std::unique_ptr<SqlConnection> c);
  struct Impl;
  std::unique_ptr<Impl> impl_;
  SqlDialect dialect_ = SqlDialect::kSqlite;
};

}  // namespace almen
