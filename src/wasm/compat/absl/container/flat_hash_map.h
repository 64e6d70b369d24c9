// WebAssembly build only: absl::flat_hash_map as std::unordered_map (hash/hash.h says why).
#pragma once
#include <unordered_map>

#include "absl/hash/hash.h"

namespace absl {
template <typename K, typename V, typename H = Hash<K>, typename E = compat_internal::DefaultEq<K>,
          typename A = std::allocator<std::pair<const K, V>>>
using flat_hash_map = std::unordered_map<K, V, H, E, A>;
}  // namespace absl
