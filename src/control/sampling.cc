// Audit sampling: sizes, selection and evaluation (sampling.h).
#include "control/sampling.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <random>

namespace almen::control {

namespace {

constexpr int64_t kLevels[] = {800000, 900000, 950000, 990000};

bool Supported(int64_t cl) { return std::find(std::begin(kLevels), std::end(kLevels), cl) != std::end(kLevels); }

// P(X ≤ k) for X ~ Poisson(lambda).
double PoissonCdf(int k, double lambda) {
  double term = std::exp(-lambda), sum = term;
  for (int i = 1; i <= k; ++i) {
    term *= lambda / i;
    sum += term;
  }
  return sum;
}

// Uniform in [0, bound) from the generator, without modulo bias.
uint64_t Below(std::mt19937_64& g, uint64_t bound) {
  const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  uint64_t x;
  do x = g();
  while (x >= limit);
  return x % bound;
}

int64_t Div(Int128 n, Int128 d) { return d == 0 ? 0 : RoundDiv(n, d); }

// n / d rounded half away from zero, in 128 bits. REQUIRES: d > 0.
Int128 RoundDiv128(Int128 n, Int128 d) {
  const Int128 q = n / d, r = n % d;
  if (2 * (r < 0 ? -r : r) >= d) return n < 0 ? q - 1 : q + 1;
  return q;
}

// ⌊√v⌋ of a non-negative 128-bit integer (Newton's method).
Int128 ISqrt(Int128 v) {
  if (v <= 0) return 0;
  Int128 x = static_cast<Int128>(std::sqrt(static_cast<long double>(v)));
  while (x > 0 && x * x > v) --x;
  while ((x + 1) * (x + 1) <= v) ++x;
  return x;
}

}  // namespace

Ppm PoissonFactor(int k, int64_t confidence_ppm) {
  static std::mutex mu;
  static std::map<std::pair<int, int64_t>, Ppm> cache;
  std::lock_guard lock(mu);
  auto it = cache.find({k, confidence_ppm});
  if (it != cache.end()) return it->second;
  // The λ with P(X ≤ k; λ) = 1 − CL: the CDF falls in λ.
  const double target = 1.0 - static_cast<double>(confidence_ppm) / 1e6;
  double lo = 0, hi = 10.0 + 3.0 * k;
  for (int i = 0; i < 200; ++i) {
    const double mid = (lo + hi) / 2;
    (PoissonCdf(k, mid) > target ? lo : hi) = mid;
  }
  // Rounded half away from zero to millionths: the factor's named rounding step.
  const Ppm p{static_cast<int64_t>(std::llround((lo + hi) / 2 * 1e6))};
  cache[{k, confidence_ppm}] = p;
  return p;
}

StatusOr<Ppm> ExpansionFactor(int64_t cl) {
  switch (cl) {
    case 800000: return Ppm{1300000};
    case 900000: return Ppm{1500000};
    case 950000: return Ppm{1600000};
    case 990000: return Ppm{1900000};
  }
  return UsageError("Konfidensniveauet skal være 80, 90, 95 eller 99 %.");
}

StatusOr<Ppm> NormalZ(int64_t cl) {
  switch (cl) {
    case 800000: return Ppm{841621};
    case 900000: return Ppm{1281552};
    case 950000: return Ppm{1644854};
    case 990000: return Ppm{2326348};
  }
  return UsageError("Konfidensniveauet skal være 80, 90, 95 eller 99 %.");
}

StatusOr<SampleSize> MusSampleSize(int64_t population_ore, int64_t population_lines, const SamplePlan& plan) {
  if (!Supported(plan.confidence_ppm)) return UsageError("Konfidensniveauet skal være 80, 90, 95 eller 99 %.");
  if (population_ore <= 0 || population_lines <= 0)
    return UsageError("Klinikken har ingen betalte linjer i perioden at udtage en stikprøve af.");
  if (plan.tolerable_error_ore <= 0) return UsageError("Den tålelige fejl skal være et beløb over 0 kr.");
  if (plan.expected_error_ore < 0) return UsageError("Den forventede fejl kan ikke være negativ.");
  ALMEN_ASSIGN_OR_RETURN(Ppm ef, ExpansionFactor(plan.confidence_ppm));
  // TE − EE × EF, in øre (× 10⁶ to keep the factor exact).
  const Int128 room = static_cast<Int128>(plan.tolerable_error_ore) * Ppm::kOne -
                      static_cast<Int128>(plan.expected_error_ore) * ef.value;
  if (room <= 0)
    return UsageError("Den tålelige fejl skal være større end den forventede fejl gange udvidelsesfaktoren.");
  const Ppm r0 = PoissonFactor(0, plan.confidence_ppm);
  // n = ⌈ B × R0 / (TE − EE × EF) ⌉: R0 and the room are both in millionths.
  const Int128 num = static_cast<Int128>(population_ore) * r0.value;
  Int128 n = (num + room - 1) / room;
  if (n < 1) n = 1;
  if (n > population_lines) n = population_lines;
  SampleSize s;
  s.n = static_cast<int64_t>(n);
  s.interval_ore = (population_ore + s.n - 1) / s.n;
  return s;
}

StatusOr<Selection> DrawSample(const std::vector<PopulationLine>& population, const SamplePlan& plan) {
  int64_t total = 0;
  for (const auto& l : population) total += l.amount_ore;
  ALMEN_ASSIGN_OR_RETURN(SampleSize size, MusSampleSize(total, static_cast<int64_t>(population.size()), plan));
  std::mt19937_64 g(plan.seed);
  Selection sel;
  sel.n = size.n;
  if (plan.method == "mus") {
    sel.interval_ore = size.interval_ore;
    sel.start_ore = 1 + Below(g, static_cast<uint64_t>(size.interval_ore));
    sel.strata.push_back({"all", static_cast<int64_t>(population.size()), total, 0});
    Int128 point = sel.start_ore, cum = 0;
    for (size_t i = 0; i < population.size(); ++i) {
      const Int128 from = cum;
      cum += population[i].amount_ore;
      int64_t hits = 0;
      while (point <= cum) {
        if (point > from) ++hits;
        point += size.interval_ore;
      }
      if (hits > 0) sel.lines.push_back({i, hits});
    }
    sel.strata[0].sample_size = static_cast<int64_t>(sel.lines.size());
    return sel;
  }
  if (plan.method != "stratified") return UsageError("Metoden skal være mus eller stratified.");
  std::map<std::string, std::vector<size_t>> members;
  for (size_t i = 0; i < population.size(); ++i) members[population[i].stratum].push_back(i);
  // Allocation in proportion to amount × weight (risk strata 3, other 1).
  Int128 weighted_total = 0;
  std::map<std::string, Int128> weighted;
  for (const auto& [name, idx] : members) {
    int64_t amount = 0;
    for (size_t i : idx) amount += population[i].amount_ore;
    weighted[name] = static_cast<Int128>(amount) * (name == "other" ? 1 : 3);
    weighted_total += weighted[name];
    sel.strata.push_back({name, static_cast<int64_t>(idx.size()), amount, 0});
  }
  for (Stratum& s : sel.strata) {
    int64_t nh = Div(static_cast<Int128>(size.n) * weighted[s.name], weighted_total);
    s.sample_size = std::clamp<int64_t>(nh, 1, s.lines);
  }
  for (const Stratum& s : sel.strata) {
    std::vector<size_t> idx = members[s.name];
    // A partial Fisher-Yates shuffle: the first n_h are the sample.
    for (int64_t k = 0; k < s.sample_size; ++k) {
      const size_t j = static_cast<size_t>(k) + Below(g, static_cast<uint64_t>(idx.size()) - static_cast<uint64_t>(k));
      std::swap(idx[static_cast<size_t>(k)], idx[j]);
      sel.lines.push_back({idx[static_cast<size_t>(k)], 1});
    }
  }
  sel.n = static_cast<int64_t>(sel.lines.size());
  return sel;
}

Evaluation Evaluate(const SamplePlan& plan, int64_t interval_ore, const std::vector<Stratum>& strata,
                    const std::vector<ReviewedLine>& lines) {
  Evaluation e;
  e.sample = static_cast<int64_t>(lines.size());
  for (const auto& l : lines) {
    e.sample_ore += l.amount_ore;
    if (!l.reviewed) continue;
    ++e.reviewed;
    if (l.error_ore > 0) {
      ++e.errors;
      e.error_ore += l.error_ore;
    }
  }
  e.complete = e.reviewed == e.sample;
  if (plan.method == "mus") {
    const int64_t j = interval_ore;
    const Ppm r0 = PoissonFactor(0, plan.confidence_ppm);
    e.basic_precision_ore = Div(static_cast<Int128>(j) * r0.value, Ppm::kOne);
    int64_t top = 0;
    std::vector<std::pair<Int128, int64_t>> projected;  // (tainting key e/b as e × 10⁹ / b, projection)
    for (const auto& l : lines) {
      if (!l.reviewed || l.error_ore <= 0) continue;
      if (l.amount_ore >= j) {
        top += l.error_ore;
      } else {
        projected.push_back({static_cast<Int128>(l.error_ore) * 1'000'000'000 / l.amount_ore,
                             Div(static_cast<Int128>(l.error_ore) * j, l.amount_ore)});
      }
    }
    std::sort(projected.begin(), projected.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    int64_t mle = top, upper = e.basic_precision_ore + top;
    for (size_t k = 0; k < projected.size(); ++k) {
      mle += projected[k].second;
      const int kk = static_cast<int>(std::min<size_t>(k + 1, 50));
      const int64_t step = PoissonFactor(kk, plan.confidence_ppm).value - PoissonFactor(kk - 1, plan.confidence_ppm).value;
      upper += Div(static_cast<Int128>(projected[k].second) * step, Ppm::kOne);
    }
    e.most_likely_error_ore = mle;
    e.upper_error_ore = upper;
  } else {
    int64_t point = 0;
    Int128 variance = 0;  // øre²
    for (const Stratum& s : strata) {
      Int128 b = 0, err = 0;
      int64_t nh = 0;
      for (const auto& l : lines)
        if (l.stratum == s.name && l.reviewed) {
          b += l.amount_ore;
          err += l.error_ore;
          ++nh;
        }
      const int64_t proj = Div(err * s.amount_ore, b);
      point += proj;
      if (nh >= 2 && b > 0) {
        // Σ d² with d = e − (err / b) × amount, kept exact as (e × b − err × amount) / b.
        Int128 sum = 0;
        for (const auto& l : lines)
          if (l.stratum == s.name && l.reviewed) {
            const Int128 d = static_cast<Int128>(l.error_ore) * b - err * l.amount_ore;
            sum += d * d;
          }
        const Int128 s2 = RoundDiv128(sum, b * b * (nh - 1));  // øre², rounded half away from zero
        variance += RoundDiv128(static_cast<Int128>(s.lines) * (s.lines - nh) * s2, nh);
      }
      e.strata.push_back({{"stratum", s.name},
                          {"lines", s.lines},
                          {"amount_ore", s.amount_ore},
                          {"reviewed", nh},
                          {"sample_ore", static_cast<int64_t>(b)},
                          {"error_ore", static_cast<int64_t>(err)},
                          {"projected_error_ore", proj}});
    }
    auto z = NormalZ(plan.confidence_ppm);
    e.most_likely_error_ore = point;
    e.upper_error_ore = point + (z.ok() ? Div(ISqrt(variance) * z->value, Ppm::kOne) : 0);
  }
  e.accepted = e.complete && e.upper_error_ore <= plan.tolerable_error_ore;
  return e;
}

nlohmann::json EvaluationJson(const Evaluation& e) {
  return {{"sample", e.sample},
          {"reviewed", e.reviewed},
          {"errors", e.errors},
          {"sample_ore", e.sample_ore},
          {"error_ore", e.error_ore},
          {"most_likely_error_ore", e.most_likely_error_ore},
          {"upper_error_ore", e.upper_error_ore},
          {"basic_precision_ore", e.basic_precision_ore},
          {"complete", e.complete},
          {"accepted", e.accepted},
          {"strata", e.strata}};
}

}  // namespace almen::control
