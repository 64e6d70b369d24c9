// Pseudonym (common/crypto.h) without libsodium: its text form, shared by the
// native build and the WebAssembly check (src/wasm/), whose crypto differs.
#include <cstddef>
#include <string>

#include "common/crypto.h"

namespace almen {

std::string Pseudonym::ToHex() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(32, '0');
  for (int i = 0; i < 16; ++i) {
    s[static_cast<size_t>(15 - i)] = kHex[(hi >> (4 * i)) & 15];
    s[static_cast<size_t>(31 - i)] = kHex[(lo >> (4 * i)) & 15];
  }
  return s;
}

}  // namespace almen
