// WebAssembly build only: absl::node_hash_map as std::unordered_map (stable
// references, as abseil's; hash/hash.h says why).
#pragma once
#include <unordered_map>

#include "absl/hash/hash.h"

namespace absl {
template <typename K, typename V, typename H = Hash<K>, typename E = compat_internal::DefaultEq<K>,
          typename A = std::allocator<std::pair<const K, V>>>
using node_hash_map = std::unordered_map<K, V, H, E, A>;
}  // namespace absl
