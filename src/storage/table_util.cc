#include "storage/table_util.h"

namespace almen::storage_internal {

StatusOr<Table> MakeTable(SqlConnection& c, std::string_view sql, const SqlParams& params,
                          std::vector<std::string> columns, std::string_view types) {
  ALMEN_ASSIGN_OR_RETURN(auto rows, c.Query(sql, params));
  Table t;
  t.columns = std::move(columns);
  t.rows.reserve(rows.size());
  for (const auto& r : rows) {
    std::vector<nlohmann::json> out;
    out.reserve(r.cols.size());
    for (size_t i = 0; i < r.cols.size(); ++i) {
      if (r.IsNull(i)) out.emplace_back(nullptr);
      else if (i < types.size() && types[i] == 'i') out.emplace_back(r.Int(i));
      else out.emplace_back(r.Str(i));
    }
    t.rows.push_back(std::move(out));
  }
  return t;
}

std::string Param(SqlParams& params, SqlValue v) {
  params.push_back(std::move(v));
  return "$" + std::to_string(params.size());
}

void AppendScope(std::string& sql, SqlParams& params, const Scope& scope, const std::string& provider_col) {
  switch (scope.kind) {
    case Scope::Kind::kAll:
      return;
    case Scope::Kind::kRegion:
      sql += " AND " + provider_col + " IN (SELECT provider FROM providers WHERE region_code = " +
             Param(params, scope.value) + ")";
      return;
    case Scope::Kind::kProvider:
      sql += " AND " + provider_col + " = " + Param(params, scope.value);
      return;
  }
}

}  // namespace almen::storage_internal
