// Control cases (kontrolsager; docs/control.md): a region's (or RLTN's)
// post-payment control of one clinic and period, from opening to conclusion.
//
//   open            opened from the risk ranking; the clinic's indicators,
//                   score and reasons are kept with the case (risk_json)
//   sample          an audit sample is drawn once (sampling.h), its seed and
//                   plan written to the case so the selection can be redrawn
//   request         documentation is requested of the clinic (text, due date)
//   answer          the clinic answers (on the case or on a sampled line)
//   finding         the reviewer records per sampled line: correct, or error
//                   with the overpaid amount, a reason and the paragraph
//   conclude        the sample is evaluated (projected error, upper limit);
//                   with `recover`, every confirmed error is posted in the
//                   ledger as a recovery (item recovery, kind correction, the
//                   negative amount, reason and paragraph, naming the case and
//                   the line); with `lsu`, the case is referred to the
//                   Landssamarbejdsudvalg: it gets an LSU reference that a
//                   decision in the sanctions register names (case_id).
//
// Who: rltn every clinic; a region the clinics of its region; a clinic sees
// its own cases and answers them (request, findings and conclusion are the
// controller's). Every function checks the case's clinic against the actor
// first (PermissionDenied otherwise) and changes nothing when it refuses.
// A concluded case changes no more. Money only moves by postings.
//
// Thread safety: each call borrows its own connection and works in one
// transaction.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "agreement/agreement.h"
#include "common/status.h"
#include "control/indicators.h"
#include "storage/storage.h"

namespace almen::control {

struct Actor {
  std::string username, role, scope;  // role: rltn | region | clinic | …
  std::string now;                    // ISO timestamp (injected)
};

// rltn or region: may see the risk ranking of `scope` (rltn: all; region: its own).
bool MayControl(const Actor& a);
// The scope of the clinics the actor may control or see cases of.
Scope ActorScope(const Actor& a);

// The risk ranking of the actor's clinics (region: its region; rltn: the
// whole country, or one region with `region`), with the period and settings.
StatusOr<nlohmann::json> RiskRanking(Storage& db, const Agreement& agreement, const Actor& actor,
                                     const std::string& region, Month from, Month to, const Settings& settings);
// One clinic's indicators with its peers (same computation as the ranking).
StatusOr<nlohmann::json> ClinicIndicators(Storage& db, const Agreement& agreement, const Actor& actor, int provider,
                                          Month from, Month to, const Settings& settings);
// The clinic's event lines on patient-days shared with another clinic.
StatusOr<nlohmann::json> SharedDayLines(Storage& db, const Actor& actor, int provider, Month from, Month to);

StatusOr<int64_t> OpenCase(Storage& db, const Agreement& agreement, const Actor& actor, int provider, Month from,
                           Month to, const Settings& settings);
StatusOr<nlohmann::json> ListCases(Storage& db, const Actor& actor);
// The whole case: its state, reasons, plan, strata, sample with findings,
// messages, evaluation, recovery and LSU decisions.
StatusOr<nlohmann::json> GetCase(Storage& db, const Actor& actor, int64_t id);

struct SampleRequest {
  std::string method = "mus";  // mus | stratified
  std::optional<uint64_t> seed;  // none: a random seed, written to the case
  int64_t confidence_ppm = 950000;
  int64_t tolerable_error_ore = 0;
  int64_t expected_error_ore = 0;
};
Status DrawCaseSample(Storage& db, const Agreement& agreement, const Actor& actor, int64_t id,
                      const SampleRequest& request, const Settings& settings);
Status RequestDocumentation(Storage& db, const Actor& actor, int64_t id, const std::string& text,
                            const std::string& due_date);
Status AnswerCase(Storage& db, const Actor& actor, int64_t id, const std::string& text, int64_t item);
Status RecordFinding(Storage& db, const Actor& actor, int64_t id, int64_t item, const std::string& finding,
                     int64_t error_ore, const std::string& note, const std::string& paragraph);
struct Conclusion {
  std::string text;
  bool recover = false;
  bool lsu = false;
};
StatusOr<nlohmann::json> ConcludeCase(Storage& db, const Actor& actor, int64_t id, const Conclusion& c);

}  // namespace almen::control
