#include "cli/bench.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include "generate/generate.h"

extern char** environ;

namespace almen {

namespace fs = std::filesystem;

namespace {

struct ChildResult {
  int exit_code = -1;
  double wall_s = 0, user_s = 0, sys_s = 0;
  long max_rss_kb = 0;
};

// Runs `program` (a path, or a name looked up in PATH) with `args` (args[0]
// is the name it sees); stdout and stderr go to `log` when given. The peak
// RSS is the child's high-water mark, which Linux starts at this process's
// RSS when posix_spawn shares its memory until exec (a few MiB here; more
// under a sanitizer).
StatusOr<ChildResult> RunChild(const std::string& program, const std::vector<std::string>& args,
                               const std::string& log = "") {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (!log.empty()) {
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
  }
  auto t0 = std::chrono::steady_clock::now();
  pid_t pid;
  const bool search = program.find('/') == std::string::npos;
  const int rc = search ? posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv.data(), environ)
                        : posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return Internal("cannot start " + program);
  int status = 0;
  struct rusage ru {};
  if (wait4(pid, &status, 0, &ru) < 0) return Internal("wait4 failed");
  ChildResult r;
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.user_s = static_cast<double>(ru.ru_utime.tv_sec) + static_cast<double>(ru.ru_utime.tv_usec) / 1e6;
  r.sys_s = static_cast<double>(ru.ru_stime.tv_sec) + static_cast<double>(ru.ru_stime.tv_usec) / 1e6;
  r.max_rss_kb = ru.ru_maxrss;
  return r;
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// The DuckDB peer's directory (bench/duckdb with its npm packages installed),
// or nullopt: --peer DIR, else next to the working directory or to the
// source tree this binary was built in (build-x/src/cli/almen → ../../..).
std::optional<fs::path> FindPeer(const std::string& option) {
  if (option == "off") return std::nullopt;
  std::vector<fs::path> candidates;
  if (option != "auto") candidates.push_back(option);
  else {
    if (const char* env = std::getenv("ALMEN_PEER_DIR")) candidates.push_back(env);
    candidates.push_back(fs::current_path() / "bench" / "duckdb");
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) candidates.push_back(exe.parent_path() / ".." / ".." / ".." / "bench" / "duckdb");
  }
  for (const fs::path& c : candidates) {
    std::error_code ec;
    if (fs::exists(c / "settle.mjs", ec) && fs::exists(c / "node_modules" / "@duckdb" / "node-api", ec))
      return fs::weakly_canonical(c, ec);
  }
  return std::nullopt;
}

bool SameFile(const std::string& a, const std::string& b) {
  std::ifstream fa(a, std::ios::binary), fb(b, std::ios::binary);
  if (!fa || !fb) return false;
  std::ostringstream sa, sb;
  sa << fa.rdbuf();
  sb << fb.rdbuf();
  return sa.str() == sb.str();
}

struct OrderResult {
  std::string order;
  std::uintmax_t bytes = 0;
  double wall_s = 0, user_s = 0, sys_s = 0, rss_mib = 0;
  bool peer = false;
  double peer_wall_s = 0, peer_cpu_s = 0, peer_rss_mib = 0, ratio = 0;
  bool peer_agrees = false;
};

}  // namespace

