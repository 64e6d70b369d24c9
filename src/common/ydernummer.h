// Ydernummer: a clinic's provider number under the agreement — six decimal
// digits, leading zeros included ("033345"). The engine keys providers by the
// number (an int in 0..999999); everywhere the number is text — files, the
// database, the API, messages — it is the six digits. These two functions are
// the only conversions between the two, so a leading zero cannot be lost
// (std::to_string(33345) is "33345", which is not a ydernummer).
//
// Example:
//   auto p = ParseYdernummer("033345");   // 33345
//   YdernummerText(*p);                   // "033345"
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace almen {

// Exactly six ASCII digits; nullopt otherwise (also for "33345" or " 033345").
// Inline: every claim line has one.
inline std::optional<int> ParseYdernummer(std::string_view text) {
  if (text.size() != 6) return std::nullopt;
  int v = 0;
  unsigned bad = 0;
  for (char c : text) {
    const unsigned d = static_cast<unsigned char>(c) - unsigned{'0'};
    bad |= d > 9;
    v = v * 10 + static_cast<int>(d);
  }
  if (bad) return std::nullopt;
  return v;
}

// The six-digit text of a provider number. REQUIRES: 0 <= provider <= 999999.
std::string YdernummerText(int provider);

}  // namespace almen
