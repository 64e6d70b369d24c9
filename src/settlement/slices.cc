#include "settlement/slices.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace almen::settle_internal {

namespace {

// Counts quotes with memchr (claim files have few or none).
size_t CountQuotes(std::string_view s) {
  size_t n = 0;
  const char* p = s.data();
  const char* end = p + s.size();
  while (p < end) {
    const void* q = std::memchr(p, '"', static_cast<size_t>(end - p));
    if (!q) break;
    ++n;
    p = static_cast<const char*>(q) + 1;
  }
  return n;
}

}  // namespace

void ReleaseBehind::Advance(size_t done) {
  constexpr uintptr_t kPage = 4096;
  if (done - released_ < kStep) return;
  uintptr_t from = reinterpret_cast<uintptr_t>(base_ + released_);
  uintptr_t to = reinterpret_cast<uintptr_t>(base_ + done);
  from = (from + kPage - 1) & ~(kPage - 1);
  to &= ~(kPage - 1);
  if (to > from) ::madvise(reinterpret_cast<void*>(from), to - from, MADV_DONTNEED);
  released_ = done;
}

int64_t CountByte(const char* p, size_t n, char c) {
  int64_t count = 0;
  size_t i = 0;
  const uint64_t pattern = 0x0101010101010101ULL * static_cast<unsigned char>(c);
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    uint64_t x = w ^ pattern;  // a zero byte where w had c
    uint64_t t = ((x & 0x7f7f7f7f7f7f7f7fULL) + 0x7f7f7f7f7f7f7f7fULL) | x;
    count += __builtin_popcountll(~t & 0x8080808080808080ULL);
  }
  for (; i < n; ++i) count += p[i] == c;
  return count;
}

std::vector<ChunkInput> Split(std::string_view body, int64_t first_line, int n) {
  std::vector<ChunkInput> out;
  size_t start = 0;
  size_t quotes_before = 0;  // quotes in [0, start)
  for (int k = 1; k <= n; ++k) {
    size_t end = body.size();
    if (k < n) {
      end = std::max(start, body.size() * static_cast<size_t>(k) / static_cast<size_t>(n));
      // The quotes before the split point, block by block, each block's pages
      // dropped from the resident set behind the count (a national file's
      // first half would otherwise be resident before pass 1 starts).
      size_t q = quotes_before;
      ReleaseBehind release(body.substr(start));
      constexpr size_t kBlock = 16u << 20;
      for (size_t at = start; at < end; at += kBlock) {
        const size_t len = std::min(kBlock, end - at);
        q += CountQuotes(body.substr(at, len));
        release.Advance(at + len - start);
      }
      while (true) {
        size_t nl = body.find('\n', end);
        if (nl == std::string_view::npos) {
          end = body.size();
          break;
        }
        q += CountQuotes(body.substr(end, nl + 1 - end));
        end = nl + 1;
        if (q % 2 == 0) break;
      }
      quotes_before = q;
    }
    ChunkInput c;
    c.text = body.substr(start, end - start);
    c.first_line = k == 1 ? first_line : 0;
    out.push_back(c);
    start = end;
    if (start >= body.size() && k < n) break;
  }
  return out;
}

Status Concatenate(const std::vector<std::string>& parts, const std::string& dest) {
  int out = ::open(dest.c_str(), O_WRONLY | O_APPEND);
  if (out < 0) return Internal(dest + ": cannot append");
  for (const auto& p : parts) {
    int in = ::open(p.c_str(), O_RDONLY);
    if (in < 0) {
      ::close(out);
      return Internal(p + ": cannot read");
    }
    while (true) {
      ssize_t n = ::copy_file_range(in, nullptr, out, nullptr, 1 << 30, 0);
      if (n == 0) break;
      if (n < 0) {
        // Fall back to read/write (e.g. across file systems).
        char buf[1 << 16];
        ssize_t r;
        while ((r = ::read(in, buf, sizeof buf)) > 0)
          if (::write(out, buf, static_cast<size_t>(r)) != r) {
            ::close(in);
            ::close(out);
            return Internal(dest + ": write failed");
          }
        break;
      }
    }
    ::close(in);
    std::filesystem::remove(p);
  }
  if (::close(out) != 0) return Internal(dest + ": write failed");
  return Status::Ok();
}

PhaseTimer::PhaseTimer() : on_(std::getenv("ALMEN_TIMING") != nullptr), last_(std::chrono::steady_clock::now()) {}

void PhaseTimer::Mark(const char* phase) {
  if (!on_) return;
  auto now = std::chrono::steady_clock::now();
  std::fprintf(stderr, "timing: %-22s %8.3f s\n", phase, std::chrono::duration<double>(now - last_).count());
  last_ = now;
}

}  // namespace almen::settle_internal
