// What the route groups beside server.cc (routes_bosted.cc, routes_bosted_edit.cc,
// routes_cases.cc, routes_economy.cc) get from the server: the HTTP server to
// register on, the database, the agreement and the server's session check and
// table sender. The App owns everything pointed to and outlives the routes;
// the callbacks are safe to call from the HTTP worker threads.
#pragma once

#include <httplib.h>

#include <functional>
#include <string>

#include "agreement/agreement.h"
#include "common/crypto.h"
#include "common/status.h"
#include "server/upload.h"
#include "storage/storage.h"

namespace almen {

class ObjectAccess;
class WorkDir;

struct ServerRouteContext {
  httplib::Server* http = nullptr;
  Storage* db = nullptr;
  const Agreement* agreement = nullptr;
  // The server's CPR pseudonymizer (used by the case routes).
  const Pseudonymizer* pseudonymizer = nullptr;
  // The server's session check (also records the user for the request log).
  std::function<StatusOr<UserRecord>(const httplib::Request&)> authenticate;
  // The server's table sender: JSON, or CSV/XLSX with ?format= (audited).
  std::function<void(const httplib::Request&, httplib::Response&, const UserRecord&, const StatusOr<Table>&,
                     const std::string&)>
      send_table;
  // Tests only: the cheapest password hash for users created by the routes.
  bool fast_password_hash = false;
  // Object-level authorisation: who may act on which stored object (access.h).
  const ObjectAccess* access = nullptr;
  // The private work directory uploads stream into, and their limits.
  const WorkDir* work = nullptr;
  UploadLimits upload_limits;
};

}  // namespace almen
