#include "settlement/slices.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "common/csv_blocks.h"
#include "common/file.h"

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
  if (done - released_ < kStep) return;
  ReleasePages(std::string_view(base_ + released_, done - released_));
  released_ = done;
}

void ReleasePages(std::string_view text) {
  constexpr uintptr_t kPage = 4096;
  uintptr_t from = reinterpret_cast<uintptr_t>(text.data());
  uintptr_t to = from + text.size();
  from = (from + kPage - 1) & ~(kPage - 1);
  to &= ~(kPage - 1);
  if (to > from) ::madvise(reinterpret_cast<void*>(from), to - from, MADV_DONTNEED);
}

int64_t CountByte(const char* p, size_t n, char c) {
  int64_t count = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    count += __builtin_popcountll(csv_blocks::EqualByteMask(w, c));
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

std::vector<ChunkInput> SplitAtLines(std::string_view body, int64_t first_line, int n) {
  std::vector<ChunkInput> out;
  size_t start = 0;
  for (int k = 1; k <= n && start < body.size(); ++k) {
    size_t end = body.size();
    if (k < n) {
      end = std::max(start, body.size() * static_cast<size_t>(k) / static_cast<size_t>(n));
      const size_t nl = body.find('\n', end);
      end = nl == std::string_view::npos ? body.size() : nl + 1;
    }
    out.push_back({body.substr(start, end - start), k == 1 ? first_line : 0});
    start = end;
  }
  if (out.empty()) out.push_back({body, first_line});
  return out;
}

void OutputBuffer::Grow(size_t n) {
  const size_t cap = std::max({cap_ * 2, size_ + n, size_t{1} << 16});
  std::unique_ptr<char[]> bigger(new char[cap]);
  if (size_) std::memcpy(bigger.get(), data_.get(), size_);
  data_ = std::move(bigger);
  cap_ = cap;
}

namespace {

// One segment's outputs, appended to their files (`aux` may be null).
Status WriteSegment(FileWriter* out, FileWriter* aux, const OutputBuffer& text, const OutputBuffer& side) {
  ALMEN_RETURN_IF_ERROR(out->Append(text.view()));
  if (aux) ALMEN_RETURN_IF_ERROR(aux->Append(side.view()));
  return Status::Ok();
}

// RunSegmentsInOrder on `threads` ≥ 2 workers. They fill buffers from a
// small pool and hand them over; this thread writes them in segment order, so
// that writing (a copy into the page cache, serial on one file) overlaps the
// work instead of holding it up. A worker takes a buffer before a segment:
// the segment written next is always held by a worker with a buffer, so the
// pool cannot run dry.
Status WriteInOrderFromWorkers(size_t count, int threads, FileWriter* out, FileWriter* aux, const SegmentWork& work,
                               const std::function<void(size_t j)>& written) {
  struct Buffer {
    OutputBuffer text, side;
  };
  std::vector<Buffer> buffers(static_cast<size_t>(threads) * 2 + 1);
  std::vector<size_t> free_buffers;
  for (size_t b = 0; b < buffers.size(); ++b) free_buffers.push_back(b);
  std::vector<int64_t> ready(count, -1);  // segment -> its buffer, when done
  std::mutex mu;
  std::condition_variable freed, done;
  Status error;  // the first error; set under `mu`
  bool stop = false;
  std::atomic<size_t> next{0};
  auto fail = [&](Status s) {
    std::lock_guard lock(mu);
    if (error.ok()) error = std::move(s);
    stop = true;
    freed.notify_all();
    done.notify_all();
  };
  auto run = [&](int worker) {
    while (true) {
      size_t b;
      {
        std::unique_lock lock(mu);
        freed.wait(lock, [&] { return !free_buffers.empty() || stop; });
        if (stop) return;
        b = free_buffers.back();
        free_buffers.pop_back();
      }
      const size_t j = next.fetch_add(1);
      if (j >= count) {
        std::lock_guard lock(mu);
        free_buffers.push_back(b);
        freed.notify_one();
        return;
      }
      buffers[b].text.clear();
      buffers[b].side.clear();
      Status s = work(j, worker, &buffers[b].text, &buffers[b].side);
      if (!s.ok()) return fail(std::move(s));
      std::lock_guard lock(mu);
      ready[j] = static_cast<int64_t>(b);
      done.notify_all();
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(run, t);
  for (size_t j = 0; j < count; ++j) {
    size_t b;
    {
      std::unique_lock lock(mu);
      done.wait(lock, [&] { return ready[j] >= 0 || stop; });
      if (stop) break;
      b = static_cast<size_t>(ready[j]);
    }
    if (Status s = WriteSegment(out, aux, buffers[b].text, buffers[b].side); !s.ok()) {
      fail(std::move(s));
      break;
    }
    if (written) written(j);
    std::lock_guard lock(mu);
    free_buffers.push_back(b);
    freed.notify_one();
  }
  for (auto& t : pool) t.join();
  return error;
}

}  // namespace

Status RunSegmentsInOrder(size_t count, int threads, const std::string& out_path, std::string_view head,
                          const std::string& aux_path, const SegmentWork& work,
                          const std::function<void(size_t j)>& written, bool direct) {
  ALMEN_ASSIGN_OR_RETURN(FileWriter out, FileWriter::Create(out_path, direct));
  std::optional<FileWriter> aux;
  if (!aux_path.empty()) {
    ALMEN_ASSIGN_OR_RETURN(FileWriter f, FileWriter::Create(aux_path, false));
    aux.emplace(std::move(f));
  }
  FileWriter* const aux_writer = aux ? &*aux : nullptr;
  ALMEN_RETURN_IF_ERROR(out.Append(head));

  threads = std::clamp(threads, 1, static_cast<int>(std::max<size_t>(count, 1)));
  if (threads == 1) {
    // One thread (and the WebAssembly build, which has none to start): in turn.
    OutputBuffer text, side;
    for (size_t j = 0; j < count; ++j) {
      text.clear();
      side.clear();
      ALMEN_RETURN_IF_ERROR(work(j, 0, &text, &side));
      ALMEN_RETURN_IF_ERROR(WriteSegment(&out, aux_writer, text, side));
      if (written) written(j);
    }
  } else {
    ALMEN_RETURN_IF_ERROR(WriteInOrderFromWorkers(count, threads, &out, aux_writer, work, written));
  }
  ALMEN_RETURN_IF_ERROR(out.Close());
  if (aux) ALMEN_RETURN_IF_ERROR(aux->Close());
  return Status::Ok();
}

ProgressReporter::ProgressReporter(Report report, int64_t total)
    : report_(std::move(report)), on_(static_cast<bool>(report_)), total_(total), start_(std::chrono::steady_clock::now()) {
  if (on_) thread_ = std::thread([this] { Loop(); });
}

ProgressReporter::~ProgressReporter() {
  if (!on_) return;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void ProgressReporter::Phase(const char* name) {
  done_.store(0, std::memory_order_relaxed);
  phase_.store(name, std::memory_order_relaxed);
}

void ProgressReporter::Loop() {
  std::unique_lock lock(mu_);
  while (!wake_.wait_for(lock, std::chrono::milliseconds(500), [this] { return stop_; })) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    report_(phase_.load(std::memory_order_relaxed), std::min(done_.load(std::memory_order_relaxed), total_), total_,
            seconds);
  }
}

PhaseTimer::PhaseTimer() : on_(std::getenv("ALMEN_TIMING") != nullptr), last_(std::chrono::steady_clock::now()) {}

namespace {

// The process's resident memory (its own and the files it maps) and peak
// resident memory in MiB, from /proc/self/status (0 where it is not there).
struct Resident {
  long anon = 0, file = 0, peak = 0;
};
Resident ResidentMiB() {
  Resident r;
  if (std::FILE* f = std::fopen("/proc/self/status", "r")) {
    char line[128];
    while (std::fgets(line, sizeof line, f)) {
      long kb = 0;
      if (std::sscanf(line, "RssAnon: %ld kB", &kb) == 1) r.anon = kb / 1024;
      else if (std::sscanf(line, "RssFile: %ld kB", &kb) == 1) r.file = kb / 1024;
      else if (std::sscanf(line, "VmHWM: %ld kB", &kb) == 1) r.peak = kb / 1024;
    }
    std::fclose(f);
  }
  return r;
}

}  // namespace

void PhaseTimer::Mark(const char* phase) {
  if (!on_) return;
  auto now = std::chrono::steady_clock::now();
  const Resident r = ResidentMiB();
  std::fprintf(stderr, "timing: %-22s %8.3f s   memory %5ld MiB + mapped files %5ld MiB, peak %5ld MiB\n", phase,
               std::chrono::duration<double>(now - last_).count(), r.anon, r.file, r.peak);
  last_ = now;
}

void PhaseTimer::Count(const char* what, int64_t n) const {
  if (on_) std::fprintf(stderr, "count:  %-22s %12lld\n", what, static_cast<long long>(n));
}

}  // namespace almen::settle_internal
