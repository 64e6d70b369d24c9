// Small, fast, fully deterministic pseudo-random numbers for the synthetic data
// generator: splitmix64 to derive seeds, xoshiro256** for the streams.
//
// Determinism is the point: the same seed gives the same sequence on every
// platform (only integer arithmetic; Uniform01() converts 53 bits exactly).
// Independent streams come from Derive(seed, a, b): e.g. one stream per clinic
// or per patient, so work can be split over threads and still give
// byte-identical output. Not cryptographic; not thread safe (one per thread).
#pragma once

#include <cstdint>

namespace almen::gen {

__extension__ typedef unsigned __int128 Uint128;  // __extension__: silences -Wpedantic

constexpr uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// A well-mixed 64-bit key from a seed and up to two small values.
constexpr uint64_t Derive(uint64_t seed, uint64_t a, uint64_t b = 0) {
  uint64_t s = seed ^ (a * 0xD6E8FEB86659FD93ull);
  uint64_t x = SplitMix64(s);
  s = x ^ (b * 0xA0761D6478BD642Full);
  return SplitMix64(s);
}

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    uint64_t s = seed;
    for (auto& w : s_) w = SplitMix64(s);
  }
  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, n) (Lemire's multiply-high; the bias is below 2^-40 for our n).
  uint32_t Below(uint32_t n) {
    return static_cast<uint32_t>((static_cast<Uint128>(Next()) * n) >> 64);
  }
  // Uniform in [lo, hi] (inclusive).
  int Between(int lo, int hi) { return lo + static_cast<int>(Below(static_cast<uint32_t>(hi - lo + 1))); }
  // Uniform in [0, 1) with 53 bits.
  double Uniform01() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Uniform01() < p; }

 private:
  static constexpr uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace almen::gen
