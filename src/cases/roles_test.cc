// Who may do what in the case work (roles.h), as a table per role.
#include "cases/roles.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace almen {
namespace {

using A = CaseAction;

UserRecord User(const std::string& role, const std::string& scope = "") {
  UserRecord u;
  u.username = role + "-user";
  u.role = role;
  u.scope = scope;
  return u;
}

TEST(CaseRoles, EachRoleMayDoExactlyItsActions) {
  const std::map<std::string, std::set<A>> may = {
      {"rltn",
       {A::kSeePool, A::kOpenCall, A::kAppointMember, A::kApply, A::kPay, A::kRequestReport, A::kSubmitReport,
        A::kEvaluate, A::kSeeSanctions, A::kSeeEmployments, A::kRegisterSanctions, A::kRegisterEmployment,
        A::kCheckEmployment, A::kBlockSharing, A::kRevokeBlock, A::kSeeBlocks, A::kCheckSharing, A::kSeeSharingLog,
        A::kSeeBudgets, A::kSpend}},
      {"plo", {A::kSeePool, A::kSeeSanctions, A::kSeeEmployments, A::kCheckEmployment, A::kSeeBudgets, A::kSpend}},
      {"region",
       {A::kSeePool, A::kApply, A::kSubmitReport, A::kSeeSanctions, A::kSeeEmployments, A::kCheckEmployment,
        A::kBlockSharing, A::kRevokeBlock}},
      {"municipality", {A::kCheckEmployment}},
      {"clinic",
       {A::kSeeSanctions, A::kSeeEmployments, A::kRegisterEmployment, A::kCheckEmployment, A::kBlockSharing,
        A::kRevokeBlock, A::kCheckSharing, A::kSeeSharingLog}},
      {"pool_secretariat",
       {A::kSeePool, A::kOpenCall, A::kAppointMember, A::kApply, A::kRecommend, A::kPay, A::kRequestReport,
        A::kSubmitReport, A::kEvaluate, A::kSeeBudgets}},
      {"pool_committee", {A::kSeePool, A::kScore, A::kRecommend}},
      {"pool_board", {A::kSeePool, A::kDecide}},
      {"nobody", {}},
  };
  for (const auto& [role, actions] : may)
    for (int a = 0; a <= static_cast<int>(A::kSpend); ++a) {
      const auto action = static_cast<A>(a);
      EXPECT_EQ(MayDo(role, action), actions.count(action) > 0) << role << " action " << a;
      EXPECT_EQ(CheckMayDo(User(role), action).ok(), actions.count(action) > 0) << role << " action " << a;
    }
}

TEST(CaseRoles, RefusalNamesTheRoleAndTheAction) {
  Status s = CheckMayDo(User("region", "1084"), A::kDecide);
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(s.message(), "role 'region' may not decide on grants (the fund's board does)");
  EXPECT_EQ(CheckMayDo(User("clinic", "111111"), A::kSeePool).message(), "role 'clinic' may not see the pool");
  // rltn runs the secretariat's steps but is not the committee.
  EXPECT_EQ(CheckMayDo(User("rltn"), A::kRecommend).message(),
            "role 'rltn' may not record the committee's recommendation");
}

TEST(CaseRoles, AScopedUserActsForItselfOnly) {
  const UserRecord region = User("region", "1085"), clinic = User("clinic", "111111"), rltn = User("rltn");
  EXPECT_EQ(*ActingFor(region, "region", "", "x"), "1085");
  EXPECT_EQ(*ActingFor(region, "region", "1085", "x"), "1085");
  auto other = ActingFor(region, "region", "1084", "a region applies for itself only");
  EXPECT_EQ(other.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(other.status().message(), "a region applies for itself only");
  EXPECT_EQ(*ActingFor(clinic, "clinic", "", "x"), "111111");
  EXPECT_FALSE(ActingFor(clinic, "clinic", "222222", "x").ok());
  // Unscoped users name whom they act for (the caller requires it).
  EXPECT_EQ(*ActingFor(rltn, "clinic", "222222", "x"), "222222");
  EXPECT_EQ(*ActingFor(rltn, "clinic", "", "x"), "");
  // A region is not scoped where clinics are.
  EXPECT_EQ(*ActingFor(region, "clinic", "222222", "x"), "222222");
}

}  // namespace
}  // namespace almen
