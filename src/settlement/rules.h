#pragma once
#include "agreement/agreement.h"
#include "common/status.h"
namespace almen {
Status CheckRules(const Agreement& agreement);
}
