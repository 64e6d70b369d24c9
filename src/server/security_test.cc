// Issue 12 regression tests against the whole server (in-process, SQLite and
// PostgreSQL; server/testing_server.h): each names what broke. The guarded
// connection handling itself is tested in guard_test.cc.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "server/testing_server.h"
#include "storage/storage.h"

namespace almen {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

std::string Gzip(const std::string& in) {
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, in.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string Zstd(const std::string& in) {
  std::string out(ZSTD_compressBound(in.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3));
  return out;
}

// A raw request on its own connection; returns everything the server sends.
std::string RawRequest(int port, const std::string& request) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return "";
  timeval tv{10, 0};
  setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  (void)send(s, request.data(), request.size(), MSG_NOSIGNAL);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = recv(s, buf, sizeof buf, 0)) > 0;) out.append(buf, static_cast<size_t>(n));
  close(s);
  return out;
}

class SecurityTest : public testing::InProcessServerTest {
 protected:
  SecurityTest() : InProcessServerTest("security-test") {}

  // Every file below the server's work directory (uploads, exports).
  std::vector<std::string> WorkFiles() {
    std::vector<std::string> out;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir_ / "work", ec); it != fs::recursive_directory_iterator();
         it.increment(ec))
      if (it->is_regular_file() && it->path().filename() != ".almen-work" &&
          !it->path().filename().string().ends_with(".lock"))
        out.push_back(it->path().string());
    return out;
  }
  std::unique_ptr<Storage> Db() {
    auto db = Storage::Open(options_.db, 1);
    EXPECT_TRUE(db.ok());
    return db.ok() ? std::move(*db) : nullptr;
  }
};

// Issue 12.1: `curl --path-as-is http://HOST/%ff` killed the process
// (type_error.316 in the request log, outside any catch).
TEST_P(SecurityTest, PercentFfPathDoesNotStopTheServer) {
  for (const char* path : {"/%ff", "/api/%ff%fe", "/api/settlements/%c3", "/%ff%ff?x=%ff"}) {
    std::string answer = RawRequest(port_, std::string("GET ") + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(answer.substr(0, 9), "HTTP/1.1 ") << path;
  }
  auto h = Client().Get("/healthz");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, 200);
}

// Issue 12.1: GET /api/audit answered 500 after one failed login with a
// non-UTF-8 user name; GET /api/settlements 500 for every role after one
// upload whose file name was not UTF-8.
TEST_P(SecurityTest, NonUtf8NamesNeverBreakListings) {
  std::string rltn = Login("rltn");
  // A login name that is not UTF-8 cannot be sent as JSON any more; a form is refused.
  auto r = Client().Post("/api/login", "username=%ff%fe&password=x", "application/x-www-form-urlencoded");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 415);
  r = Client().Post("/api/login", std::string("{\"username\":\"\xff\xfe\",\"password\":\"x\"}"), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  // Rows written before the fix (or by any other path) are answered all the same.
  {
    auto db = Db();
    auto c = db->pool().Borrow();
    if (db->dialect() == SqlDialect::kSqlite) {
      ASSERT_TRUE(c->Exec("INSERT INTO audit_log (at, username, action, detail) VALUES ('2025-01-01T00:00:00Z', $1, "
                          "'login.failed', $2)",
                          {std::string("\xff\xfe=cmd"), std::string("\xc3")})
                      .ok());
    }
  }
  EXPECT_EQ(GetJson(rltn, "/api/audit")["rows"].size() > 0, true);
  auto csv = Get(rltn, "/api/audit?format=csv");
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->status, 200);
  auto xlsx = Get(rltn, "/api/audit?format=xlsx");
  ASSERT_TRUE(xlsx);
  EXPECT_EQ(xlsx->status, 200);
  // An upload whose file name is not UTF-8.
  httplib::MultipartFormDataItems items = {
      {"claims", "claim_id,provider,cpr,service_date,code\nn1,111111,0101801234,2025-04-02,0101\n",
       "b\xf8rn-\xff.csv", "text/csv"}};
  auto up = Client().Post("/api/settlements", httplib::Headers{{"Cookie", rltn}}, items);
  ASSERT_TRUE(up);
  ASSERT_EQ(up->status, 202) << up->body;
  json job = WaitForJob(rltn, json::parse(up->body)["job_id"].get<int64_t>());
  EXPECT_EQ(job["state"], "done") << job.dump();
  for (const char* user : {"rltn", "plo", "region-hovedstaden", "klinik-111111"}) {
    json runs = GetJson(Login(user), "/api/settlements");
    EXPECT_FALSE(runs["rows"].empty()) << user;
  }
  bool shown = false;
  const json runs = GetJson(rltn, "/api/settlements");
  for (const auto& row : runs["rows"]) shown |= row["claims_name"] == "b\xEF\xBF\xBDrn-\xEF\xBF\xBD.csv";
  EXPECT_TRUE(shown) << runs.dump();
}

