#include "server/login_guard.h"

#include <algorithm>

namespace almen {

using std::chrono::milliseconds;

milliseconds LoginThrottle::WaitOf(const Entry& e, int free_failures, Clock::time_point now) const {
  if (e.failures < free_failures) return milliseconds(0);
  const int doublings = std::min(e.failures - free_failures, 30);
  milliseconds delay = o_.base_delay * (int64_t{1} << doublings);
  if (delay > o_.lockout || delay.count() <= 0) delay = o_.lockout;
  const auto ready = e.last + delay;
  if (now >= ready) return milliseconds(0);
  return std::chrono::duration_cast<milliseconds>(ready - now) + milliseconds(1);
}

void LoginThrottle::Touch(std::map<std::string, Entry>& m, const std::string& key, Clock::time_point now) {
  auto it = m.find(key);
  if (it != m.end() && now - it->second.last > o_.forget_after) it->second.failures = 0;
  if (it == m.end()) {
    if (m.size() >= o_.max_keys) {
      // Bounded memory: drop what is forgotten anyway, then the oldest.
      for (auto i = m.begin(); i != m.end();)
        i = now - i->second.last > o_.forget_after ? m.erase(i) : std::next(i);
      if (m.size() >= o_.max_keys) {
        auto oldest = std::min_element(m.begin(), m.end(),
                                       [](const auto& a, const auto& b) { return a.second.last < b.second.last; });
        m.erase(oldest);
      }
    }
    it = m.emplace(key, Entry{}).first;
  }
  ++it->second.failures;
  it->second.last = now;
}

milliseconds LoginThrottle::Wait(const std::string& address, const std::string& user, Clock::time_point now) {
  std::lock_guard lock(mu_);
  milliseconds wait(0);
  if (auto it = users_.find(user); it != users_.end() && now - it->second.last <= o_.forget_after)
    wait = std::max(wait, WaitOf(it->second, o_.free_failures_per_user, now));
  if (auto it = addresses_.find(address); it != addresses_.end() && now - it->second.last <= o_.forget_after)
    wait = std::max(wait, WaitOf(it->second, o_.free_failures_per_address, now));
  return wait;
}

bool LoginThrottle::Failed(const std::string& address, const std::string& user, Clock::time_point now) {
  std::lock_guard lock(mu_);
  Touch(users_, user, now);
  Touch(addresses_, address, now);
  auto locked = [&](const Entry& e, int free_failures) {
    if (e.failures < free_failures) return false;
    const int doublings = std::min(e.failures - free_failures, 30);
    const milliseconds delay = o_.base_delay * (int64_t{1} << doublings);
    // The first failure whose wait reaches the cap starts the lockout.
    const milliseconds before = doublings == 0 ? milliseconds(0) : o_.base_delay * (int64_t{1} << (doublings - 1));
    return delay >= o_.lockout && before < o_.lockout;
  };
  return locked(users_[user], o_.free_failures_per_user) || locked(addresses_[address], o_.free_failures_per_address);
}

void LoginThrottle::Succeeded(const std::string& user) {
  std::lock_guard lock(mu_);
  users_.erase(user);
}

void FailedLoginLog::Flush(Clock::time_point now, bool force) {
  std::lock_guard lock(mu_);
  FlushLocked(now, force);
}

void FailedLoginLog::FlushLocked(Clock::time_point now, bool force) {
  if (!started_) return;
  if (!force && now - window_start_ < o_.window) return;
  if (suppressed_ > 0)
    write_("-", "login.failed.summary",
           std::to_string(suppressed_) + " mislykkede logins blev ikke skrevet enkeltvis (" +
               std::to_string(seen_.size()) + " brugernavne i perioden)");
  started_ = false;
  rows_ = 0;
  suppressed_ = 0;
  seen_.clear();
}

void FailedLoginLog::Record(const std::string& username, const std::string& action, Clock::time_point now) {
  std::lock_guard lock(mu_);
  FlushLocked(now, false);
  if (!started_) {
    started_ = true;
    window_start_ = now;
  }
  const bool first = seen_.size() < 100000 ? seen_[username]++ == 0 : false;
  if ((first || action != "login.failed") && rows_ < o_.max_rows_per_window) {
    ++rows_;
    write_(username, action, "");
    return;
  }
  ++suppressed_;
}

}  // namespace almen
