#include "common/utc_time.h"

namespace almen {

std::string UtcTimestamp(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char b[32];
  std::strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return b;
}

std::string UtcTimestamp() { return UtcTimestamp(std::time(nullptr)); }

}  // namespace almen
