#include "storage/line_blocks.h"

#include "common/base64.h"

#include <zstd.h>

#include <cstring>

namespace almen {

namespace {

void PutVarint(std::string& out, uint64_t v) {
  char buf[10];
  size_t n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out.append(buf, n);
}

uint64_t ZigZag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

// A decimal claim id that prints back the same: 1–18 digits, no leading zero.
bool DecimalClaim(std::string_view s, int64_t* value) {
  if (s.empty() || s.size() > 18 || (s[0] == '0' && s.size() > 1)) return false;
  int64_t v = 0;
  for (char ch : s) {
    if (ch < '0' || ch > '9') return false;
    v = v * 10 + (ch - '0');
  }
  *value = v;
  return true;
}

struct Reader {
  const unsigned char* p;
  const unsigned char* end;
  bool ok = true;

  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p >= end) break;
      unsigned char b = *p++;
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    ok = false;
    p = end;
    return 0;
  }
  std::string_view Bytes(uint64_t n) {
    if (n > static_cast<uint64_t>(end - p)) {
      ok = false;
      p = end;
      return {};
    }
    std::string_view s(reinterpret_cast<const char*>(p), n);
    p += n;
    return s;
  }
  Reader Sub() {
    std::string_view s = Bytes(Varint());
    auto* b = reinterpret_cast<const unsigned char*>(s.data());
    return Reader{b, b + s.size()};
  }
};

Status Corrupt(const char* what) { return Internal(std::string("corrupt line block: ") + what); }

}  // namespace

uint32_t LineBlockBuilder::Intern(int field, std::string_view s) {
  if (last_[field].data() != nullptr && last_[field] == s) return last_id_[field];
  uint32_t id;
  auto it = index_.find(s);
  if (it != index_.end()) {
    id = it->second;
  } else {
    id = static_cast<uint32_t>(strings_.size());
    strings_.emplace_back(s);
    index_.emplace(strings_.back(), id);
  }
  last_[field] = strings_[id];
  last_id_[field] = id;
  return id;
}

void LineBlockBuilder::Add(int64_t seq, std::string_view claim_id, int day, std::string_view code,
                           int64_t amount_ore, std::string_view rule, std::string_view reason,
                           std::string_view paragraph, uint64_t contact,
                           int64_t quantity) {
  PutVarint(quantity_, static_cast<uint64_t>(quantity));
  char c8[8];
  std::memcpy(c8, &contact, 8);
  contact_.append(c8, 8);
  PutVarint(seq_, ZigZag(seq - last_seq_));
  last_seq_ = seq;
  day_.push_back(static_cast<char>(day));
  PutVarint(code_, Intern(0, code));
  PutVarint(amount_s_, ZigZag(amount_ore));
  PutVarint(rule_, Intern(1, rule));
  PutVarint(reason_, Intern(2, reason));
  PutVarint(paragraph_, Intern(3, paragraph));
  int64_t v = 0;
  if (DecimalClaim(claim_id, &v)) {
    PutVarint(claim_, ZigZag(v - last_claim_) << 1);
    last_claim_ = v;
  } else {
    PutVarint(claim_, (static_cast<uint64_t>(claim_id.size()) << 1) | 1);
    claim_.append(claim_id);
  }
  ++n_;
  amount_ += amount_ore;
}

std::string LineBlockBuilder::Finish(int level) const {
  std::string raw = "LB\x02";
  PutVarint(raw, static_cast<uint64_t>(n_));
  PutVarint(raw, strings_.size());
  for (const auto& s : strings_) {
    PutVarint(raw, s.size());
    raw += s;
  }
  for (const std::string* s : {&seq_, &day_, &code_, &amount_s_, &rule_, &reason_, &paragraph_, &claim_, &contact_, &quantity_}) {
    PutVarint(raw, s->size());
    raw += *s;
  }
  std::string out(ZSTD_compressBound(raw.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), raw.data(), raw.size(), level);
  // Compressing into a buffer of ZSTD_compressBound cannot fail.
  out.resize(ZSTD_isError(n) ? 0 : n);
  return out;
}

