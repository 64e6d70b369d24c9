// The settlement of a claim file: the passes of engine.h driven in order,
// alone (Settle) or after earlier runs (SettleWithHistory, docs/ledger.md).
#include "settlement/settle.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <algorithm>
#include <filesystem>
#include <future>
#include <thread>

#include <nlohmann/json.hpp>

#include "claims/claim.h"
#include "claims/registry.h"
#include "common/csv.h"
#include "common/file.h"
#include "common/format_da.h"
#include "bosted/register.h"
#include "sanctions/sanctions.h"
#include "settlement/engine.h"
#include "settlement/monthly.h"
#include "settlement/rules.h"
#include "settlement/statement.h"

namespace almen {

namespace {

using namespace settle_internal;

constexpr const char* kLinesHeader = "claim_id,provider,service_date,code,status,amount_ore,rule,reason,paragraph\n";

// The registers of a settlement: given by the caller, or loaded from the
// paths of the options.
struct Registers {
  std::optional<ProviderRegistry> providers_own;
  std::optional<SanctionRegister> sanctions_own;
  std::optional<BostedRegister> bosted_own;
  const ProviderRegistry* providers = nullptr;
  const SanctionRegister* sanctions = nullptr;
  const BostedRegister* bosted = nullptr;
  std::optional<FixedDoctors> fixed;
};

Status LoadRegisters(const SettleOptions& options, const SettleRegisters* given, const CompiledRules& rules,
                     Registers* r) {
  if (given) {
    r->providers = given->providers;
    r->sanctions = given->sanctions;
    r->bosted = given->bosted;
  } else {
    if (!options.providers_path.empty()) {
      ALMEN_ASSIGN_OR_RETURN(ProviderRegistry reg, ProviderRegistry::Load(options.providers_path));
      r->providers_own = std::move(reg);
      r->providers = &*r->providers_own;
    }
    if (!options.sanctions_path.empty()) {
      ALMEN_ASSIGN_OR_RETURN(SanctionRegister reg, SanctionRegister::LoadFile(options.sanctions_path));
      r->sanctions_own = std::move(reg);
      r->sanctions = &*r->sanctions_own;
    }
    if (options.botilbud_path.empty() != options.attachments_path.empty())
      return UsageError("--botilbud and --attachments go together");
    if (!options.botilbud_path.empty()) {
      BostedLoadOptions lo;
      lo.providers = r->providers;
      if (const SanctionRegister* s = r->sanctions)
        lo.excluded = [s](int p, Date d) { return s->PaymentStop(p, d) != nullptr; };
      ALMEN_ASSIGN_OR_RETURN(BostedRegister reg,
                             BostedRegister::Load(options.botilbud_path, options.attachments_path, lo));
      r->bosted_own = std::move(reg);
      r->bosted = &*r->bosted_own;
    }
  }
  if (r->sanctions && r->sanctions->HasPaymentStops() && (!rules.sanction_suspended || !rules.sanction_excluded))
    return InvalidInput("rules.csv: sanction_payment_stop rules for kind d and e are needed to apply sanctions");
  if (r->bosted) r->fixed.emplace(*r->bosted);
  return Status::Ok();
}

ContactFacts TriggerFacts(const Agreement& agreement, const CompiledRules& rules, int code, Date date) {
  ContactFacts f;
  const FeeRow* fee = agreement.FeeOn(code, date);
  if (!fee || !rules.IsTrigger(code, fee->category)) return f;
  f.categories = Bit(fee->category);
  int w = rules.WatchedIndex(code);
  if (w >= 0) f.present = static_cast<uint8_t>(1u << w);
  return f;
}

ContactPaid PaidOf(const CompiledRules& rules, const Event& e, const EventDecision& d) {
  ContactPaid f;
  int w = rules.WatchedIndex(e.code);
  if (w < 0 || !Paid(d.status)) return f;
  f.paid = static_cast<uint8_t>(1u << w);
  if (e.setting == Setting::kHome) f.paid_home = f.paid;
  f.indications = static_cast<uint16_t>(1u << static_cast<unsigned>(e.indication));
  return f;
}

// Whether a stored line's outcome came from the contact rules (so that it
// can change when its contact changes) rather than from the line alone.
bool ContactJudged(const CompiledRules& rules, std::string_view rule) {
  if (rule.empty()) return true;
  for (const auto& r : rules.contact)
    if (!r.reject_self && r.row->id == rule) return true;
  for (const auto& r : rules.home)
    if (r.row->id == rule) return true;
  for (const auto& r : rules.review)
    if (r.row->id == rule) return true;
  return false;
}

struct Run {
  const Agreement& agreement;
  const Pseudonymizer& pseudonymizer;
  const SettleOptions& options;
  const SettleRegisters* given = nullptr;
  PriorState* prior = nullptr;
  LedgerSettlement* ledger = nullptr;

