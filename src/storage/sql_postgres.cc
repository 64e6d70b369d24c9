// PostgreSQL backend of SqlConnection (libpqxx 6). Statements outside an
// explicit transaction run in a pqxx::nontransaction (autocommit); bulk
// inserts are COPY … FROM STDIN (pqxx::stream_to, which escapes the values).
#include <pqxx/pqxx>

#include <array>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>

#include "storage/sql.h"

namespace almen {
namespace {

// One value of a row as pqxx::stream_to writes it: NULL, a number or text.
struct CopyField {
  const SqlValue* v;
};

}  // namespace
}  // namespace almen

template <>
struct pqxx::string_traits<almen::CopyField> {
  static constexpr const char* name() noexcept { return "almen::CopyField"; }
  static constexpr bool has_null() noexcept { return true; }
  static bool is_null(const almen::CopyField& f) { return std::holds_alternative<std::nullptr_t>(*f.v); }
  [[noreturn]] static almen::CopyField null() { internal::throw_null_conversion(name()); }
  static std::string to_string(const almen::CopyField& f) {
    if (const auto* n = std::get_if<int64_t>(f.v)) return std::to_string(*n);
    return std::get<std::string>(*f.v);
  }
};

namespace almen {
namespace {

// stream_to writes a tuple-like row: a std::array of the row's N fields, with
// N fixed at compile time; kCopyWriters[N] writes a row of N columns.
constexpr size_t kMaxCopyColumns = 40;
using CopyWriter = void (*)(pqxx::stream_to&, const SqlParams&);
template <size_t... I>
void WriteCopyRow(pqxx::stream_to& s, const SqlParams& row, std::index_sequence<I...>) {
  s << std::array<CopyField, sizeof...(I)>{CopyField{&row[I]}...};
}
template <size_t N>
void WriteCopyRowOf(pqxx::stream_to& s, const SqlParams& row) {
  if constexpr (N > 0) WriteCopyRow(s, row, std::make_index_sequence<N>{});
}
template <size_t... N>
constexpr std::array<CopyWriter, sizeof...(N)> MakeCopyWriters(std::index_sequence<N...>) {
  return {&WriteCopyRowOf<N>...};
}
constexpr auto kCopyWriters = MakeCopyWriters(std::make_index_sequence<kMaxCopyColumns + 1>{});

class PostgresConnection final : public SqlConnection {
 public:
  explicit PostgresConnection(std::unique_ptr<pqxx::connection> c) : conn_(std::move(c)) {}
  ~PostgresConnection() override {
    try {
      tx_.reset();
      conn_.reset();
    } catch (...) {
    }
  }
  SqlDialect dialect() const override { return SqlDialect::kPostgres; }

  Status ExecScript(std::string_view sql) override {
    return Guard([&] {
      if (tx_) {
        tx_->exec(std::string(sql));
      } else {
        pqxx::nontransaction n(*conn_);
        n.exec(std::string(sql));
      }
    });
  }

  Status Exec(std::string_view sql, const SqlParams& params) override {
    return Guard([&] { RunParams(sql, params); });
  }

  StatusOr<std::vector<SqlRow>> Query(std::string_view sql, const SqlParams& params) override {
    std::vector<SqlRow> rows;
    Status s = Guard([&] {
      pqxx::result r = RunParams(sql, params);
      rows.reserve(r.size());
      for (const auto& tuple : r) {
        SqlRow row;
        row.cols.reserve(tuple.size());
        for (const auto& f : tuple) {
          if (f.is_null()) row.cols.emplace_back(std::nullopt);
          else row.cols.emplace_back(std::string(f.c_str(), f.size()));
        }
        rows.push_back(std::move(row));
      }
    });
    if (!s.ok()) return s;
    return rows;
  }

  Status Begin() override {
    return Guard([&] { tx_ = std::make_unique<pqxx::work>(*conn_); });
  }
  Status Commit() override {
    if (!tx_) return Internal("postgresql: commit outside a transaction");
    Status s = Guard([&] { tx_->commit(); });
    tx_.reset();
    return s;
  }
  Status Rollback() override {
    if (!tx_) return Status::Ok();
    Status s = Guard([&] { tx_->abort(); });
    tx_.reset();
    return s;
  }
  bool in_transaction() const override { return tx_ != nullptr; }
  // A connection that failed, or that has been idle for a while and does not
  // answer a probe (the server restarted, the network dropped it), is broken.
  bool Broken() override {
    if (broken_ || !conn_ || !conn_->is_open()) return true;
    if (std::chrono::steady_clock::now() - last_used_ < std::chrono::seconds(2)) return false;
    try {
      pqxx::nontransaction n(*conn_);
      n.exec("SELECT 1");
    } catch (...) {
      return true;
    }
    last_used_ = std::chrono::steady_clock::now();
    return false;
  }

