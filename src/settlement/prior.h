// What the engine needs to know of earlier runs, and what it reports back, so
// that a file settled after others gets exactly the outcome it would have had
// in one file with them (docs/ledger.md).
//
// The engine asks a PriorState (implemented over the database by the ledger,
// storage/ledger_store.h) for:
//  - which of this file's claim keys earlier runs hold (duplicates), per
//    provider, in batches of providers;
//  - which (provider, date)s of this file already had lines (late bills,
//    contacts split over files);
//  - the stored event lines of given patients (whole histories), and in brief
//    those on given (provider, date)s;
//  - the stored ordinary lines of given contacts.
// and reports, in a PriorOutcome, the stored lines whose outcome changed
// (corrections) and the stored events whose facts changed.
//
// Not thread safe: the engine calls it from one thread, between its passes.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include "common/status.h"
#include "settlement/types.h"

namespace almen {

// (provider, date)s, e.g. those of a file.
using ProviderDays = absl::flat_hash_map<int, absl::flat_hash_set<int32_t>>;  // provider -> Date::days()

// A stored event line with its current decision.
struct PriorEvent {
  Event event;  // event.line = -1, event.prior = index in the vector
  int64_t id = 0;  // the store's id
  std::string claim_id;
  int64_t run_id = 0, seq = 0;  // where the line is stored
  ContactFacts facts;           // what its contact held in the runs so far
  EventDecision decision;
};

// A stored event on a day this file shares with earlier runs, as much of it
// as decides whether its patient must be resolved again and what its contact
// holds (PriorState::DayEvents).
struct DayEvent {
  int64_t id = 0;
  Pseudonym patient;
  uint64_t contact = 0, trip = 0;
  int provider = 0;
  int16_t code = 0;
  Setting setting = Setting::kClinic;
  Indication indication = Indication::kNone;
  LineStatus status = LineStatus::kAccepted;
};

// A stored ordinary (non-event) line of a contact.
struct PriorLine {
  int64_t run_id = 0, seq = 0;
  std::string claim_id;
  int provider = 0;
  Date date;
  int code = 0;
  int64_t quantity = 1;
  uint64_t contact = 0;
  LineStatus status = LineStatus::kAccepted;
  Money amount, price;  // price: what it is paid when no contact rule stops it
  std::string rule, reason, paragraph;
};

struct ContactRef {
  int provider = 0;
  Date date;
  uint64_t contact = 0;
};

class PriorState {
 public:
  virtual ~PriorState() = default;
  // Which of `keys` (claim keys of `provider` in this file) stored lines hold.
  virtual StatusOr<std::vector<Key128>> KnownClaims(int provider, const std::vector<Key128>& keys) = 0;
  // The same for the keys of many providers at once (a national file names
  // nearly every clinic): an implementation may read them in batches. The
  // default asks KnownClaims one provider at a time.
  virtual StatusOr<std::vector<Key128>> KnownClaimsOf(const absl::flat_hash_map<int, std::vector<Key128>>& by_provider) {
    std::vector<Key128> known;
    for (const auto& [p, keys] : by_provider) {
      if (keys.empty()) continue;
      ALMEN_ASSIGN_OR_RETURN(auto k, KnownClaims(p, keys));
      known.insert(known.end(), k.begin(), k.end());
    }
    return known;
  }
  // Of `days`, those with stored lines.
  virtual StatusOr<ProviderDays> SeenDays(const ProviderDays& days) = 0;
  // The stored events of `patients`: each patient's whole history.
  virtual StatusOr<std::vector<PriorEvent>> Events(const std::vector<Pseudonym>& patients) = 0;
  // The stored events on `days`, in brief.
  virtual StatusOr<std::vector<DayEvent>> DayEvents(const ProviderDays& days) = 0;
  // The stored ordinary lines of `contacts`.
  virtual StatusOr<std::vector<PriorLine>> ContactLines(const std::vector<ContactRef>& contacts) = 0;
};

// A stored line whose outcome this run changed.
struct LineCorrection {
  int64_t run_id = 0, seq = 0;  // the stored line
  std::string claim_id;
  int provider = 0;
  Date date;
  int code = 0;
  int64_t quantity = 1;
  bool chronic = false;  // a chronic enrolment line (its money is the chronic_fee item)
  LineStatus old_status = LineStatus::kAccepted, new_status = LineStatus::kAccepted;
  Money old_amount, new_amount;
  std::string old_rule, new_rule, old_reason, new_reason, old_paragraph, new_paragraph;
  std::string cause_claim_id;  // the new line that caused it
  Date cause_date;
};

// A new event line, decided, to be stored.
struct NewEvent {
  Event event;
  std::string claim_id;
  int64_t seq = 0;  // 1-based line of this file
  ContactFacts facts;
  EventDecision decision;
};

// A stored event whose decision or facts changed.
struct ChangedEvent {
  int64_t id = 0;
  Date date;  // the event's service date (the ledger's partition key)
  ContactFacts facts;
  EventDecision decision;
};

// What a settlement with a prior state reports for the ledger.
struct PriorOutcome {
  std::vector<NewEvent> new_events;
  std::vector<ChangedEvent> changed_events;
  std::vector<LineCorrection> corrections;
  ProviderDays days;  // the (provider, date)s of this file's lines
};

}  // namespace almen