std::string LineBlockBuilder::FinishBase64(int level) const { return Base64Encode(Finish(level)); }

void LineBlockBuilder::Clear() { *this = LineBlockBuilder(); }

Status DecodeLineBlock(std::string_view frame, const std::function<void(const BlockLine&)>& fn) {
  unsigned long long size = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > (1ull << 32))
    return Corrupt("not a zstd frame");
  std::string raw(static_cast<size_t>(size), '\0');
  size_t got = ZSTD_decompress(raw.data(), raw.size(), frame.data(), frame.size());
  if (ZSTD_isError(got) || got != raw.size()) return Corrupt("zstd");
  auto* b = reinterpret_cast<const unsigned char*>(raw.data());
  Reader r{b, b + raw.size()};
  const std::string_view magic = r.Bytes(3);
  if (magic != std::string_view("LB\x01", 3) && magic != std::string_view("LB\x02", 3))
    return Corrupt("magic or version");
  const bool v2 = magic[2] == '\x02';
  const uint64_t n = r.Varint();
  const uint64_t ns = r.Varint();
  if (!r.ok || ns > raw.size()) return Corrupt("header");
  std::vector<std::string_view> strings;
  strings.reserve(static_cast<size_t>(ns));
  for (uint64_t i = 0; i < ns; ++i) strings.push_back(r.Bytes(r.Varint()));
  Reader seq = r.Sub(), day = r.Sub(), code = r.Sub(), amount = r.Sub(), rule = r.Sub(), reason = r.Sub(),
         paragraph = r.Sub(), claim = r.Sub();
  Reader contact{nullptr, nullptr}, quantity{nullptr, nullptr};
  if (v2) {
    contact = r.Sub();
    quantity = r.Sub();
    if (static_cast<uint64_t>(contact.end - contact.p) != n * 8) return Corrupt("contact stream");
  }
  if (!r.ok || n > raw.size()) return Corrupt("streams");
  auto str = [&](Reader& s, bool& ok) -> std::string_view {
    uint64_t i = s.Varint();
    if (i >= strings.size()) {
      ok = false;
      return {};
    }
    return strings[static_cast<size_t>(i)];
  };
  BlockLine l;
  int64_t last_seq = 0, last_claim = 0;
  char digits[24];
  for (uint64_t i = 0; i < n; ++i) {
    bool ok = true;
    last_seq += UnZigZag(seq.Varint());
    l.seq = last_seq;
    if (day.p >= day.end) return Corrupt("day stream");
    l.day = *day.p++;
    l.code = str(code, ok);
    l.amount_ore = UnZigZag(amount.Varint());
    l.rule = str(rule, ok);
    l.reason = str(reason, ok);
    l.paragraph = str(paragraph, ok);
    if (v2) {
      std::memcpy(&l.contact, contact.p, 8);
      contact.p += 8;
      l.quantity = static_cast<int64_t>(quantity.Varint());
      if (!quantity.ok) return Corrupt("quantity stream");
    }
    uint64_t v = claim.Varint();
    if (v & 1) {
      l.claim_id = claim.Bytes(v >> 1);
    } else {
      last_claim += UnZigZag(v >> 1);
      if (last_claim < 0) return Corrupt("claim id");
      char* e = digits + sizeof digits;
      char* p = e;
      uint64_t x = static_cast<uint64_t>(last_claim);
      do {
        *--p = static_cast<char>('0' + x % 10);
        x /= 10;
      } while (x);
      l.claim_id = std::string_view(p, static_cast<size_t>(e - p));
    }
    if (!ok || !seq.ok || !code.ok || !amount.ok || !rule.ok || !reason.ok || !paragraph.ok || !claim.ok ||
        l.day < 1 || l.day > 31)
      return Corrupt("line");
    fn(l);
  }
  return Status::Ok();
}

Status DecodeLineBlockBase64(std::string_view base64, const std::function<void(const BlockLine&)>& fn) {
  thread_local std::string frame;
  if (!Base64Decode(base64, &frame)) return Corrupt("base64");
  return DecodeLineBlock(frame, fn);
}

}  // namespace almen
