// Line checks, prices, service sums and repeated claims (engine.h); the passes are in pass1.cc and pass2.cc.
#include "settlement/engine.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>
#include <tuple>

#include "common/csv.h"
#include "common/format_da.h"

namespace almen::settle_internal {

std::string CodeText(int code) {
  char b[16];
  std::snprintf(b, sizeof b, "%04d", code);
  return b;
}

// ---- FixedDoctors, Counts, ServiceAccumulator ---------------------------------

FixedDoctors::FixedDoctors(const BostedRegister& reg) {
  for (const auto& a : reg.attachments()) by_provider_[a.provider].push_back(&a);
  for (const auto& a : reg.attachments()) by_botilbud_[a.botilbud_id].push_back(&a);
}

bool FixedDoctors::IsFixed(int provider, Date date, std::string_view botilbud_id) const {
  auto it = by_provider_.find(provider);
  if (it == by_provider_.end()) return false;
  for (const auto* a : it->second)
    if (a->period.Contains(date) && (botilbud_id.empty() || a->botilbud_id == botilbud_id)) return true;
  return false;
}

bool FixedDoctors::UnderScheme(std::string_view botilbud_id, Date date) const {
  auto it = by_botilbud_.find(std::string(botilbud_id));
  if (it == by_botilbud_.end()) return false;
  for (const auto* a : it->second)
    if (a->period.Contains(date)) return true;
  return false;
}

void Counts::Add(const Counts& o) {
  lines += o.lines;
  accepted += o.accepted;
  rejected += o.rejected;
  review += o.review;
  amount += o.amount;
  for (const auto& [k, v] : o.by_rule) by_rule[k] += v;
}

void ServiceAccumulator::AddRow(absl::flat_hash_map<Key, Value>& map, const Key& k, int64_t count, Money amount,
                                std::string_view reason, int64_t seq) {
  auto [it, fresh] = map.try_emplace(k);
  Value& v = it->second;
  if (fresh || seq < v.first_seq) {
    v.reason.assign(reason);
    v.first_seq = seq;
  }
  v.count += count;
  v.amount += amount;
}

void ServiceAccumulator::Add(int provider, Month month, int code, LineStatus status, const RuleRow* rule,
                             const FeeRow* fee, int64_t count, Money amount, std::string_view reason, int64_t seq,
                             bool stable) {
  if (parts_.empty()) {
    parts_.resize(kParts);
    pending_.resize(kParts);
  }
  const Key k{provider, month.serial, code, status, rule, fee};
  if (!stable) return AddRow(parts_[PartOf(provider)], k, count, amount, reason, seq);
  const size_t slot = OpenSlot(k);
  if (open_.empty()) {
    open_.resize(kOpen);
    open_used_.assign(kOpen, 0);
  }
  Pending& o = open_[slot];
  if (open_used_[slot]) {
    if (o.key == k) {
      o.count += count;
      o.amount += amount;
      if (seq < o.seq) {
        o.seq = seq;
        o.reason = reason;
      }
      return;
    }
    Buffer(o);
  }
  o = {k, count, amount, seq, reason};
  open_used_[slot] = 1;
}

void ServiceAccumulator::Buffer(const Pending& p) const {
  const size_t part = PartOf(p.key.provider);
  std::vector<Pending>& buffer = pending_[part];
  if (buffer.capacity() == 0) buffer.reserve(kPending);
  buffer.push_back(p);
  if (buffer.size() == kPending) FlushPart(part);
}

void ServiceAccumulator::FlushPart(size_t part) const {
  auto& map = parts_[part];
  for (const Pending& p : pending_[part]) AddRow(map, p.key, p.count, p.amount, p.reason, p.seq);
  pending_[part].clear();
}

void ServiceAccumulator::FlushAll() const {
  for (size_t slot = 0; slot < open_.size(); ++slot)
    if (open_used_[slot]) {
      Buffer(open_[slot]);
      open_used_[slot] = 0;
    }
  for (size_t part = 0; part < pending_.size(); ++part) FlushPart(part);
}

void ServiceAccumulator::Merge(ServiceAccumulator&& o) {
  o.FlushAll();
  if (o.parts_.empty()) return;
  FlushAll();
  if (parts_.empty()) {
    parts_ = std::move(o.parts_);
    pending_.resize(kParts);
    return;
  }
  for (size_t part = 0; part < kParts; ++part) {
    for (auto& [k, v] : o.parts_[part]) AddRow(parts_[part], k, v.count, v.amount, v.reason, v.first_seq);
    o.parts_[part].clear();
  }
}

std::vector<ServiceTotal> ServiceAccumulator::Totals() const {
  FlushAll();
  size_t rows = 0;
  for (const auto& part : parts_) rows += part.size();
  std::vector<ServiceTotal> out;
  out.reserve(rows);
  for (const auto& part : parts_)
    for (const auto& [k, v] : part) {
      ServiceTotal t;
      t.provider = k.provider;
      t.month = Month{k.month};
      t.code = k.code;
      t.status = k.status;
      if (k.rule) {
        t.rule = k.rule->id;
        t.paragraph = k.rule->provenance.paragraph;
      } else if (k.fee) {
        t.paragraph = k.fee->provenance.paragraph;
      }
      t.reason = v.reason;
      t.count = v.count;
      t.amount = v.amount;
      out.push_back(std::move(t));
    }
  std::sort(out.begin(), out.end(), [](const ServiceTotal& a, const ServiceTotal& b) {
    return std::tie(a.provider, a.month.serial, a.code, a.status, a.rule, a.paragraph) <
           std::tie(b.provider, b.month.serial, b.code, b.status, b.rule, b.paragraph);
  });
  return out;
}

void ServiceAccumulator::AddTo(StatementAccumulator* s) const {
  FlushAll();
  for (const auto& part : parts_)
    for (const auto& [k, v] : part)
      if (Paid(k.status)) s->Add(k.provider, Month{k.month}, StatementItem::kService, k.code, v.count, v.amount);
}

// ---- line checks and prices --------------------------------------------------------

LineCheck Engine::Check(const ClaimLine& l, CheckMemo* memo) const {
  LineCheck c;
  Date d = l.service_date;
  // An LSU suspension (d) or exclusion (e) stops payment for service dates
  // in its period (§ 114 stk. 2, OK25 pkt. 5.7).
  if (in_.sanctions && in_.sanctions->HasPaymentStops()) {
    if (const SanctionRow* s = in_.sanctions->PaymentStop(l.provider, d)) {
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
  if (in_.providers) {
    if (memo && memo->provider == l.provider && memo->row->period.Contains(d)) {
      c.provider = memo->row;
    } else {
      c.provider = in_.providers->On(l.provider, d);
      if (memo && c.provider) *memo = {l.provider, c.provider};
    }
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
  if (!in_.options->price_level_apr24) {
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
  // C5: the fixed doctor of a botilbud bills sick visits there with the visit
  // code on the route (0491).
  if (l.setting == Setting::kBotilbud && in_.fixed && rules_.bosted_fixed_visit &&
      (rules_.bosted_visit_categories & Bit(c.fee->category)) && l.code != rules_.bosted_visit_code &&
      rules_.bosted_fixed_visit->period.Contains(d) && in_.fixed->IsFixed(l.provider, d, l.botilbud_id)) {
    c.rule = rules_.bosted_fixed_visit;
    return c;
  }
  return c;
}

Money Engine::TimeSupplement(int code, Setting setting, Date date, int minutes, std::string* reason) const {
  if (minutes <= 0) return Money::Zero();
  for (const auto& h : rules_.home) {
    if (h.code != code || h.setting != setting || !h.row->period.Contains(date)) continue;
    auto per = agreement_.MoneyParameter("time_supplement_ore_per_started_quarter", date);
    if (!per.ok()) return Money::Zero();
    Money m = *per;
    if (!in_.options->price_level_apr24)
      if (const IndexRow* idx = agreement_.IndexOn(date)) m = Scale(m, idx->factor);
    Money supplement = m * ((minutes + 14) / 15);
    if (reason) *reason += " Tidsforbrugstillæg " + FormatKroner(supplement) + " (§ 64 stk. 2 c).";
    return supplement;
  }
  return Money::Zero();
}

Money Engine::Price(const ClaimLine& l, const LineCheck& c, std::string* extra_reason) const {
  Money unit = c.fee->amount;
  if (c.fee->indexed && c.index) unit = Scale(unit, c.index->factor);
  return unit * l.quantity + TimeSupplement(l.code, l.setting, l.service_date, l.minutes, extra_reason);
}

Money Engine::Mileage(const Event& e, const ContactFacts& facts, std::string* reason) const {
  if (e.km <= 0) return Money::Zero();
  for (const auto& h : rules_.home) {
    if (!h.mileage_code || h.code != e.code || h.setting != e.setting || !h.row->period.Contains(e.date)) continue;
    int w = rules_.WatchedIndex(h.mileage_code);
    if (w >= 0 && (facts.present & (1u << w))) return Money::Zero();  // billed on its own line
    const FeeRow* fee = agreement_.FeeOn(h.mileage_code, e.date);
    if (!fee) return Money::Zero();
    Money rate = fee->amount;
    if (fee->indexed && !in_.options->price_level_apr24)
      if (const IndexRow* idx = agreement_.IndexOn(e.date)) rate = Scale(rate, idx->factor);
    Money m = rate * e.km;
    if (reason)
      *reason += " Kørselsgodtgørelse " + FormatKroner(m) + " for " + std::to_string(e.km) + " km (§ 80).";
    return m;
  }
  return Money::Zero();
}

uint64_t Engine::TripOf(const ClaimLine& l, const LineCheck& c) const {
  const TripRules& t = rules_.trip;
  if (!t.any() || !c.fee || !t.settings.Has(l.setting)) return 0;
  if (l.code != t.code && !(t.visit_categories & Bit(c.fee->category))) return 0;
  std::string_view place;
  if (l.setting == Setting::kBotilbud) {
    place = l.botilbud_id;
    if (in_.fixed) {
      // The fixed doctor's own visits there are on the route (0491), not a trip;
      // a botilbud outside the scheme is judged as any home.
      if (in_.fixed->IsFixed(l.provider, l.service_date, l.botilbud_id)) return 0;
      if (!l.botilbud_id.empty() && !in_.fixed->UnderScheme(l.botilbud_id, l.service_date)) return 0;
    }
  }
  return TripKey(l.provider, l.setting, place, l.service_date);
}

const RuleRow* Engine::JudgeByContact(int code, FeeCategory category, Date date, const ContactPaid& f,
                                      LineStatus* status) const {
  if (!f.paid) return nullptr;
  CategoryMask cat = Bit(category);
  for (const auto& r : rules_.contact) {
    if (r.reject_self || !r.row->period.Contains(date)) continue;
    int w = rules_.WatchedIndex(r.code);
    if (w < 0 || !(f.paid & (1u << w))) continue;
    if (r.other_codes.Has(code) || (r.other_categories & cat)) {
      *status = LineStatus::kRejected;
      return r.row;
    }
  }
  for (const auto& r : rules_.home) {
    int w = rules_.WatchedIndex(r.code);
    if (w < 0 || !(f.paid_home & (1u << w)) || !(r.other_categories & cat) || !r.row->period.Contains(date)) continue;
    *status = LineStatus::kRejected;
    return r.row;
  }
  for (const auto& r : rules_.review) {
    int w = rules_.WatchedIndex(r.code);
    if (w < 0 || !(f.paid & (1u << w)) || !(r.other_categories & cat) || !r.row->period.Contains(date)) continue;
    if (r.except_codes.Has(code) && (r.except_indications == 0 || (r.except_indications & f.indications))) continue;
    *status = LineStatus::kReview;
    return r.row;
  }
  return nullptr;
}

// ---- repeated claims ------------------------------------------------------------------

constexpr int kMaxClaimPartitionBits = 9;

int ClaimPartitionBits(size_t body_bytes) {
  const uint64_t lines = body_bytes / 64 + 1;  // a claim line is 60–100 bytes
  int bits = 6;
  while (bits < kMaxClaimPartitionBits && (lines >> bits) > 32768) ++bits;
  return bits;
}

ClaimKeyLog::ClaimKeyLog(int partition_bits, int64_t expected_lines)
    : shift_(64 - std::clamp(partition_bits, 1, 16)), parts_(size_t{1} << (64 - shift_)) {
  if (expected_lines <= 0) return;
  const size_t each = static_cast<size_t>(expected_lines) / parts_.size();
  for (auto& p : parts_) p.reserve(each + each / 8 + 8);
}

void FindRepeats(const CompiledRules& rules, std::vector<Pass1State>& p1, int threads) {
  if (p1.empty()) return;
  const size_t parts = p1[0].claims.partitions();
  threads = std::clamp(threads, 1, static_cast<int>(std::max<size_t>(parts, 1)));
  // (slice, local) of each repeat, per worker.
  std::vector<std::vector<std::pair<size_t, uint32_t>>> found(static_cast<size_t>(threads));
  std::atomic<size_t> next{0};
  auto work = [&](size_t t) {
    absl::flat_hash_set<std::pair<uint64_t, uint32_t>> seen;
    for (size_t q; (q = next.fetch_add(1)) < parts;) {
      size_t total = 0;
      for (const Pass1State& s : p1) total += s.claims.partition(q).size();
      seen.clear();
      seen.reserve(total);
      for (size_t k = 0; k < p1.size(); ++k)
        for (const ClaimKeyLog::Entry& e : p1[k].claims.partition(q))
          if (!seen.insert({e.hi, e.lo}).second) found[t].push_back({k, e.local});
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work, static_cast<size_t>(t));
  work(0);
  for (auto& t : pool) t.join();
  for (const auto& f : found)
    for (const auto& [k, local] : f) p1[k].dup_lines.insert(local);
  for (Pass1State& s : p1) {
    if (s.dup_lines.empty()) continue;
    std::erase_if(s.events, [&](Event& e) {
      if (!s.dup_lines.contains(LocalOf(e.line))) return false;
      if (!rules.event_codes.Has(e.code)) return true;  // an event only by its trip
      e.rejected = true;
      e.trip = 0;
      e.price = Money();
      return false;
    });
  }
}

}  // namespace almen::settle_internal
