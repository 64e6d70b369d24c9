// The agreement's case work in the API (agreement.md §G, issue 7):
//  - /api/pool/…      the lægedækningspulje (G1): calls, applications, the
//                     assessment committee's scores and recommendation, the
//                     fund board's decision, instalments, status reports and
//                     the final evaluation;
//  - /api/sanctions…  the LSU sanctions register (G2) and its effect on
//                     settlements; /api/employments the §§ 23–26 register;
//  - /api/sharing/…   patients' blocks on sharing and the "may I share" API
//                     (G3); /api/budgets the IT subsidy and Partsforum pots.
// Roles added here (users.role): pool_secretariat (the fund's secretariat),
// pool_committee (a committee member; users.scope = "<party>:<region code>"),
// pool_board (the fund's board). Every change is dated, names who did it and
// is appended to the audit log. CPR numbers are pseudonymised on arrival and
// never stored, logged or echoed.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "sanctions/sanctions.h"
#include "server/route_context.h"
#include "storage/sql.h"
#include "storage/storage.h"

namespace almen {

// Registers the routes. Call before the server's catch-all routes.
void RegisterCaseRoutes(const ServerRouteContext& ctx);

// The stored LSU sanctions register (table `sanctions`), unvalidated rows.
StatusOr<std::vector<SanctionRow>> StoredSanctionRows(SqlConnection& c);

// Writes the stored LSU sanctions register as sanctions.csv into `dir` for a
// settlement run (d/e stop payments, b/c are collected by offset). false when
// no sanction is stored.
StatusOr<bool> WriteStoredSanctionsFile(Storage& db, const std::string& dir, std::string* sanctions_path);

// Demo data for a freshly created demo database: the fund's users
// (fond-sekretariat, fond-bestyrelse, udvalg-rltn-1..3, udvalg-plo-1..3;
// password = user name), a 2025 call with applications in several states,
// and IT/Partsforum spend.
Status BootstrapCaseDemo(Storage& db, bool fast_password_hash, const std::string& now);

}  // namespace almen
