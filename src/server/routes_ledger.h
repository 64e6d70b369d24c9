// The ledger in the API (docs/ledger.md, web/openapi.json):
//  GET  /api/ledger                       period, last closed month, totals by posting kind (scoped)
//  GET  /api/postings                     postings, filtered, sorted and paged on the server (scoped)
//  GET  /api/corrections                  stored lines a later run changed (roles with line access)
//  GET  /api/ledger/closings              closed months (a region or clinic sees its part)
//  POST /api/ledger/closings {month}      close a month for payment (rltn; audited)
//  GET  /api/ledger/payments?month=       the payment list of a month (per clinic, efterreguleringer apart)
//  GET  /api/ledger/specification?provider=&month=
//                                         a clinic's honorarspecifikation (roles with line access)
// Every table takes ?format=csv|xlsx (SendTable).
#pragma once

#include "server/route_context.h"

namespace almen {

void RegisterLedgerRoutes(const ServerRouteContext& ctx);

}  // namespace almen
