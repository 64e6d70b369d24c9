// Resumable uploads (resumable.h, issue 14 item 4): a claims file sent in
// pieces, one of them cut off by a dropped connection, resumed at the offset
// the server reports, compressed with zstd, and settled from its id; the
// upload is the user's own and goes when it is settled. In-process server on
// SQLite with the fake pipeline of testing_server.h.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zstd.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "server/resumable.h"
#include "server/testing_server.h"

namespace almen {
namespace {

using json = nlohmann::json;

std::string Zstd(const std::string& in) {
  std::string out(ZSTD_compressBound(in.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3));
  return out;
}

// Sends `head` and then `part` of a body on its own connection, and closes it
// (a client whose connection dropped mid-body).
void SendAndDrop(int port, const std::string& head, const std::string& part) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  (void)send(s, head.data(), head.size(), MSG_NOSIGNAL);
  (void)send(s, part.data(), part.size(), MSG_NOSIGNAL);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  close(s);
}

class ResumableTest : public testing::InProcessServerTest {
 protected:
  ResumableTest() : InProcessServerTest("resumable-test") {}

  std::pair<int, json> Patch(const std::string& cookie, const std::string& id, uint64_t offset,
                             const std::string& bytes) {
    auto r = Client().Patch(("/api/uploads/" + id).c_str(),
                            httplib::Headers{{"Cookie", cookie}, {"Upload-Offset", std::to_string(offset)}}, bytes,
                            "application/octet-stream");
    if (!r) return {0, json()};
    return {r->status, json::parse(r->body, nullptr, false)};
  }
};

TEST_P(ResumableTest, APieceCutOffIsResumedAndTheFileSettledFromItsId) {
  const std::string rltn = Login("rltn");
  std::string claims = "claim_id,provider,cpr,service_date,code\n";
  for (int i = 0; i < 200; ++i)
    claims += "res" + std::to_string(i) + ",111111,0101801234,2025-0" + std::to_string(1 + i % 9) + "-02,0101\n";
  const std::string sent = Zstd(claims);
  ASSERT_GT(sent.size(), 100u);

  json up = Post(rltn, "/api/uploads", {{"field", "claims"}, {"name", "claims.csv.zst"}}, 201);
  const std::string id = up["id"];
  EXPECT_EQ(id.size(), 32u);
  EXPECT_EQ(up["offset"], 0);
  EXPECT_EQ(up["name"], "claims.csv.zst");

  // The first piece; then a piece sent at the wrong offset is refused with where to go on.
  const size_t first = sent.size() / 3;
  auto [s1, r1] = Patch(rltn, id, 0, sent.substr(0, first));
  ASSERT_EQ(s1, 200) << r1.dump();
  EXPECT_EQ(r1["offset"], first);
  auto [s2, r2] = Patch(rltn, id, 0, sent.substr(0, first));
  EXPECT_EQ(s2, 409) << r2.dump();
  EXPECT_EQ(r2["offset"], first);

  // The next piece announced whole, but the connection drops after 10 bytes:
  // what arrived is kept.
  const std::string rest = sent.substr(first);
  SendAndDrop(port_,
              "PATCH /api/uploads/" + id + " HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + rltn +
                  "\r\nContent-Type: application/octet-stream\r\nUpload-Offset: " + std::to_string(first) +
                  "\r\nContent-Length: " + std::to_string(rest.size()) + "\r\n\r\n",
              rest.substr(0, 10));
  uint64_t offset = 0;
  for (int i = 0; i < 100; ++i) {
    json info = GetJson(rltn, "/api/uploads/" + id);
    offset = info["offset"].get<uint64_t>();
    if (offset == first + 10) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(offset, first + 10);
  auto [s3, r3] = Patch(rltn, id, offset, sent.substr(offset));
  ASSERT_EQ(s3, 200) << r3.dump();
  EXPECT_EQ(r3["offset"], sent.size());

  // Another role may not touch it; settled from its id, it is gone.
  EXPECT_EQ(GetJson(Login("region-hovedstaden"), "/api/uploads/" + id, 403).is_object(), true);
  json started = Post(rltn, "/api/settlements", {{"uploads", {{"claims", id}}}}, 202);
  json job = WaitForJob(rltn, started["job_id"].get<int64_t>());
  ASSERT_EQ(job["state"], "done") << job.dump();
  EXPECT_EQ(job["lines"], 200);
  EXPECT_EQ(job["files"][0]["compression"], "zstd");
  GetJson(rltn, "/api/uploads/" + id, 404);
  // An id that is not (or no longer) an upload of this user.
  json refused = Post(rltn, "/api/settlements", {{"uploads", {{"claims", id}}}}, 404);
  EXPECT_NE(refused.dump().find("findes ikke"), std::string::npos) << refused.dump();
}

TEST_P(ResumableTest, APieceBeyondTheLimitOrAnUnknownFieldIsRefused) {
  const std::string rltn = Login("rltn");
  Post(rltn, "/api/uploads", {{"field", "passwords"}}, 400);
  json up = Post(rltn, "/api/uploads", {{"field", "providers"}}, 201);
  auto [s, r] = Patch(rltn, up["id"], 0, "provider,name\n");
  EXPECT_EQ(s, 200) << r.dump();
  auto c = Client();
  auto missing = c.Patch(("/api/uploads/" + up["id"].get<std::string>()).c_str(), httplib::Headers{{"Cookie", rltn}},
                         "x", "application/octet-stream");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 400) << missing->body;  // no Upload-Offset
  // Delivered as claims, it is refused: it was created for providers.
  Post(rltn, "/api/settlements", {{"uploads", {{"claims", up["id"]}}}}, 400);
  auto del = c.Delete(("/api/uploads/" + up["id"].get<std::string>()).c_str(), httplib::Headers{{"Cookie", rltn}});
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 200);
}

