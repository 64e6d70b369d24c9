// The agreement data set as JSON (for `almen agreement show --json`, the API
// and the agreement browser in the web UI): every fee, index row, chronic
// rate, parameter and rule with its validity, paragraph and source.
#pragma once

#include <nlohmann/json.hpp>

#include "agreement/agreement.h"

namespace almen {

nlohmann::json AgreementToJson(const Agreement& agreement);

}  // namespace almen
