// Reading one claim file on several threads: slices at record boundaries,
// counting lines for exact error positions, releasing read pages, and joining
// the per-slice outputs in order. Internal to the settlement engine.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
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

// Counts the bytes equal to `c` in [p, p+n).
int64_t CountByte(const char* p, size_t n, char c);

// Appends the files `parts` to `dest` in order and removes them.
Status Concatenate(const std::vector<std::string>& parts, const std::string& dest);

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

// Phase timings on stderr when ALMEN_TIMING=1 (for docs/performance.md).
class PhaseTimer {
 public:
  PhaseTimer();
  void Mark(const char* phase);

 private:
  bool on_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace almen::settle_internal
