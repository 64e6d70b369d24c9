// Loading the indicators' inputs from the database (storage/control_store.h)
// into ControlData (indicators.h), and the population of a clinic's lines
// that an audit sample is drawn from (sampling.h).
//
// Everything is read once per call, in slices: the listings register by
// batches of clinics (patients listed on the first of each month, by the
// højestegrænse's age/sex groups), the money per code from ledger_balances,
// every stored line month by month (decoded line blocks and flagged lines, as
// corrected), the event lines' aggregates and the runs' upload dates.
//
// Thread safety: each call uses its own connections.
#pragma once

#include <string>
#include <vector>

#include "agreement/agreement.h"
#include "common/status.h"
#include "control/indicators.h"
#include "control/sampling.h"
#include "storage/storage.h"

namespace almen::control {

// The service months of a year, or [from, to] given as "YYYY-MM"; a usage
// error (Danish) otherwise. At most 36 months.
StatusOr<std::pair<Month, Month>> ParsePeriod(const std::string& year, const std::string& from, const std::string& to);

StatusOr<ControlData> LoadControlData(Storage& db, const Agreement& agreement, const Scope& scope, Month from,
                                      Month to, const Settings& settings);

// The clinic's paid lines (amount > 0, accepted or review, as corrected) in
// [from, to] in stored order (run, seq), each in its risk stratum: for every
// flagged indicator in `flagged` that has lines of its own (annual_status:
// 0120; home_visits: sick visits; review_rate: the review lines;
// same_day_elsewhere: event lines on shared patient-days; late_bills: late
// lines), the first that fits in the order given; else "other".
StatusOr<std::vector<PopulationLine>> LoadPopulation(Storage& db, const Agreement& agreement, int provider,
                                                     Month from, Month to, const std::vector<IndicatorId>& flagged,
                                                     const Settings& settings);

// The rule ids of the agreement's review_with_categories rules (0120 with add-ons or lab).
std::vector<std::string> ReviewRules(const Agreement& agreement);

}  // namespace almen::control
