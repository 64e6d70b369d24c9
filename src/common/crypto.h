// Hashing for almen, all from libsodium:
//  - Sha256Hex: content hashes (agreement versions, imported files).
//  - Pseudonymizer: the keyed CPR pseudonym (SipHash-2-4 with a 128-bit output,
//    keyed by a secret from configuration). The same key gives the same
//    pseudonym, so per-patient rules and later imports line up; without the
//    key the pseudonym cannot be reversed by enumerating the ~4 billion
//    possible CPR numbers. The clear CPR is never kept.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace almen {

std::string Sha256Hex(std::string_view data);

// `n` bytes from the system's cryptographic random source (libsodium; in the
// WebAssembly build getentropy, i.e. the browser's crypto.getRandomValues).
void RandomBytes(void* buf, size_t n);
// Zeroes `n` bytes in a way the compiler does not remove (key material).
void SecureZero(void* buf, size_t n);

// A password hash for users.password_hash: argon2id at libsodium's
// interactive cost (crypto_pwhash_str). `fast`: the minimum cost, for tests
// only (never in production).
StatusOr<std::string> HashPassword(std::string_view password, bool fast);

// Incremental SHA-256 for hashing several parts.
class Sha256 {
 public:
  Sha256();
  void Update(std::string_view data);
  std::string FinishHex();

 private:
  alignas(64) unsigned char state_[512];
};

struct Pseudonym {
  uint64_t hi = 0, lo = 0;
  bool operator==(const Pseudonym&) const = default;
  std::string ToHex() const;  // 32 hex digits
};

class Pseudonymizer {
 public:
  // The documented demo key (used when ALMEN_PSEUDONYM_KEY is not set and
  // production mode is off). Never use it for real data.
  static constexpr std::string_view kDemoKey = "almen-demo-key-not-for-production";

  explicit Pseudonymizer(std::string_view key);
  // From ALMEN_PSEUDONYM_KEY, else ALMEN_PSEUDONYM_KEY_FILE; in production
  // mode (ALMEN_PRODUCTION=1) a missing key is an error, otherwise the demo
  // key is used and `used_demo_key()` is true.
  static StatusOr<Pseudonymizer> FromEnvironment();
  bool used_demo_key() const { return demo_; }
  // REQUIRES: `digits` are the 10 CPR digits without the dash.
  Pseudonym Of(std::string_view digits) const;
  // A second key derived from the same secret (BLAKE2b, context
  // "almen-archive-v1"), for sealing input files kept for re-runs
  // (common/sealed.h). Independent of the pseudonym key.
  const std::array<unsigned char, 32>& archive_key() const { return archive_key_; }

 private:
  std::array<unsigned char, 16> key_{};
  std::array<unsigned char, 32> archive_key_{};
  bool demo_ = false;
};

}  // namespace almen
