// The monthly items of a provider's statement: what is owed per (provider,
// month) from the registers and the patient history, not from single lines
// (docs/ledger.md "A run, step by step", 4).
//
//  - basishonorar (C6): patients listed on the 1st × annual / 12 (rounded to
//    whole øre per month, then regulated by the § 64 index on the 1st);
//  - chronic fees (C4): for each month of each enrolment the monthly fee of
//    its code (LTO rate when the provider is an LTO clinic that month);
//  - bostedshonorar (§D): per attachment (bosted/honorarium.h);
//  - LSU b) and c) collections (`offset`): against what is payable
//    (sanctions/sanctions.h);
//  - a suspension (d) or exclusion (e) stops basishonorar and chronic fees
//    for the days of the month it covers: amount × (days − stopped days) /
//    days, rounded half away from zero once per (provider, month, item,
//    code) (docs/decisions.md "Ledger").
//
// The same functions give `almen settle`'s statements.csv (one file, empty
// history) and the ledger's owed amounts (every run), so the two agree by
// construction. Pure functions; thread safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "agreement/agreement.h"
#include "bosted/register.h"
#include "claims/registry.h"
#include "common/date.h"
#include "common/money.h"
#include "common/status.h"
#include "sanctions/sanctions.h"
#include "settlement/statement.h"

namespace almen {

// A chronic enrolment (C4): the provider is paid the code's monthly fee for
// every month in [start, end).
struct Enrolment {
  int provider = 0;
  int code = 0;
  Month start, end;
  bool lto = false;  // the provider's LTO status on the enrolment date (used when the register has no row)
  bool operator==(const Enrolment&) const = default;
};

// One (provider, month, item, code) owed, with what the ledger posts with it.
struct OwedItem {
  int provider = 0;
  Month month;
  StatementItem item = StatementItem::kBasishonorar;
  int code = -1;  // -1: none
  int64_t count = 0;
  Money amount;
  std::string rule, paragraph, reason;  // reason: Danish
};

struct MonthlyInputs {
  const Agreement* agreement = nullptr;
  bool apr24 = false;                 // price at the agreement's stated level
  std::optional<Month> from, to;      // months of basishonorar and bostedshonorar
  const absl::flat_hash_map<ProviderMonth, int64_t>* listed = nullptr;  // patients listed on the 1st
  const std::vector<Enrolment>* enrolments = nullptr;
  const ProviderRegistry* providers = nullptr;
  const SanctionRegister* sanctions = nullptr;
  const BostedRegister* bosted = nullptr;
};

// The chronic fee of `code` for month `m` (annual incl. the 5.4 raise / 12,
// rounded to whole øre, regulated by the index on the 1st unless apr24).
Money ChronicMonthlyFee(const Agreement& agreement, int code, bool lto, Month m, bool apr24);

// Basishonorar, chronic fees and bostedshonorar, sorted by (provider, month,
// item, code).
StatusOr<std::vector<OwedItem>> MonthlyItems(const MonthlyInputs& in);

// LSU b) and c) collections against `payable` (per provider and month, every
// other item), as `offset` items with negative amounts.
std::vector<OwedItem> CollectionItems(const SanctionRegister& sanctions,
                                      const std::map<int, std::map<Month, Money>>& payable);

}  // namespace almen
