// Audit sampling of a clinic's paid lines (stikprøvekontrol; docs/control.md):
// the sample size for a stated confidence and tolerable error, a reproducible
// selection from a seed, and the estimate of the error in kroner once the
// sampled lines are reviewed.
//
// Monetary-unit sampling (MUS, "mus"): every øre paid is a sampling unit, so a
// line is selected with probability proportional to its amount.
//   n  = ⌈ B × R(0, CL) / (TE − EE × EF(CL)) ⌉    (B: paid in the population, TE:
//        tolerable error, EE: expected error, R: the Poisson upper-limit factor,
//        EF: the AICPA expansion factor), at most the number of lines;
//   J  = ⌈ B / n ⌉ (the sampling interval); a random start s in [1, J] from
//        the seed; the points s, s + J, … select the lines they fall in (a line
//        of J or more can hold several points and is always selected).
//   Evaluation (Stringer bound): a line under J with error e on amount b
//   projects e × J / b (its tainting times the interval); lines of J or more
//   count their error as it is. Most likely error = Σ projections; upper error
//   limit = R(0) × J + Σ_k projection_k × (R(k) − R(k−1)), projections by
//   falling tainting, + the errors of lines ≥ J. The population is accepted
//   when the upper limit ≤ TE.
// Stratified by risk ("stratified"): the lines fall in strata by the clinic's
//   flagged indicators (load.h); the same n is allocated in proportion to
//   each stratum's amount, a risk stratum weighing 3 and "other" 1 (at least one
//   line per stratum, at most all), and drawn without replacement in each.
//   Evaluation: per stratum the ratio estimate (Σ errors / Σ amounts in the
//   sample × the stratum's amount); the upper limit adds z(CL) × √Σ V_h, V_h =
//   N_h (N_h − n_h) s²_d / n_h with d = e − R_h b (the ratio estimator's
//   variance), 0 where n_h < 2.
//
// Confidence levels 80, 90, 95 and 99 %. The Poisson factors R(k, CL) are
// solved once (bisection on the Poisson distribution) and kept as fixed
// decimals (Ppm, rounded half away from zero); every amount is øre, rounded
// half away from zero at each named step. The random numbers are
// std::mt19937_64 from the seed with an unbiased reduction written here, so a
// seed gives the same selection on every platform.
//
// Pure functions; thread safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/date.h"
#include "common/decimal.h"
#include "common/status.h"

namespace almen::control {

// A paid line that may be sampled.
struct PopulationLine {
  int64_t run_id = 0, seq = 0;
  std::string claim_id;
  Date date;
  std::string code;
  int64_t amount_ore = 0;  // > 0
  std::string paragraph;
  std::string stratum = "other";
};

struct SamplePlan {
  std::string method = "mus";   // mus | stratified
  uint64_t seed = 0;
  int64_t confidence_ppm = 950000;
  int64_t tolerable_error_ore = 0;  // > 0
  int64_t expected_error_ore = 0;   // ≥ 0
};

// R(k, CL): the Poisson upper-limit factor for k errors at confidence CL.
// REQUIRES: CL one of the supported levels, 0 ≤ k ≤ 50.
Ppm PoissonFactor(int k, int64_t confidence_ppm);
// The expansion factor for expected errors (AICPA), or an error for an unsupported level.
StatusOr<Ppm> ExpansionFactor(int64_t confidence_ppm);
// z of the one-sided normal bound at CL.
StatusOr<Ppm> NormalZ(int64_t confidence_ppm);

struct SampleSize {
  int64_t n = 0;
  int64_t interval_ore = 0;  // J
};
// A usage error (Danish) when the plan cannot be met (TE ≤ EE × EF, no money).
StatusOr<SampleSize> MusSampleSize(int64_t population_ore, int64_t population_lines, const SamplePlan& plan);

struct SampledLine {
  size_t index = 0;  // into the population
  int64_t hits = 1;
};
struct Stratum {
  std::string name;
  int64_t lines = 0, amount_ore = 0, sample_size = 0;
};
struct Selection {
  int64_t n = 0, interval_ore = 0;
  uint64_t start_ore = 0;  // MUS: the random start
  std::vector<Stratum> strata;
  std::vector<SampledLine> lines;  // in selection order
};
// REQUIRES: population sorted in its stored order (the order matters for MUS).
StatusOr<Selection> DrawSample(const std::vector<PopulationLine>& population, const SamplePlan& plan);

// A sampled line as reviewed.
struct ReviewedLine {
  std::string stratum;
  int64_t amount_ore = 0;
  bool reviewed = false;
  int64_t error_ore = 0;  // 0 ≤ error ≤ amount
};
struct Evaluation {
  int64_t reviewed = 0, errors = 0, sample = 0;
  int64_t sample_ore = 0, error_ore = 0;          // in the sample
  int64_t most_likely_error_ore = 0;              // projected to the population
  int64_t upper_error_ore = 0;                    // at the plan's confidence
  int64_t basic_precision_ore = 0;                // MUS: R(0) × J
  bool complete = false;                          // every sampled line reviewed
  bool accepted = false;                          // upper limit ≤ tolerable error
  nlohmann::json strata = nlohmann::json::array();  // stratified: per stratum
};
Evaluation Evaluate(const SamplePlan& plan, int64_t interval_ore, const std::vector<Stratum>& strata,
                    const std::vector<ReviewedLine>& lines);
nlohmann::json EvaluationJson(const Evaluation& e);

}  // namespace almen::control
