// Test helper: a throw-away PostgreSQL server (initdb + pg_ctl from Debian's
// postgresql package) in a temporary directory on a free loopback port,
// started once per test binary and stopped at exit. As root, the server runs
// as the `postgres` user (initdb refuses root). Header-only; tests only.
#pragma once

#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

namespace almen::testing {

class TestPostgres {
 public:
  // nullptr if the PostgreSQL binaries are absent or the server did not start
  // (`why` says which).
  static TestPostgres* Get(std::string* why) {
    static std::unique_ptr<TestPostgres> instance;
    static std::string failure;
    static bool tried = false;
    if (!tried) {
      tried = true;
      auto pg = std::unique_ptr<TestPostgres>(new TestPostgres());
      if (pg->Start(&failure)) instance = std::move(pg);
    }
    if (why) *why = failure;
    return instance.get();
  }

  ~TestPostgres() { Stop(); }

  // A fresh, empty database; returns its URL.
  std::string NewDatabase() {
    static std::atomic<int> n{0};
    std::string name = "almen_test_" + std::to_string(getpid()) + "_" + std::to_string(n++);
    Run(As() + bin_ + "/psql -q -h 127.0.0.1 -p " + std::to_string(port_) + " -U postgres -c 'CREATE DATABASE " +
        name + "' postgres >/dev/null");
    return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + name;
  }

 private:
  TestPostgres() = default;

  static int Run(const std::string& cmd) { return std::system(cmd.c_str()); }
  std::string As() const { return run_as_ ? "runuser -u postgres -- " : ""; }

  static int FreePort() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      close(fd);
      return 0;
    }
    int port = ntohs(a.sin_port);
    close(fd);
    return port;
  }

  bool Start(std::string* why) {
    namespace fs = std::filesystem;
    for (const char* v : {"17", "16", "15", "14", "13"}) {
      std::string b = std::string("/usr/lib/postgresql/") + v + "/bin";
      if (fs::exists(b + "/initdb") && fs::exists(b + "/pg_ctl")) {
        bin_ = b;
        break;
      }
    }
    if (bin_.empty()) {
      *why = "PostgreSQL server binaries (initdb, pg_ctl) not installed";
      return false;
    }
    char tmpl[] = "/tmp/almen-pg-XXXXXX";
    if (!mkdtemp(tmpl)) {
      *why = "mkdtemp failed";
      return false;
    }
    dir_ = tmpl;
    run_as_ = geteuid() == 0;
    if (run_as_) {
      passwd* pw = getpwnam("postgres");
      if (!pw) {
        *why = "running as root and there is no postgres user";
        return false;
      }
      if (chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
        *why = "chown of the temp dir failed";
        return false;
      }
    }
    port_ = FreePort();
    if (Run(As() + bin_ + "/initdb -D " + dir_ + "/data -A trust -U postgres --no-sync -E UTF8 >" + dir_ +
            "/initdb.log 2>&1") != 0) {
      *why = "initdb failed (see " + dir_ + "/initdb.log)";
      return false;
    }
    if (Run(As() + bin_ + "/pg_ctl -D " + dir_ + "/data -l " + dir_ + "/server.log -w -o \"-p " +
            std::to_string(port_) + " -k " + dir_ + " -c listen_addresses=127.0.0.1 -c fsync=off\" start >/dev/null") !=
        0) {
      *why = "pg_ctl start failed (see " + dir_ + "/server.log)";
      return false;
    }
    started_ = true;
    return true;
  }

  void Stop() {
    if (started_) Run(As() + bin_ + "/pg_ctl -D " + dir_ + "/data -m immediate -w stop >/dev/null 2>&1");
    started_ = false;
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }

  std::string bin_, dir_;
  bool run_as_ = false, started_ = false;
  int port_ = 0;
};

}  // namespace almen::testing
