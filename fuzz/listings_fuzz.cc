// listings.csv both ways it is read: the settlement's count of listed
// patients per provider and month (CountListings, from a file) and the
// economy's CPR-free listing profile (ListingProfileFromListings).
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "agreement/agreement.h"
#include "claims/registry.h"
#include "economy/ceiling.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const almen::Agreement* agreement = new almen::Agreement(*almen::Agreement::LoadBuiltin());
  static const auto* groups = new std::vector<almen::CeilingAgeSexGroup>(*almen::LoadCeilingGroups(*agreement, 2025));
  static const int fd = memfd_create("listings", 0);
  static const std::string path = "/proc/self/fd/" + std::to_string(fd);
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)almen::ListingProfileFromListings("listings.csv", text, 2025, *groups);
  if (ftruncate(fd, 0) == 0 && pwrite(fd, data, size, 0) == static_cast<ssize_t>(size))
    (void)almen::CountListings(path, *almen::Month::Parse("2025-01"), *almen::Month::Parse("2025-12"));
  return 0;
}