Status RunBench(const Agreement& agreement, const BenchOptions& options) {
  if (options.runs < 1) return UsageError("bench: --runs must be ≥ 1");
  const std::string dir = options.dir.empty()
                              ? (fs::temp_directory_path() / ("almen-bench-" + std::to_string(options.lines))).string()
                              : options.dir;
  std::vector<std::string> orders;
  {
    std::stringstream ss(options.orders);
    for (std::string o; std::getline(ss, o, ',');) {
      ALMEN_ASSIGN_OR_RETURN(ClaimOrder parsed, ParseClaimOrder(o));
      (void)parsed;
      orders.push_back(o);
    }
  }
  const std::optional<fs::path> peer = FindPeer(options.peer);
  if (options.peer != "auto" && options.peer != "off" && !peer)
    return UsageError("bench: no DuckDB peer with its npm packages in " + options.peer +
                      " (cd bench/duckdb && npm ci)");
  std::string agreement_dir = options.agreement_dir;
  if (peer && agreement_dir.empty()) agreement_dir = (*peer / ".." / ".." / "agreement" / "ok25").lexically_normal().string();
  if (!peer)
    std::fprintf(stderr, "bench: the DuckDB peer is not installed (bench/duckdb: npm ci): no peer ratio\n");

  std::vector<OrderResult> results;
  for (const std::string& order : orders) {
    const std::string base = dir + "/" + order;
    const std::string data = base + "/data";
    const std::string marker = data + "/.complete";
    if (!fs::exists(marker)) {
      std::fprintf(stderr, "bench: generating %lld claim lines in %s order into %s\n",
                   static_cast<long long>(options.lines), order.c_str(), data.c_str());
      auto t0 = std::chrono::steady_clock::now();
      GenerateOptions g;
      g.out_dir = data;
      g.lines = options.lines;
      g.seed = 42;
      ALMEN_ASSIGN_OR_RETURN(g.order, ParseClaimOrder(order));
      GenerateSummary gs;
      ALMEN_RETURN_IF_ERROR(Generate(g, &gs));
      double gen_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::fprintf(stderr, "bench: generate took %.2f s (%.0f lines/s)\n", gen_s,
                   static_cast<double>(options.lines) / gen_s);
      std::ofstream(marker) << "ok\n";
    }
    OrderResult res;
    res.order = order;
    res.bytes = fs::file_size(data + "/claims.csv");
    std::vector<std::string> args = {"almen", "settle", "--claims", data + "/claims.csv", "--providers",
                                     data + "/providers.csv", "--listings", data + "/listings.csv", "--out",
                                     base + "/out"};
    if (!options.agreement_dir.empty()) args.insert(args.begin() + 1, {"--agreement", options.agreement_dir});
    if (options.threads > 0) {
      args.push_back("--threads");
      args.push_back(std::to_string(options.threads));
    }
    std::vector<std::string> peer_args;
    if (peer) {
      peer_args = {"node", (*peer / "settle.mjs").string(), "--claims", data + "/claims.csv", "--providers",
                   data + "/providers.csv", "--listings", data + "/listings.csv", "--agreement", agreement_dir,
                   "--out", base + "/peer-out"};
      if (options.threads > 0) {
        peer_args.push_back("--threads");
        peer_args.push_back(std::to_string(options.threads));
      }
    }
    std::vector<double> wall, user, sys, rss, peer_wall, peer_cpu, peer_rss, ratios;
    for (int run = 0; run < options.runs; ++run) {
      // A previous run's outputs are removed first: replacing a 1 GB lines.csv
      // would otherwise charge its deletion to the run being measured.
      std::error_code ec;
      fs::remove_all(base + "/out", ec);
      fs::remove_all(base + "/peer-out", ec);
      // Nor does a run pay for writing back the outputs of the one before (a GB each).
      ::sync();
      ALMEN_ASSIGN_OR_RETURN(ChildResult r, RunChild("/proc/self/exe", args, base + "/settle.log"));
      if (r.exit_code != 0)
        return Internal("settle failed in the benchmark (exit " + std::to_string(r.exit_code) + ", see " + base +
                        "/settle.log)");
      wall.push_back(r.wall_s);
      user.push_back(r.user_s);
      sys.push_back(r.sys_s);
      rss.push_back(static_cast<double>(r.max_rss_kb) / 1024.0);
      std::fprintf(stderr, "bench: %s run %d: almen %.2f s, %.0f MiB", order.c_str(), run + 1, r.wall_s, rss.back());
      if (peer) {
        ::sync();
        ALMEN_ASSIGN_OR_RETURN(ChildResult p, RunChild("node", peer_args, base + "/peer.log"));
        if (p.exit_code != 0)
          return Internal("the DuckDB peer failed in the benchmark (exit " + std::to_string(p.exit_code) + ", see " +
                          base + "/peer.log)");
        peer_wall.push_back(p.wall_s);
        peer_cpu.push_back(p.user_s + p.sys_s);
        peer_rss.push_back(static_cast<double>(p.max_rss_kb) / 1024.0);
        ratios.push_back(p.wall_s / r.wall_s);
        std::fprintf(stderr, "; peer %.2f s, %.0f MiB", p.wall_s, peer_rss.back());
      }
      std::fprintf(stderr, "\n");
    }
    res.wall_s = Median(wall);
    res.user_s = Median(user);
    res.sys_s = Median(sys);
    res.rss_mib = Median(rss);
    if (peer) {
      res.peer = true;
      res.peer_wall_s = Median(peer_wall);
      res.peer_cpu_s = Median(peer_cpu);
      res.peer_rss_mib = Median(peer_rss);
      res.ratio = Median(ratios);
      res.peer_agrees = SameFile(base + "/out/statements.csv", base + "/peer-out/statements.csv");
    }
    results.push_back(res);
  }

  std::string rows;
  for (const OrderResult& r : results) {
    const double lps = static_cast<double>(options.lines) / r.wall_s;
    std::printf("order=%s lines=%lld bytes=%ju runs=%d wall_s=%.3f lines_per_s=%.0f user_s=%.2f sys_s=%.2f "
                "peak_rss_mib=%.0f",
                r.order.c_str(), static_cast<long long>(options.lines), r.bytes, options.runs, r.wall_s, lps, r.user_s,
                r.sys_s, r.rss_mib);
    if (r.peer)
      std::printf(" peer_wall_s=%.3f peer_cpu_s=%.2f peer_peak_rss_mib=%.0f peer_ratio=%.2f peer_statements=%s",
                  r.peer_wall_s, r.peer_cpu_s, r.peer_rss_mib, r.ratio, r.peer_agrees ? "identical" : "DIFFERENT");
    std::printf("\n");
    char row[640];
    char peer_cols[160] = "| – | – | – | – | – ";
    if (r.peer)
      std::snprintf(peer_cols, sizeof peer_cols, "| %.2f s | %.1f s | %.0f MiB | **%.1f×** | %s ", r.peer_wall_s,
                    r.peer_cpu_s, r.peer_rss_mib, r.ratio, r.peer_agrees ? "yes" : "NO");
    std::snprintf(row, sizeof row, "| %s | %lld | %.0f MB | %.2f s | %.0f | %.2f s | %.2f s | %.0f MiB %s| %d | %u | %s |",
                  r.order.c_str(), static_cast<long long>(options.lines), static_cast<double>(r.bytes) / 1e6, r.wall_s,
                  lps, r.user_s, r.sys_s, r.rss_mib, peer_cols, options.runs, std::thread::hardware_concurrency(),
                  agreement.version().c_str());
    rows += row;
    rows += '\n';
  }
  if (!options.report_path.empty()) {
    std::ofstream out(options.report_path, std::ios::app);
    out << rows;
  }
  for (const OrderResult& r : results)
    if (r.peer && !r.peer_agrees)
      return Internal("bench: almen and the DuckDB peer disagree on statements.csv (" + r.order +
                      " order): run scripts/bench-peer.sh for the details");
  return Status::Ok();
}

}  // namespace almen
