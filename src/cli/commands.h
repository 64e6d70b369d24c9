// The subcommands of the almen program, each a thin wrapper over the library.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "agreement/agreement.h"
#include "common/status.h"
#include "economy/economy.h"
#include "generate/generate.h"
#include "server/server.h"
#include "settlement/settle.h"

namespace almen {

// With `state_dir` or `db_url`: the ledger's settlement (ledger_commands.h).
Status RunSettle(const Agreement& agreement, SettleOptions options, const std::string& out_dir,
                 const std::string& price_level, const std::string& period, const std::string& state_dir = "",
                 const std::string& db_url = "");
Status RunGenerate(const GenerateOptions& options);
// Prints the JSON (2-space indent) on stdout, or returns the error.
Status RunJson(const StatusOr<nlohmann::json>& result);
Status RunAgreementShow(const Agreement& agreement, bool json);
Status RunAgreementCheck(const Agreement& agreement);

}  // namespace almen
