// Request safety (http_guard.h): the connection loop, the per-request checks,
// the security headers and the request log.
#include "server/http_guard.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <deque>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/json_text.h"
#include "common/utc_time.h"
#include "server/respond.h"

namespace almen {

namespace {

using Clock = std::chrono::steady_clock;

thread_local RequestContext t_request;
thread_local GuardedStream* t_stream = nullptr;
// Set while a connection the pool cannot take is handed to the server only to
// be refused (GuardedPool::enqueue).
thread_local bool t_refuse_connection = false;

int MsUntil(Clock::time_point deadline) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::clamp<int64_t>(ms, 0, 24 * 3600 * 1000));
}

std::string Lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

// The media type of a Content-Type header, lower case, without parameters.
std::string MediaType(const std::string& content_type) {
  std::string t = Lower(content_type.substr(0, content_type.find(';')));
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.pop_back();
  size_t b = t.find_first_not_of(" \t");
  return b == std::string::npos ? std::string() : t.substr(b);
}

bool IsStateChanging(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

std::string PeerIp(int sock) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (getpeername(sock, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return "?";
  char buf[INET6_ADDRSTRLEN] = "";
  if (addr.ss_family == AF_INET)
    inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&addr)->sin_addr, buf, sizeof buf);
  else if (addr.ss_family == AF_INET6)
    inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&addr)->sin6_addr, buf, sizeof buf);
  return buf;
}

void SockName(int sock, bool peer, std::string& ip, int& port) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  int rc = peer ? getpeername(sock, reinterpret_cast<sockaddr*>(&addr), &len)
                : getsockname(sock, reinterpret_cast<sockaddr*>(&addr), &len);
  ip.clear();
  port = 0;
  if (rc != 0) return;
  char buf[INET6_ADDRSTRLEN] = "";
  if (addr.ss_family == AF_INET) {
    auto* a = reinterpret_cast<sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &a->sin_addr, buf, sizeof buf);
    port = ntohs(a->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof buf);
    port = ntohs(a->sin6_port);
  }
  ip = buf;
}

// A worker pool that never queues without bound: a connection that finds
// every worker busy and `max_queue` connections waiting is refused on the
// accepting thread (the server answers 503 and closes it).
class GuardedPool final : public httplib::TaskQueue {
 public:
  GuardedPool(size_t threads, size_t max_queue) : max_queue_(max_queue) {
    for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(); });
  }
  ~GuardedPool() override = default;

  void enqueue(std::function<void()> fn) override {
    {
      std::unique_lock lock(mu_);
      if (jobs_.size() < max_queue_) {
        jobs_.push_back(std::move(fn));
        cv_.notify_one();
        return;
      }
    }
    t_refuse_connection = true;
    try {
      fn();
    } catch (...) {
    }
    t_refuse_connection = false;
  }

  void shutdown() override {
    {
      std::unique_lock lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }

 private:
  void Work() {
    for (;;) {
      std::function<void()> fn;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stop_ || !jobs_.empty(); });
        if (stop_ && jobs_.empty()) return;
        fn = std::move(jobs_.front());
        jobs_.pop_front();
      }
      try {
        fn();
      } catch (...) {
        // process_and_close_socket catches everything; nothing may end a worker.
      }
    }
  }

  const size_t max_queue_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  bool stop_ = false;
};

}  // namespace

RequestContext& CurrentRequest() { return t_request; }

bool HasMediaType(const httplib::Request& req, const std::string& media_type) {
  return MediaType(req.get_header_value("Content-Type")) == media_type;
}

// One connection's socket with its own buffer (kept across requests, so
// pipelined requests are not lost), the head/body budgets and the deadlines.
class GuardedStream final : public httplib::Stream {
 public:
  GuardedStream(socket_t sock, const GuardOptions& o) : sock_(sock), o_(o) {}

  bool is_readable() const override { return pos_ < len_ || Poll(POLLIN, std::min(o_.io_timeout_ms, MsUntil(ReadDeadline()))); }
  bool is_writable() const override { return Poll(POLLOUT, std::min(o_.io_timeout_ms, MsUntil(WriteDeadline()))); }