// Issue 12.7: user text starting with =, +, -, @ reached the CSV exports as is.
TEST_P(SecurityTest, CsvExportsNeutraliseFormulas) {
  std::string rltn = Login("rltn");
  auto r = Client().Post("/api/login", json{{"username", "=HYPERLINK(\"http://evil\")"}, {"password", "x"}}.dump(),
                         "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  auto csv = Get(rltn, "/api/audit?format=csv");
  ASSERT_TRUE(csv);
  EXPECT_NE(csv->body.find("'=HYPERLINK"), std::string::npos);
  EXPECT_EQ(csv->body.find(",=HYPERLINK"), std::string::npos);
  EXPECT_EQ(csv->body.find(",\"=HYPERLINK"), std::string::npos);
}

// Issue 12.8: a 20-digit id in a path was a 500 (std::stoll), not a 400.
TEST_P(SecurityTest, HugeIdsAreBadInput) {
  std::string rltn = Login("rltn");
  for (const char* path : {"/api/settlements/99999999999999999999", "/api/jobs/99999999999999999999",
                           "/api/reruns/99999999999999999999", "/api/pool/applications/99999999999999999999"})
    GetJson(rltn, path, 400);
  Post(rltn, "/api/sharing/blocks/99999999999999999999/revoke", json::object(), 400);
}

// Issue 12.3: no throttling (100 wrong passwords in 13,6 s, then the right one
// worked); every failed attempt added an audit row.
TEST_P(SecurityTest, LoginIsThrottledAndFailuresAreAggregated) {
  auto login = [&](const std::string& user, const std::string& password) {
    auto r = Client().Post("/api/login", json{{"username", user}, {"password", password}}.dump(), "application/json");
    return r ? r->status : 0;
  };
  for (int i = 0; i < 5; ++i) EXPECT_EQ(login("plo", "wrong"), 401);
  // Now even the right password waits (backoff), and says for how long.
  auto r = Client().Post("/api/login", json{{"username", "plo"}, {"password", "plo"}}.dump(), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 429);
  EXPECT_NE(r->get_header_value("Retry-After"), "");
  // Other users are not affected by plo's failures (until the address's own limit).
  EXPECT_EQ(login("rltn", "rltn"), 200);
  // Unknown names: the same answer as a wrong password.
  EXPECT_EQ(login("nobody-" + std::to_string(getpid()), "x"), 401);
  std::string rltn = Login("rltn");
  int failed_rows = 0;
  const json audit = GetJson(rltn, "/api/audit?limit=1000");
  for (const auto& row : audit["rows"]) failed_rows += row["action"] == "login.failed";
  EXPECT_EQ(failed_rows, 2);  // plo once (aggregated) and the unknown name
}

// Issue 12.8: expired sessions were never purged.
TEST_P(SecurityTest, ExpiredSessionsArePurgedAtStart) {
  Login("rltn");
  {
    auto db = Db();
    auto c = db->pool().Borrow();
    ASSERT_TRUE(c->Exec("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) SELECT 'old', id, "
                        "'2020-01-01T00:00:00Z', '2020-01-01T12:00:00Z' FROM users WHERE username = 'rltn'")
                    .ok());
  }
  Stop();
  Start();
  auto db = Db();
  auto c = db->pool().Borrow();
  auto rows = c->Query("SELECT COUNT(*) FROM sessions WHERE token_hash = 'old'");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].Int(0), 0);
  EXPECT_EQ(Client().Get("/api/me", httplib::Headers{{"Cookie", Login("rltn")}})->status, 200);
}

