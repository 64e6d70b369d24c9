// The ledger's PriorState over the database (settlement/prior.h): what the
// stored runs hold, read for one settlement inside the ledger's transaction.
#include "storage/prior_store.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include "storage/claim_keys.h"
#include "storage/ledger_store.h"
#include "storage/line_blocks.h"
#include "storage/table_util.h"

namespace almen {
namespace {

uint64_t FromHex64(const std::string& s) {
  if (s.empty()) return 0;
  return std::strtoull(s.c_str(), nullptr, 16);
}

std::optional<Pseudonym> PseudonymFromHex(const std::string& s) {
  auto k = Key128::FromHex(s);
  if (!k) return std::nullopt;
  Pseudonym p;
  p.hi = k->hi;
  p.lo = k->lo;
  return p;
}

Date DateOr(const std::string& s, Date dflt) {
  auto d = Date::Parse(s);
  return d ? *d : dflt;
}

class SqlPrior final : public PriorState {
 public:
  explicit SqlPrior(SqlConnection& c) : c_(c) {}

  StatusOr<std::vector<Key128>> KnownClaims(int provider, const std::vector<Key128>& keys) override {
    absl::flat_hash_map<int, std::vector<Key128>> one;
    one[provider] = keys;
    return KnownClaimsOf(one);
  }

  // The file's providers are read in batches of kBatch (one query each, not
  // one per provider): a national weekly file names nearly every clinic, and
  // a batch's segments lie together on disk (they were written run by run, in
  // provider order).
  StatusOr<std::vector<Key128>> KnownClaimsOf(const absl::flat_hash_map<int, std::vector<Key128>>& by_provider) override {
    constexpr size_t kBatch = 200;
    std::vector<int> providers;
    for (const auto& [p, keys] : by_provider)
      if (!keys.empty()) providers.push_back(p);
    std::sort(providers.begin(), providers.end());
    std::vector<Key128> known;
    std::vector<uint32_t> fps;
    for (size_t at = 0; at < providers.size(); at += kBatch) {
      const size_t n = std::min(kBatch, providers.size() - at);
      SqlParams params;
      std::string in;
      for (size_t i = 0; i < n; ++i)
        in += (i ? "," : "") + storage_internal::Param(params, ProviderText(providers[at + i]));
      // 1. The stored fingerprints of the providers, one segment per run and
      //    provider (claim_keys.h).
      ALMEN_ASSIGN_OR_RETURN(auto segments, c_.Query("SELECT provider, run_id, data FROM claim_keys WHERE provider IN (" +
                                                         in + ")",
                                                     params));
      absl::flat_hash_map<int, std::vector<size_t>> rows_of;  // provider -> its segments' rows
      for (size_t row = 0; row < segments.size(); ++row)
        rows_of[std::atoi(segments[row].Str(0).c_str())].push_back(row);
      for (size_t i = 0; i < n; ++i) {
        const int provider = providers[at + i];
        auto it = rows_of.find(provider);
        if (it == rows_of.end()) continue;
        const std::vector<Key128>& keys = by_provider.at(provider);
        std::vector<std::pair<uint32_t, size_t>> mine;  // (fingerprint, index in keys), sorted
        std::map<int64_t, absl::flat_hash_set<Key128>> maybe;  // run -> keys whose fingerprint it holds
        for (size_t row : it->second) {
          if (mine.empty()) {
            mine.reserve(keys.size());
            for (size_t k = 0; k < keys.size(); ++k) mine.push_back({ClaimFingerprint(keys[k].hi), k});
            std::sort(mine.begin(), mine.end());
          }
          fps.clear();
          ALMEN_RETURN_IF_ERROR(DecodeClaimKeySegment(segments[row].Str(2), &fps));
          // Both sorted: one walk.
          size_t a = 0, b = 0;
          while (a < mine.size() && b < fps.size()) {
            if (mine[a].first < fps[b]) ++a;
            else if (fps[b] < mine[a].first) ++b;
            else maybe[segments[row].Int(1)].insert(keys[mine[a++].second]);
          }
        }
        // 2. Only such a run's lines of the provider are read, to compare the claim ids.
        ALMEN_RETURN_IF_ERROR(Confirm(provider, maybe, &known));
      }
    }
    std::sort(known.begin(), known.end());
    known.erase(std::unique(known.begin(), known.end()), known.end());
    return known;
  }

