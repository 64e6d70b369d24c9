// almen bench: generates N claim lines in arrival order and in clinic order
// (once each; reused when present) and settles each in a child process, RUNS
// times, reporting the median wall time, lines/s and the child's peak RSS —
// arrival order first. When the DuckDB peer (bench/duckdb) is installed, each
// almen run is followed by a peer run on the same files (alternating, so a
// machine whose speed drifts charges both alike) and the peer/almen ratio is
// reported beside the figure, with whether their statements agree.
// Performance is measured here, never asserted in tests.
#pragma once

#include <cstdint>
#include <string>

#include "agreement/agreement.h"
#include "common/status.h"

namespace almen {

struct BenchOptions {
  int64_t lines = 10'000'000;
  std::string dir;          // "" = $TMPDIR/almen-bench-<lines>
  std::string report_path;  // append Markdown table rows here
  int threads = 0;
  int runs = 3;
  std::string orders = "arrival,clinic";  // which claim orders, in this order
  std::string peer = "auto";              // auto | off | the bench/duckdb directory
  std::string agreement_dir;              // --agreement given to almen (the peer reads the same CSV files)
};

Status RunBench(const Agreement& agreement, const BenchOptions& options);

}  // namespace almen
