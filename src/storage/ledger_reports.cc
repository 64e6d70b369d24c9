#include "storage/ledger_reports.h"

#include <algorithm>
#include <set>

#include "common/date.h"
#include "storage/table_util.h"

namespace almen {

using storage_internal::AppendScope;
using storage_internal::MakeTable;
using storage_internal::Param;

namespace {

// ORDER BY from a user's `sort` (whitelisted columns only).
std::string OrderBy(const std::string& sort, const std::set<std::string>& allowed, const std::string& dflt) {
  if (sort.empty()) return " ORDER BY " + dflt;
  const bool desc = sort[0] == '-';
  const std::string col = desc ? sort.substr(1) : sort;
  if (!allowed.contains(col)) return " ORDER BY " + dflt;
  return " ORDER BY " + col + (desc ? " DESC" : "") + ", " + dflt;
}

std::string PostingWhere(const PostingFilter& f, SqlParams& p, const std::string& prefix) {
  std::string w = " WHERE 1 = 1";
  auto eq = [&](const std::string& col, const std::string& v) {
    if (!v.empty()) w += " AND " + prefix + col + " = " + Param(p, v);
  };
  eq("provider", f.provider);
  eq("month", f.month);
  eq("book_month", f.book_month);
  eq("item", f.item);
  eq("code", f.code);
  eq("kind", f.kind);
  eq("rule", f.rule);
  eq("status", f.status);
  if (f.run_id > 0) w += " AND " + prefix + "run_id = " + Param(p, f.run_id);
  return w;
}

std::string PrevClosing(SqlConnection& c, const std::string& month) {
  auto rows = c.Query("SELECT MAX(month) FROM ledger_closings WHERE month < $1", {month});
  if (!rows.ok() || rows->empty() || rows->at(0).IsNull(0)) return "";
  return rows->at(0).Str(0);
}

}  // namespace

StatusOr<Table> Postings(Storage& db, const Scope& scope, const PostingFilter& f) {
  auto c = db.pool().Borrow();
  SqlParams p;
  std::string where = PostingWhere(f, p, "");
  AppendScope(where, p, scope, "provider");
  ALMEN_ASSIGN_OR_RETURN(auto total, c->Query("SELECT COUNT(*), COALESCE(SUM(amount_ore), 0) FROM postings" + where, p));
  static const std::set<std::string> cols = {"id", "run_id", "provider", "month", "book_month", "item", "code",
                                              "count", "amount_ore", "kind", "status", "rule"};
  const int64_t limit = std::clamp<int64_t>(f.limit, 1, 1000000), offset = std::max<int64_t>(f.offset, 0);
  std::string sql = "SELECT id, run_id, provider, month, book_month, item, code, count, amount_ore, kind, status, rule, "
                    "paragraph, reason, cause, line_run_id, line_seq, created_at FROM postings" +
                    where + OrderBy(f.sort, cols, "provider, month, id") + " LIMIT " + Param(p, limit) + " OFFSET " +
                    Param(p, offset);
  ALMEN_ASSIGN_OR_RETURN(Table t, MakeTable(*c, sql, p,
                                            {"id", "run_id", "provider", "month", "book_month", "item", "code", "count",
                                             "amount_ore", "kind", "status", "rule", "paragraph", "reason", "cause",
                                             "line_run_id", "line_seq", "created_at"},
                                            "iisssssiissssssiis"));
  t.total = total.at(0).Int(0);
  return t;
}

StatusOr<Table> Corrections(Storage& db, const Scope& scope, const PostingFilter& f) {
  auto c = db.pool().Borrow();
  SqlParams p;
  std::string where = " WHERE 1 = 1";
  if (!f.provider.empty()) where += " AND provider = " + Param(p, f.provider);
  if (!f.month.empty()) where += " AND month = " + Param(p, f.month);
  if (!f.code.empty()) where += " AND code = " + Param(p, f.code);
  if (!f.rule.empty()) where += " AND rule = " + Param(p, f.rule);
  if (f.run_id > 0) where += " AND run_id = " + Param(p, f.run_id);
  AppendScope(where, p, scope, "provider");
  ALMEN_ASSIGN_OR_RETURN(auto total, c->Query("SELECT COUNT(*) FROM line_corrections" + where, p));
  static const std::set<std::string> cols = {"id", "run_id", "provider", "month", "service_date", "code", "status",
                                              "amount_ore", "rule"};
  const int64_t limit = std::clamp<int64_t>(f.limit, 1, 1000000), offset = std::max<int64_t>(f.offset, 0);
  std::string sql = "SELECT id, run_id, line_run_id, line_seq, claim_id, provider, service_date, code, old_status, "
                    "old_amount_ore, old_rule, status, amount_ore, amount_ore - old_amount_ore, rule, reason, paragraph, "
                    "cause, created_at FROM line_corrections" +
                    where + OrderBy(f.sort, cols, "provider, service_date, id") + " LIMIT " + Param(p, limit) +
                    " OFFSET " + Param(p, offset);
  ALMEN_ASSIGN_OR_RETURN(Table t, MakeTable(*c, sql, p,
                                            {"id", "run_id", "line_run_id", "line_seq", "claim_id", "provider",
                                             "service_date", "code", "old_status", "old_amount_ore", "old_rule", "status",
                                             "amount_ore", "change_ore", "rule", "reason", "paragraph", "cause",
                                             "created_at"},
                                            "iiiisssssissiisssss"));
  t.total = total.at(0).Int(0);
  return t;
}

StatusOr<Table> Closings(Storage& db, const Scope& scope) {
  auto c = db.pool().Borrow();
  if (scope.kind == Scope::Kind::kAll)
    return MakeTable(*c, "SELECT month, closed_at, closed_by, providers, amount_ore FROM ledger_closings ORDER BY month DESC",
                     {}, {"month", "closed_at", "closed_by", "providers", "amount_ore"}, "sssii");
  // A region or clinic sees its own part of each closing's payment list.
  SqlParams p;
  std::string scope_sql;
  AppendScope(scope_sql, p, scope, "po.provider");
  return MakeTable(*c,
                   "SELECT cl.month, cl.closed_at, cl.closed_by, (SELECT COUNT(DISTINCT po.provider) FROM postings po "
                   "WHERE po.book_month > COALESCE((SELECT MAX(x.month) FROM ledger_closings x WHERE x.month < "
                   "cl.month), '') AND po.book_month <= cl.month" + scope_sql +
                       "), (SELECT COALESCE(SUM(po.amount_ore), 0) FROM postings po WHERE po.book_month > "
                       "COALESCE((SELECT MAX(x.month) FROM ledger_closings x WHERE x.month < cl.month), '') AND "
                       "po.book_month <= cl.month" + scope_sql + ") FROM ledger_closings cl ORDER BY cl.month DESC",
                   p,
                   {"month", "closed_at", "closed_by", "providers", "amount_ore"}, "sssii");
}

StatusOr<Table> PaymentList(Storage& db, const Scope& scope, const std::string& month) {
  if (!Month::Parse(month)) return InvalidInput("Måneden skal angives som ÅÅÅÅ-MM.");
  auto c = db.pool().Borrow();
  const std::string prev = PrevClosing(*c, month);
  SqlParams p;
  std::string where = " WHERE po.book_month > " + Param(p, prev) + " AND po.book_month <= " + Param(p, month);
  AppendScope(where, p, scope, "po.provider");
  ALMEN_ASSIGN_OR_RETURN(
      Table t,
      MakeTable(*c,
                "SELECT po.provider, COALESCE(MAX(pr.name), ''), COALESCE(MAX(pr.region_code), ''), COUNT(*), "
                "SUM(CASE WHEN po.month > " + Param(p, prev) + " THEN po.amount_ore ELSE 0 END), SUM(CASE WHEN "
                "po.month <= " + Param(p, prev) + " THEN po.amount_ore ELSE 0 END), SUM(po.amount_ore) FROM postings po "
                "LEFT JOIN providers pr ON "
                    "pr.provider = po.provider" + where + " GROUP BY po.provider ORDER BY po.provider",
                p, {"provider", "name", "region_code", "postings", "current_ore", "efterregulering_ore", "amount_ore"},
                "sssiiii"));
  return t;
}

StatusOr<Table> Specification(Storage& db, const Scope& scope, const std::string& provider, const std::string& month) {
  if (!Month::Parse(month)) return InvalidInput("Måneden skal angives som ÅÅÅÅ-MM.");
  if (provider.empty()) return InvalidInput("Angiv ydernummeret (provider).");
  auto c = db.pool().Borrow();
  const std::string prev = PrevClosing(*c, month);
  SqlParams p;
  std::string where = " WHERE provider = " + Param(p, provider) + " AND book_month > " + Param(p, prev) +
                      " AND book_month <= " + Param(p, month);
  AppendScope(where, p, scope, "provider");
  return MakeTable(*c,
                   "SELECT month, item, code, kind, status, rule, SUM(count), SUM(amount_ore), MIN(paragraph), "
                   "MIN(reason), COUNT(*) FROM postings" + where +
                       " GROUP BY month, item, code, kind, status, rule ORDER BY month, item, code, kind, rule",
                   p,
                   {"month", "item", "code", "kind", "status", "rule", "count", "amount_ore", "paragraph", "reason",
                    "postings"},
                   "ssssssiissi");
}

StatusOr<nlohmann::json> LedgerSummary(Storage& db, const Scope& scope) {
  auto c = db.pool().Borrow();
  nlohmann::json j;
  ALMEN_ASSIGN_OR_RETURN(auto period, c->Query("SELECT first_month, last_month FROM ledger_period WHERE id = 1"));
  j["period"] = period.empty() ? nlohmann::json(nullptr)
                               : nlohmann::json{{"from", period[0].Str(0)}, {"to", period[0].Str(1)}};
  ALMEN_ASSIGN_OR_RETURN(auto last, c->Query("SELECT MAX(month) FROM ledger_closings"));
  const bool closed = !last.empty() && !last[0].IsNull(0);
  j["last_closed"] = closed ? nlohmann::json(last[0].Str(0)) : nlohmann::json(nullptr);
  if (closed) j["open_month"] = (*Month::Parse(last[0].Str(0)) + 1).ToString();
  else j["open_month"] = nullptr;
  SqlParams p;
  std::string where = " WHERE 1 = 1";
  AppendScope(where, p, scope, "provider");
  ALMEN_ASSIGN_OR_RETURN(auto kinds, c->Query("SELECT kind, COUNT(*), COALESCE(SUM(amount_ore), 0) FROM postings" +
                                                  where + " GROUP BY kind ORDER BY kind",
                                              p));
  nlohmann::json by = nlohmann::json::object();
  int64_t total = 0;
  for (const auto& r : kinds) {
    by[r.Str(0)] = {{"postings", r.Int(1)}, {"amount_ore", r.Int(2)}};
    total += r.Int(2);
  }
  j["by_kind"] = by;
  j["amount_ore"] = total;
  SqlParams cp;
  std::string cwhere = " WHERE 1 = 1";
  AppendScope(cwhere, cp, scope, "provider");
  ALMEN_ASSIGN_OR_RETURN(auto corr, c->Query("SELECT COUNT(*) FROM line_corrections" + cwhere, cp));
  j["corrections"] = corr.at(0).Int(0);
  return j;
}

}  // namespace almen
