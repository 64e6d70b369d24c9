// almen bench: generates N claim lines (once; reused when present) and
// settles them in a child process, reporting wall time, lines/s and the
// child's peak RSS. Performance is measured here, never asserted in tests.
#pragma once

#include <cstdint>
#include <string>

#include "agreement/agreement.h"
#include "common/status.h"

namespace almen {

struct BenchOptions {
  int64_t lines = 10'000'000;
  std::string dir;          // "" = $TMPDIR/almen-bench-<lines>
  std::string report_path;  // append a Markdown table row here
  int threads = 0;
};

Status RunBench(const Agreement& agreement, const BenchOptions& options);

}  // namespace almen
