// The settlement engine. See settle.h for the contract and
// docs/architecture.md for the two-pass design.
#include "settlement/settle.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>
#include <absl/container/node_hash_map.h>
#include <xxhash.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <map>
#include <thread>

#include <nlohmann/json.hpp>

#include "claims/claim.h"
#include "claims/registry.h"
#include "common/csv.h"
#include "common/file.h"
#include "common/format_da.h"
#include "bosted/honorarium.h"
#include "bosted/register.h"
#include "sanctions/sanctions.h"
#include "settlement/rules.h"
#include "settlement/statement.h"

namespace almen {

namespace {

struct Key128 {
  uint64_t lo = 0, hi = 0;
  bool operator==(const Key128&) const = default;
  bool operator<(const Key128& o) const { return hi != o.hi ? hi < o.hi : lo < o.lo; }
  template <typename H>
  friend H AbslHashValue(H h, const Key128& k) {
    return H::combine(std::move(h), k.lo, k.hi);
  }
};

Key128 HashKey(int provider, std::string_view s) {
  XXH128_hash_t h = XXH3_128bits_withSeed(s.data(), s.size(), static_cast<XXH64_hash_t>(provider) + 1);
  return Key128{h.low64, h.high64};
}

// Drops the pages of the memory-mapped claim file that a pass has read from
// this process's resident set (they stay in the page cache), so the peak RSS
// is bounded by the engine's state and not by the size of the file.
class ReleaseBehind {
 public:
  explicit ReleaseBehind(std::string_view slice) : base_(slice.data()), released_(0) {}
  void Advance(size_t done) {
    if (done - released_ < kStep) return;
    uintptr_t from = reinterpret_cast<uintptr_t>(base_ + released_);
    uintptr_t to = reinterpret_cast<uintptr_t>(base_ + done);
    from = (from + kPage - 1) & ~(kPage - 1);
    to &= ~(kPage - 1);
    if (to > from) ::madvise(reinterpret_cast<void*>(from), to - from, MADV_DONTNEED);
    released_ = done;
  }

 private:
  static constexpr size_t kStep = 64u << 20;
  static constexpr uintptr_t kPage = 4096;
  const char* base_;
  size_t released_;
};

// (chunk, record index within chunk) as one integer: a line's identity.
inline int64_t LineId(int chunk, int64_t local) { return (static_cast<int64_t>(chunk) << 40) | local; }

// The reason of a line paid plainly at the fee of its code.
constexpr std::string_view kPlainReason = "Honoreret efter takst.";

enum class LineStatus : uint8_t { kAccepted, kRejected, kReview };
std::string_view StatusName(LineStatus s) {
  switch (s) {
    case LineStatus::kAccepted: return "accepted";
    case LineStatus::kRejected: return "rejected";
    case LineStatus::kReview: return "review";
  }
  return "?";
}

struct ContactFlags {
  CategoryMask categories = 0;  // categories of the lines in the contact
  uint8_t codes = 0;            // watched codes present
  uint8_t paid = 0;             // watched codes with a line that is paid
  uint8_t paid_home = 0;        // … paid and performed at home
};

struct Event {
  Pseudonym patient;
  Key128 claim_key;
  Key128 contact;
  uint64_t course = 0;
  int64_t line = 0;  // LineId
  Date date;
  int32_t provider = 0;
  int16_t code = 0;
  Indication indication = Indication::kNone;
  Setting setting = Setting::kClinic;
  bool has_contact = false;
  bool rejected = false;  // by a line-level rule or as a duplicate
  int chunk = 0;
};

struct Decision {
  LineStatus status = LineStatus::kAccepted;
  const RuleRow* rule = nullptr;
  std::string reason;
  bool has_amount = false;
  Money amount;
};

struct ChunkInput {
  std::string_view text;
  int64_t first_line = 0;
};

// The claim ids seen in one slice, per provider. Claim files come in blocks
// per clinic, so the set being filled or probed stays small and in cache.
class ClaimIds {
 public:
  // true if the key was new.
  bool Insert(int provider, const Key128& key) { return SetFor(provider).insert(key).second; }
  bool Contains(int provider, const Key128& key) const {
    auto it = sets_.find(provider);
    return it != sets_.end() && it->second.contains(key);
  }

 private:
  absl::flat_hash_set<Key128>& SetFor(int provider) {
    if (provider != last_provider_ || !last_) {
      last_ = &sets_[provider];
      last_provider_ = provider;
    }
    return *last_;
  }
  // node_hash_map keeps the sets in place when the map grows.
  absl::node_hash_map<int, absl::flat_hash_set<Key128>> sets_;
  int last_provider_ = -1;
  absl::flat_hash_set<Key128>* last_ = nullptr;
};

// Which providers are fixed doctors on which botilbud, when (C5).
class FixedDoctors {
 public:
  explicit FixedDoctors(const BostedRegister& reg) {
    for (const auto& a : reg.attachments()) by_provider_[a.provider].push_back(&a);
    for (const auto& a : reg.attachments()) by_botilbud_[a.botilbud_id].push_back(&a);
  }
  // Fixed doctor on `date`, on `botilbud_id` if given, else on any botilbud.
  bool IsFixed(int provider, Date date, std::string_view botilbud_id) const {
    auto it = by_provider_.find(provider);
    if (it == by_provider_.end()) return false;
    for (const auto* a : it->second)
      if (a->period.Contains(date) && (botilbud_id.empty() || a->botilbud_id == botilbud_id)) return true;
    return false;
  }
  // The botilbud has a fixed doctor on `date` (it is under the scheme).
  bool UnderScheme(std::string_view botilbud_id, Date date) const {
    auto it = by_botilbud_.find(std::string(botilbud_id));
    if (it == by_botilbud_.end()) return false;
    for (const auto* a : it->second)
      if (a->period.Contains(date)) return true;
    return false;
  }