// Issue 12.4: cookie without Secure; no CSP, no X-Frame-Options.
TEST_P(SecurityTest, HeadersAndSecureCookieBehindTls) {
  auto page = Client().Get("/");
  ASSERT_TRUE(page);
  EXPECT_NE(page->get_header_value("Content-Security-Policy").find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(page->get_header_value("X-Frame-Options"), "DENY");
  auto api = Client().Get("/api/me");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 401);
  EXPECT_EQ(api->get_header_value("Cache-Control"), "no-store");
  auto r = Client().Post("/api/login", json{{"username", "rltn"}, {"password", "rltn"}}.dump(), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->get_header_value("Set-Cookie").find("Secure"), std::string::npos);
  options_.behind_tls = true;
  Start();
  r = Client().Post("/api/login", json{{"username", "rltn"}, {"password", "rltn"}}.dump(), "application/json");
  ASSERT_TRUE(r);
  EXPECT_NE(r->get_header_value("Set-Cookie").find("; Secure"), std::string::npos);
  // Behind TLS the page's origin is https.
  auto post = Client().Post("/api/logout",
                            httplib::Headers{{"Cookie", r->get_header_value("Set-Cookie").substr(0, r->get_header_value("Set-Cookie").find(';'))},
                                             {"Origin", "http://127.0.0.1:" + std::to_string(port_)}},
                            "", "text/plain");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 403);
}

