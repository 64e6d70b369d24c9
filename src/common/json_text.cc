#include "common/json_text.h"

#include "common/csv.h"

namespace almen {

std::string JsonText(const nlohmann::json& j, int indent) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string ValidUtf8(std::string_view s) {
  size_t bad = FindInvalidUtf8(s);
  if (bad == std::string_view::npos) return std::string(s);
  std::string out;
  out.reserve(s.size() + 8);
  while (bad != std::string_view::npos) {
    out.append(s.substr(0, bad));
    out.append("\xEF\xBF\xBD");  // U+FFFD
    // Skip the offending byte and any continuation bytes after it.
    size_t k = bad + 1;
    while (k < s.size() && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80) ++k;
    s.remove_prefix(k);
    bad = FindInvalidUtf8(s);
  }
  out.append(s);
  return out;
}

std::string CleanText(std::string_view s, size_t max_bytes) {
  std::string v = ValidUtf8(s);
  for (char& c : v)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  if (v.size() <= max_bytes) return v;
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(v[cut]) & 0xC0) == 0x80) --cut;
  v.resize(cut);
  return v;
}

}  // namespace almen
