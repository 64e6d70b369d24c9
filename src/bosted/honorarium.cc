#include "bosted/honorarium.h"

#include <algorithm>

#include "common/decimal.h"

namespace almen {

StatusOr<std::vector<BostedHonorariumLine>> ComputeBostedHonoraria(const Agreement& agreement,
                                                                    const BostedRegister& reg, Month from,
                                                                    Month to, bool apr24) {
  std::vector<BostedHonorariumLine> out;
  for (Month m = from; m <= to; m = m + 1) {
    const Date first = m.first_day();
    // The scheme's parameters on the first day of the month; none = not in force.
    if (!agreement.ParameterOn("bosted_hour_rate_ore", first)) continue;
    ALMEN_ASSIGN_OR_RETURN(Money rate, agreement.MoneyParameter("bosted_hour_rate_ore", first));
    ALMEN_ASSIGN_OR_RETURN(int64_t base_hours, agreement.IntParameter("bosted_base_hours", first));
    ALMEN_ASSIGN_OR_RETURN(int64_t extra_hours, agreement.IntParameter("bosted_extra_hours", first));
    ALMEN_ASSIGN_OR_RETURN(int64_t threshold, agreement.IntParameter("bosted_extra_hour_threshold_residents", first));
    Ppm index;  // 1,000000
    if (!apr24) {
      const IndexRow* row = agreement.IndexOn(first);
      if (!row) return InvalidInput("no § 64 regulation index row covers " + first.ToIso() + " (index.csv)");
      index = row->factor;
    }
    const Date end = m.end();
    for (const auto& a : reg.attachments()) {
      Date lo = std::max(a.period.from, first), hi = std::min(a.period.to, end);
      if (!(lo < hi)) continue;
      BostedHonorariumLine l;
      l.provider = a.provider;
      l.month = m;
      l.attachment = &a;
      l.days_in_month = m.days();
      for (Date d = lo; d < hi; d = d.AddDays(1)) {
        if (reg.Excluded(a.provider, d)) continue;
        if (!l.section) l.section = reg.SectionOn(a.botilbud_id, a.section, d);
        ++l.days;
      }
      if (l.days == 0) continue;
      if (!l.section) l.section = reg.SectionOn(a.botilbud_id, a.section, lo);
      const int64_t residents = l.section ? l.section->residents : 0;
      l.hours = base_hours + (residents > threshold ? extra_hours : 0);
      // Regulated once per month (round half away from zero), then pro rata by days.
      l.monthly = Scale(rate * l.hours, index);
      l.amount = l.days == l.days_in_month ? l.monthly : ScaleRatio(l.monthly, l.days, l.days_in_month);
      out.push_back(l);
    }
  }
  return out;
}

}  // namespace almen
