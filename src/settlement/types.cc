#include "settlement/types.h"

#include <xxhash.h>

#include <cstring>

namespace almen {

std::string_view StatusName(LineStatus s) {
  switch (s) {
    case LineStatus::kAccepted: return "accepted";
    case LineStatus::kRejected: return "rejected";
    case LineStatus::kReview: return "review";
  }
  return "?";
}

std::optional<LineStatus> ParseLineStatus(std::string_view s) {
  if (s == "accepted") return LineStatus::kAccepted;
  if (s == "rejected") return LineStatus::kRejected;
  if (s == "review") return LineStatus::kReview;
  return std::nullopt;
}

std::string Key128::ToHex() const {
  static const char* kHex = "0123456789abcdef";
  std::string out(32, '0');
  for (int i = 0; i < 16; ++i) {
    out[static_cast<size_t>(i)] = kHex[(hi >> (60 - 4 * i)) & 15];
    out[static_cast<size_t>(16 + i)] = kHex[(lo >> (60 - 4 * i)) & 15];
  }
  return out;
}

std::optional<Key128> Key128::FromHex(std::string_view s) {
  if (s.size() != 32) return std::nullopt;
  Key128 k;
  for (size_t i = 0; i < 32; ++i) {
    char c = s[i];
    uint64_t v;
    if (c >= '0' && c <= '9') v = static_cast<uint64_t>(c - '0');
    else if (c >= 'a' && c <= 'f') v = static_cast<uint64_t>(c - 'a' + 10);
    else return std::nullopt;
    uint64_t& w = i < 16 ? k.hi : k.lo;
    w = (w << 4) | v;
  }
  return k;
}

Key128 ClaimKey(int provider, std::string_view claim_id) {
  XXH128_hash_t h = XXH3_128bits_withSeed(claim_id.data(), claim_id.size(), static_cast<XXH64_hash_t>(provider) + 1);
  return Key128{h.low64, h.high64};
}

uint64_t ContactKey(int provider, std::string_view contact_id) {
  uint64_t k = XXH3_64bits_withSeed(contact_id.data(), contact_id.size(), static_cast<XXH64_hash_t>(provider) + 1);
  return k ? k : 1;  // 0 means "no contact"
}

uint64_t PatientDayContactKey(int provider, const Pseudonym& patient, Date date) {
  char buf[1 + 16 + 4];
  buf[0] = '\x01';  // never equal to a contact id's bytes of the same length by construction of the tag
  std::memcpy(buf + 1, &patient.hi, 8);
  std::memcpy(buf + 9, &patient.lo, 8);
  int32_t d = date.days();
  std::memcpy(buf + 17, &d, 4);
  uint64_t k = XXH3_64bits_withSeed(buf, sizeof buf, static_cast<XXH64_hash_t>(provider) + 1);
  return k ? k : 1;
}

uint64_t PatientDayHint(int provider, const char* digits, Date date) {
  char buf[10 + 4];
  std::memcpy(buf, digits, 10);
  const int32_t d = date.days();
  std::memcpy(buf + 10, &d, 4);
  return XXH3_64bits_withSeed(buf, sizeof buf, static_cast<XXH64_hash_t>(provider) + 1);
}

uint64_t TripKey(int provider, Setting setting, std::string_view place, Date date) {
  std::string buf;
  buf.reserve(place.size() + 8);
  buf += static_cast<char>(setting);
  int32_t d = date.days();
  buf.append(reinterpret_cast<const char*>(&d), 4);
  buf += place;
  uint64_t k = XXH3_64bits_withSeed(buf.data(), buf.size(), static_cast<XXH64_hash_t>(provider) + 7);
  return k ? k : 1;
}

uint64_t CourseKey(std::string_view course_id) {
  return course_id.empty() ? 0 : XXH3_64bits(course_id.data(), course_id.size());
}

}  // namespace almen
