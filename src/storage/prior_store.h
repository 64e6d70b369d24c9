// The ledger's PriorState over the database: the stored runs' claim keys,
// days, patient histories and contact lines (settlement/prior.h,
// docs/ledger.md). Used by LedgerTables::Prior().
//
// Not thread safe (one connection, inside the ledger's transaction).
#pragma once

#include <memory>

#include "settlement/prior.h"
#include "storage/sql.h"

namespace almen {

std::unique_ptr<PriorState> NewSqlPrior(SqlConnection& c);

}  // namespace almen
