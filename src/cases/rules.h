// The rules of the agreement's case work (agreement.md §G, OK25 afsnit 1 and
// 3), as pure functions over values: no database, no HTTP, no clock. The
// workflows in service.h load what a rule needs, ask the rule and store the
// outcome; the unit tests ask the rules directly (rules_test.cc).
//
//  - the vocabularies: regions, project and partner types, note types and
//    sectors (with their Danish names);
//  - the states of a pool application and the steps between them;
//  - conflict of interest in the assessment committee;
//  - the budget checks: a call within the year's pool, a grant within the
//    call, instalments within the grant, spend within the IT/Partsforum
//    budgets, three committee members per party;
//  - whether a patient's blocks forbid sharing, and the Danish answer.
//
// Refusals are Status values with the message the API answers with:
// InvalidInput (400) for a bad value, Conflict (409) for a step the state or
// a budget does not allow. Money is int64 øre.
//
// Thread safe (pure functions, immutable tables).
//
// Example:
//   ALMEN_RETURN_IF_ERROR(MayTakeStep(app, PoolStep::kDecide));
//   ALMEN_RETURN_IF_ERROR(CheckGrantWithinCall(amount, remaining));
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/money.h"
#include "common/status.h"
#include "storage/cases_store.h"

namespace almen {

// ---- vocabularies -------------------------------------------------------------------

bool IsRegionCode(std::string_view code);  // 1081–1085
// The seed's examples of projects (afsnit 1, "Pulje til bedre lægedækning"):
// professional_community, cross_disciplinary, satellite_transport,
// settling_families, premises, tutors, training_posts, operating_costs.
bool IsProjectType(std::string_view type);
bool IsPartnerType(std::string_view type);  // plo_regional | municipality | local_organisation
bool IsNoteType(std::string_view type);     // journal_note | lab_values
bool IsSector(std::string_view sector);     // hospital | municipality | specialist_practice | other_practice
// Danish names; `all` too ("journalnotater og laboratorieværdier", "alle sektorer").
std::string NoteTypeDa(std::string_view type);
std::string SectorDa(std::string_view sector);

// ---- pool applications: states and steps ----------------------------------------------

// The state of an application; persisted by name (pool_applications.status).
//
//   submitted --score--> submitted                       (by committee members without a conflict)
//   submitted --recommend--> recommended | not_recommended  (after at least one score)
//   recommended | not_recommended --decide--> granted | refused  (once; the board)
//   granted | closed: instalments up to the grant; granted: status reports
//
// `closed` is a state the data may hold (migration 0003) that no step sets.
enum class ApplicationState : uint8_t { kSubmitted, kRecommended, kNotRecommended, kGranted, kRefused, kClosed };
std::string_view ApplicationStateName(ApplicationState s);
std::optional<ApplicationState> ParseApplicationState(std::string_view name);

enum class PoolStep : uint8_t { kScore, kRecommend, kDecide, kPay, kRequestReport };
// Whether the state machine above allows `step` from `state`.
bool StepAllowed(ApplicationState state, PoolStep step);
// The same for a stored application, as the API's refusal (Conflict, naming
// the application and its state); an unknown state allows nothing.
Status MayTakeStep(const PoolApplication& a, PoolStep step);
ApplicationState StateAfterRecommendation(bool recommend);  // recommended | not_recommended
ApplicationState StateAfterDecision(bool grant);            // granted | refused

// A recommendation needs at least one score (Conflict otherwise).
Status CheckScored(int64_t application_id, int64_t scores);
// 1–5.
Status CheckScore(int64_t score);

// ---- conflict of interest ---------------------------------------------------------------

// A committee member from the applying region may not score or recommend the
// application (OK25 afsnit 1, Governance); a member without a region never
// has a conflict. nullopt: not a member.
bool ConflictOfInterest(const std::optional<PoolCommitteeMember>& member, std::string_view applying_region);

// ---- budget checks ----------------------------------------------------------------------

// A new call's budget must fit in what is left of the year's pool after the
// calls already opened (Conflict).
Status CheckCallBudget(int64_t year, Money pool, int64_t already_opened_ore, int64_t budget_ore);
// A recommended amount: positive and at most the amount applied for.
Status CheckRecommendedAmount(int64_t amount_ore, int64_t applied_ore);
// What the board grants unless it says otherwise: the recommended amount,
// or the amount applied for when none was recommended.
int64_t DefaultGrant(const PoolApplication& a);
// A grant: positive and at most the amount applied for (InvalidInput) …
Status CheckGrantAmount(int64_t amount_ore, int64_t applied_ore);
// … and within what is left of the call (Conflict; nothing is granted).
Status CheckGrantWithinCall(int64_t amount_ore, int64_t remaining_ore);
// Instalments never add up to more than the grant (Conflict).
Status CheckInstalment(int64_t paid_ore, int64_t amount_ore, int64_t granted_ore);
// Spend against the IT subsidy or Partsforum budget of `year` (Conflict).
Status CheckSpend(int64_t year, Money budget, int64_t spent_ore, int64_t amount_ore);
// Each party appoints at most `max_per_party` members (Conflict).
Status CheckCommitteeSize(const std::string& party, int64_t appointed, int64_t max_per_party);

// ---- evaluation ----------------------------------------------------------------------------

// The final evaluation's figures from the rows of
// CasesStore::CallFiguresByProjectType: {"by_project_type": [...], "total": {...}}.
nlohmann::json EvaluationFigures(const Table& by_project_type);

// ---- sharing (OK25 afsnit 3) -------------------------------------------------------------

// The first of `blocks` (oldest first) that covers `note_type` for `sector`
// (a block on `all` covers every type or sector), or nullptr: sharing is allowed.
const SharingBlock* BlockingSharing(const std::vector<SharingBlock>& blocks, std::string_view note_type,
                                    std::string_view sector);
// The Danish answer: allowed, or which block forbids it and since when.
std::string SharingReason(const SharingBlock* block, std::string_view note_type, std::string_view sector);

}  // namespace almen