  ssize_t read(char* ptr, size_t size) override {
    // The budget of the current phase: the head, or the route's body limit.
    uint64_t budget = phase_ == Phase::kHead ? (o_.max_head_bytes > head_bytes_ ? o_.max_head_bytes - head_bytes_ : 0)
                                             : (body_limit_ > body_bytes_ ? body_limit_ - body_bytes_ : 0);
    if (budget == 0) {
      over_budget_ = true;
      return -1;
    }
    size = static_cast<size_t>(std::min<uint64_t>(size, budget));
    if (pos_ >= len_) {
      if (!Poll(POLLIN, MsUntil(ReadDeadline()))) {
        timed_out_ = true;
        return -1;
      }
      ssize_t n = recv(sock_, buf_, sizeof buf_, 0);
      if (n <= 0) return n;
      pos_ = 0;
      len_ = static_cast<size_t>(n);
    }
    size_t n = std::min(size, len_ - pos_);
    std::memcpy(ptr, buf_ + pos_, n);
    pos_ += n;
    (phase_ == Phase::kHead ? head_bytes_ : body_bytes_) += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (!writing_) {
      writing_ = true;
      write_start_ = Clock::now();
    }
    if (!Poll(POLLOUT, MsUntil(WriteDeadline()))) {
      timed_out_ = true;
      return -1;
    }
    ssize_t n = send(sock_, ptr, size, MSG_NOSIGNAL);
    if (n > 0) written_ += static_cast<uint64_t>(n);
    return n;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override { SockName(sock_, true, ip, port); }
  void get_local_ip_and_port(std::string& ip, int& port) const override { SockName(sock_, false, ip, port); }
  socket_t socket() const override { return sock_; }

  // Waits for the first byte of the next request (or one already buffered).
  bool WaitForRequest(const std::atomic<socket_t>& server_socket) {
    if (pos_ < len_) return true;
    const Clock::time_point until = Clock::now() + std::chrono::milliseconds(o_.idle_timeout_ms);
    // Short waits, so that a stopping server does not wait for idle connections.
    while (server_socket != INVALID_SOCKET) {
      int ms = std::min(MsUntil(until), 200);
      if (Poll(POLLIN, ms)) return true;
      if (Clock::now() >= until) return false;
    }
    return false;
  }
  void BeginRequest() {
    t_request.start = Clock::now();
    t_request.user.clear();
    phase_ = Phase::kHead;
    head_deadline_ = Clock::now() + std::chrono::milliseconds(o_.head_timeout_ms);
    head_bytes_ = body_bytes_ = written_ = 0;
    body_limit_ = 0;
    content_length_ = 0;
    writing_ = close_ = over_budget_ = timed_out_ = false;
  }
  // The head is read: from here on reads are the body, at most `limit` bytes
  // (`content_length` -1 when the length is not known in advance).
  void BeginBody(uint64_t limit, int64_t content_length) {
    phase_ = Phase::kBody;
    body_start_ = Clock::now();
    body_limit_ = limit;
    content_length_ = content_length;
  }
  void CloseAfterResponse() { close_ = true; }
  // Whether the connection can carry another request: the body was read to
  // its end (known length), nothing went over a budget or a deadline.
  bool Reusable() const {
    if (close_ || over_budget_ || timed_out_) return false;
    if (phase_ == Phase::kBody && content_length_ < 0) return false;
    if (phase_ == Phase::kBody && body_bytes_ < static_cast<uint64_t>(content_length_)) return false;
    return true;
  }
  bool close_requested() const { return close_; }
  uint64_t body_bytes() const { return phase_ == Phase::kBody ? body_bytes_ : 0; }

 private:
  enum class Phase { kHead, kBody };

  bool Poll(short events, int ms) const {
    pollfd p{sock_, events, 0};
    for (;;) {
      int rc = poll(&p, 1, ms);
      if (rc < 0 && errno == EINTR) continue;
      return rc > 0 && (p.revents & (events | POLLHUP | POLLERR));
    }
  }
  // Reading the head: its deadline. Reading a body: the rate floor (after the
  // grace, at least min_rate bytes per second on average).
  Clock::time_point ReadDeadline() const {
    if (phase_ == Phase::kHead) return head_deadline_;
    return RateDeadline(body_start_, body_bytes_);
  }
  Clock::time_point WriteDeadline() const { return RateDeadline(writing_ ? write_start_ : Clock::now(), written_); }
  Clock::time_point RateDeadline(Clock::time_point start, uint64_t bytes) const {
    const int64_t rate = std::max<int64_t>(o_.min_rate_bytes_per_s, 1);
    const int64_t ms = o_.grace_ms + static_cast<int64_t>(bytes) * 1000 / rate;
    return start + std::chrono::milliseconds(ms);
  }

  socket_t sock_;
  const GuardOptions& o_;
  char buf_[16384];
  size_t pos_ = 0, len_ = 0;
  Phase phase_ = Phase::kHead;
  Clock::time_point head_deadline_, body_start_, write_start_;
  uint64_t head_bytes_ = 0, body_bytes_ = 0, body_limit_ = 0, written_ = 0;
  int64_t content_length_ = 0;
  bool writing_ = false, close_ = false, over_budget_ = false, timed_out_ = false;
};

uint64_t CurrentBodyBytes() { return t_stream ? t_stream->body_bytes() : 0; }

GuardedServer::GuardedServer(GuardOptions options) : options_(std::move(options)) {}
GuardedServer::~GuardedServer() = default;

void GuardedServer::AcceptBody(const std::string& method, const std::string& pattern, unsigned types,
                               uint64_t max_bytes) {
  rules_.push_back({method, std::regex(pattern), types, max_bytes});
}

const GuardedServer::BodyRule* GuardedServer::RuleFor(const httplib::Request& req) const {
  for (const auto& r : rules_)
    if (r.method == req.method && std::regex_match(req.path, r.path)) return &r;
  return nullptr;
}

std::string GuardedServer::ExpectedOrigin(const httplib::Request& req) const {
  if (!options_.public_origin.empty()) return Lower(options_.public_origin);
  return std::string(options_.behind_tls ? "https://" : "http://") + Lower(req.get_header_value("Host"));
}

int64_t GuardedServer::refused_connections() const {
  std::lock_guard lock(slots_mu_);
  return refused_;
}

httplib::Server::HandlerResponse GuardedServer::Check(const httplib::Request& req, httplib::Response& res) {
  auto refuse = [&](int status, const std::string& message) {
    if (t_stream) t_stream->CloseAfterResponse();  // an unread body may follow
    SendHttpError(res, status, message);
    return HandlerResponse::Handled;
  };
  if (req.headers.size() > options_.max_header_count)
    return refuse(431, "forespørgslen har for mange headers (højst " + std::to_string(options_.max_header_count) + ")");
  // Several byte ranges would make one export many times over.
  if (req.ranges.size() > 1) return refuse(416, "højst ét byte-interval pr. forespørgsel");

  const bool chunked = Lower(req.get_header_value("Transfer-Encoding")) == "chunked";
  const bool has_length = req.has_header("Content-Length");
  uint64_t length = 0;
  if (has_length) {
    const std::string v = req.get_header_value("Content-Length");
    if (v.empty() || v.size() > 19 || v.find_first_not_of("0123456789") != std::string::npos)
      return refuse(400, "ugyldig Content-Length");
    length = std::stoull(v);
  }
  if (req.has_header("Transfer-Encoding") && !chunked) return refuse(501, "kun Transfer-Encoding: chunked forstås");
  const bool has_body = chunked || length > 0;

  if (!IsStateChanging(req.method)) {
    // GET, HEAD, OPTIONS carry no body (httplib would not read one, and it
    // would be taken for the next request).
    if (has_body) return refuse(400, "en " + req.method + "-forespørgsel har ingen krop");
    if (t_stream) t_stream->BeginBody(0, 0);
    return HandlerResponse::Unhandled;
  }

  // Cross-site requests: Sec-Fetch-Site (modern browsers) and Origin. A
  // request with neither comes from a program, not from a browser page.
  const std::string fetch_site = Lower(req.get_header_value("Sec-Fetch-Site"));
  if (!fetch_site.empty() && fetch_site != "same-origin" && fetch_site != "none")
    return refuse(403, "forespørgsler fra andre websteder afvises (Sec-Fetch-Site: " + fetch_site + ")");
  if (req.has_header("Origin")) {
    const std::string origin = Lower(req.get_header_value("Origin"));
    if (origin != ExpectedOrigin(req))
      return refuse(403, "forespørgsler fra en anden oprindelse afvises (Origin: " + CleanText(origin, 100) + ")");
  }

  if (!has_length && !chunked && req.method != "DELETE")
    return refuse(411, "Content-Length mangler (eller Transfer-Encoding: chunked)");

  const BodyRule* rule = RuleFor(req);
  const unsigned types = rule ? rule->types : kBodyJson;
  const uint64_t limit = rule ? rule->max_bytes : req.path == "/api/login" ? options_.max_login_body : options_.max_json_body;
  if (length > limit)
    return refuse(413, "forespørgslens krop er " + std::to_string(length) + " byte; højst " + std::to_string(limit) +
                           " er tilladt her");
  if (has_body) {
    const std::string media = MediaType(req.get_header_value("Content-Type"));
    bool ok = false;
    if ((types & kBodyJson) && media == "application/json") ok = true;
    if ((types & kBodyMultipart) && media == "multipart/form-data") ok = true;
    if ((types & kBodyCsv) && (media == "text/csv" || media == "application/gzip" || media == "application/x-gzip" ||
                               media == "application/zstd" || media == "application/octet-stream"))
      ok = true;
    if (!ok) {
      std::string want = (types & kBodyJson) ? "application/json" : "";
      if (types & kBodyMultipart) want += std::string(want.empty() ? "" : " eller ") + "multipart/form-data";
      if (types & kBodyCsv) want += std::string(want.empty() ? "" : " eller ") + "text/csv";
      return refuse(415, "Content-Type skal være " + want + (media.empty() ? "" : ", ikke " + CleanText(media, 60)));
    }
    const std::string encoding = Lower(req.get_header_value("Content-Encoding"));
    if (!encoding.empty() && encoding != "identity" && !(types & (kBodyCsv | kBodyMultipart)))
      return refuse(415, "Content-Encoding " + CleanText(encoding, 40) + " tages ikke imod her");
  }
  // Large bodies only from a live session, checked before the body is read.
  if (rule && has_body && has_session_ && !has_session_(req))
    return refuse(401, "log ind før upload (sessionen mangler eller er udløbet)");
  if (t_stream) t_stream->BeginBody(limit, chunked ? -1 : static_cast<int64_t>(length));
  return HandlerResponse::Unhandled;
}

void GuardedServer::Install(std::function<bool(const httplib::Request&)> has_session) {
  has_session_ = std::move(has_session);
  const GuardOptions& o = options_;
  const size_t threads = static_cast<size_t>(std::max(2, o.max_connections));
  new_task_queue = [threads] { return new GuardedPool(threads, threads); };
  set_keep_alive_max_count(static_cast<size_t>(std::max(1, o.max_requests_per_connection)));
  set_keep_alive_timeout(std::max(1, o.idle_timeout_ms / 1000));
  // Requests are read through GuardedStream; httplib's own limit is the largest route's.
  uint64_t largest = std::max<uint64_t>(o.max_json_body, o.max_login_body);
  for (const auto& r : rules_) largest = std::max(largest, r.max_bytes);
  set_payload_max_length(static_cast<size_t>(largest));
  // Responses go out as header + body writes: without TCP_NODELAY, Nagle's
  // algorithm and the client's delayed ACK add ~40 ms to every keep-alive request.
  set_tcp_nodelay(true);

  // 'wasm-unsafe-eval' lets the page's worker compile the WebAssembly check
  // (/wasm/, Tjek regninger); it allows no JavaScript eval.
  std::string csp =
      "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
      "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
  httplib::Headers headers = {{"Content-Security-Policy", csp},
                              {"X-Frame-Options", "DENY"},
                              {"X-Content-Type-Options", "nosniff"},
                              {"Referrer-Policy", "no-referrer"},
                              {"Cross-Origin-Opener-Policy", "same-origin"},
                              {"Cross-Origin-Resource-Policy", "same-origin"}};
  if (o.behind_tls) headers.emplace("Strict-Transport-Security", "max-age=31536000");
  set_default_headers(headers);

  set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) { return Check(req, res); });
  // Expect: 100-continue: the same answer before the client sends its body.
  set_expect_100_continue_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (Check(req, res) == HandlerResponse::Handled) return res.status;
    return 100;
  });
  set_post_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    if (req.path.starts_with("/api/") && !res.has_header("Cache-Control")) res.set_header("Cache-Control", "no-store");
    if (t_stream && t_stream->close_requested()) res.set_header("Connection", "close");
  });
  set_logger([](const httplib::Request& req, const httplib::Response& res) {
    try {
      double ms = std::chrono::duration<double, std::milli>(Clock::now() - t_request.start).count();
      std::string line = RequestLogLine(req, res, ms, t_request.user);
      std::fprintf(stderr, "%s\n", line.c_str());
    } catch (...) {
      // A log line is never worth a request (or the process).
    }
  });
  set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    SendHttpError(res, 500, "intern fejl: " + CleanText(what, 300));
  });
  // httplib's own refusals (400, 413, 414, …) get a JSON body too.
  set_error_handler(HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return HandlerResponse::Unhandled;
    if (t_stream) t_stream->CloseAfterResponse();  // what follows a bad request cannot be trusted
    SendHttpError(res, res.status, "forespørgslen blev afvist (HTTP " + std::to_string(res.status) + ")");
    return HandlerResponse::Handled;
  }));
}

