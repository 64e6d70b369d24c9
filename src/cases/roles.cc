// Who may do what in the case work (roles.h).
#include "cases/roles.h"

#include <vector>

namespace almen {

namespace {

struct Rule {
  std::vector<std::string_view> roles;
  const char* what;  // "role 'x' may not <what>"
};

const Rule& RuleOf(CaseAction a) {
  static const Rule kPoolReaders{{"rltn", "plo", "pool_secretariat", "pool_committee", "pool_board", "region"},
                                 "see the pool"};
  static const Rule kRules[] = {
      /* kSeePool */ kPoolReaders,
      /* kOpenCall */ {{"pool_secretariat", "rltn"}, "open calls of the pool (the fund's secretariat does)"},
      /* kAppointMember */ {{"pool_secretariat", "rltn"}, "appoint committee members"},
      /* kApply */ {{"region", "pool_secretariat", "rltn"}, "apply to the pool (the regions apply, with their partners)"},
      /* kScore */ {{"pool_committee"}, "score applications (the assessment committee does)"},
      /* kRecommend */ {{"pool_committee", "pool_secretariat"}, "record the committee's recommendation"},
      /* kDecide */ {{"pool_board"}, "decide on grants (the fund's board does)"},
      /* kPay */ {{"pool_secretariat", "rltn"}, "pay instalments"},
      /* kRequestReport */ {{"pool_secretariat", "rltn"}, "request status reports"},
      /* kSubmitReport */ {{"region", "pool_secretariat", "rltn"}, "submit status reports"},
      /* kEvaluate */ {{"pool_secretariat", "rltn"}, "record the evaluation"},
      /* kSeeSanctions */ {{"rltn", "plo", "region", "clinic"}, "see the sanctions register"},
      /* kSeeEmployments */ {{"rltn", "plo", "region", "clinic"}, "see the employment register"},
      /* kRegisterSanctions */ {{"rltn"}, "register LSU decisions"},
      /* kRegisterEmployment */ {{"rltn", "clinic"}, "register employed doctors"},
      /* kCheckEmployment */ {{"rltn", "plo", "region", "clinic", "municipality"}, "check employment bans"},
      /* kBlockSharing */ {{"rltn", "clinic", "region"}, "register a patient's block"},
      /* kRevokeBlock */ {{"rltn", "clinic", "region"}, "revoke a patient's block"},
      /* kSeeBlocks */ {{"rltn"}, "see the register of blocks"},
      /* kCheckSharing */ {{"rltn", "clinic"}, "ask whether a clinic may share notes"},
      /* kSeeSharingLog */ {{"rltn", "clinic"}, "see the sharing log"},
      /* kSeeBudgets */ {{"rltn", "plo", "pool_secretariat"}, "see the budgets"},
      /* kSpend */ {{"rltn", "plo"}, "record spend"},
  };
  static_assert(std::size(kRules) == static_cast<size_t>(CaseAction::kSpend) + 1, "one rule per CaseAction");
  return kRules[static_cast<size_t>(a)];
}

}  // namespace

bool MayDo(std::string_view role, CaseAction action) {
  for (std::string_view r : RuleOf(action).roles)
    if (r == role) return true;
  return false;
}

Status CheckMayDo(const UserRecord& u, CaseAction action) {
  if (MayDo(u.role, action)) return Status::Ok();
  return PermissionDenied("role '" + u.role + "' may not " + RuleOf(action).what);
}

StatusOr<std::string> ActingFor(const UserRecord& u, std::string_view scoped_role, const std::string& given,
                                const char* refusal) {
  if (u.role != scoped_role) return given;
  if (!given.empty() && given != u.scope) return PermissionDenied(refusal);
  return u.scope;
}

}  // namespace almen
