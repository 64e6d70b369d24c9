// WebAssembly build only: absl::flat_hash_set as std::unordered_set (hash/hash.h says why).
#pragma once
#include <unordered_set>

#include "absl/hash/hash.h"

namespace absl {
template <typename K, typename H = Hash<K>, typename E = compat_internal::DefaultEq<K>,
          typename A = std::allocator<K>>
using flat_hash_set = std::unordered_set<K, H, E, A>;
}  // namespace absl
