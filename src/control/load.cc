// Loading the indicators' inputs and a clinic's sampling population (load.h).
#include "control/load.h"

#include <absl/container/flat_hash_set.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <tuple>

#include "claims/cpr.h"
#include "economy/ceiling.h"
#include "storage/control_store.h"

namespace almen::control {

namespace {

int CodeNumber(std::string_view s) {
  int v = 0;
  for (char ch : s) {
    if (ch < '0' || ch > '9') return -1;
    v = v * 10 + (ch - '0');
  }
  return s.empty() ? -1 : v;
}

bool IsSickVisit(const Agreement& agreement, int code, Date on) {
  const FeeRow* fee = code >= 0 ? agreement.FeeOn(code, on) : nullptr;
  return fee && fee->category == FeeCategory::kSickVisit;
}

// Groups the paid lines of one (provider, month) into contacts and counts
// their code pairs.
class ContactPairs {
 public:
  void Add(uint64_t contact, int code, int64_t amount) {
    if (contact == 0) {  // a line of its own contact
      ++single_;
      return;
    }
    Contact& c = contacts_[contact];
    if (std::find(c.codes.begin(), c.codes.end(), code) == c.codes.end()) c.codes.push_back(code);
    c.amount += amount;
  }
  void Flush(ClinicActivity* a) {
    a->contacts += single_ + static_cast<int64_t>(contacts_.size());
    for (auto& [k, c] : contacts_) {
      std::sort(c.codes.begin(), c.codes.end());
      for (size_t i = 0; i < c.codes.size(); ++i)
        for (size_t j = i + 1; j < c.codes.size(); ++j) {
          PairCount& p = a->pairs[PairKey(c.codes[i], c.codes[j])];
          ++p.contacts;
          p.amount_ore += c.amount;
        }
    }
    contacts_.clear();
    single_ = 0;
  }

 private:
  struct Contact {
    std::vector<int> codes;
    int64_t amount = 0;
  };
  absl::flat_hash_map<uint64_t, Contact> contacts_;
  int64_t single_ = 0;
};

// With ALMEN_TIMING set, the time of each stage on stderr (docs/performance.md).
class StageTimer {
 public:
  StageTimer() : on_(std::getenv("ALMEN_TIMING") != nullptr), last_(std::chrono::steady_clock::now()) {}
  void Mark(const char* stage) {
    if (!on_) return;
    const auto now = std::chrono::steady_clock::now();
    std::fprintf(stderr, "control: %-22s %8.3f s\n", stage, std::chrono::duration<double>(now - last_).count());
    last_ = now;
  }

