// Request safety for `almen serve`: what every request passes before a route
// handler sees it, in one place (docs/security.md has the threat model).
//
// GuardedServer is cpp-httplib's Server with its own connection handling:
//  - Connections: at most `max_connections` are served at once (one worker
//    thread each) and at most `max_connections_per_ip` from one address;
//    beyond that a connection gets "503" and is closed at once, never queued
//    without bound. A connection idle between requests is closed after
//    `idle_timeout_ms`, after `max_requests_per_connection` requests.
//  - Time: the request line and headers must arrive within `head_timeout_ms`;
//    a body, and the response, must move at `min_rate_bytes_per_s` on average
//    after a grace of `grace_ms` (slow clients cannot hold workers, so
//    /healthz answers while they try).
//  - Size: the request line and headers at most `max_head_bytes` and
//    `max_header_count` headers; the body at most the route's limit, checked
//    from Content-Length before anything is read (413) and again while reading
//    (chunked bodies). JSON routes take `max_json_body` (login `max_login_body`);
//    only the routes declared with AcceptBody take larger bodies, and those
//    require a session before their body is read (401).
//  - Cross-site: a state-changing request (POST, PUT, PATCH, DELETE) carrying
//    an Origin other than the server's own, or Sec-Fetch-Site other than
//    same-origin/none, is refused (403), as is a body of the wrong type (415:
//    JSON routes take application/json only; upload routes what they declare)
//    or with a Content-Encoding a JSON route does not take.
//  - Headers: every response carries the security headers (CSP,
//    X-Frame-Options, X-Content-Type-Options, Referrer-Policy; HSTS behind TLS)
//    and API answers `Cache-Control: no-store`.
//  - Logging: one JSON line per request on stderr (ts, method, path, status,
//    ms, user); never throws, whatever bytes the path holds.
// Nothing thrown by a handler, the logger or the routing escapes a worker.
//
// Thread safety: configure (AcceptBody, Install) before Listen; after that the
// server is used from its worker threads only.
#pragma once

#include <httplib.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <regex>
#include <string>
#include <vector>

namespace almen {

struct GuardOptions {
  size_t max_json_body = 64 << 10;          // JSON bodies (every route not declared with AcceptBody)
  size_t max_login_body = 8 << 10;          // POST /api/login
  size_t max_head_bytes = 32 << 10;         // request line + headers
  size_t max_header_count = 100;
  int head_timeout_ms = 10000;              // request line + headers
  int idle_timeout_ms = 5000;               // keep-alive: between requests
  int max_requests_per_connection = 100;
  int grace_ms = 10000;                     // before the rate floor applies
  int64_t min_rate_bytes_per_s = 16 << 10;  // bodies and responses, on average
  int io_timeout_ms = 5000;                 // one wait for a socket to become readable/writable
  int max_connections = 64;                 // served at once (= worker threads)
  int max_connections_per_ip = 32;
  bool behind_tls = false;                  // https: Secure cookies, HSTS, https origin
  std::string public_origin;                // e.g. "https://almen.example"; "" = from the Host header
};

// What a body may be, as a set of flags (AcceptBody).
enum BodyType : unsigned {
  kBodyJson = 1,       // application/json
  kBodyMultipart = 2,  // multipart/form-data
  kBodyCsv = 4,        // text/csv, or a compressed file (application/gzip, application/zstd, application/octet-stream)
};

// Per-request context of the worker thread (valid while a request is handled).
struct RequestContext {
  std::chrono::steady_clock::time_point start;
  std::string user;  // set once the session is known, for the log line
};
RequestContext& CurrentRequest();
// Bytes of the current request's body read from the connection so far (as
// sent: compressed, with chunk framing); 0 outside a request.
uint64_t CurrentBodyBytes();
// Whether the request's Content-Type is `media_type` (e.g. "application/json"), parameters ignored.
bool HasMediaType(const httplib::Request& req, const std::string& media_type);

class GuardedStream;

class GuardedServer : public httplib::Server {
 public:
  explicit GuardedServer(GuardOptions options);
  ~GuardedServer() override;

  const GuardOptions& options() const { return options_; }

  // Declares that `method` on paths matching `pattern` (a full-match regex,
  // as given to Post/Put) takes a body of `types` up to `max_bytes`, and that
  // a session must exist before it is read. Every other route takes JSON up
  // to max_json_body.
  void AcceptBody(const std::string& method, const std::string& pattern, unsigned types, uint64_t max_bytes);

  // Installs the checks (pre-routing, Expect: 100-continue, post-routing,
  // error handler, logger, thread pool). `has_session` tells whether the
  // request carries a live session (for routes declared with AcceptBody).
  void Install(std::function<bool(const httplib::Request&)> has_session);

  // The origin a state-changing request must come from: public_origin, or
  // http(s)://<Host>.
  std::string ExpectedOrigin(const httplib::Request& req) const;

  // The check itself (exposed for tests): Handled with `res` filled when the
  // request is refused, Unhandled when it may go on to its route.
  HandlerResponse Check(const httplib::Request& req, httplib::Response& res);

  // Connections refused since start (503), for tests and the log.
  int64_t refused_connections() const;

 private:
  struct BodyRule {
    std::string method;
    std::regex path;
    unsigned types;
    uint64_t max_bytes;
  };
  const BodyRule* RuleFor(const httplib::Request& req) const;
  bool process_and_close_socket(socket_t sock) override;
  bool AcquireSlot(const std::string& ip);
  void ReleaseSlot(const std::string& ip);

  GuardOptions options_;
  std::vector<BodyRule> rules_;
  std::function<bool(const httplib::Request&)> has_session_;
  mutable std::mutex slots_mu_;
  int slots_total_ = 0;
  std::map<std::string, int> slots_per_ip_;
  int64_t refused_ = 0;
};

// The client's address: the peer's, or behind a reverse proxy (`behind_proxy`)
// the last address the proxy added to X-Forwarded-For.
std::string ClientAddress(const httplib::Request& req, bool behind_proxy);

// One JSON log line for a request (ts, method, path, status, ms, user).
std::string RequestLogLine(const httplib::Request& req, const httplib::Response& res, double ms,
                           const std::string& user);

}  // namespace almen