 private:
  absl::flat_hash_map<int, std::vector<const BostedAttachmentRow*>> by_provider_;
  absl::flat_hash_map<std::string, std::vector<const BostedAttachmentRow*>> by_botilbud_;
};

struct Pass1State {
  // Visit trips to a botilbud by a doctor who is not its fixed doctor: the
  // smallest claim key of each trip is "the first patient" (C5).
  absl::flat_hash_map<Key128, Key128> trips;
  ClaimIds claims;
  absl::flat_hash_set<int64_t> dup_lines;      // local record indices
  absl::flat_hash_set<int64_t> bad_cpr_lines;  // … with a malformed CPR (pass 2 need not parse CPRs)
  absl::flat_hash_map<Key128, ContactFlags> contacts;
  std::vector<Event> events;
  Date min_date = Date::Max(), max_date = Date::Min();
  int64_t records = 0;
  Status error;
  int64_t error_line = 0;
};

struct Counts {
  int64_t lines = 0, accepted = 0, rejected = 0, review = 0;
  Money amount;
  std::map<std::string, int64_t> by_rule;
};

struct Pass2State {
  StatementAccumulator statements;
  Counts counts;
  Status error;
  std::string part_path;
};

struct LineCheck {
  const RuleRow* rule = nullptr;
  const SanctionRow* sanction = nullptr;  // when an LSU payment stop decided the line
  std::string_view detail;
  const FeeRow* fee = nullptr;
  const IndexRow* index = nullptr;
  const ProviderRow* provider = nullptr;
};

class Engine {
 public:
  Engine(const Agreement& a, const CompiledRules& r, const Pseudonymizer& p, const SettleOptions& o,
         const ProviderRegistry* providers, const SanctionRegister* sanctions, const FixedDoctors* fixed)
      : agreement_(a),
        rules_(r),
        pseudonymizer_(p),
        options_(o),
        providers_(providers),
        sanctions_(sanctions),
        fixed_(fixed) {}

  // C5: a sick visit on a botilbud. Returns the trip key when the line is a
  // visit by a doctor who is not the botilbud's fixed doctor (the 0102 rule),
  // and sets *fixed_rule when the fixed doctor billed another visit code.
  std::optional<Key128> BostedVisit(const ClaimLine& l, const LineCheck& c, const RuleRow** fixed_rule) const {
    *fixed_rule = nullptr;
    if (l.setting != Setting::kBotilbud || !c.fee) return std::nullopt;
    Date d = l.service_date;
    CategoryMask cat = Bit(c.fee->category);
    if (fixed_ && rules_.bosted_fixed_visit && (rules_.bosted_visit_categories & cat) &&
        rules_.bosted_fixed_visit->period.Contains(d) && fixed_->IsFixed(l.provider, d, l.botilbud_id)) {
      if (l.code != rules_.bosted_visit_code) *fixed_rule = rules_.bosted_fixed_visit;
      return std::nullopt;
    }
    if (!rules_.bosted_following || !(rules_.bosted_following_categories & cat) ||
        !rules_.bosted_following->period.Contains(d))
      return std::nullopt;
    if (fixed_ && !l.botilbud_id.empty() && !fixed_->UnderScheme(l.botilbud_id, d)) return std::nullopt;
    std::string trip(l.botilbud_id);
    trip += '|';
    trip += l.service_date_text;
    return HashKey(l.provider, trip);
  }

  LineCheck Check(const ClaimLine& l) const {
    LineCheck c;
    Date d = l.service_date;
    // An LSU suspension (d) or exclusion (e) stops payment for service dates
    // in its period (§ 114 stk. 2, OK25 pkt. 5.7).
    if (sanctions_ && sanctions_->HasPaymentStops()) {
      if (const SanctionRow* s = sanctions_->PaymentStop(l.provider, d)) {
        const RuleRow* row = s->kind == SanctionKind::kD ? rules_.sanction_suspended : rules_.sanction_excluded;
        if (row) {
          c.rule = row;
          c.sanction = s;
          return c;
        }
      }
    }
    if (!l.cpr.info) {
      c.rule = rules_.cpr_malformed;
      c.detail = l.cpr.error;
      return c;
    }
    if (providers_) {
      c.provider = providers_->On(l.provider, d);
      if (!c.provider) {
        c.rule = rules_.unknown_provider;
        return c;
      }
    }
    for (const auto& r : rules_.abolished)
      if (r.code == l.code && r.row->period.Contains(d)) {
        c.rule = r.row;
        return c;
      }
    c.fee = agreement_.FeeOn(l.code, d);
    if (!c.fee) {
      c.rule = rules_.no_fee;
      return c;
    }
    if (!options_.price_level_apr24) {
      c.index = agreement_.IndexOn(d);
      if (!c.index) {
        c.rule = rules_.no_fee;
        c.detail = "ingen reguleringsindeks";
        return c;
      }
    }
    for (const auto& r : rules_.settings)
      if (r.code == l.code && l.setting == r.setting && r.row->period.Contains(d)) {
        c.rule = r.row;
        return c;
      }
    if (l.performer == Performer::kStaff)
      for (const auto& r : rules_.staff)
        if (r.code == l.code && r.row->period.Contains(d) &&
            std::find(r.allowed.begin(), r.allowed.end(), l.indication) == r.allowed.end()) {
          c.rule = r.row;
          return c;
        }
    return c;
  }

