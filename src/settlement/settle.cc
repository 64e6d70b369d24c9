#include "settlement/settle.h"
#include "settlement/rules.h"
namespace almen {
Status CheckRules(const Agreement&) { return Status::Ok(); }
Status Settle(const Agreement&, const Pseudonymizer&, const SettleOptions&, const std::string&, SettleSummary*) {
  return Internal("not yet");
}
}  // namespace almen
