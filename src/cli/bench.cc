#include "cli/bench.h"

#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
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

StatusOr<ChildResult> RunChild(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  auto t0 = std::chrono::steady_clock::now();
  pid_t pid;
  if (posix_spawn(&pid, "/proc/self/exe", nullptr, nullptr, argv.data(), environ) != 0)
    return Internal("cannot start the settle process");
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

}  // namespace

Status RunBench(const Agreement& agreement, const BenchOptions& options) {
  std::string dir = options.dir.empty()
                        ? (fs::temp_directory_path() / ("almen-bench-" + std::to_string(options.lines))).string()
                        : options.dir;
  std::string data = dir + "/data";
  std::string marker = data + "/.complete";
  if (!fs::exists(marker)) {
    std::fprintf(stderr, "bench: generating %lld claim lines into %s\n", static_cast<long long>(options.lines),
                 data.c_str());
    auto t0 = std::chrono::steady_clock::now();
    GenerateOptions g;
    g.out_dir = data;
    g.lines = options.lines;
    g.seed = 42;
    GenerateSummary gs;
    ALMEN_RETURN_IF_ERROR(Generate(g, &gs));
    double gen_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::fprintf(stderr, "bench: generate took %.2f s (%.0f lines/s)\n", gen_s,
                 static_cast<double>(options.lines) / gen_s);
    std::ofstream(marker) << "ok\n";
  }
  std::uintmax_t bytes = fs::file_size(data + "/claims.csv");
  // A previous run's outputs are removed first: replacing a 1 GB lines.csv
  // would otherwise charge its deletion to the settle being measured.
  std::error_code ec;
  fs::remove_all(dir + "/out", ec);
  std::vector<std::string> args = {"almen",
                                   "settle",
                                   "--claims",
                                   data + "/claims.csv",
                                   "--providers",
                                   data + "/providers.csv",
                                   "--listings",
                                   data + "/listings.csv",
                                   "--out",
                                   dir + "/out"};
  if (options.threads > 0) {
    args.push_back("--threads");
    args.push_back(std::to_string(options.threads));
  }
  ALMEN_ASSIGN_OR_RETURN(ChildResult r, RunChild(args));
  if (r.exit_code != 0) return Internal("settle failed in the benchmark (exit " + std::to_string(r.exit_code) + ")");
  double lps = static_cast<double>(options.lines) / r.wall_s;
  char row[512];
  std::snprintf(row, sizeof row,
                "| %lld | %.0f MB | %.2f s | %.0f | %.2f s | %.2f s | %.0f MiB | %u | %s |",
                static_cast<long long>(options.lines), static_cast<double>(bytes) / 1e6, r.wall_s, lps, r.user_s,
                r.sys_s, static_cast<double>(r.max_rss_kb) / 1024.0, std::thread::hardware_concurrency(),
                agreement.version().c_str());
  std::printf("lines=%lld bytes=%ju wall_s=%.3f lines_per_s=%.0f user_s=%.2f sys_s=%.2f peak_rss_mib=%.0f\n",
              static_cast<long long>(options.lines), bytes, r.wall_s, lps, r.user_s, r.sys_s,
              static_cast<double>(r.max_rss_kb) / 1024.0);
  if (!options.report_path.empty()) {
    std::ofstream out(options.report_path, std::ios::app);
    out << row << "\n";
  }
  return Status::Ok();
}

}  // namespace almen
