// Bostedslæger in the API (agreement.md §D, issue 6), over the stored botilbud
// and attachments (imported with a settlement upload or the demo data):
//  GET /api/bosted/register?date=          sections with their fixed doctor on the date
//  GET /api/bosted/coverage?date=&by=      coverage rows + target group + spend vs pace
//  GET /api/bosted/zero?date=              municipalities with target-group botilbud at zero
//  GET /api/bosted/reports/{kind}?date=    q4-regional | halfway | end (the January 2025 note)
// Every table takes ?format=csv|xlsx (audited). Roles: rltn and plo see the
// country; region its region; municipality its own botilbud; clinic: 403.
#pragma once

#include <string>
#include <utility>

#include "common/status.h"
#include "server/route_context.h"
#include "storage/storage.h"

namespace almen {

// Registers the routes (and RegisterBostedEditRoutes). Call before the server's catch-all routes.
void RegisterBostedRoutes(const ServerRouteContext& ctx);

// Editing the register (routes_bosted_edit.cc; docs/server.md):
//  GET  /api/bosted/botilbud/{id}   history of one botilbud and its attachments
//  POST /api/bosted/botilbud        new botilbud (municipality: its own; rltn)
//  PUT  /api/bosted/botilbud/{id}   change from valid_from (history kept, never overwritten)
//  POST /api/bosted/attachments     attach a fixed doctor (municipality, region, rltn)
//  PUT  /api/bosted/attachments     end an attachment
void RegisterBostedEditRoutes(const ServerRouteContext& ctx);

// The stored register as botilbud.csv and attachments.csv texts (with the
// valid_from/valid_to and listed_residents columns).
StatusOr<std::pair<std::string, std::string>> StoredBostedCsv(SqlConnection& c);
// Writes the stored register into `dir` for a settlement run (--botilbud /
// --attachments); false (nothing written) when the register is empty.
StatusOr<bool> WriteStoredBostedFiles(Storage& db, const std::string& dir, std::string* botilbud_path,
                                      std::string* attachments_path);

}  // namespace almen
