#include "common/ydernummer.h"

#include <cstdio>

namespace almen {

std::optional<int> ParseYdernummer(std::string_view text) {
  if (text.size() != 6) return std::nullopt;
  int v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::string YdernummerText(int provider) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%06d", provider);
  return buf;
}

}  // namespace almen
