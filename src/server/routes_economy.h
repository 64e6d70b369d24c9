// The economy in the API (issue 5): the ramme per quarter with spend from the
// stored settlements and expense files and a year-end forecast, højestegrænser
// and quality payments.
//  GET  /api/economy/ramme?year=          ramme statement (rltn, plo); region: its spend per quarter
//  POST /api/economy/whatif?year=         the economy table with items changed (every role) and, for
//                                         rltn and plo, the ramme statement before and after the change
//  POST /api/economy/expenses?year=&quarter=   multipart expenses (expenses.csv): stored atomically,
//                                         idempotent by content hash; a stored key is refused (rltn)
//  GET  /api/economy/expenses?year=       the stored expense rows (rltn, plo; region: its own)
//  GET  /api/economy/ceilings?year=       the højestegrænse statement from the stored profile (scoped)
//  POST /api/economy/ceilings?year=&reference=   multipart listings (required), decisions: store the
//                                         listing profile and settings, compute (rltn)
//  GET  /api/economy/quality?year=        the quality payments from the stored profile (rltn, plo; region: its own)
//  POST /api/economy/quality?year=        multipart listings (required), clusters (rltn)
// listings.csv holds CPR numbers: it is read once and only its CPR-free listing
// profile (economy_inputs.h) is stored, so results are the same after a restart.
#pragma once

#include "server/route_context.h"

namespace almen {

// Registers the routes. Call before the server's catch-all routes.
void RegisterEconomyRoutes(const ServerRouteContext& ctx);

}  // namespace almen
