#include "common/ydernummer.h"

#include <cstdio>

namespace almen {

std::string YdernummerText(int provider) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%06d", provider);
  return buf;
}

}  // namespace almen
