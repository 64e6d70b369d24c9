// Reports on the ledger (docs/ledger.md) for the API and exports, each
// filtered by the user's scope and paged on the server.
//
//  - Postings: every posting with its rule, paragraph, reason and cause;
//  - Corrections: stored lines a later run changed (old → new);
//  - Closings: the months closed for payment;
//  - PaymentList: per clinic what a closing pays (postings booked since the
//    previous closing up to and including the month), efterreguleringer apart;
//  - Specification: a clinic's honorarspecifikation for a month: its postings
//    booked in that month by service month, item, code, kind and rule.
//
// Thread safe (each call borrows a connection).
#pragma once

#include <string>

#include "storage/storage.h"

namespace almen {

struct PostingFilter {
  std::string provider, month, book_month, item, code, kind, rule, status;
  int64_t run_id = 0;
  std::string sort;  // a column name, optionally prefixed by '-' (descending); default: provider, month, id
  int64_t limit = 100, offset = 0;
};

StatusOr<Table> Postings(Storage& db, const Scope& scope, const PostingFilter& f);
StatusOr<Table> Corrections(Storage& db, const Scope& scope, const PostingFilter& f);
StatusOr<Table> Closings(Storage& db, const Scope& scope);
StatusOr<Table> PaymentList(Storage& db, const Scope& scope, const std::string& month);
StatusOr<Table> Specification(Storage& db, const Scope& scope, const std::string& provider, const std::string& month);
// {period, last_closed, open_month, totals of postings by kind} as JSON.
StatusOr<nlohmann::json> LedgerSummary(Storage& db, const Scope& scope);

}  // namespace almen
