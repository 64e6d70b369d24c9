// Reading one claim file on several threads: slices at record boundaries,
// counting lines for exact error positions, releasing read pages, and writing
// the outputs of segments done on several threads in order. Internal to the
// settlement engine.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/status.h"

namespace almen::settle_internal {

struct ChunkInput {
  std::string_view text;
  int64_t first_line = 0;  // physical line of the slice's first byte (0: unknown, see Split)
};

// Splits the body of a CSV file into at most n slices at record boundaries
// (never inside a quoted field). Only the first slice knows its first
// physical line; the others get 0 (CountByte computes theirs when an error
// needs it).
std::vector<ChunkInput> Split(std::string_view body, int64_t first_line, int n);

// Splits the body into at most n slices at the first line end after each
// n-th of it, without reading what comes before (Split reads the quotes of
// everything before a split point, on one core). A line end inside a quoted
// field is not a record boundary, so the caller checks: when every slice but
// the last is read to its end without an error, each began at a record (the
// first surely, and a slice read from a record's start to a line end inside a
// quoted field ends in an unclosed quote); otherwise it splits again with Split.
std::vector<ChunkInput> SplitAtLines(std::string_view body, int64_t first_line, int n);

// Counts the bytes equal to `c` in [p, p+n).
int64_t CountByte(const char* p, size_t n, char c);

// A growing byte buffer that does not zero the room it adds: a line is
// written into reserved room and then committed.
class OutputBuffer {
 public:
  // Room for at least n more bytes at the returned pointer; Commit the end written.
  char* Reserve(size_t n) {
    if (cap_ - size_ < n) Grow(n);
    return data_.get() + size_;
  }
  void Commit(const char* end) { size_ = static_cast<size_t>(end - data_.get()); }
  void Append(std::string_view s) {
    if (s.empty()) return;  // (an empty view may have no data)
    std::memcpy(Reserve(s.size()), s.data(), s.size());
    size_ += s.size();
  }
  std::string_view view() const { return {data_.get(), size_}; }
  size_t size() const { return size_; }
  void clear() { size_ = 0; }

 private:
  void Grow(size_t n);
  std::unique_ptr<char[]> data_;
  size_t size_ = 0, cap_ = 0;
};

// Runs `work(j, worker, &out, &aux)` for the segments j = 0 … count-1 on
// `threads` threads (worker = 0 … threads-1), which take the segments in
// order, while the calling thread appends each segment's `out` to `out_path`
// and its `aux` to `aux_path` (when not empty) in segment order, after
// `head`. At most 2·threads+1 segments' outputs are held at a time. The
// first error (of `work` or of a write) ends the run.
using SegmentWork = std::function<Status(size_t j, int worker, OutputBuffer* out, OutputBuffer* aux)>;
// `written(j)`, if given, is called on the writing thread after segment j is written.
// With `direct`, `out_path` is written past the page cache where the file
// system allows it (common/file.h FileWriter).
Status RunSegmentsInOrder(size_t count, int threads, const std::string& out_path, std::string_view head,
                          const std::string& aux_path, const SegmentWork& work,
                          const std::function<void(size_t j)>& written = {}, bool direct = false);

// Drops the pages of the memory-mapped claim file that a pass has read from
// this process's resident set (they stay in the page cache), so the peak RSS
// is bounded by the engine's state and not by the size of the file.
class ReleaseBehind {
 public:
  explicit ReleaseBehind(std::string_view slice) : base_(slice.data()) {}
  void Advance(size_t done);

 private:
  static constexpr size_t kStep = 64u << 20;
  const char* base_;
  size_t released_ = 0;
};

// Releases the pages wholly inside `text` the same way (a segment read).
void ReleasePages(std::string_view text);

// Calls `report(phase, done, total, seconds)` about twice a second on a
// thread of its own, from a byte count the passes add to, until destroyed.
// Without `report` it starts no thread and Add costs an untaken branch.
class ProgressReporter {
 public:
  using Report = std::function<void(std::string_view phase, int64_t done, int64_t total, double seconds)>;
  ProgressReporter(Report report, int64_t total);
  ~ProgressReporter();
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;
  // A new phase (its name a string literal): the byte count starts again.
  void Phase(const char* name);
  void Add(int64_t bytes) {
    if (on_) done_.fetch_add(bytes, std::memory_order_relaxed);
  }

 private:
  void Loop();
  Report report_;
  const bool on_;
  const int64_t total_;
  const std::chrono::steady_clock::time_point start_;
  std::atomic<const char*> phase_{"start"};
  std::atomic<int64_t> done_{0};
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

// Calls f(t, begin, end) for up to `threads` contiguous ranges t of [0, n),
// each on its own thread (the first on the calling thread), and waits for all.
// The ranges split `n` evenly; f must write only what belongs to its range.
template <typename F>
void ForRanges(size_t n, int threads, F&& f) {
  const size_t t_count = std::max<size_t>(1, std::min<size_t>(static_cast<size_t>(std::max(threads, 1)), n));
  auto bound = [&](size_t t) { return n * t / t_count; };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < t_count; ++t) pool.emplace_back([&, t] { f(t, bound(t), bound(t + 1)); });
  f(size_t{0}, bound(0), bound(1));
  for (auto& th : pool) th.join();
}

// Phase timings on stderr when ALMEN_TIMING=1 (for docs/performance.md).
class PhaseTimer {
 public:
  PhaseTimer();
  void Mark(const char* phase);
  // A size beside the timings (events, contacts, …), when they are on.
  void Count(const char* what, int64_t n) const;

 private:
  bool on_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace almen::settle_internal