INSTANTIATE_TEST_SUITE_P(Backends, ResumableTest, ::testing::Values("sqlite"),
                         [](const auto& p) { return p.param; });

// The store on its own: uploads are their user's, at most kMaxPerUser at once.
TEST(ResumableUploadsTest, UploadsAreTheirUsersAndLimitedPerUser) {
  const auto root = std::filesystem::temp_directory_path() / ("almen-resumable-" + std::to_string(getpid()));
  struct Cleanup {
    std::filesystem::path p;
    ~Cleanup() { std::filesystem::remove_all(p); }
  } cleanup{root};
  auto work = WorkDir::Open(root.string());
  ASSERT_TRUE(work.ok()) << work.status().message();
  ResumableUploads ups(work->get(), {"claims"}, 100);
  auto a = ups.Create("alice", "claims", "a.csv");
  ASSERT_TRUE(a.ok());
  const std::string id = (*a)["id"];
  EXPECT_EQ(ups.Info("bob", id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ups.Remove("bob", id).code(), StatusCode::kNotFound);
  auto feed = [](std::string s) {
    return [s](const std::function<bool(const char*, size_t)>& sink) { return sink(s.data(), s.size()); };
  };
  EXPECT_EQ(ups.Append("bob", id, 0, feed("x")).status().code(), StatusCode::kNotFound);
  auto n = ups.Append("alice", id, 0, feed(std::string(60, 'x')));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 60u);
  // Past the 100-byte limit: refused, and the offset stays where it was.
  EXPECT_EQ(ups.Append("alice", id, 60, feed(std::string(60, 'y'))).status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ((*ups.Info("alice", id))["offset"], 60);
  for (size_t i = 1; i < ResumableUploads::kMaxPerUser; ++i) ASSERT_TRUE(ups.Create("alice", "claims", "").ok());
  EXPECT_EQ(ups.Create("alice", "claims", "").status().code(), StatusCode::kConflict);
  EXPECT_TRUE(ups.Create("bob", "claims", "").ok());
  EXPECT_EQ(ups.PurgeIdle(), 0u);
}

}  // namespace
}  // namespace almen
