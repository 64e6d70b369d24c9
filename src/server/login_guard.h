// Login protection (POST /api/login), in memory, per server process:
//  - LoginThrottle: failed attempts are counted per client address and per
//    user name. After `free_failures` the next attempt must wait
//    base_delay · 2^(failures − free) (exponential backoff), capped at
//    `lockout` (the temporary lockout); an attempt that comes too early is
//    refused with 429 and Retry-After without looking at the password.
//    Failures are forgotten after `forget_after` without one. A success
//    clears the user name's count (not the address's).
//  - FailedLoginLog: failed logins reach the audit log at most once per user
//    name per `window`, and at most `max_rows_per_window` rows per window in
//    all; the rest are counted and summed up in one `login.failed.summary`
//    row when the window ends. Anonymous clients therefore add at most
//    max_rows_per_window + 1 audit rows per window, whatever they send.
// The constant-time part (a dummy hash is verified for unknown user names, so
// that a name cannot be told from its answer time) is in the login handler.
//
// Memory is bounded: at most `max_keys` addresses/names are tracked (the
// oldest entries go first).
//
// Thread safe (one mutex each). "Now" is passed in by the caller.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace almen {

struct LoginThrottleOptions {
  int free_failures_per_user = 5;
  int free_failures_per_address = 20;  // offices share an address behind NAT
  std::chrono::milliseconds base_delay{1000};
  std::chrono::milliseconds lockout{15 * 60 * 1000};
  std::chrono::milliseconds forget_after{60 * 60 * 1000};
  size_t max_keys = 100000;
};

class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  explicit LoginThrottle(LoginThrottleOptions o = {}) : o_(o) {}

  // How long the attempt must wait (0: it may go ahead).
  std::chrono::milliseconds Wait(const std::string& address, const std::string& user, Clock::time_point now);
  // A failed attempt. Returns true when it started a lockout (the wait hit the cap).
  bool Failed(const std::string& address, const std::string& user, Clock::time_point now);
  void Succeeded(const std::string& user);

 private:
  struct Entry {
    int failures = 0;
    Clock::time_point last;
  };
  std::chrono::milliseconds WaitOf(const Entry& e, int free_failures, Clock::time_point now) const;
  void Touch(std::map<std::string, Entry>& m, const std::string& key, Clock::time_point now);

  LoginThrottleOptions o_;
  std::mutex mu_;
  std::map<std::string, Entry> users_, addresses_;
};

struct FailedLoginLogOptions {
  std::chrono::milliseconds window{10 * 60 * 1000};
  int max_rows_per_window = 100;
};

class FailedLoginLog {
 public:
  using Clock = std::chrono::steady_clock;
  // `write(username, action, detail)` appends one audit row.
  using Writer = std::function<void(const std::string&, const std::string&, const std::string&)>;
  FailedLoginLog(Writer write, FailedLoginLogOptions o = {}) : write_(std::move(write)), o_(o) {}

  // A failed login of `username` (already cleaned, ≤ 64 bytes): written now,
  // or counted for the window's summary. `action` is login.failed or login.locked.
  void Record(const std::string& username, const std::string& action, Clock::time_point now);
  // Writes the summary of a finished window, if any (also called by Record).
  void Flush(Clock::time_point now, bool force = false);

 private:
  void FlushLocked(Clock::time_point now, bool force);
  Writer write_;
  FailedLoginLogOptions o_;
  std::mutex mu_;
  Clock::time_point window_start_{};
  bool started_ = false;
  int rows_ = 0;
  int64_t suppressed_ = 0;
  std::map<std::string, int64_t> seen_;  // names written or counted in this window
};

}  // namespace almen