  Status BulkInsert(const std::string& table, const std::vector<std::string>& columns,
                    const std::function<StatusOr<bool>(SqlParams&)>& next) override {
    if (!tx_) return Internal("postgresql: BulkInsert outside a transaction");
    if (columns.empty() || columns.size() > kMaxCopyColumns)
      return Internal("postgresql: BulkInsert of " + std::to_string(columns.size()) + " columns");
    // COPY (PostgreSQL's bulk path: no statement to parse and plan per batch).
    // `next` must not use this connection while the copy is open.
    const CopyWriter write = kCopyWriters[columns.size()];
    Status result;
    Status s = Guard([&] {
      pqxx::stream_to copy(*tx_, table, columns);
      SqlParams row;
      while (true) {
        row.clear();
        auto more = next(row);
        if (!more.ok()) {
          result = more.status();
          break;
        }
        if (!*more) break;
        if (row.size() != columns.size()) {
          result = Internal("postgresql: a row of " + std::to_string(row.size()) + " values for " +
                            std::to_string(columns.size()) + " columns of " + table);
          break;
        }
        write(copy, row);
      }
      copy.complete();
    });
    if (!result.ok()) return result;
    return s;
  }

 private:
  static void ToText(const SqlParams& params, std::vector<std::string>& text, std::vector<const char*>& ptrs) {
    text.assign(params.size(), std::string());
    ptrs.assign(params.size(), nullptr);
    for (size_t i = 0; i < params.size(); ++i) {
      const SqlValue& v = params[i];
      if (std::holds_alternative<std::nullptr_t>(v)) continue;
      if (const auto* n = std::get_if<int64_t>(&v)) text[i] = std::to_string(*n);
      else text[i] = std::get<std::string>(v);
      ptrs[i] = text[i].c_str();
    }
  }

  pqxx::result RunParams(std::string_view sql, const SqlParams& params) {
    std::vector<std::string> text;
    std::vector<const char*> ptrs;
    ToText(params, text, ptrs);
    if (tx_) return tx_->exec_params(std::string(sql), pqxx::prepare::make_dynamic_params(ptrs));
    pqxx::nontransaction n(*conn_);
    return n.exec_params(std::string(sql), pqxx::prepare::make_dynamic_params(ptrs));
  }

  template <typename F>
  Status Guard(F&& f) {
    last_used_ = std::chrono::steady_clock::now();
    try {
      f();
      return Status::Ok();
    } catch (const pqxx::unique_violation& e) {
      return Conflict(std::string("postgresql: ") + e.what());
    } catch (const pqxx::broken_connection& e) {
      broken_ = true;  // the pool replaces this connection before lending it again
      return Internal(std::string("postgresql: ") + e.what());
    } catch (const std::exception& e) {
      return Internal(std::string("postgresql: ") + e.what());
    }
  }

  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<pqxx::work> tx_;
  bool broken_ = false;
  std::chrono::steady_clock::time_point last_used_ = std::chrono::steady_clock::now();
};

}  // namespace

StatusOr<std::unique_ptr<SqlConnection>> OpenPostgres(const std::string& url) {
  try {
    auto c = std::make_unique<pqxx::connection>(url);
    pqxx::nontransaction n(*c);
    n.exec("SET client_min_messages TO WARNING");
    return std::unique_ptr<SqlConnection>(std::make_unique<PostgresConnection>(std::move(c)));
  } catch (const std::exception& e) {
    // The URL may hold a password: do not echo it.
    return Internal(std::string("cannot connect to PostgreSQL: ") + e.what());
  }
}

// ---- ConnectionPool (both backends) -------------------------------------

struct ConnectionPool::Impl {
  std::string url;  // to replace a broken connection
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::unique_ptr<SqlConnection>> idle;
};

StatusOr<std::unique_ptr<ConnectionPool>> ConnectionPool::Open(const std::string& url, int size) {
  std::unique_ptr<ConnectionPool> pool(new ConnectionPool());
  pool->impl_ = std::make_unique<Impl>();
  pool->impl_->url = url;
  pool->dialect_ = IsPostgresUrl(url) ? SqlDialect::kPostgres : SqlDialect::kSqlite;
  for (int i = 0; i < size; ++i) {
    ALMEN_ASSIGN_OR_RETURN(auto c, OpenSql(url));
    pool->impl_->idle.push_back(std::move(c));
  }
  return pool;
}

ConnectionPool::~ConnectionPool() = default;

ConnectionPool::Lease ConnectionPool::Borrow() {
  std::unique_lock lock(impl_->mu);
  impl_->cv.wait(lock, [&] { return !impl_->idle.empty(); });
  auto c = std::move(impl_->idle.front());
  impl_->idle.pop_front();
  lock.unlock();
  // A connection the database server dropped (a PostgreSQL restart) is
  // replaced; if the server is still away the old one is lent (its queries
  // fail) and the next borrower tries again.
  if (c->Broken()) {
    auto fresh = OpenSql(impl_->url);
    if (fresh.ok()) c = std::move(*fresh);
  }
  return Lease(this, std::move(c));
}

void ConnectionPool::Return(std::unique_ptr<SqlConnection> c) {
  if (c->in_transaction()) (void)c->Rollback();
  {
    std::lock_guard lock(impl_->mu);
    impl_->idle.push_back(std::move(c));
  }
  impl_->cv.notify_one();
}

ConnectionPool::Lease::~Lease() {
  if (conn_ && pool_) pool_->Return(std::move(conn_));
}

}  // namespace almen
