#include "storage/claim_keys.h"

#include "common/base64.h"

#include <zstd.h>

#include <cstring>
#include <memory>

namespace almen {

uint32_t ClaimFingerprint(uint64_t key_hi) { return static_cast<uint32_t>(key_hi >> 32); }

std::string EncodeClaimKeySegment(const std::vector<uint32_t>& sorted) {
  std::string raw;
  raw.reserve(sorted.size() * 3 + 8);
  uint32_t last = 0;
  for (uint32_t v : sorted) {
    uint32_t d = v - last;
    last = v;
    while (d >= 0x80) {
      raw.push_back(static_cast<char>((d & 0x7f) | 0x80));
      d >>= 7;
    }
    raw.push_back(static_cast<char>(d));
  }
  std::string frame(ZSTD_compressBound(raw.size()), '\0');
  size_t n = ZSTD_compress(frame.data(), frame.size(), raw.data(), raw.size(), 1);
  frame.resize(ZSTD_isError(n) ? 0 : n);
  return Base64Encode(frame);
}

Status DecodeClaimKeySegment(std::string_view base64, std::vector<uint32_t>* out) {
  thread_local std::string frame;
  if (!Base64Decode(base64, &frame)) return Internal("corrupt claim-key segment: base64");
  unsigned long long size = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > (1ull << 32))
    return Internal("corrupt claim-key segment: zstd");
  thread_local std::string raw;
  raw.resize(static_cast<size_t>(size));
  // One decompression context per thread (a segment is small; the context is not).
  thread_local std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> dctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  size_t got = ZSTD_decompressDCtx(dctx.get(), raw.data(), raw.size(), frame.data(), frame.size());
  if (ZSTD_isError(got) || got != raw.size()) return Internal("corrupt claim-key segment: zstd");
  uint32_t last = 0;
  for (size_t i = 0; i < raw.size();) {
    uint32_t d = 0;
    int shift = 0;
    while (true) {
      if (i >= raw.size() || shift > 28) return Internal("corrupt claim-key segment: varint");
      unsigned char b = static_cast<unsigned char>(raw[i++]);
      d |= static_cast<uint32_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) break;
      shift += 7;
    }
    last += d;
    out->push_back(last);
  }
  return Status::Ok();
}

}  // namespace almen