  // Price of a line that is paid: fee × index × quantity, plus the transport
  // time supplement where a home rule says it is paid instead of the visit
  // fee (Bilag 3, pkt. 8). Mileage (§ 80) is paid on its own 9001/9002 lines
  // (quantity = km); `km` on a visit line documents the trip.
  Money Price(const ClaimLine& l, const LineCheck& c, std::string* extra_reason) const {
    Money unit = c.fee->amount;
    if (c.fee->indexed && c.index) unit = Scale(unit, c.index->factor);
    Money total = unit * l.quantity;
    if (l.minutes > 0) {
      for (const auto& h : rules_.home) {
        if (h.code != l.code || h.setting != l.setting || !h.row->period.Contains(l.service_date)) continue;
        if (l.minutes > 0) {
          auto per = agreement_.MoneyParameter("time_supplement_ore_per_started_quarter", l.service_date);
          if (per.ok()) {
            Money m = *per;
            if (c.index) m = Scale(m, c.index->factor);
            Money supplement = m * ((l.minutes + 14) / 15);
            total += supplement;
            *extra_reason += " Tidsforbrugstillæg " + FormatKroner(supplement) + " (§ 64 stk. 2 c).";
          }
        }
        break;
      }
    }
    return total;
  }

  Money ChronicMonthly(int code, bool lto, Date on) const {
    const ChronicRow* row = agreement_.ChronicOn(code, lto, on);
    if (!row) return Money::Zero();
    Money annual = row->monthly * 12;
    bool raise = true;
    if (lto) {
      auto p = agreement_.BoolParameter("chronic_raise_applies_in_lto", on);
      raise = !p.ok() || *p;
    }
    if (raise) annual += row->annual_raise;
    // Monthly = annual / 12, rounded half away from zero to whole øre (agreement.md H4).
    Money monthly = ScaleRatio(annual, 1, 12);
    if (!options_.price_level_apr24)
      if (const IndexRow* idx = agreement_.IndexOn(on)) monthly = Scale(monthly, idx->factor);
    return monthly;
  }

  bool ProviderLto(int provider, Date on, bool fallback) const {
    if (!providers_) return fallback;
    const ProviderRow* row = providers_->On(provider, on);
    return row ? row->lto : fallback;
  }

  void Pass1(const ClaimParser& parser, std::shared_ptr<const CsvHeader> header, int chunk, ChunkInput in,
             Pass1State* st) const {
    CsvReader reader = CsvReader::ForSlice(std::move(header), in.text, in.first_line);
    ReleaseBehind release(in.text);
    ClaimLine l;
    int64_t idx = 0;
    while (true) {
      auto more = reader.Next();
      if (!more.ok()) {
        st->error = more.status();
        return;
      }
      if (!*more) break;
      Status s = parser.Parse(reader, &l);
      if (!s.ok()) {
        st->error = s;
        return;
      }
      int64_t local = idx++;
      if ((local & 0xffff) == 0) release.Advance(reader.record_offset());
      st->min_date = std::min(st->min_date, l.service_date);
      st->max_date = std::max(st->max_date, l.service_date);
      Key128 ck = HashKey(l.provider, l.claim_id);
      bool dup = !st->claims.Insert(l.provider, ck);
      if (dup) st->dup_lines.insert(local);
      if (!l.cpr.info) st->bad_cpr_lines.insert(local);
      LineCheck chk = Check(l);
      if (!chk.rule && !dup) {
        const RuleRow* fixed_rule;
        if (auto trip = BostedVisit(l, chk, &fixed_rule)) {
          auto [it, fresh] = st->trips.try_emplace(*trip, ck);
          if (!fresh && ck < it->second) it->second = ck;
        }
      }
      Key128 contact{};
      bool has_contact = !l.contact_id.empty();
      if (has_contact) {
        contact = HashKey(l.provider, l.contact_id);
        if (!chk.rule && rules_.IsTrigger(l.code, chk.fee->category)) {
          ContactFlags& f = st->contacts[contact];
          f.categories |= Bit(chk.fee->category);
          int w = rules_.WatchedIndex(l.code);
          if (w >= 0) f.codes |= static_cast<uint8_t>(1u << w);
        }
      }
      if (rules_.event_codes.Has(l.code)) {
        Event e;
        if (l.cpr.info) e.patient = pseudonymizer_.Of(std::string_view(l.cpr.info->digits, 10));
        e.claim_key = ck;
        e.contact = contact;
        e.has_contact = has_contact;
        e.course = l.course_id.empty() ? 0 : XXH3_64bits(l.course_id.data(), l.course_id.size());
        e.line = LineId(chunk, local);
        e.date = l.service_date;
        e.provider = l.provider;
        e.code = static_cast<int16_t>(l.code);
        e.indication = l.indication;
        e.setting = l.setting;
        e.rejected = dup || chk.rule != nullptr;
        e.chunk = chunk;
        st->events.push_back(e);
      }
    }
    st->records = idx;
  }

  // Between the passes: contact rules on the event lines, then the
  // per-patient rules in date order, then chronic enrolments, then the
  // contact "paid" flags the other lines are judged by in pass 2.
  void Resolve(std::vector<Pass1State>& chunks, absl::flat_hash_map<Key128, ContactFlags>* contacts,
               absl::flat_hash_map<int64_t, Decision>* decisions, StatementAccumulator* chronic_statements) const;

  void Pass2(const ClaimParser& parser, std::shared_ptr<const CsvHeader> header, int chunk, ChunkInput in,
             const std::vector<Pass1State>& p1, const absl::flat_hash_map<Key128, ContactFlags>& contacts,
             const absl::flat_hash_map<int64_t, Decision>& decisions,
             const absl::flat_hash_map<Key128, Key128>& trips, bool write_header, Pass2State* st) const;

