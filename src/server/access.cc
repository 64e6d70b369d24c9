#include "server/access.h"

#include <charconv>
#include <optional>

#include "bosted/register.h"
#include "common/ydernummer.h"
#include "storage/table_util.h"

namespace almen {

namespace {

using storage_internal::AppendScope;
using storage_internal::Param;

Status Missing(std::string_view what, std::string_view id) {
  return NotFound("no " + std::string(what) + " " + std::string(id));
}

// Numeric ids as numbers (both databases compare them as such).
std::optional<int64_t> NumericId(std::string_view id) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), v);
  if (ec != std::errc() || end != id.data() + id.size()) return std::nullopt;
  return v;
}

}  // namespace

Status ObjectAccess::Check(const UserRecord& u, ObjectKind kind, std::string_view id, Act act) const {
  switch (kind) {
    case ObjectKind::kSharingBlock:
      return SharingBlock(u, id);
    case ObjectKind::kPoolApplication:
    case ObjectKind::kPoolReport:
      return PoolObject(u, kind, id);
    case ObjectKind::kBotilbud:
      return Botilbud(u, id, act);
    case ObjectKind::kClinic:
      return Clinic(u, id);
    case ObjectKind::kRun: {
      auto n = NumericId(id);
      if (!n) return Missing("settlement run", id);
      return Run(ScopeOf(u), *n, "settlement run", id);
    }
    case ObjectKind::kRerun: {
      auto n = NumericId(id);
      if (!n) return Missing("re-run", id);
      int64_t run = 0;
      {
        auto c = db_.pool().Borrow();
        ALMEN_ASSIGN_OR_RETURN(auto rows, c->Query("SELECT run_id FROM reruns WHERE id = $1", {*n}));
        if (rows.empty()) return Missing("re-run", id);
        run = rows[0].Int(0);
      }
      return Run(ScopeOf(u), run, "re-run", id);
    }
    case ObjectKind::kControlCase:
      return ControlCase(u, id, act);
  }
  return PermissionDenied("unknown object kind");
}

Scope ObjectAccess::ScopeOf(const UserRecord& u) {
  if (u.role == "region") return {Scope::Kind::kRegion, u.scope};
  if (u.role == "clinic") return {Scope::Kind::kProvider, u.scope};
  return {};
}

// A run is a scoped user's when it holds lines or statement rows of the
// user's clinics (a correction file for another region's clinic is not).
Status ObjectAccess::Run(const Scope& scope, int64_t run_id, std::string_view what, std::string_view id) const {
  auto c = db_.pool().Borrow();
  SqlParams p;
  const std::string run = Param(p, run_id);
  ALMEN_ASSIGN_OR_RETURN(auto exists, c->Query("SELECT COUNT(*) FROM runs WHERE id = " + run, p));
  if (exists.empty() || exists[0].Int(0) == 0) return Missing(what, id);
  if (scope.kind == Scope::Kind::kAll) return Status::Ok();
  std::string b, l, s;
  AppendScope(b, p, scope, "provider");
  AppendScope(l, p, scope, "provider");
  AppendScope(s, p, scope, "provider");
  ALMEN_ASSIGN_OR_RETURN(auto mine, c->Query("SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM line_blocks WHERE run_id = " +
                                                 run + b + " LIMIT 1) x) + (SELECT COUNT(*) FROM (SELECT 1 FROM "
                                                 "flagged_lines WHERE run_id = " + run + l +
                                                 " LIMIT 1) y) + (SELECT COUNT(*) FROM (SELECT 1 FROM statements "
                                                 "WHERE run_id = " + run + s + " LIMIT 1) z)",
                                             p));
  if (mine.empty() || mine[0].Int(0) == 0) return Missing(what, id);
  return Status::Ok();
}

// A block belongs to whoever registered it: the clinic (provider) or region of
// the user who created it.
Status ObjectAccess::SharingBlock(const UserRecord& u, std::string_view id) const {
  auto n = NumericId(id);
  if (!n) return Missing("block", id);
  auto c = db_.pool().Borrow();
  ALMEN_ASSIGN_OR_RETURN(auto rows, c->Query("SELECT b.id, COALESCE(cu.role, ''), COALESCE(cu.scope, ''), "
                                             "COALESCE(p.region_code, '') FROM sharing_blocks b "
                                             "LEFT JOIN users cu ON cu.username = b.created_by "
                                             "LEFT JOIN providers p ON cu.role = 'clinic' AND p.provider = cu.scope "
                                             "WHERE b.id = $1",
                                             {*n}));
  if (rows.empty()) return Missing("block", id);
  if (u.role == "rltn") return Status::Ok();
  const std::string role = rows[0].Str(1), scope = rows[0].Str(2), clinic_region = rows[0].Str(3);
  if (u.role == "clinic" && role == "clinic" && scope == u.scope) return Status::Ok();
  if (u.role == "region" && ((role == "region" && scope == u.scope) || (role == "clinic" && clinic_region == u.scope)))
    return Status::Ok();
  return Missing("block", id);
}

