// common/crypto.h for the WebAssembly build (src/wasm/), without libsodium,
// which Debian does not package for emscripten (docs/decisions.md, "The check
// in the browser").
//  - Sha256: FIPS 180-4 SHA-256, needed for the agreement's content hash, so
//    the page shows the same figure as `almen agreement show` and `almen check`
//    (the wasm golden test compares it with the native build's, and
//    Sha256KnownAnswers() checks the standard test vectors at start-up).
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
#include <new>

#ifndef XXH_INLINE_ALL
#define XXH_INLINE_ALL
#endif
#include <xxhash.h>

#include "common/crypto.h"

namespace almen {

namespace {

const char kHex[] = "0123456789abcdef";

struct Sha256State {
  uint32_t h[8];
  uint64_t bytes;
  unsigned char block[64];
  size_t used;
};
static_assert(sizeof(Sha256State) <= 512);

constexpr uint32_t kK[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

inline uint32_t Rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

void Compress(uint32_t* h, const unsigned char* p) {
  uint32_t w[64];
  for (int i = 0; i < 16; ++i)
    w[i] = uint32_t(p[4 * i]) << 24 | uint32_t(p[4 * i + 1]) << 16 | uint32_t(p[4 * i + 2]) << 8 | uint32_t(p[4 * i + 3]);
  for (int i = 16; i < 64; ++i) {
    uint32_t s0 = Rotr(w[i - 15], 7) ^ Rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = Rotr(w[i - 2], 17) ^ Rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
  for (int i = 0; i < 64; ++i) {
    uint32_t t1 = k + (Rotr(e, 6) ^ Rotr(e, 11) ^ Rotr(e, 25)) + ((e & f) ^ (~e & g)) + kK[i] + w[i];
    uint32_t t2 = (Rotr(a, 2) ^ Rotr(a, 13) ^ Rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    k = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  h[0] += a;
  h[1] += b;
  h[2] += c;
  h[3] += d;
  h[4] += e;
  h[5] += f;
  h[6] += g;
  h[7] += k;
}

Sha256State* State(unsigned char* raw) { return reinterpret_cast<Sha256State*>(raw); }

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
  static constexpr uint32_t kInit[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  Sha256State* s = new (state_) Sha256State{};
  std::memcpy(s->h, kInit, sizeof kInit);
}

void Sha256::Update(std::string_view d) {
  Sha256State* s = State(state_);
  const auto* p = reinterpret_cast<const unsigned char*>(d.data());
  size_t n = d.size();
  s->bytes += n;
  if (s->used > 0) {
    size_t k = std::min(n, 64 - s->used);
    std::memcpy(s->block + s->used, p, k);
    s->used += k;
    p += k;
    n -= k;
    if (s->used < 64) return;
    Compress(s->h, s->block);
    s->used = 0;
  }
  for (; n >= 64; p += 64, n -= 64) Compress(s->h, p);
  std::memcpy(s->block, p, n);
  s->used = n;
}

std::string Sha256::FinishHex() {
  Sha256State* s = State(state_);
  const uint64_t bits = s->bytes * 8;
  s->block[s->used++] = 0x80;
  if (s->used > 56) {
    std::memset(s->block + s->used, 0, 64 - s->used);
    Compress(s->h, s->block);
    s->used = 0;
  }
  std::memset(s->block + s->used, 0, 56 - s->used);
  for (int i = 0; i < 8; ++i) s->block[56 + i] = static_cast<unsigned char>(bits >> (56 - 8 * i));
  Compress(s->h, s->block);
  std::string hex;
  for (uint32_t w : s->h)
    for (int i = 28; i >= 0; i -= 4) hex.push_back(kHex[(w >> i) & 15]);
  return hex;
}

std::string Sha256Hex(std::string_view data) {
  Sha256 h;
  h.Update(data);
  return h.FinishHex();
}

StatusOr<std::string> HashPassword(std::string_view, bool) {
  return Internal("password hashing is not part of the WebAssembly build");
}

std::string Pseudonym::ToHex() const {
  std::string s(32, '0');
  for (int i = 0; i < 16; ++i) {
    s[static_cast<size_t>(15 - i)] = kHex[(hi >> (4 * i)) & 15];
    s[static_cast<size_t>(31 - i)] = kHex[(lo >> (4 * i)) & 15];
  }
  return s;
}

Pseudonymizer::Pseudonymizer(std::string_view key) {
  Sha256 h;
  h.Update("almen-cpr-wasm-v1");
  h.Update(std::string_view("\0", 1));
  h.Update(key);
  const std::string hex = h.FinishHex();
  for (size_t i = 0; i < key_.size(); ++i)
    key_[i] = static_cast<unsigned char>(std::strtoul(hex.substr(2 * i, 2).c_str(), nullptr, 16));
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

bool Sha256KnownAnswers() {
  std::string million(1000000, 'a');
  return Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" &&
         Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" &&
         Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
             "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" &&
         Sha256Hex(million) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
}

}  // namespace almen