 private:
  const Agreement& agreement_;
  const CompiledRules& rules_;
  const Pseudonymizer& pseudonymizer_;
  const SettleOptions& options_;
  const ProviderRegistry* providers_;
  const SanctionRegister* sanctions_;
  const FixedDoctors* fixed_;
};

std::string MonthsDa(Month m) { return FormatMonthDa(m); }

void Engine::Resolve(std::vector<Pass1State>& chunks, absl::flat_hash_map<Key128, ContactFlags>* contacts,
                     absl::flat_hash_map<int64_t, Decision>* decisions, StatementAccumulator* chronic) const {
  std::vector<Event> events;
  size_t total = 0;
  for (const auto& c : chunks) total += c.events.size();
  events.reserve(total);
  for (size_t k = 0; k < chunks.size(); ++k) {
    for (Event& e : chunks[k].events) {
      // A claim id first seen in an earlier chunk makes this line a repeat.
      if (!e.rejected)
        for (size_t j = 0; j < k; ++j)
          if (chunks[j].claims.Contains(e.provider, e.claim_key)) {
            e.rejected = true;
            break;
          }
      events.push_back(e);
    }
    chunks[k].events.clear();
    chunks[k].events.shrink_to_fit();
  }

  // Contact rules that reject the event code itself.
  for (Event& e : events) {
    if (e.rejected || !e.has_contact) continue;
    auto it = contacts->find(e.contact);
    if (it == contacts->end()) continue;
    const ContactFlags& f = it->second;
    for (const auto& r : rules_.contact) {
      if (!r.reject_self || r.code != e.code || !r.row->period.Contains(e.date)) continue;
      bool hit = (f.categories & r.other_categories) != 0;
      for (int oc : r.other_codes.codes) {
        int w = rules_.WatchedIndex(oc);
        if (w >= 0 && (f.codes & (1u << w))) hit = true;
      }
      if (hit) {
        e.rejected = true;
        Decision d;
        d.status = LineStatus::kRejected;
        d.rule = r.row;
        d.reason = Explain(*r.row, {});
        (*decisions)[e.line] = std::move(d);
        break;
      }
    }
  }

  std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    if (a.patient.hi != b.patient.hi) return a.patient.hi < b.patient.hi;
    if (a.patient.lo != b.patient.lo) return a.patient.lo < b.patient.lo;
    if (a.date != b.date) return a.date < b.date;
    if (a.provider != b.provider) return a.provider < b.provider;
    return a.claim_key < b.claim_key;
  });

  int enrol_months = 12;
  struct Enrolment {
    int provider;
    int code;
    Month start, end;  // [start, end)
    int64_t line;
    bool lto;
  };

  for (size_t i = 0; i < events.size();) {
    size_t j = i;
    while (j < events.size() && events[j].patient == events[i].patient) ++j;
    // Per-patient rules on the surviving event lines.
    for (const auto& r : rules_.patient) {
      std::vector<const Event*> paid;
      for (size_t k = i; k < j; ++k) {
        Event& e = events[k];
        if (e.rejected || e.code != r.code || e.indication != r.indication || !r.row->period.Contains(e.date))
          continue;
        bool reject = false;
        std::vector<std::pair<std::string_view, std::string>> vars;
        if (r.kind == PatientRuleKind::kOncePerPatient) {
          if (!paid.empty()) {
            reject = true;
            vars.push_back({"previous", FormatDateDa(paid.front()->date)});
          }
        } else if (r.kind == PatientRuleKind::kOncePerCourse) {
          for (const Event* p : paid)
            if (p->course == e.course) {
              reject = true;
              vars.push_back({"previous", FormatDateDa(p->date)});
              break;
            }
        } else {
          int in_year = 0;
          for (const Event* p : paid)
            if (p->date.year() == e.date.year()) ++in_year;
          if (in_year >= r.max) {
            reject = true;
            vars.push_back({"max", std::to_string(r.max)});
            vars.push_back({"year", std::to_string(e.date.year())});
          }
        }
        if (reject) {
          e.rejected = true;
          Decision d;
          d.status = LineStatus::kRejected;
          d.rule = r.row;
          d.reason = Explain(*r.row, vars);
          (*decisions)[e.line] = std::move(d);
        } else {
          paid.push_back(&e);
        }
      }
    }
    // Chronic enrolment (agreement.md C4): 12 months from the service month,
    // one enrolment per patient at a time.
    if (!rules_.chronic_codes.codes.empty()) {
      std::vector<Enrolment> enrolments;
      for (size_t k = i; k < j; ++k) {
        Event& e = events[k];
        if (e.rejected || !rules_.chronic_codes.Has(e.code)) continue;
        auto months = agreement_.IntParameter("chronic_enrolment_months", e.date);
        enrol_months = months.ok() ? static_cast<int>(*months) : 12;
        Month m = Month::Of(e.date);
        Enrolment* cur = enrolments.empty() ? nullptr : &enrolments.back();
        if (cur && m < cur->end) {
          if (cur->provider != e.provider || cur->code == e.code) {
            const RuleRow* row = cur->provider != e.provider ? rules_.chronic_elsewhere : rules_.chronic_already;
            char code[16];
            std::snprintf(code, sizeof code, "%04d", cur->code);
            Decision d;
            d.status = LineStatus::kRejected;
            d.rule = row;
            d.reason = Explain(*row, {{"code", code}, {"until", MonthsDa(cur->end + -1)}});
            (*decisions)[e.line] = std::move(d);
            e.rejected = true;
            continue;
          }
          // Same provider, another chronic code: the new enrolment replaces
          // the old one from this month.
          cur->end = m;
          if (!(cur->start < cur->end)) enrolments.pop_back();
        }
        bool lto = ProviderLto(e.provider, e.date, false);
        enrolments.push_back({e.provider, e.code, m, m + enrol_months, e.line, lto});
      }
      for (const Enrolment& en : enrolments) {
        Money first;
        for (Month m = en.start; m < en.end; m = m + 1) {
          bool lto = ProviderLto(en.provider, m.first_day(), en.lto);
          Money fee = ChronicMonthly(en.code, lto, m.first_day());
          if (m == en.start) first = fee;
          chronic->Add(en.provider, m, StatementItem::kChronicFee, en.code, 1, fee);
        }
        char code[16];
        std::snprintf(code, sizeof code, "%04d", en.code);
        Decision d;
        d.status = LineStatus::kAccepted;
        d.rule = rules_.chronic_enrol;
        d.reason = Explain(*rules_.chronic_enrol, {{"code", code},
                                                   {"from", MonthsDa(en.start)},
                                                   {"until", MonthsDa(en.end + -1)},
                                                   {"monthly", FormatKroner(first)}});
        d.has_amount = true;
        d.amount = first;
        (*decisions)[en.line] = std::move(d);
      }
    }
    i = j;
  }