Status ObjectAccess::PoolObject(const UserRecord& u, ObjectKind kind, std::string_view id) const {
  const bool report = kind == ObjectKind::kPoolReport;
  const char* what = report ? "report" : "application";
  auto n = NumericId(id);
  if (!n) return Missing(what, id);
  auto c = db_.pool().Borrow();
  ALMEN_ASSIGN_OR_RETURN(
      auto rows, c->Query(report ? "SELECT a.region_code FROM pool_reports r JOIN pool_applications a ON "
                                   "a.id = r.application_id WHERE r.id = $1"
                                 : "SELECT region_code FROM pool_applications WHERE id = $1",
                          {*n}));
  if (rows.empty()) return Missing(what, id);
  if (u.role == "region" && rows[0].Str(0) != u.scope) return Missing(what, id);
  return Status::Ok();
}

Status ObjectAccess::Botilbud(const UserRecord& u, std::string_view id, Act act) const {
  auto c = db_.pool().Borrow();
  ALMEN_ASSIGN_OR_RETURN(auto rows, c->Query("SELECT municipality_code FROM botilbud WHERE botilbud_id = $1 LIMIT 1",
                                             {std::string(id)}));
  if (rows.empty()) return NotFound("botilbud '" + std::string(id) + "' is not in the register");
  const std::string muni = rows[0].Str(0);
  const BostedMunicipality* m = FindBostedMunicipality(muni);
  const bool in_region = u.role == "region" && m && m->region_code == u.scope;
  if (u.role == "rltn") return Status::Ok();
  if (u.role == "municipality") {
    if (u.scope == muni) return Status::Ok();
    return PermissionDenied("municipality " + u.scope + " may not change botilbud of municipality " + muni);
  }
  if (act == Act::kRead && (u.role == "plo" || in_region)) return Status::Ok();
  if (act == Act::kAttach && u.role == "region") {
    if (in_region) return Status::Ok();
    return PermissionDenied("region " + u.scope + " may not attach doctors to botilbud outside its region");
  }
  return PermissionDenied("role '" + u.role + "' may not " + (act == Act::kRead ? "see" : "change") + " botilbud " +
                          std::string(id));
}

// A clinic named in a request (e.g. the doctor attached to a botilbud): a
// region acts on its own region's clinics only.
Status ObjectAccess::Clinic(const UserRecord& u, std::string_view provider) const {
  if (!ParseYdernummer(provider)) return InvalidInput("provider must be a 6-digit ydernummer");
  if (u.role != "region") return Status::Ok();
  auto c = db_.pool().Borrow();
  ALMEN_ASSIGN_OR_RETURN(auto rows, c->Query("SELECT region_code FROM providers WHERE provider = $1",
                                             {std::string(provider)}));
  if (rows.empty() || rows[0].Str(0) != u.scope)
    return PermissionDenied("region " + u.scope + " may only attach its own region's clinics (provider " +
                            std::string(provider) + " is not one of them)");
  return Status::Ok();
}

// A control case (issue 16, control/cases.h) is its clinic's: rltn every
// case, a region its region's, a clinic its own (to read and answer); only
// rltn and regions act on one (sample, request, findings, conclusion).
Status ObjectAccess::ControlCase(const UserRecord& u, std::string_view id, Act act) const {
  auto n = NumericId(id);
  if (!n) return Missing("control case", id);
  if (u.role != "rltn" && u.role != "region" && u.role != "clinic")
    return PermissionDenied("role '" + u.role + "' has no control cases");
  auto c = db_.pool().Borrow();
  ALMEN_ASSIGN_OR_RETURN(auto rows, c->Query("SELECT provider, region_code FROM control_cases WHERE id = $1", {*n}));
  if (rows.empty()) return Missing("control case", id);
  const bool mine = u.role == "rltn" || (u.role == "region" && rows[0].Str(1) == u.scope) ||
                    (u.role == "clinic" && rows[0].Str(0) == u.scope);
  if (!mine) return Missing("control case", id);
  if (act != Act::kRead && u.role == "clinic")
    return PermissionDenied("a clinic answers its control case; the region decides it");
  return Status::Ok();
}

}  // namespace almen
