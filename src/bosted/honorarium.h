// The fixed doctor's monthly honorarium (agreement.md §D, H3; Bilag 2).
//
// Per attachment and month: hours × hour rate, hours = bosted_base_hours (2)
// plus bosted_extra_hours (1) when the attached section has more than
// bosted_extra_hour_threshold_residents (30) residents; the hour rate is
// 1.055,86 kr. at the apr-24 level, so 2.111,72 kr. or 3.167,58 kr.
// All four are parameters in agreement/ok25/parameters_bosted.csv.
//
// Rules (docs/decisions.md, "Bostedslæger"):
//  - regulated with the § 64 index valid on the first day of the month
//    (none with apr24 = true): monthly = round(hours × rate × index);
//  - part months pro rata by calendar days attached:
//    round(monthly × days / days_in_month), half away from zero, once;
//  - residents (and so the hours) are the section's on the first attached day
//    of the month;
//  - days on which the provider is excluded by an LSU sanction (the
//    register's hook) are not attached days;
//  - months before the parameters' validity (the scheme starts 1 January
//    2025) pay nothing.
// The honorarium is outside the økonomiske ramme (B1); statements.csv item
// `bosted_honorarium`, no code, count = attachments paid that month.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "agreement/agreement.h"
#include "bosted/register.h"
#include "common/date.h"
#include "common/money.h"
#include "common/status.h"
#include "settlement/statement.h"

namespace almen {

struct BostedHonorariumLine {
  int provider = 0;
  Month month;
  const BostedAttachmentRow* attachment = nullptr;
  const BostedSectionRow* section = nullptr;  // the row on the first attached day
  int days = 0;           // attached days in the month
  int days_in_month = 0;
  int64_t hours = 0;      // 2 or 3
  Money monthly;          // full-month amount at the price level used
  Money amount;           // paid for this month
};

// Honoraria of every attachment for the months [from, to] (both included).
StatusOr<std::vector<BostedHonorariumLine>> ComputeBostedHonoraria(const Agreement& agreement,
                                                                    const BostedRegister& reg, Month from,
                                                                    Month to, bool apr24);

// The honoraria for [from, to] (both included) as `bosted_honorarium` rows of
// the statement (code -1). Inline so that almen_bosted does not link against
// the settlement library (which calls this).
inline Status AddBostedHonoraria(const Agreement& agreement, const BostedRegister& reg, Month from, Month to,
                                 bool apr24, StatementAccumulator* out) {
  ALMEN_ASSIGN_OR_RETURN(auto lines, ComputeBostedHonoraria(agreement, reg, from, to, apr24));
  for (const auto& l : lines)
    if (l.days > 0) out->Add(l.provider, l.month, StatementItem::kBostedHonorarium, -1, 1, l.amount);
  return Status::Ok();
}

}  // namespace almen