  // From here on the map holds only contacts with a paid event code, with
  // the flags the rules on the other lines are judged by in pass 2.
  contacts->clear();
  for (const Event& e : events) {
    if (e.rejected || !e.has_contact) continue;
    int w = rules_.WatchedIndex(e.code);
    if (w < 0) continue;
    ContactFlags& f = (*contacts)[e.contact];
    f.paid |= static_cast<uint8_t>(1u << w);
    if (e.setting == Setting::kHome) f.paid_home |= static_cast<uint8_t>(1u << w);
  }
}

void AppendInt(std::string& out, int64_t v) {
  char buf[24];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  out.append(buf, p);
}

void Engine::Pass2(const ClaimParser& parser, std::shared_ptr<const CsvHeader> header, int chunk, ChunkInput in,
                   const std::vector<Pass1State>& p1, const absl::flat_hash_map<Key128, ContactFlags>& contacts,
                   const absl::flat_hash_map<int64_t, Decision>& decisions,
                   const absl::flat_hash_map<Key128, Key128>& trips, bool write_header, Pass2State* st) const {
  CsvReader reader = CsvReader::ForSlice(std::move(header), in.text, in.first_line);
  ReleaseBehind release(in.text);
  FILE* out = std::fopen(st->part_path.c_str(), "wb");
  if (!out) {
    st->error = Internal(st->part_path + ": cannot write");
    return;
  }
  std::string buf;
  buf.reserve(1 << 21);
  if (write_header) buf += "claim_id,provider,service_date,code,status,amount_ore,rule,reason,paragraph\n";
  ClaimLine l;
  int64_t idx = 0;
  const Pass1State& own = p1[static_cast<size_t>(chunk)];
  std::string reason;
  absl::flat_hash_map<const char*, std::string> quoted_paragraphs;
  while (true) {
    auto more = reader.Next();
    if (!more.ok()) {
      st->error = more.status();
      break;
    }
    if (!*more) break;
    Status s = parser.Parse(reader, &l, /*parse_cpr=*/false);
    if (!s.ok()) {
      st->error = s;
      break;
    }
    int64_t local = idx++;
    if ((local & 0xffff) == 0) release.Advance(reader.record_offset());
    // Pass 1 parsed every CPR; only the malformed ones matter here.
    if (own.bad_cpr_lines.contains(local)) (void)parser.Parse(reader, &l);  // rare: for the reason text
    else l.cpr.info.emplace();
    LineStatus status = LineStatus::kAccepted;
    const RuleRow* rule = nullptr;
    std::string_view paragraph;
    Money amount;
    reason.clear();

    bool dup = own.dup_lines.contains(local);
    if (!dup && chunk > 0) {
      Key128 ck = HashKey(l.provider, l.claim_id);
      for (int j = 0; j < chunk && !dup; ++j) dup = p1[static_cast<size_t>(j)].claims.Contains(l.provider, ck);
    }
    LineCheck chk;
    if (dup) {
      rule = rules_.duplicate;
      status = LineStatus::kRejected;
      reason = Explain(*rule, {{"claim_id", std::string(l.claim_id)}, {"provider", std::string(l.provider_text)}});
    } else if (chk = Check(l); chk.rule) {
      rule = chk.rule;
      status = LineStatus::kRejected;
      if (chk.sanction) reason = SanctionReason(*chk.sanction, rule->reason_da);
      else reason = Explain(*rule, {{"detail", std::string(chk.detail)},
                               {"provider", std::string(l.provider_text)},
                               {"code", std::string(l.code_text)},
                               {"date", FormatDateDa(l.service_date)}});
      if (!chk.detail.empty() && rule == rules_.no_fee) reason += " (" + std::string(chk.detail) + ")";
    } else if (auto it = rules_.event_codes.Has(l.code) ? decisions.find(LineId(chunk, local)) : decisions.end();
               it != decisions.end()) {
      const Decision& d = it->second;
      status = d.status;
      rule = d.rule;
      reason = d.reason;
      if (status != LineStatus::kRejected) amount = d.has_amount ? d.amount : Price(l, chk, &reason);
    } else {
      // C5: visits on a botilbud.
      const RuleRow* fixed_rule = nullptr;
      if (auto trip = BostedVisit(l, chk, &fixed_rule)) {
        auto tit = trips.find(*trip);
        if (tit != trips.end() && !(tit->second == HashKey(l.provider, l.claim_id)) &&
            l.code != rules_.bosted_following_code) {
          rule = rules_.bosted_following;
          status = LineStatus::kRejected;
        }
      } else if (fixed_rule) {
        rule = fixed_rule;
        status = LineStatus::kRejected;
      }
      if (rule) reason = Explain(*rule, {{"code", std::string(l.code_text)}});
      // Contact rules judged by a paid event code in the same contact.
      if (!rule && !l.contact_id.empty()) {
        auto cit = contacts.find(HashKey(l.provider, l.contact_id));
        if (cit != contacts.end() && cit->second.paid) {
          const ContactFlags& f = cit->second;
          CategoryMask cat = Bit(chk.fee->category);
          for (const auto& r : rules_.contact) {
            if (r.reject_self || !r.row->period.Contains(l.service_date)) continue;
            int w = rules_.WatchedIndex(r.code);
            if (w < 0 || !(f.paid & (1u << w))) continue;
            if (r.other_codes.Has(l.code) || (r.other_categories & cat)) {
              rule = r.row;
              status = LineStatus::kRejected;
              break;
            }
          }
          if (!rule)
            for (const auto& r : rules_.home) {
              int w = rules_.WatchedIndex(r.code);
              if (w < 0 || !(f.paid_home & (1u << w)) || !(r.other_categories & cat) ||
                  !r.row->period.Contains(l.service_date))
                continue;
              rule = r.row;
              status = LineStatus::kRejected;
              break;
            }
          if (!rule)
            for (const auto& r : rules_.review) {
              int w = rules_.WatchedIndex(r.code);
              if (w < 0 || !(f.paid & (1u << w)) || !(r.other_categories & cat) || r.except_codes.Has(l.code) ||
                  !r.row->period.Contains(l.service_date))
                continue;
              rule = r.row;
              status = LineStatus::kReview;
              break;
            }
          if (rule) reason = Explain(*rule, {});
        }
      }
      if (status != LineStatus::kRejected) {
        if (!rule) reason = kPlainReason;
        amount = Price(l, chk, &reason);
      }
    }
    if (rule) paragraph = rule->provenance.paragraph;
    else if (chk.fee) paragraph = chk.fee->provenance.paragraph;

    // Counts and statement.
    ++st->counts.lines;
    if (status == LineStatus::kAccepted) ++st->counts.accepted;
    else if (status == LineStatus::kRejected) ++st->counts.rejected;
    else ++st->counts.review;
    if (rule) ++st->counts.by_rule[rule->id];
    st->counts.amount += amount;
    if (status != LineStatus::kRejected && !rules_.chronic_codes.Has(l.code))
      st->statements.Add(l.provider, Month::Of(l.service_date), StatementItem::kService, l.code, l.quantity, amount);

    AppendCsvField(buf, l.claim_id);
    buf += ',';
    buf += l.provider_text;
    buf += ',';
    buf += l.service_date_text;
    buf += ',';
    buf += l.code_text;
    buf += ',';
    buf += StatusName(status);
    buf += ',';
    AppendInt(buf, amount.ore());
    buf += ',';
    if (rule) buf += rule->id;
    buf += ',';
    if (!rule && reason == kPlainReason) buf += kPlainReason;  // needs no quoting
    else AppendCsvField(buf, reason);
    buf += ',';
    // Paragraphs are a handful of agreement strings: quote each once.
    auto [pit, fresh] = quoted_paragraphs.try_emplace(paragraph.data());
    if (fresh) AppendCsvField(pit->second, paragraph);
    buf += pit->second;
    buf += '\n';
    if (buf.size() > (1 << 20)) {
      if (std::fwrite(buf.data(), 1, buf.size(), out) != buf.size()) st->error = Internal("write failed");
      buf.clear();
    }
  }
  if (!buf.empty() && std::fwrite(buf.data(), 1, buf.size(), out) != buf.size()) st->error = Internal("write failed");
  if (std::fclose(out) != 0 && st->error.ok()) st->error = Internal(st->part_path + ": write failed");
}

