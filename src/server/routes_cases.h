// The agreement's case work in the API (agreement.md §G, issue 7):
//  - /api/pool/…      the lægedækningspulje (G1): calls, applications, the
//                     assessment committee's scores and recommendation, the
//                     fund board's decision, instalments, status reports and
//                     the final evaluation;
//  - /api/sanctions…  the LSU sanctions register (G2) and its effect on
//                     settlements; /api/employments the §§ 23–26 register;
//  - /api/sharing/…   patients' blocks on sharing and the "may I share" API
//                     (G3); /api/budgets the IT subsidy and Partsforum pots.
// The routes are thin: the states, checks and who may do what are the cases
// component's (src/cases/: rules.h, roles.h, service.h), the SQL is
// storage/cases_store.h. Every change is dated, names who did it and is
// appended to the audit log. CPR numbers are pseudonymised on arrival (here)
// and never stored, logged or echoed.
#pragma once

#include "server/route_context.h"
// What callers of this header used from it before the case work moved to
// src/cases/: StoredSanctionRows (storage/cases_store.h),
// WriteStoredSanctionsFile and BootstrapCaseDemo (cases/service.h).
#include "cases/service.h"
#include "storage/cases_store.h"

namespace almen {

// Registers the routes. Call before the server's catch-all routes.
void RegisterCaseRoutes(const ServerRouteContext& ctx);

}  // namespace almen
