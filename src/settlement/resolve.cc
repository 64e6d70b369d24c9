// Between the passes: the rules between lines, decided for every event line
// of the file together with the stored events of earlier runs (engine.h).
//
// Order of the steps (each only on events no earlier step rejected):
//  1. contact rules that reject the event itself (0120 with a child exam, 0121);
//  2. per patient, in (date, provider, claim key) order: once per patient,
//     at most n per year, once per course;
//  3. chronic enrolments per patient (C4);
//  4. trips (§ 68 stk. 1, C5): the following patient's visit fee, 0102 without
//     a first visit, several visit fees on one botilbud trip;
//  5. every other event is priced; contacts learn which watched codes are paid;
//  6. the contact rules on events (a sick visit at home with a paid home 0120);
//     mileage on a paid home 0120 without its own mileage line.
// Every step works on sets, never on line order, so the outcome of a line is
// the same whether its file came alone, first, last or in pieces.
#include <algorithm>
#include <map>
#include <tuple>

#include "common/format_da.h"
#include "settlement/engine.h"
#include "settlement/slices.h"

namespace almen::settle_internal {

namespace {

bool ContactHit(const CompiledRules& rules, const ContactRule& r, const ContactFacts& f) {
  if (f.categories & r.other_categories) return true;
  for (int oc : r.other_codes.codes) {
    int w = rules.WatchedIndex(oc);
    if (w >= 0 && (f.present & (1u << w))) return true;
  }
  return false;
}

}  // namespace

Status Engine::Resolve(std::vector<Event>& events, const std::vector<PriorEvent>& prior,
                       absl::flat_hash_map<uint64_t, ContactFacts> facts, const ProviderDays& seen,
                       int threads, Resolved* out) const {
  const size_t n = events.size();
  std::vector<EventDecision> dec(n);
  std::vector<uint8_t> decided(n, 0);  // a step decided it
  std::vector<uint8_t> out_of_play(n, 0);  // rejected by a line-level rule or step 1
  std::vector<uint8_t> kept(n, 0);         // an incomplete trip's stored outcome, taken as it is
  for (size_t i = 0; i < n; ++i) out_of_play[i] = events[i].rejected;

  auto reject = [&](size_t i, const RuleRow* row, std::string reason) {
    EventDecision& d = dec[i];
    d.status = LineStatus::kRejected;
    d.row = row;
    d.rule = row->id;
    d.reason = std::move(reason);
    d.amount = Money::Zero();
    decided[i] = 1;
  };
  auto flag = [&](size_t i, const RuleRow* row, std::string reason) {
    EventDecision& d = dec[i];
    d.status = LineStatus::kReview;
    d.row = row;
    d.rule = row->id;
    d.reason = std::move(reason);
    d.amount = events[i].price;
    decided[i] = 1;
  };

  // 1. Contact rules that reject the event code itself.
  ForRanges(n, threads, [&](size_t, size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
      const Event& e = events[i];
      if (out_of_play[i] || !e.contact) continue;
      auto it = facts.find(e.contact);
      if (it == facts.end()) continue;
      for (const auto& r : rules_.contact) {
        if (!r.reject_self || r.code != e.code || !r.row->period.Contains(e.date)) continue;
        if (ContactHit(rules_, r, it->second)) {
          reject(i, r.row, Explain(*r.row, {}));
          out_of_play[i] = 1;
          break;
        }
      }
    }
  });

