#include "economy/economy.h"

namespace almen {

StatusOr<nlohmann::json> EconomyTable(const Agreement&, const std::vector<std::string>&) {
  return Internal("almen economy is not built yet");
}
StatusOr<nlohmann::json> RammeStatement(const Agreement&, const RammeOptions&) {
  return Internal("almen ramme is not built yet");
}

}  // namespace almen