  Status Go(const std::string& out_dir, SettleSummary* summary);
};

Status Run::Go(const std::string& out_dir, SettleSummary* summary) {
  PhaseTimer timer;
  ALMEN_ASSIGN_OR_RETURN(CompiledRules rules, CompileRules(agreement));
  ALMEN_ASSIGN_OR_RETURN(MappedFile claims_file, MappedFile::Open(options.claims_path));
  const std::string label = BaseName(options.claims_path);
  std::string_view data = claims_file.data();
  ALMEN_ASSIGN_OR_RETURN(CsvReader head, CsvReader::Open(label, data));
  ALMEN_ASSIGN_OR_RETURN(ClaimParser parser, ClaimParser::ForHeader(head, agreement));
  Registers reg;
  ALMEN_RETURN_IF_ERROR(LoadRegisters(options, given, rules, &reg));

  EngineInputs in;
  in.agreement = &agreement;
  in.rules = &rules;
  in.pseudonymizer = &pseudonymizer;
  in.options = &options;
  in.providers = reg.providers;
  in.sanctions = reg.sanctions;
  in.fixed = reg.fixed ? &*reg.fixed : nullptr;
  in.ledger = ledger != nullptr;
  Engine engine(in);

  int threads = options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::clamp(threads, 1, 64);
  std::string_view body = data.substr(head.body_offset());
  if (options.threads <= 0 && body.size() < (1u << 20)) threads = 1;  // small files: one thread
  timer.Mark("open and load");
  ProgressReporter progress(options.progress ? ProgressReporter::Report([this](std::string_view phase, int64_t done,
                                                                               int64_t total, double seconds) {
                              options.progress(SettleProgress{phase, done, total, seconds});
                            })
                                             : ProgressReporter::Report(),
                            static_cast<int64_t>(body.size()));
  in.progress = &progress;
  // Pass 1.
  std::vector<ChunkInput> chunks;
  std::vector<Pass1State> p1;
  ALMEN_RETURN_IF_ERROR(
      engine.RunPass1(parser, head.shared_header(), body, head.body_first_line(), threads, &chunks, &p1));
  const int n = static_cast<int>(chunks.size());
  timer.Mark("pass 1");
  FindRepeats(rules, p1, threads);
  // The claim keys are done with (16 bytes a line): the repeats are in dup_lines.
  // A process may keep the memory it frees for what comes next (almen settle
  // does: src/cli/commands.cc); from a file of 2 GiB (~0,4 GiB of keys) it
  // goes back to the kernel now instead, so that a national year's peak is
  // pass 1's and not pass 1's keys plus pass 2's allocations.
  for (Pass1State& c : p1) c.claims.Clear();
#if defined(__GLIBC__)
  if (body.size() >= (size_t{2} << 30)) malloc_trim(0);
#endif
  timer.Mark("repeated claims");
  progress.Phase("resolve");

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

  // One file alone counts its listings for the monthly items (the basis
  // fee) while the events are resolved on one core (with one thread, when the
  // items are made): the count is the same, and it is read when the items are
  // made, so an error in the listings still comes after any error in the claims.
  std::future<StatusOr<absl::flat_hash_map<ProviderMonth, int64_t>>> listed_future;
  if (!ledger && !options.listings_path.empty() && period_from)
    listed_future = std::async(threads > 1 ? std::launch::async : std::launch::deferred,
                               [path = options.listings_path, from = *period_from, to = *period_to] {
                                 return CountListings(path, from, to);
                               });

  // The facts of contacts, and the event lines of the whole file.
  absl::flat_hash_map<uint64_t, ContactFacts> facts = std::move(p1[0].contacts);
  for (int k = 1; k < n; ++k) {
    for (const auto& [key, f] : p1[static_cast<size_t>(k)].contacts) facts[key] |= f;
    p1[static_cast<size_t>(k)].contacts.clear();
  }
  std::vector<Event> events;
  {
    size_t total = 0;
    for (const auto& c : p1) total += c.events.size();
    events.reserve(total);
    for (size_t k = 0; k < p1.size(); ++k) {
      events.insert(events.end(), p1[k].events.begin(), p1[k].events.end());
      p1[k].events.clear();
      p1[k].events.shrink_to_fit();
    }
  }

  // What earlier runs hold (SettleWithHistory).
  absl::flat_hash_set<Key128> prior_dups;
  ProviderDays days, seen;
  std::vector<PriorEvent> prior_events;
  std::vector<DayEvent> day_events;  // stored events on shared days (only their contacts' paid codes count)
  std::vector<PriorLine> prior_lines;
  absl::flat_hash_set<uint64_t> fetched_contacts;
  if (prior) {
    for (auto& c : p1) {
      for (auto& [p, ds] : c.days) days[p].insert(ds.begin(), ds.end());
      c.days.clear();
    }
    // Duplicates of stored claims, the providers in batches.
    {
      absl::flat_hash_map<int, std::vector<Key128>> by_provider;
      for (auto& c : p1) {
        for (const LedgerClaim& e : c.ledger_claims)
          if (!c.dup_lines.contains(e.local)) by_provider[e.provider].push_back(e.key);
        c.ledger_claims = {};
      }
      ALMEN_ASSIGN_OR_RETURN(auto known, prior->KnownClaimsOf(by_provider));
      prior_dups.insert(known.begin(), known.end());
    }
    for (Event& e : events)
      if (!e.rejected && prior_dups.contains(e.claim_key)) e.rejected = true;
    timer.Mark("prior: duplicates");
    ALMEN_ASSIGN_OR_RETURN(seen, prior->SeenDays(days));
    auto on_seen_day = [&](int provider, Date d) {
      auto it = seen.find(provider);
      return it != seen.end() && it->second.contains(d.days());
    };
    // The stored history of every patient with an event here, and of every
    // patient whose stored event on a day this file shares meets a new line:
    // in its contact (a new trigger or event) or on its trip.
    std::vector<Pseudonym> patients;
    absl::flat_hash_set<std::pair<uint64_t, uint64_t>> wanted;
    auto want = [&](const Pseudonym& p) {
      if (wanted.insert({p.hi, p.lo}).second) patients.push_back(p);
    };
    absl::flat_hash_set<uint64_t> new_contacts, new_trips;
    for (const Event& e : events) {
      if (e.rejected) continue;
      want(e.patient);
      if (e.contact) new_contacts.insert(e.contact);
      if (e.trip) new_trips.insert(e.trip);
    }
    for (const auto& [contact, f] : facts) new_contacts.insert(contact);
    ALMEN_ASSIGN_OR_RETURN(day_events, prior->DayEvents(seen));
    for (const DayEvent& d : day_events)
      if ((d.contact && new_contacts.contains(d.contact)) || (d.trip && new_trips.contains(d.trip))) want(d.patient);
    ALMEN_ASSIGN_OR_RETURN(prior_events, prior->Events(patients));
    timer.Mark("prior: events");
    // Stored lines of the contacts of new events on shared days: their
    // triggers count for the new events.
    std::vector<ContactRef> refs;
    for (const Event& e : events)
      if (!e.rejected && e.contact && on_seen_day(e.provider, e.date) && fetched_contacts.insert(e.contact).second)
        refs.push_back({e.provider, e.date, e.contact});
    if (!refs.empty()) {
      ALMEN_ASSIGN_OR_RETURN(prior_lines, prior->ContactLines(refs));
    }
    timer.Mark("prior: contact lines");
    for (const PriorLine& l : prior_lines)
      if (Paid(l.status)) facts[l.contact] |= TriggerFacts(agreement, rules, l.code, l.date);
    for (size_t i = 0; i < prior_events.size(); ++i) {
      PriorEvent& pe = prior_events[i];
      pe.event.prior = static_cast<int32_t>(i);
      pe.event.line = -1;
      if (pe.event.contact) facts[pe.event.contact] |= pe.facts;
      events.push_back(pe.event);
    }
  }

  timer.Count("events", static_cast<int64_t>(events.size()));
  timer.Count("contacts with facts", static_cast<int64_t>(facts.size()));
  Resolved resolved;
  ALMEN_RETURN_IF_ERROR(engine.Resolve(events, prior_events, std::move(facts), seen, threads, &resolved));
  // A stored event on a shared day that was not resolved again keeps its
  // decision: its contact still holds what it paid.
  if (!day_events.empty()) {
    absl::flat_hash_set<int64_t> resolved_ids;
    for (const PriorEvent& pe : prior_events) resolved_ids.insert(pe.id);
    for (const DayEvent& d : day_events) {
      if (resolved_ids.contains(d.id) || !d.contact || !Paid(d.status)) continue;
      Event e;
      e.code = d.code;
      e.setting = d.setting;
      e.indication = d.indication;
      EventDecision dec;
      dec.status = d.status;
      const ContactPaid p = PaidOf(rules, e, dec);
      if (p.paid) resolved.paid[d.contact] |= p;
    }
  }
  timer.Mark("resolve");
  timer.Count("contacts paid", static_cast<int64_t>(resolved.paid.size()));
  timer.Count("enrolments", static_cast<int64_t>(resolved.enrolments.size()));
  if (!ledger) events = {};  // decided: pass 2 reads the decisions (the ledger stores the events below)

  // Contacts whose paid codes changed: their stored ordinary lines are judged again.
  absl::flat_hash_set<uint64_t> changed_contacts;
  if (prior) {
    absl::flat_hash_map<uint64_t, ContactPaid> before;
    absl::flat_hash_set<uint64_t> candidates = fetched_contacts;
    for (const PriorEvent& pe : prior_events)
      if (pe.event.contact) {
        before[pe.event.contact] |= PaidOf(rules, pe.event, pe.decision);
        candidates.insert(pe.event.contact);
      }
    static const ContactPaid kNone;
    for (uint64_t c : candidates) {
      auto b = before.find(c);
      auto a = resolved.paid.find(c);
      if ((b == before.end() ? kNone : b->second) != (a == resolved.paid.end() ? kNone : a->second))
        changed_contacts.insert(c);
    }
    std::vector<ContactRef> refs;
    for (const PriorEvent& pe : prior_events)
      if (pe.event.contact && changed_contacts.contains(pe.event.contact) &&
          fetched_contacts.insert(pe.event.contact).second)
        refs.push_back({pe.event.provider, pe.event.date, pe.event.contact});
    if (!refs.empty()) {
      ALMEN_ASSIGN_OR_RETURN(auto more, prior->ContactLines(refs));
      for (auto& l : more) prior_lines.push_back(std::move(l));
    }
  }

  // Pass 2 into a staging directory.
  ALMEN_ASSIGN_OR_RETURN(OutputDir out, OutputDir::Create(out_dir));
  resolved.paid_filter.Build(resolved.paid);
  if (!ledger && !prior) {  // every paid contact is then one of this file's events (Resolved::day_hints)
    absl::flat_hash_map<int, size_t> hints;
    for (const Pass1State& c : p1)
      for (const auto& [provider, h] : c.day_hints) ++hints[provider];
    for (const auto& [provider, count] : hints) resolved.day_hints[provider].Size(count);
    for (Pass1State& c : p1) {
      for (const auto& [provider, h] : c.day_hints) resolved.day_hints[provider].Insert(h);
      c.day_hints = {};
    }
    resolved.day_hints_on = true;
  }
  progress.Phase("pass 2");
  std::vector<Pass2State> p2;
  Pass2Inputs p2in{&p1, &prior_dups, &resolved, &changed_contacts};
  ALMEN_RETURN_IF_ERROR(engine.RunPass2(parser, head.shared_header(), chunks, p2in, threads,
                                        out.StagingPath("lines.csv"), kLinesHeader,
                                        ledger ? out.StagingPath("lines.aux") : std::string(), &p2));
  timer.Mark("pass 2");
  progress.Phase("statements");

  Counts counts;
  ServiceAccumulator service;
  for (auto& st : p2) {
    counts.Add(st.counts);
    service.Merge(std::move(st.service));
  }

  if (!ledger) {
    // One file alone: the statement is its service money plus the monthly
    // items owed for its period (monthly.h), then the LSU collections.
    StatementAccumulator statements;
    service.AddTo(&statements);
    std::optional<absl::flat_hash_map<ProviderMonth, int64_t>> listed;
    if (listed_future.valid()) {
      ALMEN_ASSIGN_OR_RETURN(auto counted, listed_future.get());
      listed = std::move(counted);
    }
    MonthlyInputs mi;
    mi.agreement = &agreement;
    mi.apr24 = options.price_level_apr24;
    mi.from = period_from;
    mi.to = period_to;
    mi.listed = listed ? &*listed : nullptr;
    mi.enrolments = &resolved.enrolments;
    mi.providers = reg.providers;
    mi.sanctions = reg.sanctions;
    mi.bosted = reg.bosted;
    ALMEN_ASSIGN_OR_RETURN(auto items, MonthlyItems(mi));
    for (const OwedItem& o : items) statements.Add(o.provider, o.month, o.item, o.code, o.count, o.amount);
    if (reg.sanctions) {
      std::map<int, std::map<Month, Money>> payable;
      for (int provider : reg.sanctions->ProvidersWithCollections())
        payable[provider] = statements.ProviderMonthTotals(provider);
      for (const OwedItem& o : CollectionItems(*reg.sanctions, payable))
        statements.Add(o.provider, o.month, o.item, o.code, o.count, o.amount);
    }
    timer.Mark("monthly items");
    ALMEN_RETURN_IF_ERROR(out.Write("statements.csv", statements.ToCsv()));
    if (summary) summary->statement_amount_ore = statements.Total().ore();
  } else {
    // For the ledger: the new event lines, the stored ones that changed, and
    // the corrections of stored lines, each naming what caused it.
    LedgerSettlement& L = *ledger;
    L.prior.days = std::move(days);
    absl::flat_hash_map<int64_t, size_t> event_at;  // LineId -> index in `events`
    for (size_t i = 0; i < events.size(); ++i)
      if (events[i].line >= 0) event_at.emplace(events[i].line, i);
    absl::flat_hash_map<int64_t, std::pair<std::string, Date>> new_claims;  // LineId -> claim id, date
    absl::flat_hash_map<uint64_t, std::pair<std::string, Date>> causes;
    // The new events in line order, whichever thread priced them. A
    // contact's cause is its first new event, else its first new line.
    std::vector<NewEvent> new_events;
    for (auto& st : p2) {
      for (NewEvent& ne : st.events) new_events.push_back(std::move(ne));
      st.events = {};
    }
    std::sort(new_events.begin(), new_events.end(), [](const NewEvent& a, const NewEvent& b) { return a.seq < b.seq; });
    for (NewEvent& ne : new_events) {
      auto it = event_at.find(ne.event.line);
      if (it == event_at.end()) continue;
      const int64_t line = ne.event.line;
      ne.event = events[it->second];
      auto f = resolved.facts.find(ne.event.contact);
      if (ne.event.contact && f != resolved.facts.end()) ne.facts = f->second;
      new_claims.emplace(line, std::make_pair(ne.claim_id, ne.event.date));
      if (ne.event.contact) causes.try_emplace(ne.event.contact, ne.claim_id, ne.event.date);
      L.prior.new_events.push_back(std::move(ne));
    }
    absl::flat_hash_map<uint64_t, ContactCause> first_lines;
    for (auto& st : p2)
      for (auto& [c, v] : st.causes) {
        auto [it, fresh] = first_lines.try_emplace(c);
        if (fresh || v.seq < it->second.seq) it->second = std::move(v);
      }
    for (auto& [c, v] : first_lines) causes.try_emplace(c, std::move(v.claim_id), v.date);
    auto cause_of = [&](int64_t line, uint64_t contact, LineCorrection* c) {
      if (auto it = new_claims.find(line); line >= 0 && it != new_claims.end()) {
        c->cause_claim_id = it->second.first;
        c->cause_date = it->second.second;
      } else if (auto jt = causes.find(contact); contact && jt != causes.end()) {
        c->cause_claim_id = jt->second.first;
        c->cause_date = jt->second.second;
      }
    };
    absl::flat_hash_set<std::pair<int64_t, int64_t>> event_lines;
    for (size_t i = 0; i < prior_events.size(); ++i) {
      const PriorEvent& pe = prior_events[i];
      event_lines.insert({pe.run_id, pe.seq});
      const EventDecision& now = resolved.prior_decisions[i];
      auto f = resolved.facts.find(pe.event.contact);
      const ContactFacts facts_now = pe.event.contact && f != resolved.facts.end() ? f->second : ContactFacts{};
      const bool same = now.SameOutcome(pe.decision);
      if (same && facts_now == pe.facts) continue;
      L.prior.changed_events.push_back({pe.id, pe.event.date, facts_now, now});
      if (same) continue;
      LineCorrection c;
      c.run_id = pe.run_id;
      c.seq = pe.seq;
      c.claim_id = pe.claim_id;
      c.provider = pe.event.provider;
      c.date = pe.event.date;
      c.code = pe.event.code;
      c.quantity = pe.event.quantity;
      c.chronic = rules.chronic_codes.Has(pe.event.code);
      c.old_status = pe.decision.status;
      c.new_status = now.status;
      c.old_amount = pe.decision.amount;
      c.new_amount = now.amount;
      c.old_rule = pe.decision.rule;
      c.new_rule = now.rule;
      c.old_reason = pe.decision.reason;
      c.new_reason = now.reason;
      c.old_paragraph = pe.decision.paragraph;
      c.new_paragraph = now.paragraph;
      cause_of(resolved.prior_cause[i], pe.event.contact, &c);
      L.prior.corrections.push_back(std::move(c));
    }
    // Stored ordinary lines of contacts whose paid codes changed.
    absl::flat_hash_set<std::pair<int64_t, int64_t>> judged;
    for (const PriorLine& l : prior_lines) {
      if (!changed_contacts.contains(l.contact) || event_lines.contains({l.run_id, l.seq}) ||
          !judged.insert({l.run_id, l.seq}).second || !ContactJudged(rules, l.rule))
        continue;
      const FeeRow* fee = agreement.FeeOn(l.code, l.date);
      if (!fee) continue;
      static const ContactPaid kNone;
      auto it = resolved.paid.find(l.contact);
      LineStatus st = LineStatus::kAccepted;
      const RuleRow* row = engine.JudgeByContact(l.code, fee->category, l.date,
                                                 it == resolved.paid.end() ? kNone : it->second, &st);
      const Money amount = st == LineStatus::kRejected ? Money::Zero() : l.price;
      const std::string rule = row ? row->id : "";
      if (st == l.status && rule == l.rule && amount == l.amount) continue;
      LineCorrection c;
      c.run_id = l.run_id;
      c.seq = l.seq;
      c.claim_id = l.claim_id;
      c.provider = l.provider;
      c.date = l.date;
      c.code = l.code;
      c.quantity = l.quantity;
      c.old_status = l.status;
      c.new_status = st;
      c.old_amount = l.amount;
      c.new_amount = amount;
      c.old_rule = l.rule;
      c.new_rule = rule;
      c.old_reason = l.reason;
      c.new_reason = row ? Explain(*row, {{"code", CodeText(l.code)}}) : std::string(kPlainReason);
      c.old_paragraph = l.paragraph;
      c.new_paragraph = row ? row->provenance.paragraph : fee->provenance.paragraph;
      cause_of(-1, l.contact, &c);
      L.prior.corrections.push_back(std::move(c));
    }
    L.service = service.Totals();
    L.enrolments = std::move(resolved.enrolments);
    L.aux_path = (std::filesystem::path(out_dir) / "lines.aux").string();
    L.min_month = period_from;
    L.max_month = period_to;
    L.providers_checked = reg.providers != nullptr;
  }

  SettleSummary s;
  if (summary) s.statement_amount_ore = summary->statement_amount_ore;
  s.lines = counts.lines;
  s.accepted = counts.accepted;
  s.rejected = counts.rejected;
  s.review = counts.review;
  s.amount_ore = counts.amount.ore();
  s.agreement_version = agreement.version();
  s.agreement_hash = agreement.content_hash();
  s.price_level = options.price_level_apr24 ? "apr-24" : "regulated";
  s.period_from = period_from;
  s.period_to = period_to;
  s.providers_checked = reg.providers != nullptr;

  nlohmann::json j;
  j["lines"] = s.lines;
  j["accepted"] = s.accepted;
  j["rejected"] = s.rejected;
  j["review"] = s.review;
  j["amount_ore"] = s.amount_ore;
  if (!ledger) j["statement_amount_ore"] = s.statement_amount_ore;
  j["agreement"] = {{"id", agreement.id()}, {"version", s.agreement_version}, {"content_hash", s.agreement_hash}};
  j["price_level"] = s.price_level;
  j["period"] = {{"from", period_from ? period_from->ToString() : ""}, {"to", period_to ? period_to->ToString() : ""}};
  j["by_rule"] = counts.by_rule;
  j["claims_file"] = {{"name", label}, {"bytes", data.size()}};
  j["inputs"] = {{"providers", reg.providers != nullptr},
                 {"listings", !options.listings_path.empty()},
                 {"sanctions", reg.sanctions != nullptr},
                 {"botilbud", reg.bosted != nullptr}};
  j["providers_checked"] = s.providers_checked;
  if (!s.providers_checked)
    j["notes"] = {"Ydernumre er ikke kontrolleret: der er ikke givet et ydernummerregister (--providers)."};
  ALMEN_RETURN_IF_ERROR(out.Write("summary.json", j.dump(2) + "\n"));
  ALMEN_RETURN_IF_ERROR(out.Commit());
  timer.Mark("statements and commit");
  if (summary) *summary = s;
  return Status::Ok();
}

}  // namespace

Status Settle(const Agreement& agreement, const Pseudonymizer& pseudonymizer, const SettleOptions& options,
              const std::string& out_dir, SettleSummary* summary) {
  Run run{agreement, pseudonymizer, options};
  SettleSummary s;
  ALMEN_RETURN_IF_ERROR(run.Go(out_dir, &s));
  if (summary) *summary = s;
  return Status::Ok();
}

Status SettleWithHistory(const Agreement& agreement, const Pseudonymizer& pseudonymizer,
                         const SettleOptions& options, const SettleRegisters& registers, PriorState& prior,
                         const std::string& out_dir, SettleSummary* summary, LedgerSettlement* out) {
  Run run{agreement, pseudonymizer, options};
  run.given = &registers;
  run.prior = &prior;
  run.ledger = out;
  SettleSummary s;
  ALMEN_RETURN_IF_ERROR(run.Go(out_dir, &s));
  if (summary) *summary = s;
  return Status::Ok();
}

}  // namespace almen
