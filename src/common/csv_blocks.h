// Which bytes of a block of a CSV buffer are a newline, a quote, the
// delimiter or have the high bit set, as bit masks (bit i: the block's byte
// i): CsvReader's fast path reads a line a block at a time. Internal to
// csv.cc, its test, and the engine's byte count (settlement/slices.cc).
#pragma once

#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace almen {

struct CsvBlockMasks {
  uint32_t newline, quote, delim, high;
};

// Eight bytes in a word: works everywhere (the WebAssembly build).
namespace csv_blocks {
// The top bits of the bytes of `hits` (each 0x80 or 0) gathered into 8 bits.
inline uint32_t GatherTopBits(uint64_t hits) {
  return static_cast<uint32_t>(((hits >> 7) * 0x0102040810204080ULL) >> 56);
}
// 0x80 in each byte of `word` that equals c, 0 in the others (exact: no
// false hits from carries).
inline uint64_t EqualByteMask(uint64_t word, char c) {
  const uint64_t x = word ^ (0x0101010101010101ULL * static_cast<unsigned char>(c));  // a zero byte where c was
  return ~(((x & 0x7f7f7f7f7f7f7f7fULL) + 0x7f7f7f7f7f7f7f7fULL) | x) & 0x8080808080808080ULL;
}
inline uint32_t EqualBytes(uint64_t word, char c) { return GatherTopBits(EqualByteMask(word, c)); }
}  // namespace csv_blocks

inline CsvBlockMasks CsvMasks8(const char* p, char delim) {
  uint64_t w;
  std::memcpy(&w, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  w = __builtin_bswap64(w);  // byte i of the block must be byte i of the word
#endif
  using csv_blocks::EqualBytes;
  return {EqualBytes(w, '\n'), EqualBytes(w, '"'), EqualBytes(w, delim),
          csv_blocks::GatherTopBits(w & 0x8080808080808080ULL)};
}

#if defined(__SSE2__)
// Sixteen bytes with SSE2 (every x86-64).
inline CsvBlockMasks CsvMasks16(const char* p, char delim) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  auto eq = [&](char c) { return static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(c)))); };
  return {eq('\n'), eq('"'), eq(delim), static_cast<uint32_t>(_mm_movemask_epi8(v))};
}
#endif

}  // namespace almen