  StatusOr<ProviderDays> SeenDays(const ProviderDays& days) override {
    ProviderDays seen;
    int32_t lo = INT32_MAX, hi = INT32_MIN;
    for (const auto& [p, ds] : days)
      for (int32_t d : ds) {
        lo = std::min(lo, d);
        hi = std::max(hi, d);
      }
    if (lo > hi) return seen;
    ALMEN_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT provider, month, days FROM ledger_days WHERE month >= $1 AND "
                                               "month <= $2",
                                               {Month::Of(Date::FromDays(lo)).ToString(),
                                                Month::Of(Date::FromDays(hi)).ToString()}));
    for (const auto& r : rows) {
      const int provider = std::atoi(r.Str(0).c_str());
      auto it = days.find(provider);
      if (it == days.end()) continue;
      auto m = Month::Parse(r.Str(1));
      if (!m) continue;
      const uint64_t bits = static_cast<uint64_t>(r.Int(2));
      for (int day = 1; day <= m->days(); ++day) {
        if (!((bits >> day) & 1u)) continue;
        const int32_t d = m->first_day().days() + day - 1;
        if (it->second.contains(d)) seen[provider].insert(d);
      }
    }
    return seen;
  }

  // Each provider's days as ranges of consecutive days (a weekly file's
  // week, and its late bills' days apart), kBatch ranges a query: nothing
  // between a late bill's day and the week is read.
  StatusOr<std::vector<DayEvent>> DayEvents(const ProviderDays& days) override {
    constexpr size_t kBatch = 250;
    struct Range {
      int provider;
      int32_t from, to;
    };
    std::vector<Range> ranges;
    for (const auto& [provider, ds] : days) {
      std::vector<int32_t> sorted(ds.begin(), ds.end());
      std::sort(sorted.begin(), sorted.end());
      for (size_t i = 0; i < sorted.size(); ++i) {
        if (i > 0 && sorted[i] == ranges.back().to + 1) ranges.back().to = sorted[i];
        else ranges.push_back({provider, sorted[i], sorted[i]});
      }
    }
    std::sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& b) {
      return std::tie(a.provider, a.from) < std::tie(b.provider, b.from);
    });
    std::vector<DayEvent> out;
    for (size_t at = 0; at < ranges.size(); at += kBatch) {
      SqlParams params;
      std::string where;
      for (size_t i = at; i < std::min(ranges.size(), at + kBatch); ++i)
        where += (i > at ? " OR (provider = " : "(provider = ") +
                 storage_internal::Param(params, ProviderText(ranges[i].provider)) +
                 " AND service_date >= " + storage_internal::Param(params, Date::FromDays(ranges[i].from).ToIso()) +
                 " AND service_date <= " + storage_internal::Param(params, Date::FromDays(ranges[i].to).ToIso()) + ")";
      ALMEN_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT id, patient, service_date, contact, trip, code, setting, "
                                                 "indication, status, provider FROM ledger_events WHERE " + where,
                                                 params));
      for (const auto& r : rows) {
        const int provider = std::atoi(r.Str(9).c_str());
        auto it = days.find(provider);
        auto d = Date::Parse(r.Str(2));
        if (it == days.end() || !d || !it->second.contains(d->days())) continue;
        auto patient = PseudonymFromHex(r.Str(1));
        if (!patient) return Internal("ledger_events row " + r.Str(0) + " is damaged");
        DayEvent e;
        e.id = r.Int(0);
        e.patient = *patient;
        e.contact = FromHex64(r.Str(3));
        e.trip = FromHex64(r.Str(4));
        e.provider = provider;
        e.code = static_cast<int16_t>(std::atoi(r.Str(5).c_str()));
        e.setting = static_cast<Setting>(r.Int(6));
        e.indication = static_cast<Indication>(r.Int(7));
        e.status = ParseLineStatus(r.Str(8)).value_or(LineStatus::kRejected);
        out.push_back(e);
      }
    }
    std::sort(out.begin(), out.end(), [](const DayEvent& a, const DayEvent& b) { return a.id < b.id; });
    return out;
  }

  StatusOr<std::vector<PriorEvent>> Events(const std::vector<Pseudonym>& patients) override {
    std::set<std::string> wanted;
    for (const Pseudonym& p : patients) wanted.insert(p.ToHex());
    std::vector<PriorEvent> out;
    std::vector<std::string> batch;
    auto flush = [&]() -> Status {
      if (batch.empty()) return Status::Ok();
      SqlParams params;
      std::string in;
      for (auto& p : batch) in += (in.empty() ? "" : ",") + storage_internal::Param(params, std::move(p));
      batch.clear();
      ALMEN_ASSIGN_OR_RETURN(
          auto rows,
          c_.Query("SELECT id, patient, provider, service_date, code, claim_key, claim_id, contact, trip, course, "
                   "indication, setting, km, minutes, price_ore, run_id, seq, facts_categories, facts_present, "
                   "status, rule, amount_ore, reason, paragraph, enrol_from, enrol_to, quantity FROM ledger_events WHERE "
                   "patient IN (" + in + ")",
                   params));
      for (const auto& r : rows) {
        PriorEvent pe;
        pe.id = r.Int(0);
        auto patient = PseudonymFromHex(r.Str(1));
        auto date = Date::Parse(r.Str(3));
        auto key = Key128::FromHex(r.Str(5));
        auto status = ParseLineStatus(r.Str(19));
        if (!patient || !date || !key || !status) return Internal("ledger_events row " + r.Str(0) + " is damaged");
        Event& e = pe.event;
        e.patient = *patient;
        e.provider = std::atoi(r.Str(2).c_str());
        e.date = *date;
        e.code = static_cast<int16_t>(std::atoi(r.Str(4).c_str()));
        e.claim_key = *key;
        pe.claim_id = r.Str(6);
        e.contact = FromHex64(r.Str(7));
        e.trip = FromHex64(r.Str(8));
        e.course = FromHex64(r.Str(9));
        e.indication = static_cast<Indication>(r.Int(10));
        e.setting = static_cast<Setting>(r.Int(11));
        e.km = static_cast<int32_t>(r.Int(12));
        e.minutes = static_cast<int32_t>(r.Int(13));
        e.price = Money::FromOre(r.Int(14));
        pe.run_id = r.Int(15);
        pe.seq = r.Int(16);
        pe.facts.categories = static_cast<uint32_t>(r.Int(17));
        pe.facts.present = static_cast<uint8_t>(r.Int(18));
        pe.decision.status = *status;
        pe.decision.rule = r.Str(20);
        pe.decision.amount = Money::FromOre(r.Int(21));
        pe.decision.reason = r.Str(22);
        pe.decision.paragraph = r.Str(23);
        if (auto m = Month::Parse(r.Str(24))) pe.decision.enrol_from = *m;
        if (auto m = Month::Parse(r.Str(25))) pe.decision.enrol_to = *m;
        e.quantity = static_cast<int32_t>(r.Int(26));
        out.push_back(std::move(pe));
      }
      return Status::Ok();
    };
    for (const std::string& p : wanted) {
      batch.push_back(p);
      if (batch.size() == 500) ALMEN_RETURN_IF_ERROR(flush());
    }
    ALMEN_RETURN_IF_ERROR(flush());
    std::sort(out.begin(), out.end(), [](const PriorEvent& a, const PriorEvent& b) { return a.id < b.id; });
    return out;
  }

  // By (provider, month), kBatch such pairs a query: the blocks'
  // contact sketches first, so that only a block that may hold a wanted
  // contact is read and decoded; then those blocks; then the flagged lines.
  StatusOr<std::vector<PriorLine>> ContactLines(const std::vector<ContactRef>& contacts) override {
    using Group = std::pair<int, int32_t>;  // (provider, month serial)
    std::map<Group, absl::flat_hash_set<uint64_t>> groups;
    for (const ContactRef& r : contacts) groups[{r.provider, Month::Of(r.date).serial}].insert(r.contact);
    std::vector<Group> keys;
    for (const auto& [g, wanted] : groups) keys.push_back(g);
    auto group_of = [](const SqlRow& r, int provider_col, int month_col) -> std::optional<Group> {
      auto m = Month::Parse(r.Str(month_col));
      if (!m) return std::nullopt;
      return Group{std::atoi(r.Str(provider_col).c_str()), m->serial};
    };
    constexpr size_t kBatch = 200;
    std::vector<PriorLine> out;
    for (size_t at = 0; at < keys.size(); at += kBatch) {
      const size_t n = std::min(kBatch, keys.size() - at);
      // The batch's providers and months as two lists (one index scan with
      // a list each, not one probe per pair); pairs not wanted are dropped here.
      std::set<int> providers;
      std::set<int32_t> months;
      for (size_t i = 0; i < n; ++i) {
        providers.insert(keys[at + i].first);
        months.insert(keys[at + i].second);
      }
      SqlParams params;
      std::string in_providers, in_months;
      using storage_internal::Param;
      for (int p : providers) in_providers += (in_providers.empty() ? "" : ",") + Param(params, ProviderText(p));
      for (int32_t m : months) in_months += (in_months.empty() ? "" : ",") + Param(params, Month{m}.ToString());
      const std::string where = "provider IN (" + in_providers + ") AND month IN (" + in_months + ")";
      ALMEN_ASSIGN_OR_RETURN(
          auto sketches, c_.Query("SELECT provider, month, run_id, contacts FROM line_blocks WHERE " + where, params));
      std::map<Group, std::vector<int64_t>> runs;  // the blocks to read, by group
      std::vector<uint32_t> sketch;
      for (const auto& sk : sketches) {
        auto g = group_of(sk, 0, 1);
        if (!g) continue;
        auto wanted = groups.find(*g);
        if (wanted == groups.end()) continue;
        bool maybe = sk.Str(3).empty();  // a block from before sketches: decode it
        if (!maybe) {
          sketch.clear();
          ALMEN_RETURN_IF_ERROR(DecodeClaimKeySegment(sk.Str(3), &sketch));
          for (uint64_t w : wanted->second)
            if (std::binary_search(sketch.begin(), sketch.end(), static_cast<uint32_t>(w))) {
              maybe = true;
              break;
            }
        }
        if (maybe) runs[*g].push_back(sk.Int(2));
      }
      std::map<Group, std::vector<PriorLine>> found;
      std::vector<std::pair<Group, int64_t>> blocks;
      for (auto& [g, rs] : runs) {
        std::sort(rs.begin(), rs.end());
        for (int64_t run : rs) blocks.push_back({g, run});
      }
      constexpr size_t kBlocks = 100;  // blocks a query: their data is the bulk of what is read
      for (size_t b = 0; b < blocks.size(); b += kBlocks) {
        SqlParams bp;
        std::string bw;
        for (size_t i = b; i < std::min(blocks.size(), b + kBlocks); ++i)
          bw += (i > b ? " OR (provider = " : "(provider = ") +
                storage_internal::Param(bp, ProviderText(blocks[i].first.first)) +
                " AND month = " + storage_internal::Param(bp, Month{blocks[i].first.second}.ToString()) +
                " AND run_id = " + storage_internal::Param(bp, blocks[i].second) + ")";
        ALMEN_ASSIGN_OR_RETURN(auto rows,
                               c_.Query("SELECT provider, month, run_id, data FROM line_blocks WHERE " + bw, bp));
        for (const auto& blk : rows) {
          auto g = group_of(blk, 0, 1);
          if (!g) continue;
          auto wanted = groups.find(*g);
          if (wanted == groups.end()) continue;
          const int64_t run_id = blk.Int(2);
          const Month month{g->second};
          std::vector<PriorLine>& into = found[*g];
          ALMEN_RETURN_IF_ERROR(DecodeLineBlockBase64(blk.Str(3), [&](const BlockLine& l) {
            if (!wanted->second.contains(l.contact)) return;
            PriorLine p;
            p.run_id = run_id;
            p.seq = l.seq;
            p.claim_id = std::string(l.claim_id);
            p.provider = g->first;
            p.date = Date::FromDays(month.first_day().days() + l.day - 1);
            p.code = std::atoi(std::string(l.code).c_str());
            p.contact = l.contact;
            p.status = LineStatus::kAccepted;
            p.amount = p.price = Money::FromOre(l.amount_ore);
            p.quantity = l.quantity;
            p.rule = std::string(l.rule);
            p.reason = std::string(l.reason);
            p.paragraph = std::string(l.paragraph);
            into.push_back(std::move(p));
          }));
        }
      }
      ALMEN_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT run_id, seq, claim_id, service_date, code, contact, status, "
                                                 "amount_ore, price_ore, rule, reason, paragraph, quantity, provider, "
                                                 "month FROM flagged_lines WHERE contact <> '' AND " + where +
                                                     " ORDER BY run_id, seq",
                                                 params));
      std::map<Group, std::vector<PriorLine>> flagged;
      for (const auto& r : rows) {
        auto g = group_of(r, 13, 14);
        if (!g) continue;
        auto wanted = groups.find(*g);
        if (wanted == groups.end()) continue;
        const uint64_t contact = FromHex64(r.Str(5));
        if (!wanted->second.contains(contact)) continue;
        PriorLine p;
        p.run_id = r.Int(0);
        p.seq = r.Int(1);
        p.claim_id = r.Str(2);
        p.provider = g->first;
        p.date = DateOr(r.Str(3), Month{g->second}.first_day());
        p.code = std::atoi(r.Str(4).c_str());
        p.contact = contact;
        p.status = ParseLineStatus(r.Str(6)).value_or(LineStatus::kRejected);
        p.amount = Money::FromOre(r.Int(7));
        p.price = Money::FromOre(r.Int(8));
        p.rule = r.Str(9);
        p.reason = r.Str(10);
        p.paragraph = r.Str(11);
        p.quantity = r.Int(12);
        flagged[*g].push_back(std::move(p));
      }
      // In the order of the groups: a group's block lines by run, then its flagged lines.
      for (auto& [g, lines] : found)
        std::stable_sort(lines.begin(), lines.end(),
                         [](const PriorLine& a, const PriorLine& b) { return a.run_id < b.run_id; });
      for (size_t i = 0; i < n; ++i) {
        for (auto* from : {&found, &flagged}) {
          auto it = from->find(keys[at + i]);
          if (it == from->end()) continue;
          for (auto& p : it->second) out.push_back(std::move(p));
        }
      }
    }
    // Later corrections are the lines' current state (the latest correction of
    // a line wins), read per run in batches of lines.
    std::map<int64_t, std::vector<size_t>> by_run;
    for (size_t i = 0; i < out.size(); ++i) by_run[out[i].run_id].push_back(i);
    constexpr size_t kLines = 500;
    for (const auto& [run_id, lines] : by_run) {
      for (size_t at = 0; at < lines.size(); at += kLines) {
        SqlParams params;
        const std::string run = storage_internal::Param(params, run_id);
        std::string in;
        absl::flat_hash_map<int64_t, std::vector<size_t>> of_seq;
        for (size_t i = at; i < std::min(lines.size(), at + kLines); ++i) {
          in += (in.empty() ? "" : ",") + storage_internal::Param(params, out[lines[i]].seq);
          of_seq[out[lines[i]].seq].push_back(lines[i]);
        }
        ALMEN_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT line_seq, id, status, amount_ore, rule, reason, paragraph "
                                                   "FROM line_corrections WHERE line_run_id = " + run +
                                                       " AND line_seq IN (" + in + ") ORDER BY id",
                                                   params));
        for (const auto& r : rows) {  // by id: the latest is applied last
          auto it = of_seq.find(r.Int(0));
          if (it == of_seq.end()) continue;
          for (size_t i : it->second) {
            PriorLine& p = out[i];
            p.status = ParseLineStatus(r.Str(2)).value_or(p.status);
            p.amount = Money::FromOre(r.Int(3));
            p.rule = r.Str(4);
            p.reason = r.Str(5);
            p.paragraph = r.Str(6);
          }
        }
      }
    }
    return out;
  }

 private:
  // Adds to `known` the candidates (by run) whose claim ids a stored line of
  // `provider` in that run holds: its flagged lines, then the line blocks of
  // the runs still in question. Both queries go by the provider's index (the
  // unary + keeps SQLite from choosing the run's index, which would scan every
  // block of the run, for each candidate).
  Status Confirm(int provider, std::map<int64_t, absl::flat_hash_set<Key128>>& maybe, std::vector<Key128>* known) {
    if (maybe.empty()) return Status::Ok();
    const std::string p = ProviderText(provider);
    auto check = [&](int64_t run_id, std::string_view claim_id) {
      auto it = maybe.find(run_id);
      if (it == maybe.end()) return;
      const Key128 k = ClaimKey(provider, claim_id);
      if (it->second.erase(k)) known->push_back(k);
      if (it->second.empty()) maybe.erase(it);
    };
    SqlParams params{SqlValue(p)};
    std::string runs;
    for (const auto& [run_id, candidates] : maybe)
      runs += (runs.empty() ? "" : ",") + storage_internal::Param(params, run_id);
    ALMEN_ASSIGN_OR_RETURN(auto flagged, c_.Query("SELECT run_id, claim_id FROM flagged_lines WHERE provider = $1 AND "
                                                  "+run_id IN (" + runs + ")",
                                                  params));
    for (const auto& r : flagged) check(r.Int(0), r.Str(1));
    if (maybe.empty()) return Status::Ok();
    params.resize(1);
    runs.clear();
    for (const auto& [run_id, candidates] : maybe)
      runs += (runs.empty() ? "" : ",") + storage_internal::Param(params, run_id);
    ALMEN_ASSIGN_OR_RETURN(auto blocks, c_.Query("SELECT run_id, data FROM line_blocks WHERE provider = $1 AND "
                                                 "+run_id IN (" + runs + ")",
                                                 params));
    for (const auto& blk : blocks) {
      const int64_t run_id = blk.Int(0);
      if (!maybe.contains(run_id)) continue;
      ALMEN_RETURN_IF_ERROR(DecodeLineBlockBase64(blk.Str(1), [&](const BlockLine& l) { check(run_id, l.claim_id); }));
      if (maybe.empty()) break;
    }
    return Status::Ok();
  }

  SqlConnection& c_;
};

}  // namespace

std::unique_ptr<PriorState> NewSqlPrior(SqlConnection& c) { return std::make_unique<SqlPrior>(c); }

}  // namespace almen
