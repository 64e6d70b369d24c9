#include "generate/arrival.h"

#include <algorithm>
#include <array>
#include <numeric>

namespace almen::gen {

namespace {

// The weekdays (ISO 1..7, bit per day) a clinic sends its batches on.
uint8_t DrawCadence(Rng& rng) {
  const uint32_t u = rng.Below(100);
  if (u < 55) return 0b0111110;  // every working day
  if (u < 80) return rng.Chance(0.5) ? 0b0010010 : 0b0100100;  // Monday+Thursday or Tuesday+Friday
  return static_cast<uint8_t>(1u << rng.Between(1, 5));        // once a week
}

// Batches go on the clinic's weekdays when the clinic is open (holidays of
// the year and of the next one, into which late bills run).
class Sender {
 public:
  Sender(const YearCalendar& cal, uint8_t weekdays) : cal_(cal), next_(cal.year() + 1), weekdays_(weekdays) {}
  // The first batch on or after `day`.
  int32_t NextBatch(int32_t day) const {
    for (int32_t d = day; d < day + 21; ++d)
      if ((weekdays_ >> Date::FromDays(d).iso_weekday()) & 1u && !Closed(d)) return d;
    while (Closed(day)) ++day;
    return day;
  }

 private:
  bool Closed(int32_t d) const { return d < cal_.end() ? cal_.IsClosed(d) : next_.IsClosed(d); }
  const YearCalendar& cal_;
  const YearCalendar next_;
  uint8_t weekdays_;
};

}  // namespace

void ToArrivalOrder(const World& world, const YearCalendar& cal, uint32_t clinic, const std::string& text,
                    const std::vector<LineSpan>& spans, std::string* out, std::vector<ArrivalRun>* runs) {
  Rng rng(Derive(world.seed, 0xA7712A1, clinic));
  const Sender sender(cal, DrawCadence(rng));
  const size_t n = spans.size();
  std::vector<int32_t> received(n, 0);
  // One draw per bill (contact); a contact's lines are adjacent in the block.
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && spans[j].resent_of < 0 && spans[j].contact == spans[i].contact) ++j;
    if (j == i) {  // a re-sent duplicate: after the line it repeats
      const int32_t first = received[static_cast<size_t>(spans[i].resent_of)];
      received[i] = sender.NextBatch(first + rng.Between(14, 56));
      ++i;
      continue;
    }
    const int32_t date = spans[i].date;
    const double r = rng.Uniform01();
    int32_t day;
    if (r < kLateShare) {
      const uint32_t v = rng.Below(100);
      const int late = v < 55 ? rng.Between(14, 42) : v < 85 ? rng.Between(43, 91) : rng.Between(92, 180);
      day = sender.NextBatch(date + late);
    } else if (r < kLateShare + kSlowShare) {
      day = sender.NextBatch(date + 1 + rng.Between(3, 13));
    } else {
      day = sender.NextBatch(date + 1);
    }
    for (size_t k = i; k < j; ++k) received[k] = day;
    i = j;
  }
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return received[a] < received[b]; });
  out->clear();
  out->reserve(text.size());
  runs->clear();
  for (uint32_t k : order) {
    const LineSpan& s = spans[k];
    if (runs->empty() || runs->back().day != received[k])
      runs->push_back(ArrivalRun{received[k], static_cast<uint32_t>(out->size()), 0, 0});
    out->append(text, s.offset, s.length);
    runs->back().length += s.length;
    ++runs->back().lines;
  }
}

}  // namespace almen::gen