bool GuardedServer::AcquireSlot(const std::string& ip) {
  std::lock_guard lock(slots_mu_);
  int& mine = slots_per_ip_[ip];
  if (slots_total_ >= options_.max_connections || mine >= options_.max_connections_per_ip) {
    if (mine == 0) slots_per_ip_.erase(ip);
    ++refused_;
    return false;
  }
  ++mine;
  ++slots_total_;
  return true;
}

void GuardedServer::ReleaseSlot(const std::string& ip) {
  std::lock_guard lock(slots_mu_);
  --slots_total_;
  auto it = slots_per_ip_.find(ip);
  if (it != slots_per_ip_.end() && --it->second <= 0) slots_per_ip_.erase(it);
}

bool GuardedServer::process_and_close_socket(socket_t sock) {
  const std::string ip = PeerIp(sock);
  bool served = false;
  const bool refuse = t_refuse_connection;
  if (refuse) {
    std::lock_guard lock(slots_mu_);
    ++refused_;
  }
  if (!refuse && AcquireSlot(ip)) {
    served = true;
    GuardedStream strm(sock, options_);
    t_stream = &strm;
    try {
      for (int n = 0; n < std::max(1, options_.max_requests_per_connection); ++n) {
        if (svr_sock_ == INVALID_SOCKET || !strm.WaitForRequest(svr_sock_)) break;
        strm.BeginRequest();
        bool closed = false;
        const bool last = n + 1 == options_.max_requests_per_connection;
        if (!process_request(strm, last, closed, nullptr) || closed || !strm.Reusable()) break;
      }
    } catch (...) {
      // A handler, the logger or the routing threw past every handler: the
      // connection ends, the server goes on.
    }
    t_stream = nullptr;
    ReleaseSlot(ip);
  } else {
    static const std::string kBusy = [] {
      const std::string body = R"({"error":{"code":6,"message":"serveren har for mange forbindelser; prøv igen"}})";
      return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n"
             "Connection: close\r\nRetry-After: 1\r\nContent-Length: " +
             std::to_string(body.size()) + "\r\n\r\n" + body;
    }();
    (void)send(sock, kBusy.data(), kBusy.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  }
  // A lingering close: the answer is sent, then what the client still sends
  // (an unread body) is read and dropped for a moment, so that closing does
  // not reset the connection before the client has read the answer.
  // (Not for a connection refused at once: that may run on the accepting thread.)
  // Up to 8 MiB in at most 1 s: a client that writes its whole body before
  // it reads (cpp-httplib, curl) gets its 413 for a body a few MiB over the
  // limit; with 256 KiB, a 2 MiB body was cut by a reset about once in 40.
  shutdown(sock, SHUT_WR);
  char drain[16384];
  size_t drained = 0;
  const Clock::time_point until = Clock::now() + std::chrono::milliseconds(served ? 1000 : 0);
  while (drained < (size_t{8} << 20) && Clock::now() < until) {
    pollfd p{sock, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) break;
    ssize_t n = recv(sock, drain, sizeof drain, MSG_DONTWAIT);
    if (n <= 0) break;
    drained += static_cast<size_t>(n);
  }
  close(sock);
  return served;
}

std::string ClientAddress(const httplib::Request& req, bool behind_proxy) {
  if (behind_proxy && req.has_header("X-Forwarded-For")) {
    std::string v = req.get_header_value("X-Forwarded-For");
    std::string last = v.substr(v.find_last_of(',') == std::string::npos ? 0 : v.find_last_of(',') + 1);
    size_t b = last.find_first_not_of(" \t"), e = last.find_last_not_of(" \t");
    if (b != std::string::npos) return CleanText(last.substr(b, e - b + 1), 64);
  }
  return req.remote_addr;
}

std::string RequestLogLine(const httplib::Request& req, const httplib::Response& res, double ms,
                           const std::string& user) {
  nlohmann::json line = {{"ts", UtcTimestamp()},
                         {"method", req.method},
                         {"path", req.path},
                         {"status", res.status},
                         {"ms", std::round(ms * 10) / 10},
                         {"user", user.empty() ? nlohmann::json(nullptr) : nlohmann::json(user)}};
  return JsonText(line);
}

}  // namespace almen
