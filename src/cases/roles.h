// Who may do what in the case work (agreement.md §G, issue 7), by role
// (users.role). The roles of the pool: pool_secretariat (the fund's
// secretariat), pool_committee (a member of the assessment committee;
// users.scope = "<party>:<region code>") and pool_board (the fund's board);
// and the system's rltn, plo, region, municipality and clinic.
//
//   action                      roles
//   see the pool                rltn, plo, region, pool_secretariat, pool_committee, pool_board
//   open calls, appoint         pool_secretariat, rltn (the secretariat's work)
//     members, pay instalments,
//     request reports, evaluate
//   apply, submit reports       region, pool_secretariat, rltn
//   score                       pool_committee
//   recommend                   pool_committee, pool_secretariat
//   decide                      pool_board
//   see sanctions/employments   rltn, plo, region, clinic
//   register LSU decisions      rltn
//   register employed doctors   rltn, clinic
//   check an employment ban     rltn, plo, region, clinic, municipality
//   block / revoke sharing      rltn, clinic, region
//   see the blocks              rltn
//   ask "may I share", see the  rltn, clinic
//     sharing log
//   see the budgets             rltn, plo, pool_secretariat
//   record spend                rltn, plo
//
// Which objects of a kind are the user's (a region's own applications, a
// clinic's own blocks) is decided by the server's ObjectAccess
// (server/access.h) and by the scope rules below.
//
// Thread safe (pure functions).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "storage/storage.h"

namespace almen {

enum class CaseAction : uint8_t {
  kSeePool,
  kOpenCall,
  kAppointMember,
  kApply,
  kScore,
  kRecommend,
  kDecide,
  kPay,
  kRequestReport,
  kSubmitReport,
  kEvaluate,
  kSeeSanctions,
  kSeeEmployments,
  kRegisterSanctions,
  kRegisterEmployment,
  kCheckEmployment,
  kBlockSharing,
  kRevokeBlock,
  kSeeBlocks,
  kCheckSharing,
  kSeeSharingLog,
  kSeeBudgets,
  kSpend,
};

bool MayDo(std::string_view role, CaseAction action);
// Ok, or PermissionDenied "role '<role>' may not <what>".
Status CheckMayDo(const UserRecord& u, CaseAction action);

// On whose behalf a scoped user acts: a user of `scoped_role` acts for its
// own scope only (`given` empty or equal to it: PermissionDenied `refusal`
// otherwise) and gets its scope; every other user gets `given`.
StatusOr<std::string> ActingFor(const UserRecord& u, std::string_view scoped_role, const std::string& given,
                                const char* refusal);

}  // namespace almen
