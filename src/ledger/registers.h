// The registers of a ledger run (internal to src/ledger): stored registers
// with the upload's files merged in as new versions, inside the run's
// transaction, so a refused file changes nothing.
//
// Merge rules (docs/decisions.md "Ledger"):
//  - providers.csv: rows upsert by (provider, valid_from); a stored version of
//    the same provider that overlaps an uploaded row ends where it begins (or
//    is replaced when it starts inside it);
//  - listings.csv: rows upsert by (patient, provider, listed_from); the CPR is
//    pseudonymised as the row is read;
//  - botilbud.csv, attachments.csv: upsert as the register's history (0004);
//    an attachment naming a provider the register does not know is refused
//    with the uploaded file's line and column;
//  - sanctions (CLI only): rows not already registered are registered.
#pragma once

#include <optional>

#include "bosted/register.h"
#include "claims/registry.h"
#include "ledger/ledger.h"
#include "sanctions/sanctions.h"
#include "storage/ledger_store.h"

namespace almen {

struct MergedRegisters {
  std::optional<ProviderRegistry> providers;  // none: claims are not checked against a register
  std::optional<SanctionRegister> sanctions;
  std::optional<BostedRegister> bosted;
  bool providers_checked = false;
};

// REQUIRES: `out` stays where it is while the registers are used (the bosted
// register refers to the sanctions register).
Status MergeRegisters(LedgerTables& t, const RegisterReaders& readers, const Agreement& agreement,
                      const Pseudonymizer& pseudonymizer, const LedgerRunRequest& rq, int64_t run_id,
                      MergedRegisters* out);

}  // namespace almen
