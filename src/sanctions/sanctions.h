// The Landssamarbejdsudvalg's sanctions register (OK25 pkt. 5.7, § 114 stk. 2
// a–f; agreement.md §G2) and the register of employed doctors (§§ 23–26).
//
// sanctions.csv (spec/interfaces.md): one LSU decision per row,
//   doctor_id, provider, kind (a|b|c|d|e|f), decided, from_date, to_date, amount_ore
// plus the optional extension columns `repetition` (0/1, "med tilkendegivelse
// af gentagelsesvirkning") and `case_id` (the LSU's reference). Columns are
// found by header name; unknown columns are ignored.
//
// Kinds and their effect:
//   a) warning / misbilligelse: recorded only (with the repetition marker).
//   b) repayment to the region and c) fine to charity: `amount_ore` (> 0) is
//      collected by offset (modregning) in the provider's monthly statements,
//      starting in the month of max(decided, from_date), each month as much as
//      the statement's payable amount allows, until paid (Collections()).
//   d) temporary suspension and e) exclusion from practising: claim lines of
//      the provider with a service date in [from_date, to_date) are rejected
//      with the sanction as reason (PaymentStop()). d needs an end date; e may
//      be open (empty to_date = permanent).
//   f) exclusion from employment in clinics under the agreement, temporary or
//      permanent: the doctor cannot be registered as employed (§§ 23–26) in
//      any clinic, nor as a fixed bosted doctor (EmploymentBlocked()).
//
// Periods are half-open like every period in almen: [from_date, to_date), an
// empty to_date is open. A decision takes effect on or after the date it was
// decided (from_date >= decided). Two d/e periods of the same doctor may not
// overlap; such a file is refused naming both lines.
//
// Errors: "sanctions.csv:7:3 (kind): 'x' is not a sanction kind (a, b, c, d, e or f)".
//
// Immutable after load; safe to share between threads.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/date.h"
#include "common/money.h"
#include "common/status.h"

namespace almen {

// § 114 stk. 2 letter; persisted as the letter.
enum class SanctionKind : uint8_t { kA, kB, kC, kD, kE, kF };
char SanctionKindLetter(SanctionKind k);
bool ParseSanctionKind(std::string_view s, SanctionKind* out);
// Danish name, e.g. "midlertidig suspension (§ 114 stk. 2 d)".
std::string SanctionKindDa(SanctionKind k);

struct SanctionRow {
  std::string doctor_id;   // the doctor (e.g. autorisations-id); required
  int provider = 0;        // ydernummer (6 digits); 0 = none (allowed for a and f only)
  SanctionKind kind = SanctionKind::kA;
  Date decided;
  Period period;           // [from_date, to_date); to Date::Max() when open
  Money amount;            // b and c only, > 0
  bool repetition = false; // a: with tilkendegivelse af gentagelsesvirkning
  std::string case_id;     // optional LSU reference
  int64_t line = 0;        // line in the source file (0 when not from a file)
};

// One offset (modregning) of a b/c decision in one statement month.
struct SanctionCollection {
  const SanctionRow* sanction = nullptr;
  Month month;
  Money amount;     // > 0: to be written as an `offset` item of -amount
  Money remaining;  // still to collect after this month
};

class SanctionRegister {
 public:
  SanctionRegister() = default;
  // Parses and validates sanctions.csv; `label` names the file in errors.
  static StatusOr<SanctionRegister> Parse(const std::string& label, std::string_view text);
  static StatusOr<SanctionRegister> LoadFile(const std::string& path);
  // Validates rows from another source (the server's database). Errors name
  // the row by `line` when set, else by doctor and kind.
  static StatusOr<SanctionRegister> FromRows(std::vector<SanctionRow> rows, const std::string& label);

  const std::vector<SanctionRow>& rows() const { return rows_; }
  bool empty() const { return rows_.empty(); }

