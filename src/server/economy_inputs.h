// Economy inputs kept in the database (migration 0007), so that the ramme,
// højestegrænser and quality payments are computed from stored data and give
// the same results after a restart:
//  - expense files (expenses.csv) per region, quarter and category;
//  - the CPR-free listing profile of a year (ceiling.h, ListingProfile) and the
//    settings of the last ceiling/quality computation.
// docs/server.md describes the tables, docs/decisions.md the merge and refusal rules.
//
// Each store is one transaction: on any error nothing is stored. Money is int64
// øre. Thread safe as Storage.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "agreement/agreement.h"
#include "common/status.h"
#include "storage/storage.h"

namespace almen {

struct ExpenseUpload {
  std::string name;     // the file's name (messages say "name:line:col")
  std::string_view content;  // expenses.csv text (the caller keeps it alive)
  int year = 0;         // every row must lie in this year …
  std::string quarter;  // … and, if not empty, in this quarter ("2025-Q1")
  std::string user, now;
};

struct ExpenseImportResult {
  int64_t file_id = 0;
  bool already_imported = false;  // same content hash stored before: nothing done
  int64_t rows = 0, amount_ore = 0;
};

// Validates (ParseExpensesCsv: region, quarter, category, amount, duplicates;
// then the period, and no (region, quarter, category) already stored from
// another file: refused, never replaced) and stores the file atomically.
// Bad input is InvalidInput "name:line:col (column): …".
StatusOr<ExpenseImportResult> ImportExpenseFile(Storage& db, const ExpenseUpload& upload);

// Withdraws a stored expense file (to correct it: withdraw, then upload the
// corrected file): its rows and its imported_files record go in one
// transaction, so the same content may be uploaded again. Returns the rows
// removed; NotFound if no expense file has this id.
StatusOr<int64_t> WithdrawExpenseFile(Storage& db, int64_t file_id);

// Stored expense rows of `year` (region "" = all) as a table: region_code,
// region_name, quarter, category, amount_ore, file_id, file_name, line,
// imported_at, imported_by.
StatusOr<Table> StoredExpenses(Storage& db, int year, const std::string& region);

// Computes the listing profile of `year` from listings.csv (CPR read and
// dropped) and replaces the year's stored profile, together with the settings
// of a computation of `kind` ("ceilings": reference + decisions.csv text;
// "quality": clusters.csv text) — one transaction.
struct ListingProfileUpload {
  int year = 0;
  std::string kind;       // ceilings | quality
  std::string name;
  std::string_view content;  // listings.csv text (the caller keeps it alive)
  std::string reference;  // ceilings only
  std::string extra_csv;  // decisions.csv or clusters.csv (validated by the caller)
  std::string user, now;
};
StatusOr<nlohmann::json> StoreListingProfile(Storage& db, const Agreement& agreement, const ListingProfileUpload& upload);

// The højestegrænser / quality payments of `year` from the stored profile,
// settings, statements, providers and attachments; NotFound when never computed.
StatusOr<nlohmann::json> StoredCeilings(Storage& db, const Agreement& agreement, int year);
StatusOr<nlohmann::json> StoredQuality(Storage& db, const Agreement& agreement, int year);

}  // namespace almen