// Issue 12.4: a cross-site POST with a valid cookie was accepted.
TEST_P(SecurityTest, CrossSitePostsWithACookieAreRefused) {
  std::string clinic = Login("klinik-111111");
  const std::string body = json{{"cpr", "0101801234"}}.dump();
  for (const auto& [header, value] : std::vector<std::pair<std::string, std::string>>{
           {"Origin", "http://evil.example"}, {"Origin", "http://127.0.0.1:1"}, {"Sec-Fetch-Site", "cross-site"}}) {
    auto r = Client().Post("/api/sharing/blocks", httplib::Headers{{"Cookie", clinic}, {header, value}}, body,
                           "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403) << header << ": " << value;
  }
  for (const char* type : {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"}) {
    auto r = Client().Post("/api/sharing/blocks", httplib::Headers{{"Cookie", clinic}}, body, type);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 415) << type;
  }
  EXPECT_EQ(GetJson(Login("rltn"), "/api/sharing/blocks")["rows"].size(), 0u);
}

// Issue 12.2: bodies up to 4 GiB were read into memory before the session
// was checked.
TEST_P(SecurityTest, LargeBodiesAreRefusedBeforeTheyAreRead) {
  std::string answer = RawRequest(port_, "POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                         "Content-Length: 524288000\r\n\r\n{");
  EXPECT_EQ(answer.substr(0, 12), "HTTP/1.1 413") << answer;
  answer = RawRequest(port_, "POST /api/settlements HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\n"
                             "Content-Length: 2147483648\r\n\r\nclaim_id");
  EXPECT_EQ(answer.substr(0, 12), "HTTP/1.1 401") << answer;
  std::string rltn = Login("rltn");
  answer = RawRequest(port_, "POST /api/sharing/blocks HTTP/1.1\r\nHost: x\r\nCookie: " + rltn +
                                 "\r\nContent-Type: application/json\r\nContent-Length: 70000\r\n\r\n{");
  EXPECT_EQ(answer.substr(0, 12), "HTTP/1.1 413") << answer;
}

// Issue 12.2: uploads stream to disk; gzip and zstd files are decompressed on
// the way; progress in bytes is on the job; the folder goes with the job.
TEST_P(SecurityTest, CompressedUploadsStreamToDiskAndLeaveNothing) {
  std::string rltn = Login("rltn");
  std::string claims = "claim_id,provider,cpr,service_date,code\n";
  for (int i = 0; i < 2000; ++i) claims += "z" + std::to_string(i) + ",111111,0101801234,2025-05-02,0101\n";
  httplib::MultipartFormDataItems items = {{"claims", Gzip(claims), "claims.csv.gz", "application/gzip"},
                                           {"providers", Zstd("provider,name,municipality_code,clinic_type,"
                                                              "capacities,lto,valid_from,valid_to\n"
                                                              "111111,Lægerne i Valby,0101,ordinary,2,0,2020-01-01,\n"),
                                            "providers.csv.zst", "application/zstd"}};
  auto up = Client().Post("/api/settlements", httplib::Headers{{"Cookie", rltn}}, items);
  ASSERT_TRUE(up);
  ASSERT_EQ(up->status, 202) << up->body;
  json job = WaitForJob(rltn, json::parse(up->body)["job_id"].get<int64_t>());
  EXPECT_EQ(job["state"], "done") << job.dump();
  EXPECT_EQ(job["lines"], 2000);
  EXPECT_EQ(job["bytes_written"].get<int64_t>(),
            static_cast<int64_t>(claims.size()) + job["files"][1]["bytes"].get<int64_t>());
  EXPECT_EQ(job["files"][0]["bytes"].get<int64_t>(), static_cast<int64_t>(claims.size()));
  EXPECT_LT(job["bytes_received"].get<int64_t>(), job["bytes_written"].get<int64_t>());
  ASSERT_EQ(job["files"].size(), 2u);
  EXPECT_EQ(job["files"][0]["name"], "claims.csv");
  EXPECT_EQ(job["files"][0]["compression"], "gzip");
  EXPECT_EQ(job["files"][1]["compression"], "zstd");
  // A raw body sent with Content-Encoding: gzip (decoded by the HTTP layer).
  std::string more = "claim_id,provider,cpr,service_date,code\ny1,111111,0101801234,2025-05-03,0101\n";
  auto raw = Client().Post("/api/settlements?name=more.csv", httplib::Headers{{"Cookie", rltn}, {"Content-Encoding", "gzip"}},
                           Gzip(more), "text/csv");
  ASSERT_TRUE(raw);
  ASSERT_EQ(raw->status, 202) << raw->body;
  EXPECT_EQ(WaitForJob(rltn, json::parse(raw->body)["job_id"].get<int64_t>())["state"], "done");
  bool listed = false;
  const json jobs = GetJson(rltn, "/api/jobs");
  for (const auto& j : jobs["rows"]) listed |= j["id"] == job["id"];
  EXPECT_TRUE(listed);
  // A file that is refused leaves nothing either.
  auto bad = Client().Post("/api/settlements", httplib::Headers{{"Cookie", rltn}}, std::string("claim_id\n\"x\n"),
                           "text/csv");
  ASSERT_TRUE(bad);
  if (bad->status == 202) WaitForJob(rltn, json::parse(bad->body)["job_id"].get<int64_t>());
  EXPECT_TRUE(WorkFiles().empty()) << WorkFiles().front();
}

TEST_P(SecurityTest, DecompressionBombsAreRefused) {
  options_.max_upload_bytes = 1 << 20;  // decompressed: 4 MiB
  Start();
  std::string rltn = Login("rltn");
  std::string bomb = "claim_id,provider,cpr,service_date,code\n" + std::string(64 << 20, 'a');
  httplib::MultipartFormDataItems items = {{"claims", Gzip(bomb), "claims.csv.gz", "application/gzip"}};
  auto up = Client().Post("/api/settlements", httplib::Headers{{"Cookie", rltn}}, items);
  ASSERT_TRUE(up);
  EXPECT_EQ(up->status, 400) << up->body;
  EXPECT_NE(up->body.find("efter udpakning"), std::string::npos) << up->body;
  EXPECT_TRUE(WorkFiles().empty());
}

// Issue 12.6: upload folders with CPR in clear were left in /tmp by a kill
// and never removed on restart.
TEST_P(SecurityTest, WhatAKilledServerLeftIsSweptAtStart) {
  Stop();
  fs::create_directories(dir_ / "work" / "run-999999-killed" / "upload-abc");
  std::ofstream(dir_ / "work" / "run-999999-killed" / "upload-abc" / "claims.csv") << "0101801234\n";
  std::ofstream(dir_ / "work" / "run-999999-killed.lock") << "";
  Start();
  EXPECT_FALSE(fs::exists(dir_ / "work" / "run-999999-killed"));
  EXPECT_TRUE(WorkFiles().empty());
}

// Issue 12.5: any clinic could revoke another clinic's patient's block (ids
// are sequential), after which /api/sharing/check answered allowed: true.
TEST_P(SecurityTest, OnlyTheOwnerRevokesABlock) {
  std::string a = Login("klinik-111111"), b = Login("klinik-222222"), region = Login("region-midtjylland"),
              rltn = Login("rltn");
  json blk = Post(a, "/api/sharing/blocks", {{"cpr", "0101801234"}}, 201);
  const std::string revoke = "/api/sharing/blocks/" + std::to_string(blk["id"].get<int64_t>()) + "/revoke";
  Post(b, revoke, json::object(), 404);
  Post(region, revoke, json::object(), 404);  // 111111 is in Hovedstaden
  json still = Post(b, "/api/sharing/check", {{"cpr", "0101801234"}, {"note_type", "journal_note"}, {"sector", "hospital"}}, 200);
  EXPECT_EQ(still["allowed"], false);
  Post(Login("region-hovedstaden"), revoke, json::object(), 200);
  json b_block = Post(b, "/api/sharing/blocks", {{"cpr", "0101801234"}}, 201);
  Post(b, "/api/sharing/blocks/" + std::to_string(b_block["id"].get<int64_t>()) + "/revoke", json::object(), 200);
  json r_block = Post(rltn, "/api/sharing/blocks", {{"cpr", "0101801234"}}, 201);
  Post(a, "/api/sharing/blocks/" + std::to_string(r_block["id"].get<int64_t>()) + "/revoke", json::object(), 404);
}

// Issue 12.5: a region could attach another region's clinic to its botilbud.
TEST_P(SecurityTest, ARegionAttachesOnlyItsOwnClinics) {
  std::string region = Login("region-hovedstaden");  // B1 (Valby, 0101) and clinic 111111 are here
  json foreign = {{"botilbud_id", "B1"}, {"provider", "222222"}, {"from_date", "2025-02-01"}};
  Post(region, "/api/bosted/attachments", foreign, 403);
  Post(region, "/api/bosted/attachments", {{"botilbud_id", "B2"}, {"provider", "111111"}, {"from_date", "2025-02-01"}},
       403);  // B2 lies in Midtjylland
  Post(region, "/api/bosted/attachments", {{"botilbud_id", "B1"}, {"provider", "111111"}, {"from_date", "2025-02-01"}},
       201);
  Post(Login("rltn"), "/api/bosted/attachments",
       {{"botilbud_id", "B2"}, {"provider", "111111"}, {"from_date", "2025-02-01"}}, 201);
}

// Issue 12.5: clinics and pool roles got national totals from /api/economy/ceilings.
TEST_P(SecurityTest, CeilingsAreScopedWithoutNationalTotals) {
  std::string rltn = Login("rltn");
  auto [st, all] = PostFile(rltn, "/api/economy/ceilings?year=2025&reference=country", "listings", "listings.csv",
                            "provider,cpr,listed_from,listed_to\n111111,2403551234,2010-01-01,\n"
                            "222222,3108424771,2000-01-01,\n333333,0502014338,2019-01-01,\n");
  ASSERT_EQ(st, 200) << all.dump();
  ASSERT_EQ(all["totals"]["clinics"], 3);
  for (const char* user : {"fond-sekretariat", "fond-bestyrelse", "udvalg-rltn-1", "kommune-0101"})
    GetJson(Login(user), "/api/economy/ceilings?year=2025", 403);
  json mine = GetJson(Login("klinik-111111"), "/api/economy/ceilings?year=2025");
  ASSERT_EQ(mine["clinics"].size(), 1u);
  EXPECT_EQ(mine["clinics"][0]["provider"], "111111");
  EXPECT_EQ(mine["totals"]["clinics"], 1);
  EXPECT_FALSE(mine.contains("reference_areas"));
  json region = GetJson(Login("region-midtjylland"), "/api/economy/ceilings?year=2025");
  ASSERT_EQ(region["clinics"].size(), 1u);
  EXPECT_EQ(region["clinics"][0]["provider"], "222222");
  EXPECT_EQ(region["totals"]["clinics"], 1);
}

// Issue 12.8: klinik-033345 could not register an employment; a sanction for
// 033345 was stored as "33345" (so the clinic did not see it).
TEST_P(SecurityTest, YdernumreKeepTheirLeadingZero) {
  {
    auto db = Db();
    auto c = db->pool().Borrow();
    ASSERT_TRUE(c->Exec("INSERT INTO users (username, password_hash, role, scope, created_at) SELECT "
                        "'klinik-033345', password_hash, 'clinic', '033345', created_at FROM users WHERE username = "
                        "'klinik-111111'")
                    .ok());
  }
  std::string clinic = Login("klinik-033345", "klinik-111111");
  Post(clinic, "/api/employments", {{"doctor_id", "L77"}, {"from_date", "2025-01-01"}}, 201);
  std::string rltn = Login("rltn");
  Post(rltn, "/api/sanctions",
       {{"doctor_id", "L78"}, {"provider", "033345"}, {"kind", "b"}, {"decided", "2025-01-01"},
        {"from_date", "2025-01-01"}, {"amount_ore", 1000}},
       201);
  json seen = GetJson(clinic, "/api/sanctions");
  ASSERT_EQ(seen["rows"].size(), 1u);
  EXPECT_EQ(seen["rows"][0]["provider"], "033345");
  json emp = GetJson(clinic, "/api/employments");
  ASSERT_EQ(emp["rows"].size(), 1u);
  EXPECT_EQ(emp["rows"][0]["provider"], "033345");
}

// Issue 12.10: after PostgreSQL restarted, every pooled connection stayed
// broken and the server answered 500/503 until it was restarted itself.
TEST_P(SecurityTest, DroppedDatabaseConnectionsAreReplaced) {
  if (GetParam() != "postgres") GTEST_SKIP() << "PostgreSQL only";
  std::string rltn = Login("rltn");
  {
    // What a restart does to the server's connections: they are cut.
    auto db = Db();
    auto c = db->pool().Borrow();
    ASSERT_TRUE(c->Query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                         "AND pid <> pg_backend_pid()")
                    .ok());
  }
  // An idle connection is probed before it is lent (after 2 s), a failed one
  // is replaced: the next requests are answered.
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  for (int i = 0; i < 6; ++i) {
    auto h = Client().Get("/healthz");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->status, 200) << i << ": " << h->body;
    EXPECT_EQ(GetJson(rltn, "/api/me")["username"], "rltn");
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, SecurityTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace almen
