// Whole HTTP requests through the server's guard (server/http_guard.h): the
// request line, headers (Origin, Content-Type, Content-Length, chunked, Range,
// Expect), and the body as a JSON route, a path-id route and an upload route
// (multipart or raw, compressed or not) read it. The request is fed from
// memory to cpp-httplib's request processing; whatever it holds, the server
// answers (or closes) and nothing escapes.
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>

#include "server/http_guard.h"
#include "server/respond.h"
#include "server/upload.h"
#include "server/work_dir.h"

namespace {

// A connection whose bytes come from the fuzzer; answers go nowhere.
class MemoryStream final : public httplib::Stream {
 public:
  MemoryStream(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool is_readable() const override { return pos_ < size_; }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t n) override {
    n = std::min(n, size_ - pos_);
    std::memcpy(ptr, data_ + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char*, size_t n) override { return static_cast<ssize_t>(n); }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 40000;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 8080;
  }
  socket_t socket() const override { return 3; }
  bool done() const { return pos_ >= size_; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

class FuzzServer : public almen::GuardedServer {
 public:
  using almen::GuardedServer::GuardedServer;
  using httplib::Server::process_request;
};

FuzzServer* MakeServer() {
  static const auto* work = [] {
    auto w = almen::WorkDir::Open((std::filesystem::temp_directory_path() / "almen-fuzz-http").string());
    if (!w.ok()) __builtin_trap();
    return w->release();
  }();
  almen::GuardOptions o;
  o.max_json_body = 4096;
  auto* s = new FuzzServer(o);
  s->AcceptBody("POST", R"(/api/settlements)", almen::kBodyMultipart | almen::kBodyCsv, 1 << 16);
  s->Install([](const httplib::Request& r) { return r.get_header_value("Cookie") == "s=1"; });
  s->Post("/api/login", [](const httplib::Request& req, httplib::Response& res) {
    auto b = almen::JsonObject(req.body);
    if (!b.ok()) return almen::SendError(res, b.status());
    // Read by type, as the handlers do: value() with a default throws on another type.
    const auto u = b->find("username");
    almen::SendJson(res, {{"username", u != b->end() && u->is_string() ? u->get<std::string>() : std::string()}});
  });
  s->Put(R"(/api/things/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
    auto id = almen::PathId(req);
    if (!id.ok()) return almen::SendError(res, id.status());
    almen::SendJson(res, {{"id", *id}, {"path", req.path}});
  });
  s->Post("/api/settlements", [](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
    auto dir = work->NewDir("upload");
    if (!dir.ok()) return almen::SendError(res, dir.status());
    almen::UploadLimits limits;
    limits.max_file_bytes = limits.max_total_bytes = 1 << 18;
    almen::UploadReceiver rx(dir->path(), {"claims", "providers"}, limits);
    bool ok;
    if (req.is_multipart_form_data())
      ok = reader([&](const httplib::MultipartFormData& f) { return rx.BeginPart(f.name, f.filename); },
                  [&](const char* d, size_t n) { return rx.Write(d, n); });
    else
      ok = rx.BeginRaw("claims", req.get_param_value("name")) &&
           reader([&](const char* d, size_t n) { return rx.Write(d, n); });
    almen::Status st = rx.Finish(ok);
    if (!st.ok()) return almen::SendError(res, st);
    almen::SendJson(res, {{"files", rx.files().size()}});
  });
  s->Get(R"(/(.*))", [](const httplib::Request& req, httplib::Response& res) {
    almen::SendError(res, almen::NotFound("no page " + req.path));
  });
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static FuzzServer* server = MakeServer();
  MemoryStream strm(data, size);
  // Up to a few requests on one connection, as keep-alive would carry them.
  for (int n = 0; n < 4 && !strm.done(); ++n) {
    bool closed = false;
    if (!server->process_request(strm, n == 3, closed, nullptr) || closed) break;
  }
  return 0;
}
