// Post-payment control in the API (docs/control.md, web/openapi.json):
//  GET  /api/control/risk?year=|from=&to=[&region=]      clinics ranked by risk with reasons (rltn, region)
//  GET  /api/control/clinics/{provider}?year=             one clinic's indicators and peers (rltn, its region)
//  GET  /api/control/clinics/{provider}/shared-days?year= its event lines on patient-days shared with another clinic
//  GET  /api/control/cases                                cases (rltn all, region its clinics, clinic its own)
//  POST /api/control/cases {provider, year | from, to}    open a case (rltn, region)
//  GET  /api/control/cases/{id}                           the case (rltn, its region, its clinic)
//  GET  /api/control/cases/{id}/sample                    the sampled lines (table; CSV/XLSX)
//  POST /api/control/cases/{id}/sample                    draw the audit sample (once)
//  POST /api/control/cases/{id}/request                   request documentation of the clinic
//  POST /api/control/cases/{id}/answers                   the clinic's answer (a controller's note)
//  POST /api/control/cases/{id}/findings                  the finding on a sampled line
//  POST /api/control/cases/{id}/conclude                  evaluate, recover confirmed errors, refer to LSU
// Thin: parse, call control/cases.h (which checks the user against the case's
// clinic), answer. Tables take ?format=csv|xlsx.
#pragma once

#include "server/route_context.h"

namespace almen {

void RegisterControlRoutes(const ServerRouteContext& ctx);

}  // namespace almen
