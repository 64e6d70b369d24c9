// WebAssembly build only (src/wasm/): abseil's hash API on the standard
// library. Debian packages abseil for the host only, and the engine needs
// just its containers and AbslHashValue, so the wasm build puts this
// directory first on its include path instead of abseil (the native build
// never sees it: it is not on its include path, and ALMEN_ABSL_COMPAT must be
// defined). absl::Hash<T> follows abseil's protocol: a type with a friend
// AbslHashValue(H, const T&) is hashed through H::combine; integers, enums,
// pointers and strings directly. The hash is for in-memory tables only (not
// stable, not a fingerprint); the containers are std::unordered_*, slower than
// abseil's but with the same semantics the engine relies on (no iteration
// order is relied upon: the native tests and the wasm golden test agree).
#pragma once

#ifndef ALMEN_ABSL_COMPAT
#error "src/wasm/compat is for the WebAssembly build only (define ALMEN_ABSL_COMPAT)"
#endif

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

namespace absl {

namespace compat_internal {

inline uint64_t Mix(uint64_t h, uint64_t v) {
  // The 64-bit finaliser of MurmurHash3 over the running state.
  uint64_t x = h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

template <typename T, typename = void>
struct HasAbslHashValue : std::false_type {};

template <typename T>
struct IsTupleLike : std::false_type {};
template <typename... Ts>
struct IsTupleLike<std::tuple<Ts...>> : std::true_type {};
template <typename A, typename B>
struct IsTupleLike<std::pair<A, B>> : std::true_type {};


}  // namespace compat_internal


namespace compat_internal {

class HashState {
 public:
  explicit HashState(uint64_t h = 0x243f6a8885a308d3ULL) : h_(h) {}
  template <typename... Ts>
  static HashState combine(HashState s, const Ts&... values) {
    (s.Add(values), ...);
    return s;
  }
  uint64_t value() const { return h_; }

 private:
  template <typename T>
  void Add(const T& v);
  uint64_t h_;
};

template <typename T>
struct HasAbslHashValue<T, std::void_t<decltype(AbslHashValue(std::declval<HashState>(), std::declval<const T&>()))>>
    : std::true_type {};

template <typename T>
void HashState::Add(const T& v) {
  if constexpr (std::is_integral_v<T> || std::is_enum_v<T>) {
    h_ = Mix(h_, static_cast<uint64_t>(v));
  } else if constexpr (std::is_pointer_v<T>) {
    h_ = Mix(h_, static_cast<uint64_t>(reinterpret_cast<uintptr_t>(v)));
  } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    h_ = Mix(h_, std::hash<std::string_view>{}(std::string_view(v)));
  } else if constexpr (IsTupleLike<T>::value) {
    std::apply([this](const auto&... parts) { (this->Add(parts), ...); }, v);
  } else if constexpr (HasAbslHashValue<T>::value) {
    h_ = AbslHashValue(HashState(h_), v).value();
  } else {
    h_ = Mix(h_, std::hash<T>{}(v));
  }
}

}  // namespace compat_internal

// absl::Hash<T>: transparent for strings (find by string_view, as abseil).
template <typename T>
struct Hash {
  size_t operator()(const T& v) const {
    return static_cast<size_t>(compat_internal::HashState::combine(compat_internal::HashState(), v).value());
  }
};
template <>
struct Hash<std::string> {
  using is_transparent = void;
  size_t operator()(std::string_view v) const { return std::hash<std::string_view>{}(v); }
};
template <>
struct Hash<std::string_view> : Hash<std::string> {};

namespace compat_internal {
template <typename K>
using DefaultEq = std::conditional_t<std::is_same_v<K, std::string> || std::is_same_v<K, std::string_view>,
                                     std::equal_to<>, std::equal_to<K>>;
}  // namespace compat_internal

}  // namespace absl
