// The case work's workflows (service.h) on a fresh database, SQLite and a real
// PostgreSQL, without HTTP: what each step stores, what a refusal leaves
// unchanged, and what the audit log keeps.
#include "cases/service.h"

#include <gtest/gtest.h>

#include <map>

#include "storage/testing_db.h"

namespace almen {
namespace {

using json = nlohmann::json;

const char* kNow = "2025-03-01T10:00:00Z";

UserRecord User(const std::string& name, const std::string& role, const std::string& scope = "") {
  UserRecord u;
  u.username = name;
  u.role = role;
  u.scope = scope;
  return u;
}

class CaseServiceTest : public testing::DatabaseTest {
 protected:
  static void SetUpTestSuite() {
    auto a = Agreement::LoadBuiltin();
    ASSERT_TRUE(a.ok()) << a.status().message();
    agreement_ = new Agreement(std::move(*a));
  }
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    cases_ = std::make_unique<CaseService>(*db_, *agreement_, /*fast_password_hash=*/true);
  }
  void TearDown() override {
    cases_.reset();
    DatabaseTest::TearDown();
  }

  // action -> user of the audit log's rows
  std::multimap<std::string, std::string> Audit() {
    auto t = db_->AuditLog(1000, 0);
    EXPECT_TRUE(t.ok());
    std::multimap<std::string, std::string> out;
    for (const auto& r : t->rows) out.emplace(r[3].get<std::string>(), r[2].get<std::string>());
    return out;
  }
  PoolApplication Stored(int64_t id) {
    auto c = db_->pool().Borrow();
    auto a = CasesStore(*c).Application(id);
    EXPECT_TRUE(a.ok() && a->has_value());
    return a.ok() && *a ? **a : PoolApplication{};
  }

