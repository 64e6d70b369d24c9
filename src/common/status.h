// Status: the outcome of an operation that can fail for a reason a user must
// read (bad input, missing file, broken agreement data). Business rejections of
// claim lines are NOT statuses: they are result rows (see settlement/).
//
// A Status is cheap to copy when OK. The message is Danish-neutral technical
// English naming file, line and column where known, e.g.
//   "claims.csv:12:4: service_date: '2025-13-01' is not a valid date (YYYY-MM-DD)"
//
// Codes map to exit statuses and HTTP statuses in one place (ExitCode, HttpStatus).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace almen {

// persisted in logs and API error bodies: do not renumber.
enum class StatusCode : int {
  kOk = 0,
  kInvalidInput = 1,    // the user's data is wrong: exit 1, HTTP 400
  kUsage = 2,           // the command line is wrong: exit 2
  kNotFound = 3,        // HTTP 404
  kPermissionDenied = 4,// HTTP 403
  kConflict = 5,        // HTTP 409 (e.g. already imported, pool exhausted)
  kInternal = 6,        // a bug or an I/O failure: exit 1, HTTP 500
  kUnauthenticated = 7, // HTTP 401
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Adds context in front of the message: "While reading X: <message>".
  Status WithContext(const std::string& context) const {
    if (ok()) return *this;
    return Status(code_, context + ": " + message_);
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidInput(std::string m) { return {StatusCode::kInvalidInput, std::move(m)}; }
inline Status UsageError(std::string m) { return {StatusCode::kUsage, std::move(m)}; }
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status PermissionDenied(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
inline Status Conflict(std::string m) { return {StatusCode::kConflict, std::move(m)}; }
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
inline Status Unauthenticated(std::string m) { return {StatusCode::kUnauthenticated, std::move(m)}; }

inline int ExitCode(const Status& s) {
  switch (s.code()) {
    case StatusCode::kOk: return 0;
    case StatusCode::kUsage: return 2;
    default: return 1;
  }
}

inline int HttpStatus(const Status& s) {
  switch (s.code()) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidInput: return 400;
    case StatusCode::kUsage: return 400;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kConflict: return 409;
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kInternal: return 500;
  }
  return 500;
}

// StatusOr<T>: a value or the Status explaining why there is none.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(T value) : v_(std::move(value)) {}            // NOLINT: implicit by design
  StatusOr(Status status) : v_(std::move(status)) {}     // NOLINT: REQUIRES: !status.ok()
  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

#define ALMEN_RETURN_IF_ERROR(expr)          \
  do {                                       \
    ::almen::Status _st = (expr);            \
    if (!_st.ok()) return _st;               \
  } while (0)

#define ALMEN_CONCAT_INNER(a, b) a##b
#define ALMEN_CONCAT(a, b) ALMEN_CONCAT_INNER(a, b)
#define ALMEN_ASSIGN_OR_RETURN(lhs, expr) \
  ALMEN_ASSIGN_OR_RETURN_IMPL(ALMEN_CONCAT(_so_, __LINE__), lhs, expr)
#define ALMEN_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()

}  // namespace almen
