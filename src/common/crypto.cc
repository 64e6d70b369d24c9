#include "common/crypto.h"

#include <sodium.h>

#include <cstdlib>
#include <cstring>

#include "common/file.h"

namespace almen {

namespace {
void InitSodium() {
  static const int ok = sodium_init();
  (void)ok;
}
const char kHex[] = "0123456789abcdef";
}  // namespace

static_assert(sizeof(crypto_hash_sha256_state) <= 512);

StatusOr<std::string> HashPassword(std::string_view pw, bool fast) {
  InitSodium();
  char out[crypto_pwhash_STRBYTES];
  unsigned long long ops = fast ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
  size_t mem = fast ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE;
  if (crypto_pwhash_str_alg(out, pw.data(), pw.size(), ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
    return Internal("password hashing failed (out of memory)");
  return std::string(out);
}

Sha256::Sha256() {
  InitSodium();
  crypto_hash_sha256_init(reinterpret_cast<crypto_hash_sha256_state*>(state_));
}
void Sha256::Update(std::string_view d) {
  crypto_hash_sha256_update(reinterpret_cast<crypto_hash_sha256_state*>(state_),
                            reinterpret_cast<const unsigned char*>(d.data()), d.size());
}
std::string Sha256::FinishHex() {
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(reinterpret_cast<crypto_hash_sha256_state*>(state_), out);
  std::string hex;
  for (unsigned char c : out) {
    hex.push_back(kHex[c >> 4]);
    hex.push_back(kHex[c & 15]);
  }
  return hex;
}

void RandomBytes(void* buf, size_t n) {
  InitSodium();
  randombytes_buf(buf, n);
}

void SecureZero(void* buf, size_t n) { sodium_memzero(buf, n); }

std::string Sha256Hex(std::string_view data) {
  Sha256 h;
  h.Update(data);
  return h.FinishHex();
}

Pseudonymizer::Pseudonymizer(std::string_view key) {
  InitSodium();
  // Derive the 128-bit SipHash key from the configured secret of any length.
  unsigned char digest[crypto_generichash_BYTES];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                     reinterpret_cast<const unsigned char*>("almen-cpr-v1"), 12);
  std::memcpy(key_.data(), digest, key_.size());
  crypto_generichash(archive_key_.data(), archive_key_.size(), reinterpret_cast<const unsigned char*>(key.data()),
                     key.size(), reinterpret_cast<const unsigned char*>("almen-archive-v1"), 16);
  sodium_memzero(digest, sizeof digest);
  demo_ = key == kDemoKey;
}

StatusOr<Pseudonymizer> Pseudonymizer::FromEnvironment() {
  if (const char* k = std::getenv("ALMEN_PSEUDONYM_KEY"); k && *k) return Pseudonymizer(k);
  if (const char* f = std::getenv("ALMEN_PSEUDONYM_KEY_FILE"); f && *f) {
    auto content = ReadFile(f);
    if (!content.ok()) return InvalidInput("ALMEN_PSEUDONYM_KEY_FILE: " + content.status().message());
    std::string key = *content;
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' ')) key.pop_back();
    if (key.empty()) return InvalidInput("ALMEN_PSEUDONYM_KEY_FILE: the key file is empty");
    return Pseudonymizer(key);
  }
  if (const char* p = std::getenv("ALMEN_PRODUCTION"); p && std::strcmp(p, "1") == 0)
    return InvalidInput(
        "no CPR pseudonymisation key: set ALMEN_PSEUDONYM_KEY or ALMEN_PSEUDONYM_KEY_FILE (required when "
        "ALMEN_PRODUCTION=1)");
  return Pseudonymizer(kDemoKey);
}

Pseudonym Pseudonymizer::Of(std::string_view digits) const {
  unsigned char out[crypto_shorthash_siphashx24_BYTES];
  crypto_shorthash_siphashx24(out, reinterpret_cast<const unsigned char*>(digits.data()), digits.size(),
                              key_.data());
  Pseudonym p;
  std::memcpy(&p.hi, out, 8);
  std::memcpy(&p.lo, out + 8, 8);
  return p;
}

}  // namespace almen
