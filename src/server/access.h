// Object-level authorisation: may this user act on this stored object? One
// place for every route that names an object by id (in the path or the body),
// so that "a role may use the route" and "this object is the user's" are never
// confused (issue 12: any clinic could revoke another clinic's patient's block
// because the route checked the role only).
//
//   object                 read                               write / act on
//   sharing block          (rltn only: GET /api/sharing/blocks)  rltn; a clinic its own clinic's blocks;
//                                                                a region blocks made in the region
//   pool application       rltn, plo, pool roles; a region its own  (role rules in routes_cases.cc)
//   pool status report     as its application                     a region its own region's, secretariat, rltn
//   botilbud               rltn, plo; a municipality its own;     rltn; a municipality its own
//                          a region those in the region
//   botilbud (attach)      —                                      rltn; a municipality its own; a region
//                                                                those in the region
//   clinic (attach)        —                                      rltn, municipality; a region only its
//                                                                region's clinics
//   settlement run         a role with a scope (region, clinic): only a run holding lines or
//                          statement rows of its clinics; unscoped roles every run
//   re-run                 as its run
//   control case           rltn; a region its region's clinics';  rltn; a region its region's clinics'
//                          a clinic its own (issue 16)
// An object outside the user's scope is "not found" (404), so ids do not tell
// what exists; a visible object the role may not change is 403.
//
// Jobs live in memory and are checked where they are kept.
//
// Thread safe (each check borrows a database connection).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "storage/storage.h"

namespace almen {

enum class ObjectKind : uint8_t {
  kSharingBlock,
  kPoolApplication,
  kPoolReport,
  kBotilbud,
  kClinic,
  kRun,
  kRerun,
  kControlCase,
};
enum class Act : uint8_t { kRead, kWrite, kAttach };

class ObjectAccess {
 public:
  explicit ObjectAccess(Storage& db) : db_(db) {}
  // What a user sees of clinic data: everything, a region's clinics, one clinic.
  static Scope ScopeOf(const UserRecord& u);
  // Ok, NotFound (absent or outside the user's scope) or PermissionDenied.
  Status Check(const UserRecord& u, ObjectKind kind, std::string_view id, Act act) const;
  Status Check(const UserRecord& u, ObjectKind kind, int64_t id, Act act) const {
    return Check(u, kind, std::to_string(id), act);
  }

 private:
  Status SharingBlock(const UserRecord& u, std::string_view id) const;
  Status PoolObject(const UserRecord& u, ObjectKind kind, std::string_view id) const;
  Status Botilbud(const UserRecord& u, std::string_view id, Act act) const;
  Status Clinic(const UserRecord& u, std::string_view provider) const;
  Status ControlCase(const UserRecord& u, std::string_view id, Act act) const;
  Status Run(const Scope& scope, int64_t run_id, std::string_view what, std::string_view id) const;
  Storage& db_;
};

}  // namespace almen
