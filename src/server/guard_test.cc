// Unit tests of the request-safety parts (issue 12): the CSV export writer,
// the upload receiver (gzip, zstd, limits), the work directory (private,
// swept), the login throttle and failed-login log, the id and JSON body
// parsers, and the guarded HTTP server's connection handling (timeouts,
// connection caps, limits, headers) on a loopback port.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/file.h"
#include "server/export.h"
#include "server/http_guard.h"
#include "server/job_priority.h"
#include "server/login_guard.h"
#include "server/respond.h"
#include "server/upload.h"
#include "server/work_dir.h"

namespace almen {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono_literals;

fs::path TempDir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("almen-guard-" + name + "-" + std::to_string(getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string Gzip(const std::string& in) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, in.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string Zstd(const std::string& in) {
  std::string out(ZSTD_compressBound(in.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3);
  EXPECT_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

// ---- CSV export --------------------------------------------------------------

// Issue 12: user text starting with =, +, -, @ reached CSV exports as is
// (a failed-login user name in the audit CSV, botilbud names, pool titles).
TEST(Export, CsvNeutralisesFormulasButKeepsNumbers) {
  Table t;
  t.columns = {"id", "username", "amount_ore", "note"};
  t.rows.push_back({1, "=HYPERLINK(\"http://x\")", -12345, "+45 12 34"});
  t.rows.push_back({2, "@SUM(A1)", 0, "-1"});
  t.rows.push_back({3, "\tTAB", nullptr, "\rCR"});
  t.rows.push_back({4, "plain", 7, "a = b"});
  const std::string csv = ToCsv(t);
  EXPECT_EQ(csv,
            "id,username,amount_ore,note\n"
            "1,\"'=HYPERLINK(\"\"http://x\"\")\",-12345,'+45 12 34\n"
            "2,'@SUM(A1),0,'-1\n"
            "3,'\tTAB,,\"'\rCR\"\n"
            "4,plain,7,a = b\n");
}

TEST(Export, XlsxIsBuiltInTheGivenDirectoryAndRemoved) {
  fs::path d = TempDir("xlsx");
  Table t;
  t.columns = {"a"};
  t.rows.push_back({"=1+1"});
  auto x = ToXlsx(t, "test", d.string());
  ASSERT_TRUE(x.ok()) << x.status().message();
  EXPECT_EQ(x->substr(0, 2), "PK");
  EXPECT_TRUE(fs::is_empty(d));
  fs::remove_all(d);
}

// ---- ids and JSON bodies ------------------------------------------------------

// Issue 12: a 20-digit id in a path was a 500 (std::stoll threw), not a 400.
TEST(Respond, IdsOutOfRangeAreBadInput) {
  EXPECT_EQ(*ParseId("42"), 42);
  EXPECT_EQ(*ParseId("999999999999999999"), 999999999999999999);
  EXPECT_EQ(ParseId("99999999999999999999").status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(ParseId("").status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(ParseId("-1").status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(ParseId("1x").status().code(), StatusCode::kInvalidInput);
}

TEST(Respond, JsonBodiesAreObjectsOfBoundedDepth) {
  EXPECT_TRUE(JsonObject(R"({"a": [1, {"b": "[[[["}]})").ok());
  EXPECT_FALSE(JsonObject("[1]").ok());
  EXPECT_FALSE(JsonObject("").ok());
  EXPECT_FALSE(JsonObject("{\"a\": \"\xff\"}").ok());
  EXPECT_FALSE(JsonObject(std::string(100000, '[')).ok());
  std::string deep = "{\"a\":" + std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']') + "}";
  EXPECT_FALSE(JsonObject(deep).ok());
}

// ---- uploads --------------------------------------------------------------------

struct Received {
  Status status;
  std::vector<UploadedFile> files;
};

Received Receive(const fs::path& dir, const std::vector<std::pair<std::string, std::string>>& parts,
                 UploadLimits limits = {}, size_t chunk = 7) {
  UploadReceiver rx(dir.string(), {"claims", "providers"}, limits);
  for (const auto& [name, content] : parts) {
    if (!rx.BeginPart(name.substr(0, name.find(':')), name.substr(name.find(':') + 1))) break;
    bool ok = true;
    for (size_t i = 0; ok && i < content.size(); i += chunk)
      ok = rx.Write(content.data() + i, std::min(chunk, content.size() - i));
    if (!ok) break;
  }
  Received r;
  r.status = rx.Finish();
  r.files = rx.files();
  return r;
}

TEST(Upload, PlainGzipAndZstdFilesAreWrittenDecompressed) {
  fs::path d = TempDir("upload");
  const std::string claims = "claim_id,provider\n" + std::string(100000, 'x') + ",123456\n";
  auto r = Receive(d, {{"claims:claims.csv.gz", Gzip(claims)}, {"providers:p.zst", Zstd("provider\n111111\n")}});
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  ASSERT_EQ(r.files.size(), 2u);
  EXPECT_EQ(r.files[0].name, "claims.csv");
  EXPECT_EQ(r.files[0].compression, "gzip");
  EXPECT_EQ(*ReadFile(r.files[0].path), claims);
  EXPECT_LT(r.files[0].received, r.files[0].bytes);
  EXPECT_EQ(r.files[1].name, "p");
  EXPECT_EQ(r.files[1].compression, "zstd");
  EXPECT_EQ(*ReadFile(r.files[1].path), "provider\n111111\n");
  // Two gzip members one after the other (pigz, cat a.gz b.gz), and a tiny plain file.
  fs::remove_all(d);
  fs::create_directories(d);
  r = Receive(d, {{"claims:c.csv", Gzip("a,b\n") + Gzip("1,2\n")}, {"providers:/etc/../x/y.csv", "p\n"}});
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(*ReadFile(r.files[0].path), "a,b\n1,2\n");
  EXPECT_EQ(r.files[1].name, "y.csv");  // no directories in a recorded name
  EXPECT_EQ(*ReadFile(r.files[1].path), "p\n");
  fs::remove_all(d);
}

TEST(Upload, LimitsBadStreamsAndUnknownFieldsAreRefused) {
  fs::path d = TempDir("upload-limits");
  UploadLimits small;
  small.max_file_bytes = 1 << 20;
  small.max_total_bytes = 1 << 20;
  // A decompression bomb: 64 MiB of zeros in ~64 KiB of gzip.
  auto r = Receive(d, {{"claims:bomb.csv.gz", Gzip(std::string(64 << 20, '0'))}}, small, 65536);
  EXPECT_EQ(r.status.code(), StatusCode::kInvalidInput);
  EXPECT_NE(r.status.message().find("efter udpakning"), std::string::npos) << r.status.message();
  fs::remove_all(d);
  fs::create_directories(d);
  std::string cut = Gzip("claim_id\n1\n");
  r = Receive(d, {{"claims:c.gz", cut.substr(0, cut.size() - 6)}});
  EXPECT_NE(r.status.message().find("slutter for tidligt"), std::string::npos) << r.status.message();
  fs::remove_all(d);
  fs::create_directories(d);
  r = Receive(d, {{"passwords:x.csv", "x"}});
  EXPECT_NE(r.status.message().find("feltet 'passwords' tages ikke imod"), std::string::npos) << r.status.message();
  fs::remove_all(d);
  fs::create_directories(d);
  r = Receive(d, {{"claims:a.csv", "1\n"}, {"claims:b.csv", "2\n"}});
  EXPECT_NE(r.status.message().find("sendt to gange"), std::string::npos) << r.status.message();
  fs::remove_all(d);
  fs::create_directories(d);
  r = Receive(d, {{"claims:c.zst", std::string("\x28\xb5\x2f\xfd") + std::string(100, '\x7f')}});
  EXPECT_FALSE(r.status.ok());
  fs::remove_all(d);
}

TEST(Upload, FileNamesAreCleaned) {
  EXPECT_EQ(CleanFileName("C:\\Users\\x\\claims.csv"), "claims.csv");
  EXPECT_EQ(CleanFileName("../../etc/passwd"), "passwd");
  EXPECT_EQ(CleanFileName("a\xff" "b\n.csv"), "a\xEF\xBF\xBD" "b?.csv");
  EXPECT_EQ(CleanFileName(std::string(500, 'n')).size(), 200u);
}

// ---- work directory -----------------------------------------------------------------

// Issue 12: 16 of 20 kills left the upload folder (CPR in clear) in /tmp,
// never removed on restart.
TEST(WorkDir, PrivateSweptAtStartAndScopedDirsGo) {
  fs::path root = TempDir("work") / "w";
  std::string kept;
  {
    auto w = WorkDir::Open(root.string());
    ASSERT_TRUE(w.ok()) << w.status().message();
    struct stat st {};
    ASSERT_EQ(stat(root.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    ASSERT_EQ(stat((*w)->path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    {
      auto d = (*w)->NewDir("upload");
      ASSERT_TRUE(d.ok());
      std::ofstream(fs::path(d->path()) / "claims.csv") << "cpr\n0101801234\n";
      kept = d->path();
      EXPECT_TRUE(fs::exists(kept));
    }
    EXPECT_FALSE(fs::exists(kept));  // gone with its ScopedDir
    // A second server on the same root: its own instance, and it leaves the first alone.
    auto w2 = WorkDir::Open(root.string());
    ASSERT_TRUE(w2.ok());
    EXPECT_EQ((*w2)->swept(), 0);
    EXPECT_TRUE(fs::exists((*w)->path()));
  }
  // What a killed server leaves: an instance directory whose lock nobody holds.
  fs::create_directories(root / "run-1-dead00" / "upload-x");
  std::ofstream(root / "run-1-dead00" / "upload-x" / "claims.csv") << "0101801234\n";
  std::ofstream(root / "run-1-dead00.lock") << "";
  fs::create_directories(root / "stray");
  auto w3 = WorkDir::Open(root.string());
  ASSERT_TRUE(w3.ok());
  EXPECT_EQ((*w3)->swept(), 2);
  EXPECT_FALSE(fs::exists(root / "run-1-dead00"));
  EXPECT_FALSE(fs::exists(root / "stray"));
  fs::remove_all(root.parent_path());
}

TEST(WorkDir, RefusesADirectoryThatIsNotAlmens) {
  fs::path d = TempDir("work-foreign");
  std::ofstream(d / "someone-elses-file") << "x";
  auto w = WorkDir::Open(d.string());
  EXPECT_EQ(w.status().code(), StatusCode::kInvalidInput);
  EXPECT_TRUE(fs::exists(d / "someone-elses-file"));
  fs::create_symlink(d, d.string() + "-link");
  EXPECT_FALSE(WorkDir::Open(d.string() + "-link").ok());
  fs::remove(d.string() + "-link");
  fs::remove_all(d);
}

TEST(Respond, ClientAddressBehindAProxy) {
  httplib::Request req;
  req.remote_addr = "10.0.0.1";
  req.set_header("X-Forwarded-For", "1.2.3.4, 5.6.7.8");
  EXPECT_EQ(ClientAddress(req, false), "10.0.0.1");  // a client could send any X-Forwarded-For
  EXPECT_EQ(ClientAddress(req, true), "5.6.7.8");     // the proxy's own entry is the last
}

// ---- login throttle and failed-login log ------------------------------------------------

// Issue 12: 100 wrong passwords in 13,6 s, and the right one worked straight after.
TEST(LoginGuard, BackoffThenLockoutPerUserAndAddress) {
  LoginThrottleOptions o;
  LoginThrottle t(o);
  auto now = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(t.Wait("1.2.3.4", "rltn", now).count(), 0) << i;
    t.Failed("1.2.3.4", "rltn", now);
  }
  // The sixth attempt waits a second, then 2, 4, … up to the 15-minute lockout.
  EXPECT_GT(t.Wait("1.2.3.4", "rltn", now).count(), 0);
  EXPECT_GT(t.Wait("5.6.7.8", "rltn", now).count(), 0);  // per user, from any address
  EXPECT_EQ(t.Wait("5.6.7.8", "plo", now).count(), 0);
  bool locked = false;
  for (int i = 0; i < 20 && !locked; ++i) {
    now += t.Wait("1.2.3.4", "rltn", now);
    locked = t.Failed("1.2.3.4", "rltn", now);
  }
  EXPECT_TRUE(locked);
  EXPECT_GE(t.Wait("9.9.9.9", "rltn", now), std::chrono::minutes(14));
  EXPECT_EQ(t.Wait("9.9.9.9", "rltn", now + std::chrono::minutes(16)).count(), 0);
  t.Succeeded("rltn");
  EXPECT_EQ(t.Wait("9.9.9.9", "rltn", now).count(), 0);
  // Per address: many user names from one address.
  LoginThrottle a(o);
  for (int i = 0; i < 20; ++i) a.Failed("6.6.6.6", "u" + std::to_string(i), now);
  EXPECT_GT(a.Wait("6.6.6.6", "new-name", now).count(), 0);
}

// Issue 12: every failed attempt added an audit row (unbounded growth by
// anonymous clients).
TEST(LoginGuard, FailedLoginsAreAggregatedInTheAuditLog) {
  std::vector<std::string> rows;
  FailedLoginLogOptions o;
  o.max_rows_per_window = 10;
  FailedLoginLog log([&](const std::string& u, const std::string& action, const std::string& detail) {
    rows.push_back(u + " " + action + " " + detail);
  }, o);
  auto now = std::chrono::steady_clock::now();
  for (int i = 0; i < 10000; ++i) log.Record("user" + std::to_string(i % 500), "login.failed", now);
  log.Record("rltn", "login.failed", now);
  log.Flush(now + o.window);
  ASSERT_EQ(rows.size(), 11u);
  EXPECT_EQ(rows[0], "user0 login.failed ");
  EXPECT_NE(rows.back().find("login.failed.summary 9991 mislykkede logins"), std::string::npos) << rows.back();
}

// ---- the guarded server ------------------------------------------------------------------

int Connect(int port) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  timeval tv{10, 0};
  setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return s;
}
void SendAll(int s, const std::string& d) { ASSERT_EQ(send(s, d.data(), d.size(), MSG_NOSIGNAL), ssize_t(d.size())); }
// Everything until the server closes (or 10 s pass).
std::string ReadAll(int s) {
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = recv(s, buf, sizeof buf, 0)) > 0;) out.append(buf, static_cast<size_t>(n));
  return out;
}

class GuardedServerTest : public ::testing::Test {
 protected:
  void Start(GuardOptions o) {
    server_ = std::make_unique<GuardedServer>(o);
    server_->AcceptBody("POST", "/upload", kBodyCsv, 1 << 20);
    server_->Install([](const httplib::Request& r) { return r.get_header_value("Cookie") == "s=1"; });
    server_->Get("/healthz", [](const httplib::Request&, httplib::Response& res) { SendJson(res, {{"ok", true}}); });
    server_->Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
      SendJson(res, {{"bytes", req.body.size()}});
    });
    server_->Post("/upload", [](const httplib::Request& req, httplib::Response& res) {
      SendJson(res, {{"bytes", req.body.size()}});
    });
    server_->Get("/throw", [](const httplib::Request&, httplib::Response&) -> void {
      throw std::runtime_error("bad \xff bytes");
    });
    port_ = server_->bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    while (!server_->is_running()) std::this_thread::sleep_for(1ms);
  }
  void TearDown() override {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
  }
  httplib::Result Healthz() {
    httplib::Client c("127.0.0.1", port_);
    c.set_connection_timeout(5);
    c.set_read_timeout(5);
    return c.Get("/healthz");
  }
  std::unique_ptr<GuardedServer> server_;
  std::thread thread_;
  int port_ = 0;
};

TEST_F(GuardedServerTest, SlowClientsAreCutOffAndHealthzAnswers) {
  GuardOptions o;
  o.head_timeout_ms = 500;
  o.grace_ms = 500;
  o.idle_timeout_ms = 500;
  o.max_connections = 16;
  o.max_connections_per_ip = 12;
  Start(o);
  // Eight connections that send half a request line and stop (slowloris).
  std::vector<int> slow;
  for (int i = 0; i < 8; ++i) {
    slow.push_back(Connect(port_));
    SendAll(slow.back(), "GET /heal");
  }
  auto h = Healthz();
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, 200);
  // The server closes each of them once the head deadline has passed.
  for (int s : slow) {
    EXPECT_EQ(ReadAll(s), "");
    close(s);
  }
}

TEST_F(GuardedServerTest, ConnectionsPerAddressAreCapped) {
  GuardOptions o;
  o.head_timeout_ms = 3000;
  o.max_connections = 8;
  o.max_connections_per_ip = 2;
  Start(o);
  int a = Connect(port_), b = Connect(port_);
  SendAll(a, "GET /");
  SendAll(b, "GET /");
  std::this_thread::sleep_for(200ms);  // both are being served (reading their heads)
  int c = Connect(port_);
  std::string answer = ReadAll(c);
  EXPECT_EQ(answer.substr(0, 12), "HTTP/1.1 503") << answer;
  close(a);
  close(b);
  close(c);
  EXPECT_GE(server_->refused_connections(), 1);
}

// Issue 12: one anonymous 500 MB POST to /api/login was read into memory
// (RSS 38 → 747 MB) before anything was checked.
TEST_F(GuardedServerTest, BodyLimitsAreCheckedBeforeReading) {
  Start(GuardOptions{});
  int s = Connect(port_);
  SendAll(s, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 524288000\r\n\r\n{");
  std::string answer = ReadAll(s);  // answered and closed at once, the body never read
  close(s);
  EXPECT_EQ(answer.substr(0, 12), "HTTP/1.1 413") << answer;
  EXPECT_NE(answer.find("Connection: close"), std::string::npos);
  // A chunked body over the limit is cut off while it is read.
  s = Connect(port_);
  std::string chunk(60000, ' ');
  char size[16];
  std::snprintf(size, sizeof size, "%zx", chunk.size());
  std::string req = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i) req += std::string(size) + "\r\n" + chunk + "\r\n";
  req += "0\r\n\r\n";
  send(s, req.data(), req.size(), MSG_NOSIGNAL);
  answer = ReadAll(s);
  close(s);
  EXPECT_TRUE(answer.empty() || answer.substr(0, 10) == "HTTP/1.1 4") << answer.substr(0, 100);
  // The upload route: no session, no body read (401); with one, up to its own limit.
  httplib::Client c("127.0.0.1", port_);
  auto r = c.Post("/upload", std::string(1000, 'x'), "text/csv");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  r = c.Post("/upload", httplib::Headers{{"Cookie", "s=1"}}, std::string(500000, 'x'), "text/csv");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  r = c.Post("/upload", httplib::Headers{{"Cookie", "s=1"}}, std::string(2 << 20, 'x'), "text/csv");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  // Too many headers.
  httplib::Headers many;
  for (int i = 0; i < 150; ++i) many.emplace("X-H" + std::to_string(i), "1");
  auto g = c.Get("/healthz", many);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->status, 431);
}

// A client that writes its whole body before it reads (cpp-httplib, curl)
// gets the 413 sent before the body was read: the lingering close drains
// what it still sends instead of resetting the connection (with 256 KiB
// drained, a 2 MiB body lost its answer to a reset about once in 40).
TEST_F(GuardedServerTest, AnAnswerBeforeTheBodyIsNotLostToAReset) {
  Start(GuardOptions{});
  for (int i = 0; i < 10; ++i) {
    httplib::Client c("127.0.0.1", port_);
    auto r = c.Post("/upload", httplib::Headers{{"Cookie", "s=1"}}, std::string(6 << 20, 'x'), "text/csv");
    ASSERT_TRUE(r) << "attempt " << i << ": " << httplib::to_string(r.error());
    EXPECT_EQ(r->status, 413);
  }
}

// Issue 12: a POST with a valid cookie and Origin: http://evil.example, as
// text/plain or form-encoded with a JSON body, was accepted.
TEST_F(GuardedServerTest, CrossSiteRequestsAndWrongTypesAreRefused) {
  Start(GuardOptions{});
  httplib::Client c("127.0.0.1", port_);
  const std::string own = "http://127.0.0.1:" + std::to_string(port_);
  auto post = [&](httplib::Headers h, const std::string& type) {
    auto r = c.Post("/echo", h, "{\"a\":1}", type.c_str());
    return r ? r->status : 0;
  };
  EXPECT_EQ(post({{"Origin", own}}, "application/json"), 200);
  EXPECT_EQ(post({}, "application/json"), 200);  // not a browser
  EXPECT_EQ(post({{"Origin", "http://evil.example"}}, "application/json"), 403);
  EXPECT_EQ(post({{"Origin", "http://127.0.0.1:1"}}, "application/json"), 403);  // another port, same host
  EXPECT_EQ(post({{"Origin", "null"}}, "application/json"), 403);
  EXPECT_EQ(post({{"Sec-Fetch-Site", "same-site"}}, "application/json"), 403);
  EXPECT_EQ(post({{"Sec-Fetch-Site", "cross-site"}, {"Origin", own}}, "application/json"), 403);
  EXPECT_EQ(post({{"Sec-Fetch-Site", "same-origin"}, {"Origin", own}}, "application/json"), 200);
  EXPECT_EQ(post({{"Origin", own}}, "text/plain"), 415);
  EXPECT_EQ(post({{"Origin", own}}, "application/x-www-form-urlencoded"), 415);
  EXPECT_EQ(post({{"Origin", own}, {"Content-Encoding", "gzip"}}, "application/json"), 415);
  // An empty POST needs no type (logout), but its origin is still checked.
  auto r = c.Post("/echo", httplib::Headers{{"Origin", "http://evil.example"}}, "", "text/plain");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
}

TEST_F(GuardedServerTest, SecurityHeadersOnEveryAnswerAndNothingEscapes) {
  GuardOptions o;
  o.behind_tls = true;
  Start(o);
  httplib::Client c("127.0.0.1", port_);
  for (const char* path : {"/healthz", "/nope", "/throw"}) {
    auto r = c.Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_NE(r->get_header_value("Content-Security-Policy").find("frame-ancestors 'none'"), std::string::npos);
    EXPECT_EQ(r->get_header_value("X-Frame-Options"), "DENY");
    EXPECT_EQ(r->get_header_value("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(r->get_header_value("Referrer-Policy"), "no-referrer");
    EXPECT_NE(r->get_header_value("Strict-Transport-Security"), "");
  }
  auto r = c.Get("/throw");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_TRUE(json::parse(r->body, nullptr, false).is_object());
  // A request httplib itself refuses (bad request line) gets the headers too,
  // and a path with a byte that is not UTF-8 is answered, not fatal.
  int s = Connect(port_);
  SendAll(s, "GET /%ff HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  std::string answer = ReadAll(s);
  close(s);
  EXPECT_EQ(answer.substr(0, 12), "HTTP/1.1 404") << answer;
  s = Connect(port_);
  SendAll(s, "NONSENSE\r\n\r\n");
  answer = ReadAll(s);
  close(s);
  EXPECT_EQ(answer.substr(0, 12), "HTTP/1.1 400") << answer;
  EXPECT_NE(answer.find("X-Frame-Options: DENY"), std::string::npos);
  // An origin over https is expected behind TLS.
  auto p = c.Post("/echo", httplib::Headers{{"Origin", "https://127.0.0.1:" + std::to_string(port_)}}, "{}",
                  "application/json");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->status, 200);
  EXPECT_TRUE(Healthz());
}

int ThreadNice() {
  errno = 0;
  return getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)));
}

// A job's thread runs niced (job_priority.h) and the threads it starts (the
// engine's) inherit it; the thread that started the job keeps its priority.
TEST(JobPriority, AJobAndTheThreadsItStartsYieldToRequests) {
  const int server = ThreadNice();
  int job = -100, engine = -100;
  std::thread([&] {
    job = LowerJobPriority();
    std::thread([&] { engine = ThreadNice(); }).join();
  }).join();
  EXPECT_EQ(job, std::min(19, server + kJobNice));
  EXPECT_EQ(engine, job);
  EXPECT_EQ(ThreadNice(), server);
}

}  // namespace
}  // namespace almen