 private:
  bool on_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace

std::vector<std::string> ReviewRules(const Agreement& agreement) {
  std::vector<std::string> out;
  for (const RuleRow& r : agreement.rules())
    if (r.kind == "review_with_categories") out.push_back(r.id);
  return out;
}

StatusOr<std::pair<Month, Month>> ParsePeriod(const std::string& year, const std::string& from,
                                              const std::string& to) {
  if (!year.empty()) {
    auto y = Month::Parse(year + "-01");
    if (!y || year.size() != 4) return UsageError("Året skal skrives som ÅÅÅÅ, fx 2025.");
    return std::make_pair(*y, *y + 11);
  }
  auto f = Month::Parse(from), t = Month::Parse(to);
  if (!f || !t) return UsageError("Perioden skal angives med year=ÅÅÅÅ eller from=ÅÅÅÅ-MM og to=ÅÅÅÅ-MM.");
  if (*t < *f) return UsageError("Periodens slutmåned ligger før dens første måned.");
  if (*t - *f >= 36) return UsageError("En kontrolperiode kan højst være 36 måneder.");
  return std::make_pair(*f, *t);
}

StatusOr<ControlData> LoadControlData(Storage& db, const Agreement& agreement, const Scope& scope, Month from,
                                      Month to, const Settings& settings) {
  StageTimer timer;
  ControlData d;
  d.from = from;
  d.to = to;
  const Date first = from.first_day(), end = to.end();
  ALMEN_ASSIGN_OR_RETURN(auto clinics, ControlClinics(db, scope));
  std::vector<int> providers;
  for (const auto& c : clinics) {
    d.clinics.push_back({c.provider, c.name, c.region_code, c.clinic_type, c.lto});
    providers.push_back(c.provider);
  }
  auto& act = d.activity;
  const absl::flat_hash_set<int> in_scope(providers.begin(), providers.end());

  // Listed patients on the first of each month, by age/sex group.
  ALMEN_ASSIGN_OR_RETURN(auto groups, LoadCeilingGroups(agreement, from.year()));
  ALMEN_RETURN_IF_ERROR(ForEachControlListing(db, providers, first, end, [&](const ControlListingRow& l) {
    ClinicActivity& a = act[l.provider];
    for (Month m = from; m <= to; m = m + 1) {
      const Date on = m.first_day();
      if (on < l.from || !(on < l.to)) continue;
      const int g = CeilingGroupOf(groups, l.male ? Sex::kMale : Sex::kFemale, AgeOn(l.birth, on));
      if (g < 0) continue;
      ++a.patient_months;
      a.weighted_months_ppm += groups[static_cast<size_t>(g)].weight.value;
    }
  }));

  timer.Mark("clinics and listings");
  // Money per code (ledger balances).
  ALMEN_ASSIGN_OR_RETURN(auto totals, ControlCodeTotals(db, scope, from, to));
  for (const auto& t : totals) {
    ClinicActivity& a = act[t.provider];
    a.paid_ore += t.amount_ore;
    if (t.item != "service") continue;
    const int code = CodeNumber(t.code);
    if (code == 120) {
      a.annual_status_lines += t.count;
      a.annual_status_ore += t.amount_ore;
    } else if (IsSickVisit(agreement, code, first)) {
      a.home_visit_lines += t.count;
      a.home_visit_ore += t.amount_ore;
    }
  }

  timer.Mark("balances");
  // Every stored line: rejections, review, lateness, contacts and code pairs.
  ALMEN_ASSIGN_OR_RETURN(auto run_dates, ControlRunDates(db));
  const std::vector<std::string> review_rules = ReviewRules(agreement);
  ContactPairs pairs;
  int current = -1;
  int32_t current_month = -1;
  ClinicActivity* a = nullptr;
  ALMEN_RETURN_IF_ERROR(ForEachControlLine(db, scope, from, to, [&](const ControlLine& l) -> Status {
    const int32_t month = Month::Of(l.date).serial;
    if (l.provider != current || month != current_month) {
      if (a) pairs.Flush(a);
      current = l.provider;
      current_month = month;
      a = &act[l.provider];
    }
    ++a->lines;
    const bool rejected = l.status == "rejected";
    if (rejected) ++a->rejected_lines;
    auto run = run_dates.find(l.run_id);
    if (run != run_dates.end() && run->second.days() - l.date.days() > settings.late_days) {
      ++a->late_lines;
      a->late_ore += l.amount_ore;
    }
    if (l.status == "review" &&
        std::find(review_rules.begin(), review_rules.end(), l.rule) != review_rules.end()) {
      ++a->review_lines;
      a->review_ore += l.amount_ore;
    }
    if (!rejected) pairs.Add(l.contact, CodeNumber(l.code), l.amount_ore);
    return Status::Ok();
  }));
  if (a) pairs.Flush(a);
  timer.Mark("lines");

  // Event lines: 0120 by indication, patients, the same patient the same day elsewhere.
  ALMEN_ASSIGN_OR_RETURN(auto annual, ControlAnnualStatus(db, scope, first, end));
  for (const auto& r : annual) act[r.provider].by_indication[r.indication] = {r.lines, r.patients, r.amount_ore};
  ALMEN_ASSIGN_OR_RETURN(auto patients, ControlAnnualStatusPatients(db, scope, first, end));
  for (const auto& [p, n] : patients) act[p].annual_status_patients = n;
  timer.Mark("0120 by indication");
  ALMEN_ASSIGN_OR_RETURN(auto shared, ControlSharedDays(db, scope, first, end));
  for (const auto& s : shared) {
    ClinicActivity& x = act[s.provider];
    x.patient_days = s.patient_days;
    x.shared_patient_days = s.shared_patient_days;
    x.shared_lines = s.shared_lines;
    x.shared_ore = s.shared_amount_ore;
  }
  timer.Mark("same day elsewhere");
  // Activity of providers no longer in the register stays out of the comparison.
  for (auto it = act.begin(); it != act.end();) it = in_scope.contains(it->first) ? std::next(it) : act.erase(it);
  return d;
}

StatusOr<std::vector<PopulationLine>> LoadPopulation(Storage& db, const Agreement& agreement, int provider,
                                                     Month from, Month to, const std::vector<IndicatorId>& flagged,
                                                     const Settings& settings) {
  const Date first = from.first_day(), end = to.end();
  absl::flat_hash_set<std::pair<int64_t, int64_t>> shared;
  if (std::find(flagged.begin(), flagged.end(), IndicatorId::kSameDayElsewhere) != flagged.end()) {
    ALMEN_ASSIGN_OR_RETURN(auto lines, ControlSharedLines(db, provider, first, end));
    for (const auto& l : lines) shared.insert({l.run_id, l.seq});
  }
  ALMEN_ASSIGN_OR_RETURN(auto run_dates, ControlRunDates(db));
  const std::vector<std::string> review_rules = ReviewRules(agreement);
  char text[16];
  std::snprintf(text, sizeof text, "%06d", provider);
  const Scope scope{Scope::Kind::kProvider, text};
  std::vector<PopulationLine> out;
  ALMEN_RETURN_IF_ERROR(ForEachControlLine(db, scope, from, to, [&](const ControlLine& l) -> Status {
    if (l.status == "rejected" || l.amount_ore <= 0) return Status::Ok();
    PopulationLine p;
    p.run_id = l.run_id;
    p.seq = l.seq;
    p.claim_id = l.claim_id;
    p.date = l.date;
    p.code = l.code;
    p.amount_ore = l.amount_ore;
    p.paragraph = l.paragraph;
    p.stratum = "other";
    const int code = CodeNumber(l.code);
    for (IndicatorId id : flagged) {
      bool fits = false;
      switch (id) {
        case IndicatorId::kAnnualStatus: fits = code == 120; break;
        case IndicatorId::kHomeVisits: fits = IsSickVisit(agreement, code, l.date); break;
        case IndicatorId::kReviewRate:
          fits = l.status == "review" &&
                 std::find(review_rules.begin(), review_rules.end(), l.rule) != review_rules.end();
          break;
        case IndicatorId::kSameDayElsewhere: fits = shared.contains({l.run_id, l.seq}); break;
        case IndicatorId::kLateBills: {
          auto run = run_dates.find(l.run_id);
          fits = run != run_dates.end() && run->second.days() - l.date.days() > settings.late_days;
          break;
        }
        default: break;
      }
      if (fits) {
        p.stratum = std::string(IndicatorName(id));
        break;
      }
    }
    out.push_back(std::move(p));
    return Status::Ok();
  }));
  std::sort(out.begin(), out.end(), [](const PopulationLine& a, const PopulationLine& b) {
    return std::tie(a.run_id, a.seq) < std::tie(b.run_id, b.seq);
  });
  return out;
}

}  // namespace almen::control