  // Per patient, in date order.
  // Sorted on copies of the keys (no look-up into `events` per comparison).
  std::vector<size_t> order;
  {
    struct SortKey {
      uint64_t patient_hi, patient_lo;
      int32_t date, provider;
      Key128 claim_key;
      size_t index;
    };
    std::vector<SortKey> keys;
    keys.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      const Event& e = events[i];
      if (!e.rejected) keys.push_back({e.patient.hi, e.patient.lo, e.date.days(), e.provider, e.claim_key, i});
    }
    std::sort(keys.begin(), keys.end(), [](const SortKey& a, const SortKey& b) {
      if (a.patient_hi != b.patient_hi) return a.patient_hi < b.patient_hi;
      if (a.patient_lo != b.patient_lo) return a.patient_lo < b.patient_lo;
      if (a.date != b.date) return a.date < b.date;
      if (a.provider != b.provider) return a.provider < b.provider;
      return a.claim_key < b.claim_key;
    });
    order.reserve(keys.size());
    for (const SortKey& k : keys) order.push_back(k.index);
  }

  // The first new event of each patient, contact and trip: the cause named in
  // a correction of a stored event.
  // (Only stored events have a cause to name.)
  absl::flat_hash_map<uint64_t, int64_t> contact_cause, trip_cause;
  if (!prior.empty())
    for (size_t i : order) {
      const Event& e = events[i];
      if (e.line < 0) continue;
      if (e.contact) contact_cause.try_emplace(e.contact, e.line);
      if (e.trip) trip_cause.try_emplace(e.trip, e.line);
    }
  out->prior_cause.assign(prior.size(), -1);

  // Steps 2 and 3 go patient by patient: the patients are shared out in
  // ranges between the threads, each with its own memos, and each patient's
  // events are decided by one thread alone.
  std::vector<size_t> patient_starts;  // in `order`, and its end
  for (size_t a = 0; a < order.size();) {
    patient_starts.push_back(a);
    const Pseudonym p = events[order[a]].patient;
    while (a < order.size() && events[order[a]].patient == p) ++a;
  }
  const size_t patients = patient_starts.size();
  patient_starts.push_back(order.size());
  struct Memo {
    // The enrolment period in force on a date (a parameter: looked up once a day).
    absl::flat_hash_map<int32_t, int> months_on;
    absl::flat_hash_map<std::tuple<int, bool, int32_t, int32_t>, std::pair<Money, std::string>> enrol_texts;
  };
  const int patient_threads = patients >= 4096 ? threads : 1;
  std::vector<std::vector<Enrolment>> enrolled(static_cast<size_t>(std::max(patient_threads, 1)));
  ForRanges(patients, patient_threads, [&](size_t t, size_t first_patient, size_t end_patient) {
    Memo memos;
    auto enrolment_months = [&](Date d) {
      auto [it, fresh] = memos.months_on.try_emplace(d.days(), 12);
      if (fresh)
        if (auto months = agreement_.IntParameter("chronic_enrolment_months", d); months.ok())
          it->second = static_cast<int>(*months);
      return it->second;
    };
    auto& enrol_texts = memos.enrol_texts;
    for (size_t g = first_patient; g < end_patient; ++g) {
      const size_t a = patient_starts[g], b = patient_starts[g + 1];
      int64_t patient_cause = -1;
      for (size_t k = a; k < b && patient_cause < 0; ++k)
        if (events[order[k]].line >= 0) patient_cause = events[order[k]].line;
      // Stored events of this patient: name the cause if they change.
      for (size_t k = a; k < b; ++k) {
        const Event& e = events[order[k]];
        if (e.prior < 0) continue;
        int64_t c = -1;
        if (auto it = contact_cause.find(e.contact); e.contact && it != contact_cause.end())
          c = it->second;
        else if (auto jt = trip_cause.find(e.trip); e.trip && jt != trip_cause.end())
          c = jt->second;
        else
          c = patient_cause;
        out->prior_cause[static_cast<size_t>(e.prior)] = c;
      }

      // 2. Per-patient rules.
      for (const auto& r : rules_.patient) {
        std::vector<size_t> paid;
        for (size_t k = a; k < b; ++k) {
          const size_t i = order[k];
          const Event& e = events[i];
          if (out_of_play[i] || e.code != r.code || e.indication != r.indication || !r.row->period.Contains(e.date))
            continue;
          bool hit = false;
          std::vector<std::pair<std::string_view, std::string>> vars;
          if (r.kind == PatientRuleKind::kOncePerPatient) {
            if (!paid.empty()) {
              hit = true;
              vars.push_back({"previous", FormatDateDa(events[paid.front()].date)});
            }
          } else if (r.kind == PatientRuleKind::kOncePerCourse) {
            for (size_t q : paid)
              if (events[q].course == e.course) {
                hit = true;
                vars.push_back({"previous", FormatDateDa(events[q].date)});
                break;
              }
          } else {
            int in_year = 0;
            for (size_t q : paid)
              if (events[q].date.year() == e.date.year()) ++in_year;
            if (in_year >= r.max) {
              hit = true;
              vars.push_back({"max", std::to_string(r.max)});
              vars.push_back({"year", std::to_string(e.date.year())});
            }
          }
          if (!hit) {
            paid.push_back(i);
          } else if (r.review) {
            flag(i, r.row, Explain(*r.row, vars));
          } else {
            reject(i, r.row, Explain(*r.row, vars));
            out_of_play[i] = 1;
          }
        }
      }

      // 3. Chronic enrolment (agreement.md C4): 12 months from the service
      // month, one enrolment per patient at a time.
      if (!rules_.chronic_codes.codes.empty()) {
        struct Open {
          size_t event;
          Enrolment en;
        };
        std::vector<Open> enrolments;
        for (size_t k = a; k < b; ++k) {
          const size_t i = order[k];
          const Event& e = events[i];
          if (out_of_play[i] || !rules_.chronic_codes.Has(e.code)) continue;
          const int enrol_months = enrolment_months(e.date);
          Month m = Month::Of(e.date);
          Open* cur = enrolments.empty() ? nullptr : &enrolments.back();
          if (cur && m < cur->en.end) {
            if (cur->en.provider != e.provider || cur->en.code == e.code) {
              const RuleRow* row = cur->en.provider != e.provider ? rules_.chronic_elsewhere : rules_.chronic_already;
              reject(i, row,
                     Explain(*row, {{"code", CodeText(cur->en.code)}, {"until", FormatMonthDa(cur->en.end + -1)}}));
              out_of_play[i] = 1;
              continue;
            }
            // Same provider, another chronic code: the new enrolment replaces
            // the old one from this month.
            cur->en.end = m;
            if (!(cur->en.start < cur->en.end)) {
              // Replaced in its first month: the earlier line enrols nothing.
              reject(cur->event, rules_.chronic_already,
                     Explain(*rules_.chronic_already,
                             {{"code", CodeText(e.code)}, {"until", FormatMonthDa(m + (enrol_months - 1))}}));
              enrolments.pop_back();
            }
          }
          const ProviderRow* row = in_.providers ? in_.providers->On(e.provider, e.date) : nullptr;
          Enrolment en{e.provider, e.code, m, m + enrol_months, row ? row->lto : false};
          enrolments.push_back({i, en});
        }
        for (const Open& o : enrolments) {
          const Event& e = events[o.event];
          const ProviderRow* prow = in_.providers ? in_.providers->On(e.provider, o.en.start.first_day()) : nullptr;
          const bool lto = prow ? prow->lto : o.en.lto;
          // Enrolments share a few dozen (code, LTO, months) and their texts: each is made once.
          auto [memo, fresh] =
              enrol_texts.try_emplace(std::make_tuple(o.en.code, lto, o.en.start.serial, o.en.end.serial));
          if (fresh) {
            memo->second.first =
                ChronicMonthlyFee(agreement_, o.en.code, lto, o.en.start, in_.options->price_level_apr24);
            memo->second.second = Explain(*rules_.chronic_enrol, {{"code", CodeText(o.en.code)},
                                                                  {"from", FormatMonthDa(o.en.start)},
                                                                  {"until", FormatMonthDa(o.en.end + -1)},
                                                                  {"monthly", FormatKroner(memo->second.first)}});
          }
          const Money first = memo->second.first;
          EventDecision& d = dec[o.event];
          d.status = LineStatus::kAccepted;
          d.row = rules_.chronic_enrol;
          d.rule = rules_.chronic_enrol->id;
          d.reason = memo->second.second;
          d.amount = first;
          d.enrol_from = o.en.start;
          d.enrol_to = o.en.end;
          decided[o.event] = 1;
          enrolled[t].push_back(o.en);
        }
      }
    }
  });
  for (auto& part : enrolled) out->enrolments.insert(out->enrolments.end(), part.begin(), part.end());

  // 4. Trips.
  const TripRules& t = rules_.trip;
  if (t.any()) {
    absl::flat_hash_map<uint64_t, std::vector<size_t>> trips;
    for (size_t i = 0; i < n; ++i)
      if (events[i].trip && !out_of_play[i]) trips[events[i].trip].push_back(i);
    for (auto& [key, members] : trips) {
      const Event& first = events[members.front()];
      bool complete = false;
      for (size_t i : members) complete |= events[i].line >= 0;
      if (!complete) {
        auto it = seen.find(first.provider);
        complete = it != seen.end() && it->second.contains(first.date.days());
      }
      if (!complete) {
        // Not every line of this trip is at hand: keep the stored trip outcomes.
        for (size_t i : members) {
          const EventDecision& stored = prior[static_cast<size_t>(events[i].prior)].decision;
          const RuleRow* row = nullptr;
          for (const RuleRow* r : {t.visit_rejected, t.no_first_visit, t.several_visits})
            if (r && stored.rule == r->id) row = r;
          if (!row || decided[i]) continue;
          dec[i] = stored;
          dec[i].row = row;
          decided[i] = 1;
          kept[i] = 1;
        }
        continue;
      }
      absl::flat_hash_set<std::pair<uint64_t, uint64_t>> following;  // patients billed `code`
      for (size_t i : members)
        if (events[i].code == t.code) following.insert({events[i].patient.hi, events[i].patient.lo});
      for (size_t i : members) {
        const Event& e = events[i];
        if (e.code == t.code || decided[i] || !t.visit_rejected || !t.visit_rejected->period.Contains(e.date)) continue;
        if (following.contains({e.patient.hi, e.patient.lo}))
          reject(i, t.visit_rejected, Explain(*t.visit_rejected, {{"code", CodeText(e.code)}}));
      }
      auto paid_visit = [&](size_t i) {
        return events[i].code != t.code && (!decided[i] || Paid(dec[i].status));
      };
      for (size_t i : members) {
        const Event& e = events[i];
        if (e.code != t.code || decided[i] || !t.no_first_visit || !t.no_first_visit->period.Contains(e.date)) continue;
        bool first_visit = false;
        for (size_t j : members)
          if (paid_visit(j) && !(events[j].patient == e.patient)) first_visit = true;
        if (!first_visit) flag(i, t.no_first_visit, Explain(*t.no_first_visit, {}));
      }
      if (t.several_visits && t.several_settings.Has(first.setting)) {
        std::vector<size_t> visits;
        for (size_t i : members)
          if (paid_visit(i) && !decided[i] && t.several_visits->period.Contains(events[i].date)) visits.push_back(i);
        if (visits.size() >= 2)
          for (size_t i : visits) flag(i, t.several_visits, Explain(*t.several_visits, {}));
      }
    }
  }

  // 5. Everything not yet decided is priced; contacts learn what is paid.
  for (size_t i = 0; i < n; ++i) {
    if (events[i].rejected || decided[i]) continue;
    dec[i].status = LineStatus::kAccepted;
    dec[i].reason = std::string(kPlainReason);
    dec[i].amount = events[i].price;
  }
  for (size_t i = 0; i < n; ++i) {
    const Event& e = events[i];
    if (e.rejected || !Paid(dec[i].status) || !e.contact) continue;
    int w = rules_.WatchedIndex(e.code);
    if (w < 0) continue;
    ContactPaid& f = out->paid[e.contact];
    f.paid |= static_cast<uint8_t>(1u << w);
    if (e.setting == Setting::kHome) f.paid_home |= static_cast<uint8_t>(1u << w);
    f.indications |= static_cast<uint16_t>(1u << static_cast<unsigned>(e.indication));
  }

  // 6. Contact rules on events; the time supplement and mileage of paid lines.
  ForRanges(n, threads, [&](size_t, size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
      const Event& e = events[i];
      if (e.rejected) continue;
      EventDecision& d = dec[i];
      if (!decided[i] && e.contact) {
        auto it = out->paid.find(e.contact);
        const FeeRow* fee = agreement_.FeeOn(e.code, e.date);
        if (it != out->paid.end() && fee) {
          LineStatus st = LineStatus::kAccepted;
          if (const RuleRow* row = JudgeByContact(e.code, fee->category, e.date, it->second, &st)) {
            d.status = st;
            d.row = row;
            d.rule = row->id;
            d.reason = Explain(*row, {{"code", CodeText(e.code)}});
            if (st == LineStatus::kRejected) d.amount = Money::Zero();
          }
        }
      }
      if (Paid(d.status) && !kept[i] && !rules_.chronic_codes.Has(e.code)) {
        TimeSupplement(e.code, e.setting, e.date, e.minutes, &d.reason);
        static const ContactFacts kNone;
        auto f = e.contact ? facts.find(e.contact) : facts.end();
        d.amount += Mileage(e, f == facts.end() ? kNone : f->second, &d.reason);
      }
      if (d.row)
        d.paragraph = d.row->provenance.paragraph;
      else if (const FeeRow* fee = agreement_.FeeOn(e.code, e.date))
        d.paragraph = fee->provenance.paragraph;
    }
  });

  out->prior_decisions.resize(prior.size());
  size_t new_decided = 0;
  for (size_t i = 0; i < n; ++i) new_decided += !events[i].rejected && events[i].line >= 0;
  out->decisions.reserve(new_decided);
  for (size_t i = 0; i < n; ++i) {
    const Event& e = events[i];
    if (e.rejected) continue;
    if (e.line >= 0) out->decisions.emplace_back(e.line, std::move(dec[i]));
    else out->prior_decisions[static_cast<size_t>(e.prior)] = std::move(dec[i]);
  }
  // The file's events come slice by slice in line order, so this is sorted
  // already; sorted again if a caller ever passes them otherwise.
  auto by_line = [](const auto& a, const auto& b) { return a.first < b.first; };
  if (!std::is_sorted(out->decisions.begin(), out->decisions.end(), by_line))
    std::sort(out->decisions.begin(), out->decisions.end(), by_line);
  out->facts = std::move(facts);
  return Status::Ok();
}

}  // namespace almen::settle_internal
