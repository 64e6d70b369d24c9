// common/crypto.h for the WebAssembly build (src/wasm/), without libsodium,
// which Debian does not package for emscripten (docs/decisions.md, "The check
// in the browser").
//  - Sha256: the module hashes one thing, the builtin agreement
//    (Agreement::LoadFiles), and that hash is computed when the module is
//    built, by Python's hashlib over the same bytes (src/wasm/CMakeLists.txt,
//    scripts/agreement-hash.py). Update collects the bytes; FinishHex gives the
//    built hash when they are the builtin agreement's, and "unknown" otherwise.
//    So the page shows the figure `almen agreement show` prints (the wasm
//    golden test compares them), and no SHA-256 is written by hand.
//  - Pseudonymizer: in the browser the claim file never leaves the machine and
//    the pseudonyms never leave the check's memory; the key is random per
//    check (RandomBytes: getentropy, i.e. the browser's crypto.getRandomValues).
//    The pseudonym is XXH3-128 of the CPR digits seeded from the key: it only
//    has to tell patients apart within one file (2^-128 collisions), not to
//    resist reversal by someone who holds stored pseudonyms (none are stored).
//  - HashPassword and the archive key are not available (the server's).
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <map>
#include <new>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#ifndef XXH_INLINE_ALL
#define XXH_INLINE_ALL
#endif
#include <xxhash.h>

#include "common/crypto.h"

namespace almen {

// The agreement compiled in (cmake/almen.cmake almen_embed_dir).
const std::vector<std::pair<std::string_view, std::string_view>>& BuiltinAgreementFiles();

namespace {

// The bytes Agreement::LoadFiles hashes for the builtin agreement: each file's
// name and content, each followed by a NUL, in name order.
const std::string& BuiltinAgreementBytes() {
  static const std::string bytes = [] {
    std::map<std::string, std::string_view> files;
    for (const auto& [name, content] : BuiltinAgreementFiles()) files[std::string(name)] = content;
    std::string b;
    for (const auto& [name, content] : files) {
      b += name;
      b.push_back('\0');
      b += content;
      b.push_back('\0');
    }
    return b;
  }();
  return bytes;
}

std::string* Collected(unsigned char* raw) { return std::launder(reinterpret_cast<std::string*>(raw)); }

}  // namespace

void RandomBytes(void* buf, size_t n) {
  auto* p = static_cast<unsigned char*>(buf);
  while (n > 0) {
    size_t k = n < 256 ? n : 256;  // getentropy's limit
    if (getentropy(p, k) != 0) std::abort();
    p += k;
    n -= k;
  }
}

void SecureZero(void* buf, size_t n) {
  volatile unsigned char* p = static_cast<volatile unsigned char*>(buf);
  while (n--) *p++ = 0;
}

Sha256::Sha256() {
  static_assert(sizeof(std::string) <= sizeof(state_));
  new (state_) std::string();
}

void Sha256::Update(std::string_view d) { Collected(state_)->append(d); }

std::string Sha256::FinishHex() {
  std::string* bytes = Collected(state_);
  const bool builtin = *bytes == BuiltinAgreementBytes();
  bytes->~basic_string();
  new (state_) std::string();
  return builtin ? ALMEN_BUILTIN_AGREEMENT_SHA256 : "unknown";
}

std::string Sha256Hex(std::string_view data) {
  Sha256 h;
  h.Update(data);
  return h.FinishHex();
}

StatusOr<std::string> HashPassword(std::string_view, bool) {
  return Internal("password hashing is not part of the WebAssembly build");
}

Pseudonymizer::Pseudonymizer(std::string_view key) {
  // The key's bytes mixed by XXH3-128 under a label, as the native build mixes
  // them by SHA-256 (it is random per check here).
  std::string labelled = "almen-cpr-wasm-v1";
  labelled.push_back('\0');
  labelled += key;
  const XXH128_hash_t h = XXH3_128bits(labelled.data(), labelled.size());
  static_assert(sizeof(h.low64) + sizeof(h.high64) == std::tuple_size_v<decltype(key_)>);
  std::memcpy(key_.data(), &h.low64, sizeof h.low64);
  std::memcpy(key_.data() + 8, &h.high64, sizeof h.high64);
  SecureZero(labelled.data(), labelled.size());
  demo_ = key == kDemoKey;
}

StatusOr<Pseudonymizer> Pseudonymizer::FromEnvironment() {
  return InvalidInput("the WebAssembly build has no configured pseudonym key: it uses a random key per check");
}

Pseudonym Pseudonymizer::Of(std::string_view digits) const {
  uint64_t seed;
  std::memcpy(&seed, key_.data(), sizeof seed);
  XXH128_hash_t h = XXH3_128bits_withSeed(digits.data(), digits.size(), seed);
  uint64_t lo;
  std::memcpy(&lo, key_.data() + 8, sizeof lo);
  Pseudonym p;
  p.hi = h.high64;
  p.lo = h.low64 ^ lo;
  return p;
}

}  // namespace almen
