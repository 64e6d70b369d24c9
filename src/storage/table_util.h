// Helpers for writing Storage queries (storage.cc and the files beside it).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "storage/sql.h"
#include "storage/storage.h"

namespace almen::storage_internal {

// Runs `sql` and converts the text results: column types 'i' integer, 's' string.
StatusOr<Table> MakeTable(SqlConnection& c, std::string_view sql, const SqlParams& params,
                          std::vector<std::string> columns, std::string_view types);

// Appends `v` to `params` and returns its placeholder ("$n").
std::string Param(SqlParams& params, SqlValue v);

// Appends " AND <provider_col> …" restricting rows to the scope.
void AppendScope(std::string& sql, SqlParams& params, const Scope& scope, const std::string& provider_col);

}  // namespace almen::storage_internal
