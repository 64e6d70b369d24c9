// The case work's rules (rules.h).
#include "cases/rules.h"

#include <map>
#include <set>

#include "common/date.h"
#include "common/format_da.h"

namespace almen {

namespace {

const std::set<std::string, std::less<>> kRegions = {"1081", "1082", "1083", "1084", "1085"};
const std::set<std::string, std::less<>> kPartnerTypes = {"plo_regional", "municipality", "local_organisation"};
const std::set<std::string, std::less<>> kProjectTypes = {
    "professional_community", "cross_disciplinary", "satellite_transport", "settling_families",
    "premises",               "tutors",             "training_posts",      "operating_costs"};
const std::set<std::string, std::less<>> kNoteTypes = {"journal_note", "lab_values"};
const std::set<std::string, std::less<>> kSectors = {"hospital", "municipality", "specialist_practice",
                                                     "other_practice"};
const std::map<std::string, std::string, std::less<>> kNoteTypeDa = {
    {"journal_note", "journalnotater"},
    {"lab_values", "laboratorieværdier"},
    {"all", "journalnotater og laboratorieværdier"}};
const std::map<std::string, std::string, std::less<>> kSectorDa = {{"hospital", "sygehuse"},
                                                                   {"municipality", "kommuner"},
                                                                   {"specialist_practice", "speciallægepraksis"},
                                                                   {"other_practice", "andre almen praksis"},
                                                                   {"all", "alle sektorer"}};

constexpr std::string_view kStateNames[] = {"submitted", "recommended", "not_recommended",
                                            "granted",   "refused",     "closed"};

std::string Id(int64_t id) { return std::to_string(id); }

}  // namespace

bool IsRegionCode(std::string_view code) { return kRegions.count(code) > 0; }
bool IsProjectType(std::string_view type) { return kProjectTypes.count(type) > 0; }
bool IsPartnerType(std::string_view type) { return kPartnerTypes.count(type) > 0; }
bool IsNoteType(std::string_view type) { return kNoteTypes.count(type) > 0; }
bool IsSector(std::string_view sector) { return kSectors.count(sector) > 0; }

std::string NoteTypeDa(std::string_view type) {
  auto it = kNoteTypeDa.find(type);
  return it == kNoteTypeDa.end() ? std::string(type) : it->second;
}
std::string SectorDa(std::string_view sector) {
  auto it = kSectorDa.find(sector);
  return it == kSectorDa.end() ? std::string(sector) : it->second;
}

// ---- states and steps ----------------------------------------------------------------------

std::string_view ApplicationStateName(ApplicationState s) { return kStateNames[static_cast<size_t>(s)]; }

std::optional<ApplicationState> ParseApplicationState(std::string_view name) {
  for (size_t i = 0; i < std::size(kStateNames); ++i)
    if (kStateNames[i] == name) return static_cast<ApplicationState>(i);
  return std::nullopt;
}

bool StepAllowed(ApplicationState state, PoolStep step) {
  using S = ApplicationState;
  switch (step) {
    case PoolStep::kScore:
    case PoolStep::kRecommend:
      return state == S::kSubmitted;
    case PoolStep::kDecide:
      return state == S::kRecommended || state == S::kNotRecommended;
    case PoolStep::kPay:
      return state == S::kGranted || state == S::kClosed;
    case PoolStep::kRequestReport:
      return state == S::kGranted;
  }
  return false;
}

Status MayTakeStep(const PoolApplication& a, PoolStep step) {
  const auto state = ParseApplicationState(a.status);
  if (state && StepAllowed(*state, step)) return Status::Ok();
  switch (step) {
    case PoolStep::kScore:
      return Conflict("application " + Id(a.id) + " is " + a.status + "; scoring is closed");
    case PoolStep::kRecommend:
      return Conflict("application " + Id(a.id) + " is " + a.status + ", not submitted");
    case PoolStep::kDecide:
      if (state == ApplicationState::kSubmitted)
        return Conflict("no decision without the assessment committee's recommendation: application " + Id(a.id) +
                        " has none yet");
      return Conflict("application " + Id(a.id) + " is decided already");
    case PoolStep::kPay:
      return Conflict("application " + Id(a.id) + " has no grant to pay");
    case PoolStep::kRequestReport:
      return Conflict("status reports are requested from granted projects only");
  }
  return Conflict("application " + Id(a.id) + " is " + a.status);
}

ApplicationState StateAfterRecommendation(bool recommend) {
  return recommend ? ApplicationState::kRecommended : ApplicationState::kNotRecommended;
}
ApplicationState StateAfterDecision(bool grant) {
  return grant ? ApplicationState::kGranted : ApplicationState::kRefused;
}

Status CheckScored(int64_t application_id, int64_t scores) {
  if (scores == 0) return Conflict("the committee has not scored application " + Id(application_id) + " yet");
  return Status::Ok();
}

Status CheckScore(int64_t score) {
  if (score < 1 || score > 5) return InvalidInput("score must be 1–5");
  return Status::Ok();
}

// ---- conflict of interest -------------------------------------------------------------------

bool ConflictOfInterest(const std::optional<PoolCommitteeMember>& member, std::string_view applying_region) {
  return member && member->region_code == applying_region;
}

// ---- budgets ----------------------------------------------------------------------------------

Status CheckCallBudget(int64_t year, Money pool, int64_t already_opened_ore, int64_t budget_ore) {
  const int64_t left = pool.ore() - already_opened_ore;
  if (budget_ore > left)
    return Conflict("the call's budget " + FormatKroner(Money::FromOre(budget_ore)) + " exceeds what is left of the " +
                    std::to_string(year) + " pool (" + FormatKroner(Money::FromOre(left)) + " of " +
                    FormatKroner(pool) + ")");
  return Status::Ok();
}

Status CheckRecommendedAmount(int64_t amount_ore, int64_t applied_ore) {
  if (amount_ore <= 0 || amount_ore > applied_ore)
    return InvalidInput("the recommended amount must be positive and at most the amount applied for (" +
                        FormatKroner(Money::FromOre(applied_ore)) + ")");
  return Status::Ok();
}

int64_t DefaultGrant(const PoolApplication& a) {
  return a.recommended_ore && *a.recommended_ore > 0 ? *a.recommended_ore : a.amount_ore;
}

Status CheckGrantAmount(int64_t amount_ore, int64_t applied_ore) {
  if (amount_ore <= 0 || amount_ore > applied_ore)
    return InvalidInput("the grant must be positive and at most the amount applied for");
  return Status::Ok();
}

Status CheckGrantWithinCall(int64_t amount_ore, int64_t remaining_ore) {
  if (amount_ore > remaining_ore)
    return Conflict("the grant of " + FormatKroner(Money::FromOre(amount_ore)) + " exceeds the remaining pool of " +
                    FormatKroner(Money::FromOre(remaining_ore)) + "; nothing was granted");
  return Status::Ok();
}

Status CheckInstalment(int64_t paid_ore, int64_t amount_ore, int64_t granted_ore) {
  if (paid_ore + amount_ore > granted_ore)
    return Conflict("the instalment would bring payments to " + FormatKroner(Money::FromOre(paid_ore + amount_ore)) +
                    ", above the grant of " + FormatKroner(Money::FromOre(granted_ore)));
  return Status::Ok();
}

Status CheckSpend(int64_t year, Money budget, int64_t spent_ore, int64_t amount_ore) {
  if (spent_ore + amount_ore > budget.ore())
    return Conflict("the spend would exceed the " + std::to_string(year) + " budget of " + FormatKroner(budget) +
                    " (spent so far " + FormatKroner(Money::FromOre(spent_ore)) + ")");
  return Status::Ok();
}

Status CheckCommitteeSize(const std::string& party, int64_t appointed, int64_t max_per_party) {
  if (appointed >= max_per_party)
    return Conflict(party + " has already appointed " + std::to_string(max_per_party) +
                    " members of the assessment committee (OK25 afsnit 1, Governance)");
  return Status::Ok();
}

// ---- evaluation ---------------------------------------------------------------------------------

nlohmann::json EvaluationFigures(const Table& by_project_type) {
  nlohmann::json rows = by_project_type.ToJson()["rows"];
  nlohmann::json total = {{"applications", 0},      {"granted", 0},           {"applied_ore", 0},
                          {"cofinancing_ore", 0},   {"granted_ore", 0},       {"paid_ore", 0},
                          {"reports_requested", 0}, {"reports_received", 0}};
  for (const auto& r : rows)
    for (auto it = total.begin(); it != total.end(); ++it) *it = it->get<int64_t>() + r[it.key()].get<int64_t>();
  return nlohmann::json{{"by_project_type", rows}, {"total", total}};
}

// ---- sharing ------------------------------------------------------------------------------------

const SharingBlock* BlockingSharing(const std::vector<SharingBlock>& blocks, std::string_view note_type,
                                    std::string_view sector) {
  for (const SharingBlock& b : blocks)
    if ((b.note_type == note_type || b.note_type == "all") && (b.sector == sector || b.sector == "all")) return &b;
  return nullptr;
}

std::string SharingReason(const SharingBlock* block, std::string_view note_type, std::string_view sector) {
  if (!block)
    return "Der er ingen spærring: klinikken må dele patientens " + NoteTypeDa(note_type) + " med " +
           SectorDa(sector) + " (OK25 afsnit 3).";
  return "Patienten har frabedt sig deling af " + NoteTypeDa(block->note_type) + " med " + SectorDa(block->sector) +
         " (spærring nr. " + std::to_string(block->id) + " af " +
         FormatDateDa(Date::Parse(block->created_at.substr(0, 10)).value_or(Date())) + "); der må ikke deles (OK25 afsnit 3).";
}

}  // namespace almen