// Counts the bytes equal to `c` in [p, p+n), eight at a time.
int64_t CountByte(const char* p, size_t n, char c) {
  int64_t count = 0;
  size_t i = 0;
  const uint64_t pattern = 0x0101010101010101ULL * static_cast<unsigned char>(c);
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    uint64_t x = w ^ pattern;  // a zero byte where w had c
    uint64_t t = ((x & 0x7f7f7f7f7f7f7f7fULL) + 0x7f7f7f7f7f7f7f7fULL) | x;
    count += __builtin_popcountll(~t & 0x8080808080808080ULL);
  }
  for (; i < n; ++i) count += p[i] == c;
  return count;
}

// Counts quotes with memchr (claim files have few or none).
size_t CountQuotes(std::string_view s) {
  size_t n = 0;
  const char* p = s.data();
  const char* end = p + s.size();
  while (p < end) {
    const void* q = std::memchr(p, '"', static_cast<size_t>(end - p));
    if (!q) break;
    ++n;
    p = static_cast<const char*>(q) + 1;
  }
  return n;
}

// Splits the body of a CSV file into n slices at record boundaries (never
// inside a quoted field). Only the first slice knows its first physical line;
// the others get 0 and FirstLine() computes theirs when an error needs it.
std::vector<ChunkInput> Split(std::string_view body, int64_t first_line, int n) {
  std::vector<ChunkInput> out;
  size_t start = 0;
  size_t quotes_before = 0;  // quotes in [0, start)
  for (int k = 1; k <= n; ++k) {
    size_t end = body.size();
    if (k < n) {
      end = std::max(start, body.size() * static_cast<size_t>(k) / static_cast<size_t>(n));
      size_t q = quotes_before + CountQuotes(body.substr(start, end - start));
      while (true) {
        size_t nl = body.find('\n', end);
        if (nl == std::string_view::npos) {
          end = body.size();
          break;
        }
        q += CountQuotes(body.substr(end, nl + 1 - end));
        end = nl + 1;
        if (q % 2 == 0) break;
      }
      quotes_before = q;
    }
    ChunkInput c;
    c.text = body.substr(start, end - start);
    c.first_line = k == 1 ? first_line : 0;
    out.push_back(c);
    start = end;
    if (start >= body.size() && k < n) break;
  }
  return out;
}

Status Concatenate(const std::vector<std::string>& parts, const std::string& dest) {
  int out = ::open(dest.c_str(), O_WRONLY | O_APPEND);
  if (out < 0) return Internal(dest + ": cannot append");
  for (const auto& p : parts) {
    int in = ::open(p.c_str(), O_RDONLY);
    if (in < 0) {
      ::close(out);
      return Internal(p + ": cannot read");
    }
    while (true) {
      ssize_t n = ::copy_file_range(in, nullptr, out, nullptr, 1 << 30, 0);
      if (n == 0) break;
      if (n < 0) {
        // Fall back to read/write (e.g. across file systems).
        char buf[1 << 16];
        ssize_t r;
        while ((r = ::read(in, buf, sizeof buf)) > 0)
          if (::write(out, buf, static_cast<size_t>(r)) != r) {
            ::close(in);
            ::close(out);
            return Internal(dest + ": write failed");
          }
        break;
      }
    }
    ::close(in);
    std::filesystem::remove(p);
  }
  if (::close(out) != 0) return Internal(dest + ": write failed");
  return Status::Ok();
}