  static inline Agreement* agreement_ = nullptr;
  std::unique_ptr<CaseService> cases_;
  const UserRecord sek_ = User("sek", "pool_secretariat"), board_ = User("board", "pool_board"),
                   region_ = User("region-sjaelland", "region", "1085"), rltn_ = User("rltn", "rltn");
};

TEST_P(CaseServiceTest, PoolWorkflowStepByStep) {
  auto call = cases_->CreateCall(sek_, {"Runde 1", 2025, 1000000000, *Date::Parse("2025-02-01"), *Date::Parse("2025-04-30")},
                                 kNow);
  ASSERT_TRUE(call.ok()) << call.status().message();
  // The 2025 pool is 20 mio. kr.: a second call of 15 mio. does not fit.
  auto too_big = cases_->CreateCall(sek_, {"Runde 2", 2025, 1500000000, *Date::Parse("2025-05-01"),
                                           *Date::Parse("2025-06-30")}, kNow);
  EXPECT_EQ(too_big.status().code(), StatusCode::kConflict);
  EXPECT_EQ(cases_->CreateCall(region_, {"x", 2025, 1, *Date::Parse("2025-05-01"), *Date::Parse("2025-06-30")}, kNow)
                .status()
                .code(),
            StatusCode::kPermissionDenied);

  // The committee: a member from the applying region (1085) and one from elsewhere.
  ASSERT_TRUE(cases_->AppointMember(sek_, {"udvalg-plo-2", "hemmelig-kode", "plo", "1085"}, kNow).ok());
  ASSERT_TRUE(cases_->AppointMember(sek_, {"udvalg-rltn-1", "hemmelig-kode", "rltn", "1084"}, kNow).ok());
  EXPECT_EQ(cases_->AppointMember(sek_, {"udvalg-rltn-1", "hemmelig-kode", "rltn", ""}, kNow).code(),
            StatusCode::kConflict);  // exists already
  EXPECT_EQ(cases_->AppointMember(sek_, {"kort", "kort", "rltn", ""}, kNow).code(), StatusCode::kInvalidInput);
  const UserRecord conflicted = User("udvalg-plo-2", "pool_committee", "plo:1085"),
                   member = User("udvalg-rltn-1", "pool_committee", "rltn:1084");

  PoolApplicationRequest r;
  r.call_id = *call;
  r.project_type = "premises";
  r.title = "Lægehus i Nakskov";
  r.area = "Lolland";
  r.amount_ore = 500000000;
  r.partners = {{"municipality", "Lolland Kommune"}};
  auto id = cases_->Apply(region_, r, kNow);
  ASSERT_TRUE(id.ok()) << id.status().message();
  EXPECT_EQ(Stored(*id).region_code, "1085");  // the region's own
  EXPECT_EQ(Stored(*id).partners_json, R"([{"name":"Lolland Kommune","type":"municipality"}])");
  r.region_code = "1084";
  EXPECT_EQ(cases_->Apply(region_, r, kNow).status().code(), StatusCode::kPermissionDenied);

  // Conflict of interest: refused and audited; the view says so.
  Status c = cases_->Score(conflicted, *id, {5, true, ""}, kNow);
  EXPECT_EQ(c.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(c.message().find("conflict of interest"), std::string::npos);
  EXPECT_EQ((*cases_->Application(conflicted, *id))["conflict_of_interest"], true);
  EXPECT_EQ((*cases_->Application(member, *id))["conflict_of_interest"], false);

  // No decision and no recommendation before a score.
  EXPECT_EQ(cases_->Decide(board_, *id, {true, std::nullopt, ""}, kNow).status().code(), StatusCode::kConflict);
  EXPECT_EQ(cases_->Recommend(sek_, *id, {true, std::nullopt, ""}, kNow).status().code(), StatusCode::kConflict);
  ASSERT_TRUE(cases_->Score(member, *id, {4, true, "Godt projekt"}, kNow).ok());
  auto rec = cases_->Recommend(member, *id, {true, 400000000, ""}, kNow);
  ASSERT_TRUE(rec.ok()) << rec.status().message();
  EXPECT_EQ(*rec, ApplicationState::kRecommended);
  EXPECT_EQ(cases_->Score(member, *id, {3, false, ""}, kNow).code(), StatusCode::kConflict);  // scoring closed

  // Never more than was applied for; by default what was recommended.
  EXPECT_EQ(cases_->Decide(board_, *id, {true, 500000001, ""}, kNow).status().code(), StatusCode::kInvalidInput);
  auto granted = cases_->Decide(board_, *id, {true, std::nullopt, "Som indstillet"}, kNow);
  ASSERT_TRUE(granted.ok()) << granted.status().message();
  EXPECT_EQ(granted->granted_ore, 400000000);  // the recommended amount
  EXPECT_EQ(Stored(*id).status, "granted");
  EXPECT_EQ(Stored(*id).decision_note, "Som indstillet");
  EXPECT_EQ(cases_->Decide(board_, *id, {true, std::nullopt, ""}, kNow).status().code(), StatusCode::kConflict);

  // Instalments never above the grant.
  EXPECT_EQ(cases_->Pay(sek_, *id, 250000000, *Date::Parse("2025-07-01"), kNow)->instalment, 1);
  auto second = cases_->Pay(sek_, *id, 150000000, *Date::Parse("2025-10-01"), kNow);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->instalment, 2);
  EXPECT_EQ(second->paid_ore, 400000000);
  EXPECT_EQ(cases_->Pay(sek_, *id, 1, *Date::Parse("2025-10-01"), kNow).status().code(), StatusCode::kConflict);

  // A report, received once; the evaluation closes the call.
  auto report = cases_->RequestReport(sek_, *id, *Date::Parse("2025-12-01"), kNow);
  ASSERT_TRUE(report.ok());
  ASSERT_TRUE(cases_->ReceiveReport(region_, *report, "Lokalerne er indrettet.", kNow).ok());
  EXPECT_EQ(cases_->ReceiveReport(region_, *report, "igen", kNow).code(), StatusCode::kConflict);
  auto figures = cases_->Evaluate(sek_, *call, "Samlet evaluering", kNow);
  ASSERT_TRUE(figures.ok()) << figures.status().message();
  EXPECT_EQ((*figures)["total"]["granted_ore"], 400000000);
  EXPECT_EQ((*figures)["total"]["paid_ore"], 400000000);
  EXPECT_EQ((*figures)["total"]["reports_received"], 1);
  EXPECT_EQ(cases_->Evaluation(board_, *call)->evaluations.rows.size(), 1u);
  auto calls = cases_->Calls(sek_);
  ASSERT_TRUE(calls.ok());
  EXPECT_EQ(calls->rows[0][5], "evaluated");
  EXPECT_EQ(calls->rows[0][8], 1000000000 - 400000000);  // remaining_ore

  auto audit = Audit();
  EXPECT_EQ(audit.count("pool.score.refused_conflict"), 1u);
  EXPECT_EQ(audit.find("pool.score.refused_conflict")->second, "udvalg-plo-2");
  EXPECT_EQ(audit.find("pool.decision")->second, "board");
  EXPECT_EQ(audit.count("pool.payment"), 2u);
  EXPECT_EQ(audit.count("pool.committee.appoint"), 2u);
}

TEST_P(CaseServiceTest, AGrantBeyondWhatIsLeftOfTheCallIsRefused) {
  auto call = cases_->CreateCall(sek_, {"Lille runde", 2025, 300000000, *Date::Parse("2025-02-01"),
                                        *Date::Parse("2025-04-30")}, kNow);
  ASSERT_TRUE(call.ok());
  ASSERT_TRUE(cases_->AppointMember(sek_, {"udvalg-rltn-1", "hemmelig-kode", "rltn", "1084"}, kNow).ok());
  const UserRecord member = User("udvalg-rltn-1", "pool_committee", "rltn:1084");
  PoolApplicationRequest r;
  r.call_id = *call;
  r.project_type = "tutors";
  r.title = "Tutorer";
  r.area = "Lolland";
  r.amount_ore = 500000000;
  auto id = cases_->Apply(region_, r, kNow);
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(cases_->Score(member, *id, {5, true, ""}, kNow).ok());
  ASSERT_TRUE(cases_->Recommend(member, *id, {true, std::nullopt, ""}, kNow).ok());
  auto refused = cases_->Decide(board_, *id, {true, std::nullopt, ""}, kNow);
  EXPECT_EQ(refused.status().code(), StatusCode::kConflict);
  EXPECT_NE(refused.status().message().find("exceeds the remaining pool"), std::string::npos);
  EXPECT_EQ(Stored(*id).status, "recommended");
  EXPECT_EQ(Stored(*id).granted_ore, 0);
  EXPECT_EQ(Audit().count("pool.decision.refused_budget"), 1u);
  auto rest = cases_->Decide(board_, *id, {true, 300000000, ""}, kNow);
  ASSERT_TRUE(rest.ok()) << rest.status().message();
  EXPECT_EQ(rest->state, ApplicationState::kGranted);
}

TEST_P(CaseServiceTest, SharingBlocksAreHonouredAndLogged) {
  const UserRecord clinic = User("klinik-111111", "clinic", "111111");
  const Pseudonym patient{1, 2}, other{3, 4};
  auto block = cases_->AddBlock(clinic, patient, "journal_note", "hospital", kNow);
  ASSERT_TRUE(block.ok());
  EXPECT_EQ(cases_->AddBlock(clinic, patient, "x-rays", "all", kNow).status().code(), StatusCode::kInvalidInput);
  auto no = cases_->CheckSharing(clinic, patient, "", "journal_note", "hospital", kNow);
  ASSERT_TRUE(no.ok());
  EXPECT_FALSE(no->allowed);
  EXPECT_EQ(no->block_id, *block);
  EXPECT_TRUE(cases_->CheckSharing(clinic, patient, "", "lab_values", "hospital", kNow)->allowed);
  EXPECT_TRUE(cases_->CheckSharing(clinic, other, "", "journal_note", "hospital", kNow)->allowed);
  EXPECT_EQ(cases_->CheckSharing(clinic, patient, "222222", "journal_note", "hospital", kNow).status().code(),
            StatusCode::kPermissionDenied);
  ASSERT_TRUE(cases_->RevokeBlock(clinic, *block, kNow).ok());
  EXPECT_EQ(cases_->RevokeBlock(clinic, *block, kNow).code(), StatusCode::kConflict);
  EXPECT_TRUE(cases_->CheckSharing(clinic, patient, "", "journal_note", "hospital", kNow)->allowed);
  auto log = cases_->SharingLog(rltn_, Scope{});
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(log->rows.size(), 4u);  // every answer, the refused question not
  EXPECT_EQ(log->rows.back()[8], patient.ToHex().substr(0, 8));
}

TEST_P(CaseServiceTest, SpendStaysWithinTheBudget) {
  const UserRecord plo = User("plo", "plo");
  auto ok = cases_->RecordSpend(plo, {"it_subsidy", 2000000000, *Date::Parse("2025-06-30"), "Drift"}, kNow);
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_EQ(ok->remaining_ore, 2100000000 - 2000000000);
  auto over = cases_->RecordSpend(plo, {"it_subsidy", 100000001, *Date::Parse("2025-07-01"), "Mere"}, kNow);
  EXPECT_EQ(over.status().code(), StatusCode::kConflict);
  EXPECT_EQ(cases_->RecordSpend(plo, {"lottery", 1, *Date::Parse("2025-07-01"), "x"}, kNow).status().code(),
            StatusCode::kInvalidInput);
  auto budgets = cases_->Budgets(plo, 2025);
  ASSERT_TRUE(budgets.ok());
  EXPECT_EQ((*budgets)[0]["budget"], "it_subsidy");
  EXPECT_EQ((*budgets)[0]["spent_ore"], 2000000000);
  EXPECT_EQ((*budgets)[1]["remaining_ore"], 900000000);
  EXPECT_EQ(cases_->Spend(plo, 2025)->rows.size(), 1u);
}

TEST_P(CaseServiceTest, SanctionsAndEmploymentBans) {
  auto rows = SanctionRegister::Parse("sanctions.csv",
                                      "doctor_id,provider,kind,decided,from_date,to_date,amount_ore\n"
                                      "L1,111111,d,2025-02-01,2025-03-01,2025-04-01,\n"
                                      "L3,,f,2025-01-10,2025-01-10,,\n");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*cases_->AddSanctions(rltn_, rows->rows(), kNow), 2u);
  // An overlapping suspension: refused, nothing stored.
  auto overlap = SanctionRegister::Parse("sanctions.csv",
                                         "doctor_id,provider,kind,decided,from_date,to_date,amount_ore\n"
                                         "L2,222222,a,2025-03-01,,,\n"
                                         "L1,111111,e,2025-03-01,2025-03-15,,\n");
  ASSERT_TRUE(overlap.ok());
  EXPECT_EQ(cases_->AddSanctions(rltn_, overlap->rows(), kNow).status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(cases_->Sanctions(rltn_, Scope{})->rows.size(), 2u);
  EXPECT_EQ(cases_->AddSanctions(User("plo", "plo"), rows->rows(), kNow).status().code(),
            StatusCode::kPermissionDenied);

  // f) blocks employment; the refusal is audited, nothing registered.
  const UserRecord clinic = User("klinik-111111", "clinic", "111111");
  auto banned = cases_->AddEmployment(clinic, {"L3", "", {*Date::Parse("2025-06-01"), Date::Max()}}, kNow);
  EXPECT_EQ(banned.status().code(), StatusCode::kConflict);
  EXPECT_EQ(Audit().count("employment.refused"), 1u);
  ASSERT_TRUE(cases_->AddEmployment(clinic, {"L5", "", {*Date::Parse("2025-01-01"), Date::Max()}}, kNow).ok());
  auto emp = cases_->Employments(rltn_, Scope{});
  ASSERT_EQ(emp->rows.size(), 1u);
  EXPECT_EQ(emp->rows[0][2], "111111");
  EXPECT_TRUE(cases_->CheckEmployment(rltn_, "L3", *Date::Parse("2025-05-01"))->blocked);
  EXPECT_FALSE(cases_->CheckEmployment(rltn_, "L3", *Date::Parse("2025-01-09"))->blocked);
}

TEST_P(CaseServiceTest, DemoDataLoadsOnce) {
  ASSERT_TRUE(BootstrapCaseDemo(*db_, true, kNow).ok());
  ASSERT_TRUE(BootstrapCaseDemo(*db_, true, kNow).ok());
  auto calls = cases_->Calls(sek_);
  ASSERT_TRUE(calls.ok());
  ASSERT_EQ(calls->rows.size(), 1u);
  EXPECT_EQ(calls->rows[0][8], 2000000000 - 400000000);  // the demo grant
  auto apps = cases_->Applications(sek_, std::nullopt);
  ASSERT_EQ(apps->rows.size(), 3u);
  PoolApplication first = Stored(apps->rows[0][0].get<int64_t>());
  EXPECT_EQ(first.status, "granted");
  EXPECT_FALSE(first.recommendation_note.has_value());  // NULL, as the demo always stored it
  EXPECT_EQ(cases_->Committee(sek_)->rows.size(), 6u);
  EXPECT_EQ(*db_->CountUsers(), 8);
  // A region sees its own applications only.
  EXPECT_EQ(cases_->Applications(region_, std::nullopt)->rows.size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, CaseServiceTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace almen
