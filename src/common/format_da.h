// Danish presentation of amounts and dates for reports, the web UI and
// reasons: "2.111,72 kr.", "1. januar 2025", "januar 2025", "9.994,7 mio. kr.".
// Files and the API always carry øre and ISO dates; only people see these.
#pragma once

#include <cstdint>
#include <string>

#include "common/date.h"
#include "common/money.h"

namespace almen {

std::string FormatKroner(Money m);                 // "2.111,72 kr."
std::string FormatKronerPlain(Money m);            // "2.111,72"
std::string FormatMioKr(Money m, int decimals);    // "9.994,7 mio. kr."
std::string FormatDateDa(Date d);                  // "1. januar 2025"
std::string FormatMonthDa(Month m);                // "januar 2025"
std::string GroupThousands(int64_t n);             // "5.900.000"

}  // namespace almen