  // d) suspension or e) exclusion of `provider` in force on `service_date`,
  // or nullptr. If several apply, the earliest decided (then first in file).
  const SanctionRow* PaymentStop(int provider, Date service_date) const;
  // Whether any provider has a d/e row at all (settle can skip the lookup).
  bool HasPaymentStops() const { return !stops_.empty(); }

  // b) and c) decisions of `provider`, in collection order (decided, line).
  std::vector<const SanctionRow*> CollectionsOf(int provider) const;
  // Providers with b/c decisions.
  std::vector<int> ProvidersWithCollections() const;

  // Plans the offsets of `provider`'s b/c decisions against its statements:
  // `payable` is the provider's positive payable amount per statement month
  // BEFORE offsets (months absent = nothing payable). Each decision starts in
  // the month of max(decided, from_date); every month it takes as much as is
  // still payable after earlier decisions, until paid. A statement never goes
  // below zero; what is not collected within the months given stays
  // outstanding (Outstanding()).
  std::vector<SanctionCollection> Collections(int provider, const std::map<Month, Money>& payable) const;
  // Amount of b/c decisions of `provider` not collected by `collections`.
  Money Outstanding(int provider, const std::vector<SanctionCollection>& collections) const;

  // f) in force for `doctor_id` on `date`, or nullptr.
  const SanctionRow* EmploymentBan(std::string_view doctor_id, Date date) const;
  bool EmploymentBlocked(std::string_view doctor_id, Date date) const { return EmploymentBan(doctor_id, date) != nullptr; }
  // f) overlapping [period.from, period.to) for `doctor_id`, or nullptr.
  const SanctionRow* EmploymentBanDuring(std::string_view doctor_id, const Period& period) const;
  // The bosted module's hook (bosted/register.h BostedExclusionFn): is the
  // provider excluded on `d` by a d/e decision, or by an f decision that names
  // the provider? Use as [&](int p, Date d) { return reg.ProviderExcluded(p, d); }.
  bool ProviderExcluded(int provider, Date d) const;

 private:
  Status Index(const std::string& label);
  std::vector<SanctionRow> rows_;
  std::map<int, std::vector<size_t>> stops_;        // provider -> d/e rows
  std::map<int, std::vector<size_t>> collections_;  // provider -> b/c rows, in order
  std::map<std::string, std::vector<size_t>, std::less<>> bans_;  // doctor -> f rows
};

// Danish explanation of a payment stop for lines.csv; fills {from} {to}
// {until} (" til og med …" or empty when open) {decided} {doctor} {case} into `reason_template` (rules.csv
// sanction.suspended / sanction.excluded). Dates as "1. marts 2025".
std::string SanctionReason(const SanctionRow& row, const std::string& reason_template);

// ---- Employment register (§§ 23–26) ------------------------------------------

struct SanctionEmployment {
  std::string doctor_id;
  int provider = 0;  // the clinic (ydernummer)
  Period period;     // [from, to)
};

// Employed doctors per clinic over time. Registering a doctor whose f)
// exclusion overlaps the employment period is refused (nothing changes).
class SanctionEmploymentRegister {
 public:
  explicit SanctionEmploymentRegister(const SanctionRegister* sanctions) : sanctions_(sanctions) {}
  // kInvalidInput for a bad period; kConflict naming the f) decision when the
  // doctor is excluded from employment in (part of) the period, or when the
  // doctor is already registered at the same clinic in an overlapping period.
  Status Register(const SanctionEmployment& e);
  std::vector<SanctionEmployment> EmployedAt(int provider, Date date) const;
  const std::vector<SanctionEmployment>& all() const { return rows_; }

 private:
  const SanctionRegister* sanctions_;
  std::vector<SanctionEmployment> rows_;
};

// The refusal message for an f) decision, shared by the register, the server
// and the bosted module: names § 114 stk. 2 f and the period.
std::string EmploymentBlockedMessage(const SanctionRow& ban);

}  // namespace almen
