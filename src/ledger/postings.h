// What a ledger run posts (internal to src/ledger; docs/ledger.md "Postings"):
//  - the money of the file's own lines, per (provider, month, code, status, rule);
//  - a reversal and a correction per stored line whose amount changed;
//  - for the monthly items, owed − posted per (provider, month, item, code).
// Every posting is booked in its service month, or in the first open month
// when that month is closed (an efterregulering that names its service month).
// Pure functions.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "settlement/monthly.h"
#include "settlement/prior.h"
#include "settlement/settle.h"
#include "storage/ledger_store.h"

namespace almen {

struct PostingContext {
  int64_t run_id = 0;
  std::optional<Month> last_closed;     // postings for it or earlier go to the month after
  std::optional<Month> frozen_through;  // monthly items up to it are not recomputed
  Month BookMonth(Month service) const {
    return last_closed && !(*last_closed < service) ? *last_closed + 1 : service;
  }
};

std::string ItemCode(int code);  // "0101", or "" for none (-1)

std::vector<Posting> ServicePostings(const std::vector<ServiceTotal>& totals, const PostingContext& ctx);
std::vector<Posting> CorrectionPostings(const std::vector<LineCorrection>& corrections, const PostingContext& ctx);
// owed − posted for `items` (balances `posted` of those items), months after
// ctx.frozen_through only.
std::vector<Posting> MonthlyAdjustments(const std::vector<OwedItem>& owed,
                                        const std::map<BalanceKey, BalanceValue>& posted,
                                        const std::set<std::string>& items, const PostingContext& ctx);

}  // namespace almen