// Phase timings on stderr when ALMEN_TIMING=1 (for docs/performance.md).
class PhaseTimer {
 public:
  PhaseTimer() : on_(std::getenv("ALMEN_TIMING") != nullptr), last_(std::chrono::steady_clock::now()) {}
  void Mark(const char* phase) {
    if (!on_) return;
    auto now = std::chrono::steady_clock::now();
    std::fprintf(stderr, "timing: %-22s %8.3f s\n", phase, std::chrono::duration<double>(now - last_).count());
    last_ = now;
  }

 private:
  bool on_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace

Status Settle(const Agreement& agreement, const Pseudonymizer& pseudonymizer, const SettleOptions& options,
              const std::string& out_dir, SettleSummary* summary) {
  ALMEN_ASSIGN_OR_RETURN(CompiledRules rules, CompileRules(agreement));
  ALMEN_ASSIGN_OR_RETURN(MappedFile claims_file, MappedFile::Open(options.claims_path));
  const std::string label = BaseName(options.claims_path);
  std::string_view data = claims_file.data();
  ALMEN_ASSIGN_OR_RETURN(CsvReader head, CsvReader::Open(label, data));
  ALMEN_ASSIGN_OR_RETURN(ClaimParser parser, ClaimParser::ForHeader(head, agreement));

  std::optional<ProviderRegistry> providers;
  if (!options.providers_path.empty()) {
    ALMEN_ASSIGN_OR_RETURN(ProviderRegistry reg, ProviderRegistry::Load(options.providers_path));
    providers = std::move(reg);
  }
  std::optional<SanctionRegister> sanctions;
  if (!options.sanctions_path.empty()) {
    ALMEN_ASSIGN_OR_RETURN(SanctionRegister reg, SanctionRegister::LoadFile(options.sanctions_path));
    if (reg.HasPaymentStops() && (!rules.sanction_suspended || !rules.sanction_excluded))
      return InvalidInput("rules.csv: sanction_payment_stop rules for kind d and e are needed to apply sanctions");
    sanctions = std::move(reg);
  }
  std::optional<BostedRegister> bosted;
  std::optional<FixedDoctors> fixed;
  if (options.botilbud_path.empty() != options.attachments_path.empty())
    return UsageError("--botilbud and --attachments go together");
  if (!options.botilbud_path.empty()) {
    BostedLoadOptions lo;
    if (providers) lo.providers = &*providers;
    if (sanctions) lo.excluded = [&sanctions](int p, Date d) { return sanctions->PaymentStop(p, d) != nullptr; };
    ALMEN_ASSIGN_OR_RETURN(BostedRegister reg, BostedRegister::Load(options.botilbud_path, options.attachments_path, lo));
    bosted = std::move(reg);
    fixed.emplace(*bosted);
  }
  Engine engine(agreement, rules, pseudonymizer, options, providers ? &*providers : nullptr,
                sanctions ? &*sanctions : nullptr, fixed ? &*fixed : nullptr);

  int threads = options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::clamp(threads, 1, 64);
  std::string_view body = data.substr(head.body_offset());
  if (options.threads <= 0 && body.size() < (1u << 20)) threads = 1;  // small files: one thread
  std::vector<ChunkInput> chunks = Split(body, head.body_first_line(), threads);
  const int n = static_cast<int>(chunks.size());

  PhaseTimer timer;
  timer.Mark("open and load");
  // Pass 1.
  std::vector<Pass1State> p1(static_cast<size_t>(n));
  {
    std::vector<std::thread> pool;
    for (int k = 0; k < n; ++k)
      pool.emplace_back([&, k] {
        engine.Pass1(parser, head.shared_header(), k, chunks[static_cast<size_t>(k)], &p1[static_cast<size_t>(k)]);
      });
    for (auto& t : pool) t.join();
  }
  for (int k = 0; k < n; ++k) {
    if (p1[static_cast<size_t>(k)].error.ok()) continue;
    if (k == 0) return p1[0].error;
    // Re-read the failing slice knowing its first line, for an exact message.
    ChunkInput c = chunks[static_cast<size_t>(k)];
    c.first_line = head.body_first_line() + CountByte(body.data(), static_cast<size_t>(c.text.data() - body.data()), '\n');
    Pass1State again;
    engine.Pass1(parser, head.shared_header(), k, c, &again);
    return again.error.ok() ? p1[static_cast<size_t>(k)].error : again.error;
  }

  timer.Mark("pass 1");
  // Merge contacts and resolve the order-independent rules.
  absl::flat_hash_map<Key128, ContactFlags> contacts = std::move(p1[0].contacts);
  for (int k = 1; k < n; ++k) {
    for (const auto& [key, f] : p1[static_cast<size_t>(k)].contacts) {
      ContactFlags& g = contacts[key];
      g.categories |= f.categories;
      g.codes |= f.codes;
    }
    p1[static_cast<size_t>(k)].contacts.clear();
  }
  absl::flat_hash_map<Key128, Key128> trips = std::move(p1[0].trips);
  for (int k = 1; k < n; ++k)
    for (const auto& [trip, first] : p1[static_cast<size_t>(k)].trips) {
      auto [it, fresh] = trips.try_emplace(trip, first);
      if (!fresh && first < it->second) it->second = first;
    }
  absl::flat_hash_map<int64_t, Decision> decisions;
  StatementAccumulator extra;
  engine.Resolve(p1, &contacts, &decisions, &extra);

  timer.Mark("resolve");
  // The statement period.
  Date min_date = Date::Max(), max_date = Date::Min();
  for (const auto& st : p1) {
    min_date = std::min(min_date, st.min_date);
    max_date = std::max(max_date, st.max_date);
  }
  std::optional<Month> period_from = options.period_from, period_to = options.period_to;
  if (!period_from && min_date <= max_date) {
    period_from = Month::Of(min_date);
    period_to = Month::Of(max_date);
  }

  // Basishonorar from the listings (C6).
  if (!options.listings_path.empty() && period_from) {
    ALMEN_ASSIGN_OR_RETURN(auto counts, CountListings(options.listings_path, *period_from, *period_to));
    for (const auto& [key, count] : counts) {
      Month m{key.month};
      auto annual = agreement.MoneyParameter("basishonorar_annual_ore", m.first_day());
      if (!annual.ok()) return annual.status();
      // Monthly basishonorar = annual / 12, rounded half away from zero to whole øre.
      Money monthly = ScaleRatio(*annual, 1, 12);
      if (!options.price_level_apr24)
        if (const IndexRow* idx = agreement.IndexOn(m.first_day())) monthly = Scale(monthly, idx->factor);
      extra.Add(key.provider, m, StatementItem::kBasishonorar, -1, count, monthly * count);
    }
  }

  timer.Mark("listings");
  // Pass 2 into a staging directory.
  ALMEN_ASSIGN_OR_RETURN(OutputDir out, OutputDir::Create(out_dir));
  std::vector<Pass2State> p2(static_cast<size_t>(n));
  for (int k = 0; k < n; ++k)
    p2[static_cast<size_t>(k)].part_path =
        k == 0 ? out.StagingPath("lines.csv") : out.StagingPath("lines.part" + std::to_string(k));
  {
    std::vector<std::thread> pool;
    for (int k = 0; k < n; ++k)
      pool.emplace_back([&, k] {
        engine.Pass2(parser, head.shared_header(), k, chunks[static_cast<size_t>(k)], p1, contacts, decisions, trips,
                     k == 0, &p2[static_cast<size_t>(k)]);
      });
    for (auto& t : pool) t.join();
  }
  for (const auto& st : p2)
    if (!st.error.ok()) return st.error;
  if (n == 0) ALMEN_RETURN_IF_ERROR(out.Write("lines.csv", "claim_id,provider,service_date,code,status,amount_ore,rule,reason,paragraph\n"));
  std::vector<std::string> parts;
  for (int k = 1; k < n; ++k) parts.push_back(p2[static_cast<size_t>(k)].part_path);
  timer.Mark("pass 2");
  ALMEN_RETURN_IF_ERROR(Concatenate(parts, out.StagingPath("lines.csv")));
  timer.Mark("concatenate");

  Counts counts;
  StatementAccumulator statements = std::move(extra);
  for (auto& st : p2) {
    counts.lines += st.counts.lines;
    counts.accepted += st.counts.accepted;
    counts.rejected += st.counts.rejected;
    counts.review += st.counts.review;
    counts.amount += st.counts.amount;
    for (const auto& [k, v] : st.counts.by_rule) counts.by_rule[k] += v;
    statements.Merge(st.statements);
  }
  // Fixed doctors on botilbud: the monthly honorarium per attachment (§D),
  // outside the ramme, for the months of the settlement period.
  if (bosted && period_from)
    ALMEN_RETURN_IF_ERROR(
        AddBostedHonoraria(agreement, *bosted, *period_from, *period_to, options.price_level_apr24, &statements));
  // LSU repayments (b) and fines (c) collected by offset in the provider's
  // statements from the month they take effect, as far as each month's
  // payable amount allows, until paid (sanctions/sanctions.h).
  if (sanctions) {
    for (int provider : sanctions->ProvidersWithCollections()) {
      std::map<Month, Money> payable = statements.ProviderMonthTotals(provider);
      for (const SanctionCollection& c : sanctions->Collections(provider, payable))
        statements.Add(provider, c.month, StatementItem::kOffset, -1, 1, -c.amount);
    }
  }
  timer.Mark("merge and collections");
  std::string statements_csv = statements.ToCsv();
  timer.Mark("statements.csv");
  ALMEN_RETURN_IF_ERROR(out.Write("statements.csv", statements_csv));

  SettleSummary s;
  s.lines = counts.lines;
  s.accepted = counts.accepted;
  s.rejected = counts.rejected;
  s.review = counts.review;
  s.amount_ore = counts.amount.ore();
  s.statement_amount_ore = statements.Total().ore();
  s.agreement_version = agreement.version();
  s.agreement_hash = agreement.content_hash();
  s.price_level = options.price_level_apr24 ? "apr-24" : "regulated";
  s.period_from = period_from;
  s.period_to = period_to;

  nlohmann::json j;
  j["lines"] = s.lines;
  j["accepted"] = s.accepted;
  j["rejected"] = s.rejected;
  j["review"] = s.review;
  j["amount_ore"] = s.amount_ore;
  j["statement_amount_ore"] = s.statement_amount_ore;
  j["agreement"] = {{"id", agreement.id()}, {"version", s.agreement_version}, {"content_hash", s.agreement_hash}};
  j["price_level"] = s.price_level;
  j["period"] = {{"from", period_from ? period_from->ToString() : ""}, {"to", period_to ? period_to->ToString() : ""}};
  j["by_rule"] = counts.by_rule;
  j["claims_file"] = {{"name", label}, {"bytes", data.size()}};
  j["inputs"] = {{"providers", !options.providers_path.empty()},
                 {"listings", !options.listings_path.empty()},
                 {"sanctions", !options.sanctions_path.empty()},
                 {"botilbud", !options.botilbud_path.empty()}};
  ALMEN_RETURN_IF_ERROR(out.Write("summary.json", j.dump(2) + "\n"));
  ALMEN_RETURN_IF_ERROR(out.Commit());
  timer.Mark("statements and commit");
  if (summary) *summary = s;
  return Status::Ok();
}

}  // namespace almen
