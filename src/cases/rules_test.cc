// The case work's rules as pure functions (rules.h): the application's state
// machine, conflict of interest, the budget checks, the evaluation's totals
// and the sharing answer. No database, no HTTP.
#include "cases/rules.h"

#include <gtest/gtest.h>

namespace almen {
namespace {

using S = ApplicationState;

PoolApplication App(const std::string& status, int64_t amount = 500000000) {
  PoolApplication a;
  a.id = 7;
  a.call_id = 1;
  a.region_code = "1085";
  a.status = status;
  a.amount_ore = amount;
  a.granted_ore = 0;
  return a;
}

TEST(ApplicationStates, NamesRoundTripAsPersisted) {
  for (S s : {S::kSubmitted, S::kRecommended, S::kNotRecommended, S::kGranted, S::kRefused, S::kClosed})
    EXPECT_EQ(ParseApplicationState(ApplicationStateName(s)), s);
  EXPECT_EQ(ApplicationStateName(S::kNotRecommended), "not_recommended");
  EXPECT_FALSE(ParseApplicationState("approved").has_value());
  EXPECT_FALSE(ParseApplicationState("").has_value());
}

TEST(ApplicationStates, TheStateMachine) {
  // Each step and the states it may be taken from; every other pair is refused.
  const std::vector<std::pair<PoolStep, std::vector<S>>> allowed = {
      {PoolStep::kScore, {S::kSubmitted}},
      {PoolStep::kRecommend, {S::kSubmitted}},
      {PoolStep::kDecide, {S::kRecommended, S::kNotRecommended}},
      {PoolStep::kPay, {S::kGranted, S::kClosed}},
      {PoolStep::kRequestReport, {S::kGranted}},
  };
  for (const auto& [step, from] : allowed)
    for (S s : {S::kSubmitted, S::kRecommended, S::kNotRecommended, S::kGranted, S::kRefused, S::kClosed}) {
      const bool expected = std::find(from.begin(), from.end(), s) != from.end();
      EXPECT_EQ(StepAllowed(s, step), expected)
          << "step " << static_cast<int>(step) << " from " << ApplicationStateName(s);
    }
  EXPECT_EQ(StateAfterRecommendation(true), S::kRecommended);
  EXPECT_EQ(StateAfterRecommendation(false), S::kNotRecommended);
  EXPECT_EQ(StateAfterDecision(true), S::kGranted);
  EXPECT_EQ(StateAfterDecision(false), S::kRefused);
}

TEST(ApplicationStates, RefusalsNameTheApplicationAndItsState) {
  EXPECT_TRUE(MayTakeStep(App("submitted"), PoolStep::kScore).ok());
  Status closed = MayTakeStep(App("recommended"), PoolStep::kScore);
  EXPECT_EQ(closed.code(), StatusCode::kConflict);
  EXPECT_EQ(closed.message(), "application 7 is recommended; scoring is closed");
  EXPECT_EQ(MayTakeStep(App("granted"), PoolStep::kRecommend).message(), "application 7 is granted, not submitted");
  // No decision before the committee's recommendation, and only one.
  EXPECT_EQ(MayTakeStep(App("submitted"), PoolStep::kDecide).message(),
            "no decision without the assessment committee's recommendation: application 7 has none yet");
  EXPECT_TRUE(MayTakeStep(App("not_recommended"), PoolStep::kDecide).ok());  // the board may overrule
  EXPECT_EQ(MayTakeStep(App("refused"), PoolStep::kDecide).message(), "application 7 is decided already");
  EXPECT_EQ(MayTakeStep(App("refused"), PoolStep::kPay).message(), "application 7 has no grant to pay");
  EXPECT_TRUE(MayTakeStep(App("closed"), PoolStep::kPay).ok());
  EXPECT_EQ(MayTakeStep(App("closed"), PoolStep::kRequestReport).code(), StatusCode::kConflict);
  // A state the code does not know allows nothing.
  EXPECT_EQ(MayTakeStep(App("archived"), PoolStep::kScore).code(), StatusCode::kConflict);
  EXPECT_EQ(MayTakeStep(App("archived"), PoolStep::kPay).code(), StatusCode::kConflict);
}

TEST(ApplicationStates, ScoresBeforeTheRecommendation) {
  EXPECT_EQ(CheckScored(7, 0).message(), "the committee has not scored application 7 yet");
  EXPECT_TRUE(CheckScored(7, 1).ok());
  EXPECT_TRUE(CheckScore(1).ok());
  EXPECT_TRUE(CheckScore(5).ok());
  EXPECT_EQ(CheckScore(0).code(), StatusCode::kInvalidInput);
  EXPECT_EQ(CheckScore(6).code(), StatusCode::kInvalidInput);
}

TEST(ConflictOfInterest, AMemberFromTheApplyingRegion) {
  const PoolCommitteeMember sjaelland{"udvalg-plo-2", "plo", "1085"}, none{"udvalg-plo-3", "plo", ""};
  EXPECT_TRUE(ConflictOfInterest(sjaelland, "1085"));
  EXPECT_FALSE(ConflictOfInterest(sjaelland, "1084"));
  EXPECT_FALSE(ConflictOfInterest(none, "1085"));         // a member without a region
  EXPECT_FALSE(ConflictOfInterest(std::nullopt, "1085"));  // not a member
}

TEST(BudgetChecks, ACallWithinTheYearsPool) {
  const Money pool = Money::FromOre(2000000000);  // 20 mio. kr.
  EXPECT_TRUE(CheckCallBudget(2025, pool, 0, 2000000000).ok());
  EXPECT_TRUE(CheckCallBudget(2025, pool, 1500000000, 500000000).ok());
  Status over = CheckCallBudget(2025, pool, 2000000000, 100);
  EXPECT_EQ(over.code(), StatusCode::kConflict);
  EXPECT_EQ(over.message(), "the call's budget 1,00 kr. exceeds what is left of the 2025 pool (0,00 kr. of "
                            "20.000.000,00 kr.)");
}

TEST(BudgetChecks, GrantsWithinTheApplicationAndTheCall) {
  PoolApplication a = App("recommended", 500000000);
  EXPECT_EQ(DefaultGrant(a), 500000000);  // nothing recommended: what was applied for
  a.recommended_ore = 400000000;
  EXPECT_EQ(DefaultGrant(a), 400000000);
  a.recommended_ore = 0;  // declined
  EXPECT_EQ(DefaultGrant(a), 500000000);

  EXPECT_TRUE(CheckGrantAmount(500000000, 500000000).ok());
  EXPECT_EQ(CheckGrantAmount(500000001, 500000000).code(), StatusCode::kInvalidInput);
  EXPECT_EQ(CheckGrantAmount(0, 500000000).code(), StatusCode::kInvalidInput);
  EXPECT_TRUE(CheckRecommendedAmount(1, 500000000).ok());
  EXPECT_EQ(CheckRecommendedAmount(-1, 500000000).message(),
            "the recommended amount must be positive and at most the amount applied for (5.000.000,00 kr.)");

  EXPECT_TRUE(CheckGrantWithinCall(100000000, 100000000).ok());
  Status over = CheckGrantWithinCall(500000000, 100000000);
  EXPECT_EQ(over.code(), StatusCode::kConflict);
  EXPECT_EQ(over.message(), "the grant of 5.000.000,00 kr. exceeds the remaining pool of 1.000.000,00 kr.; nothing "
                            "was granted");
}

TEST(BudgetChecks, InstalmentsSpendAndCommitteeSize) {
  EXPECT_TRUE(CheckInstalment(250000000, 150000000, 400000000).ok());  // exactly the grant
  EXPECT_EQ(CheckInstalment(400000000, 1, 400000000).message(),
            "the instalment would bring payments to 4.000.000,01 kr., above the grant of 4.000.000,00 kr.");
  const Money it = Money::FromOre(2100000000);
  EXPECT_TRUE(CheckSpend(2025, it, 525000000, 1575000000).ok());
  EXPECT_EQ(CheckSpend(2025, it, 525000000, 1600000000).message(),
            "the spend would exceed the 2025 budget of 21.000.000,00 kr. (spent so far 5.250.000,00 kr.)");
  EXPECT_TRUE(CheckCommitteeSize("plo", 2, 3).ok());
  EXPECT_EQ(CheckCommitteeSize("plo", 3, 3).message(),
            "plo has already appointed 3 members of the assessment committee (OK25 afsnit 1, Governance)");
}

TEST(Evaluation, TotalsOverProjectTypes) {
  Table t;
  t.columns = {"project_type", "applications", "granted", "applied_ore", "cofinancing_ore", "granted_ore",
               "paid_ore", "reports_requested", "reports_received"};
  t.rows = {{"premises", 1, 1, 500, 100, 400, 400, 1, 1}, {"tutors", 2, 0, 300, 0, 0, 0, 0, 0}};
  nlohmann::json f = EvaluationFigures(t);
  EXPECT_EQ(f["by_project_type"].size(), 2u);
  EXPECT_EQ(f["by_project_type"][1]["project_type"], "tutors");
  EXPECT_EQ(f["total"]["applications"], 3);
  EXPECT_EQ(f["total"]["applied_ore"], 800);
  EXPECT_EQ(f["total"]["granted_ore"], 400);
  EXPECT_EQ(f["total"]["reports_received"], 1);
  EXPECT_EQ(EvaluationFigures(Table{t.columns, {}, -1})["total"]["granted"], 0);
}

TEST(Sharing, ABlockCoversItsTypeAndSectorOrAll) {
  const std::vector<SharingBlock> blocks = {{3, "journal_note", "hospital", "2025-03-01T10:00:00Z"},
                                            {5, "all", "municipality", "2025-04-02T10:00:00Z"},
                                            {9, "all", "all", "2025-05-03T10:00:00Z"}};
  EXPECT_EQ(BlockingSharing(blocks, "journal_note", "hospital")->id, 3);  // the oldest that covers
  EXPECT_EQ(BlockingSharing(blocks, "lab_values", "municipality")->id, 5);
  EXPECT_EQ(BlockingSharing(blocks, "lab_values", "hospital")->id, 9);
  EXPECT_EQ(BlockingSharing({blocks[0]}, "lab_values", "hospital"), nullptr);
  EXPECT_EQ(BlockingSharing({blocks[0]}, "journal_note", "municipality"), nullptr);
  EXPECT_EQ(BlockingSharing({}, "journal_note", "hospital"), nullptr);

  EXPECT_EQ(SharingReason(nullptr, "lab_values", "specialist_practice"),
            "Der er ingen spærring: klinikken må dele patientens laboratorieværdier med speciallægepraksis "
            "(OK25 afsnit 3).");
  EXPECT_EQ(SharingReason(&blocks[0], "journal_note", "hospital"),
            "Patienten har frabedt sig deling af journalnotater med sygehuse (spærring nr. 3 af 1. marts 2025); "
            "der må ikke deles (OK25 afsnit 3).");
  EXPECT_NE(SharingReason(&blocks[2], "journal_note", "hospital").find("journalnotater og laboratorieværdier med "
                                                                       "alle sektorer"),
            std::string::npos);
}

TEST(Vocabularies, RegionsTypesAndSectors) {
  for (const char* r : {"1081", "1082", "1083", "1084", "1085"}) EXPECT_TRUE(IsRegionCode(r)) << r;
  EXPECT_FALSE(IsRegionCode("1086"));
  EXPECT_FALSE(IsRegionCode(""));
  EXPECT_TRUE(IsProjectType("satellite_transport"));
  EXPECT_FALSE(IsProjectType("yacht"));
  EXPECT_TRUE(IsPartnerType("local_organisation"));
  EXPECT_FALSE(IsPartnerType("company"));
  EXPECT_TRUE(IsNoteType("lab_values"));
  EXPECT_FALSE(IsNoteType("all"));  // "all" is a block's, not a question's
  EXPECT_TRUE(IsSector("other_practice"));
  EXPECT_FALSE(IsSector("all"));
  EXPECT_EQ(NoteTypeDa("journal_note"), "journalnotater");
  EXPECT_EQ(SectorDa("all"), "alle sektorer");
}

}  // namespace
}  // namespace almen
