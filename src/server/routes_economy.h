// The economy in the API (issue 5): the ramme per quarter with spend from the
// stored settlements and a year-end forecast, højestegrænser and quality
// payments.
//  GET  /api/economy/ramme?year=          ramme statement (rltn, plo); region: its spend per quarter
//  POST /api/economy/whatif?year=         the economy table with items changed (every role) and, for
//                                         rltn and plo, the ramme statement before and after the change
//  GET  /api/economy/ceilings?year=       the last computed højestegrænse statement (scoped)
//  POST /api/economy/ceilings?year=&reference=   multipart listings (required), decisions: compute
//                                         from the stored statements, providers and attachments (rltn)
//  GET  /api/economy/quality?year=        the last computed quality payments (rltn, plo; region: its own)
//  POST /api/economy/quality?year=        multipart listings (required), clusters, insured (rltn)
// listings.csv holds CPR numbers: it is read for the computation and discarded;
// only the results (no CPR) are kept, in memory, until the server restarts.
#pragma once

#include <httplib.h>

#include <functional>
#include <string>

#include "agreement/agreement.h"
#include "common/status.h"
#include "storage/storage.h"

namespace almen {

struct EconomyRoutesContext {
  httplib::Server* http = nullptr;
  Storage* db = nullptr;
  const Agreement* agreement = nullptr;
  std::function<StatusOr<UserRecord>(const httplib::Request&)> authenticate;
  std::function<void(const httplib::Request&, httplib::Response&, const UserRecord&, const StatusOr<Table>&,
                     const std::string&)>
      send_table;
};

// Registers the routes. Call before the server's catch-all routes.
void RegisterEconomyRoutes(const EconomyRoutesContext& ctx);

}  // namespace almen
