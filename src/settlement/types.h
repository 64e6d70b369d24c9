// Values the settlement engine and the ledger share: line statuses, the keys
// that identify claims, contacts and trips, and the *event line* — a line whose
// outcome can depend on other lines (docs/ledger.md "Which lines are events").
//
// Keys are hashes, never text: a claim key is XXH3-128 of the claim id seeded
// by the provider; a contact key is XXH3-64 of the contact id seeded by the
// provider, or, for a line without a contact id, of the patient's pseudonym and
// the service date (interfaces.md: such lines of one patient, provider and day
// are one contact). A trip key names a doctor's visits at one place (a home, a
// botilbud) on one day. None of them holds or reveals a CPR: the patient part
// is the keyed pseudonym.
//
// Thread safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "claims/claim.h"
#include "common/crypto.h"
#include "common/date.h"
#include "common/money.h"

namespace almen {

// persisted by name (lines.csv, the database): do not rename.
enum class LineStatus : uint8_t { kAccepted = 0, kRejected = 1, kReview = 2 };
std::string_view StatusName(LineStatus s);
std::optional<LineStatus> ParseLineStatus(std::string_view s);
inline bool Paid(LineStatus s) { return s != LineStatus::kRejected; }

struct Key128 {
  uint64_t lo = 0, hi = 0;
  bool operator==(const Key128&) const = default;
  bool operator<(const Key128& o) const { return hi != o.hi ? hi < o.hi : lo < o.lo; }
  template <typename H>
  friend H AbslHashValue(H h, const Key128& k) {
    return H::combine(std::move(h), k.lo, k.hi);
  }
  std::string ToHex() const;                               // 32 hex digits
  static std::optional<Key128> FromHex(std::string_view s);
};

// The claim key of (provider, claim_id): duplicates are claim ids seen before
// for the same provider.
Key128 ClaimKey(int provider, std::string_view claim_id);
// The contact of a line with a contact id.
uint64_t ContactKey(int provider, std::string_view contact_id);
// The contact of a line without a contact id: the patient's lines at the
// provider on that day.
uint64_t PatientDayContactKey(int provider, const Pseudonym& patient, Date date);
// A hint of a patient-day contact from the 10 CPR digits themselves, for a
// bit filter of one run that lets pass 2 skip the pseudonym of a line whose
// patient-day holds no paid contact. Kept in memory for the run only.
uint64_t PatientDayHint(int provider, const char* digits, Date date);
// A doctor's visits at one place on one day: `place` is the botilbud id for
// setting botilbud, empty for a home visit.
uint64_t TripKey(int provider, Setting setting, std::string_view place, Date date);
uint64_t CourseKey(std::string_view course_id);

// What a contact holds, as far as the contact rules care (rules.h): the fee
// categories and the watched codes of its lines (`present`), and which
// watched codes have a *paid* line (`paid`, `paid_home`), with the
// indications of the paid event lines. Merged with |.
struct ContactFacts {
  uint32_t categories = 0;   // CategoryMask of the lines that trigger contact rules
  uint8_t present = 0;       // watched codes with a line in the contact
  bool operator==(const ContactFacts&) const = default;
  ContactFacts& operator|=(const ContactFacts& o) {
    categories |= o.categories;
    present |= o.present;
    return *this;
  }
};
struct ContactPaid {
  uint8_t paid = 0;          // watched codes with a paid line
  uint8_t paid_home = 0;     // … paid and performed at home
  uint16_t indications = 0;  // bit (1 << Indication) of the paid event lines
  bool operator==(const ContactPaid&) const = default;
  ContactPaid& operator|=(const ContactPaid& o) {
    paid |= o.paid;
    paid_home |= o.paid_home;
    indications |= o.indications;
    return *this;
  }
};

// An event line, new (from this file) or stored (from an earlier run).
struct Event {
  Pseudonym patient;
  Key128 claim_key;
  uint64_t contact = 0;  // 0: no contact (no contact id and a malformed CPR)
  uint64_t trip = 0;     // 0: not part of a visit trip
  uint64_t course = 0;
  Date date;
  int32_t provider = 0;
  int16_t code = 0;
  Indication indication = Indication::kNone;
  Setting setting = Setting::kClinic;
  int32_t km = 0, minutes = 0, quantity = 1;
  // The price of the line before the rules between lines decide: fee × index
  // × quantity plus the transport time supplement (0 when not priceable).
  Money price;
  // Rejected by a line-level rule or as a duplicate: takes no part.
  bool rejected = false;
  // LineId of a line of this file, or -1 for a stored event.
  int64_t line = -1;
  // Index of a stored event in the prior events, or -1.
  int32_t prior = -1;
};

// The outcome of an event line.
struct RuleRow;
struct EventDecision {
  LineStatus status = LineStatus::kAccepted;
  const RuleRow* row = nullptr;  // the deciding rule (not stored: `rule` names it)
  std::string rule;       // rule id, empty when priced plainly
  std::string reason;     // Danish
  std::string paragraph;
  Money amount;
  // Accepted chronic enrolments: months [enrol_from, enrol_to).
  Month enrol_from{0}, enrol_to{0};
  bool SameOutcome(const EventDecision& o) const {
    return status == o.status && rule == o.rule && amount == o.amount && reason == o.reason &&
           enrol_from == o.enrol_from && enrol_to == o.enrol_to;
  }
};

}  // namespace almen
