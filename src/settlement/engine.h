// The settlement engine's inside: line checks, prices, the two passes and the
// resolution of the rules between lines. Internal to src/settlement (settle.cc
// drives it; docs/architecture.md and docs/ledger.md describe the design).
//
// Pass 1 (one thread per slice) parses and validates every line and keeps only
// compact state: claim keys per provider (duplicates), the facts of contacts
// that hold a line the contact rules watch, and the *event lines*
// (types.h). Resolve decides every event line — together with the stored
// events of earlier runs when a PriorState is given — in an order that does
// not depend on line order. Pass 2 (pass2.cc: segments of the slices taken by
// free threads, written in order) prices every line and writes lines.csv.
#pragma once

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agreement/agreement.h"
#include "bosted/register.h"
#include "claims/claim.h"
#include "claims/registry.h"
#include "common/crypto.h"
#include "sanctions/sanctions.h"
#include "settlement/monthly.h"
#include "settlement/prior.h"
#include "settlement/rules.h"
#include "settlement/settle.h"
#include "settlement/slices.h"
#include "settlement/types.h"

namespace almen::settle_internal {

// (slice, record index within slice) as one integer: a line's identity.
inline int64_t LineId(int chunk, int64_t local) { return (static_cast<int64_t>(chunk) << 40) | local; }
inline int ChunkOf(int64_t id) { return static_cast<int>(id >> 40); }
inline int64_t LocalOf(int64_t id) { return id & ((int64_t{1} << 40) - 1); }

// The reason of a line paid plainly at the fee of its code.
inline constexpr std::string_view kPlainReason = "Honoreret efter takst.";

// The claim keys of one slice, appended in line order to partitions by the
// key's top bits (docs/performance.md, "Where the time goes in arrival
// order"): pass 1 touches no large hash set at random, whatever the order of
// the lines; FindRepeats then finds the repeated claims one cache-sized
// partition at a time.
class ClaimKeyLog {
 public:
  // 16 bytes a line: a repeat is decided on 96 of the key's 128 bits (the
  // high word and 32 bits of the low): the chance that two different claims
  // of a national year (70 M lines) share them is ~3·10⁻¹⁴ (docs/decisions.md).
  struct Entry {
    uint64_t hi;
    uint32_t lo;     // the low word's low 32 bits
    uint32_t local;  // the line's record index in its slice
  };
  // `expected_lines`: an estimate of the slice's lines, to size the partitions.
  explicit ClaimKeyLog(int partition_bits = 8, int64_t expected_lines = 0);
  void Add(const Key128& key, int64_t local) {
    parts_[key.hi >> shift_].push_back({key.hi, static_cast<uint32_t>(key.lo), static_cast<uint32_t>(local)});
  }
  const std::vector<Entry>& partition(size_t i) const { return parts_[i]; }
  size_t partitions() const { return parts_.size(); }
  void Clear() { parts_.clear(); }

 private:
  int shift_;
  std::vector<std::vector<Entry>> parts_;
};

// The partition bits for a file of `body_bytes`: partitions of ~32 K claim
// keys (~1 MiB of hash set) each, but at most 512 of them: every line of a
// slice appends to one of them at random, and with more the appends miss the
// TLB (a national year of 70 M lines: 512 partitions of ~140 K keys).
int ClaimPartitionBits(size_t body_bytes);

// Which providers are fixed doctors on which botilbud, when (C5).
class FixedDoctors {
 public:
  explicit FixedDoctors(const BostedRegister& reg);
  // Fixed doctor on `date`, on `botilbud_id` if given, else on any botilbud.
  bool IsFixed(int provider, Date date, std::string_view botilbud_id) const;
  // The botilbud has a fixed doctor on `date` (it is under the scheme).
  bool UnderScheme(std::string_view botilbud_id, Date date) const;

 private:
  absl::flat_hash_map<int, std::vector<const BostedAttachmentRow*>> by_provider_;
  absl::flat_hash_map<std::string, std::vector<const BostedAttachmentRow*>> by_botilbud_;
};

// The line-level verdict on a line: a rule that rejects it, or its fee.
struct LineCheck {
  const RuleRow* rule = nullptr;
  const SanctionRow* sanction = nullptr;  // when an LSU payment stop decided the line
  std::string_view detail;
  const FeeRow* fee = nullptr;
  const IndexRow* index = nullptr;
  const ProviderRow* provider = nullptr;
};

// Reads a slice's next line into `l` (Engine::Pass1 and Pass2): false at the
// slice's end, or on an error, which is then in *error.
inline bool NextClaimLine(CsvReader& reader, const ClaimParser& parser, ClaimLine* l, bool parse_cpr,
                          Status* error) {
  auto more = reader.Next();
  if (!more.ok()) {
    *error = more.status();
    return false;
  }
  if (!*more) return false;
  Status s = parser.Parse(reader, l, parse_cpr);
  if (s.ok()) return true;
  *error = std::move(s);
  return false;
}

// What Engine::Check found for the line before, kept by the caller of a
// loop over lines: a clinic's batch repeats its provider, whose rows have
// periods that do not overlap (ProviderRegistry rejects overlaps).
struct CheckMemo {
  int provider = -1;
  const ProviderRow* row = nullptr;
};

// A claim key of the file and its line, kept for the ledger's check against
// stored runs (PriorState::KnownClaimsOf).
struct LedgerClaim {
  Key128 key;
  int32_t provider;
  uint32_t local;
};

struct Pass1State {
  ClaimKeyLog claims;
  std::vector<LedgerClaim> ledger_claims;  // EngineInputs::ledger only
  absl::flat_hash_set<int64_t> dup_lines;      // local record indices of repeated claims (FindRepeats)
  absl::flat_hash_set<int64_t> bad_cpr_lines;  // … with a malformed CPR
  absl::flat_hash_map<uint64_t, ContactFacts> contacts;
  std::vector<Event> events;
  // (provider, PatientDayHint) of each event line with a watched code and no
  // contact id (Resolved::day_hints).
  std::vector<std::pair<int, uint64_t>> day_hints;
  ProviderDays days;  // filled when the settlement has a prior state
  // (byte offset in the slice, record index) of every kSegmentLines-th
  // record from the first: where pass 2's segments start.
  std::vector<std::pair<size_t, int64_t>> marks;
  Date min_date = Date::Max(), max_date = Date::Min();
  int64_t records = 0;
  Status error;
};

// Marks in each slice's dup_lines the lines whose claim key an earlier line
// of the file holds (file order: slice by slice, line by line), and rejects
// their events as pass 1 would have had it known: a repeat has no trip and no
// price, and a line that was an event only by its trip is not one. Partitions
// are spread over `threads`.
void FindRepeats(const CompiledRules& rules, std::vector<Pass1State>& p1, int threads);

struct Counts {
  int64_t lines = 0, accepted = 0, rejected = 0, review = 0;
  Money amount;
  std::map<std::string, int64_t> by_rule;
  void Add(const Counts& o);
};

// Service money of new lines per (provider, month, code, status, rule, fee row).
class ServiceAccumulator {
 public:
  // `seq`: the line of the file; a row's reason is that of its first line,
  // whichever thread added which line.
  // `stable`: `reason` stays valid until the totals are read (a view of a
  // constant or of a resolved decision), so the line may wait in a buffer.
  void Add(int provider, Month month, int code, LineStatus status, const RuleRow* rule, const FeeRow* fee,
           int64_t count, Money amount, std::string_view reason, int64_t seq, bool stable = false);
  void Merge(ServiceAccumulator&& o);
  std::vector<ServiceTotal> Totals() const;  // sorted
  // Adds the service rows to a statement (code, count, amount per provider and month).
  void AddTo(StatementAccumulator* s) const;

 private:
  struct Key {
    int provider;
    int32_t month;
    int code;
    LineStatus status;
    const RuleRow* rule;
    const FeeRow* fee;
    bool operator==(const Key&) const = default;
    template <typename H>
    friend H AbslHashValue(H h, const Key& k) {
      return H::combine(std::move(h), k.provider, k.month, k.code, static_cast<int>(k.status), k.rule, k.fee);
    }
  };
  struct Value {
    int64_t count = 0;
    Money amount;
    std::string reason;  // of the first line
    int64_t first_seq = 0;
  };
  // Lines are added up in parts by provider, each part a map small enough
  // for the cache. A line goes first to its part's buffer; a full buffer is
  // added to the part's map in one go (in arrival order every line would
  // otherwise probe a map of every clinic's rows at random: at national scale
  // a trip to memory a line). A line whose reason is not a stable string (it
  // lives only while its line is priced) is added to its map at once.
  struct Pending {
    Key key;
    int64_t count;
    Money amount;
    int64_t seq;
    std::string_view reason;
  };
  // In front of the buffers, a few open rows: the lines of a clinic's batch
  // (one provider and month, a handful of codes) add up here and go to a
  // buffer only when another row takes their slot.
  static constexpr size_t kOpen = 256;
  static size_t OpenSlot(const Key& k) {
    return (static_cast<uint32_t>(k.code) * 0x9E3779B1u + static_cast<uint32_t>(k.provider) * 0x85EBCA6Bu +
            static_cast<uint32_t>(k.month) * 0xC2B2AE35u + static_cast<uint32_t>(k.status)) >>
           24;
  }
  static constexpr int kPartBits = 8;
  static constexpr size_t kParts = size_t{1} << kPartBits;
  static constexpr size_t kPending = 1024;  // per part
  static size_t PartOf(int provider) {
    return static_cast<size_t>((static_cast<uint64_t>(static_cast<uint32_t>(provider)) * 0x9E3779B97F4A7C15u) >>
                               (64 - kPartBits));
  }
  static void AddRow(absl::flat_hash_map<Key, Value>& map, const Key& k, int64_t count, Money amount,
                     std::string_view reason, int64_t seq);
  void Buffer(const Pending& p) const;
  void FlushPart(size_t part) const;
  void FlushAll() const;
  // The buffers are part of the sums: reading the totals empties them.
  mutable std::vector<absl::flat_hash_map<Key, Value>> parts_;
  mutable std::vector<std::vector<Pending>> pending_;
  mutable std::vector<Pending> open_;
  mutable std::vector<uint8_t> open_used_;  // per slot of open_
  static_assert(kOpen == 256);  // OpenSlot's shift
};

// A set of contact keys as a bit table, about 8 bits a contact: "perhaps
// in the set" or "surely not", from a table small enough to stay in the
// cache, before a probe of a large hash map (most lines' contacts hold no
// paid watched code, and a probe that misses costs a trip to memory).
class ContactFilter {
 public:
  template <typename Map>
  void Build(const Map& m) {
    Size(m.size());
    for (const auto& [key, value] : m) Insert(key);
  }
  // Room for `n` keys (8 bits a key), then the keys one by one.
  void Size(size_t n) {
    int bits = 12;
    while (bits < 40 && (uint64_t{1} << bits) < 8 * static_cast<uint64_t>(n)) ++bits;
    shift_ = 64 - bits;
    bits_.assign(size_t{1} << (bits - 6), 0);
  }
  void Insert(uint64_t key) {
    const uint64_t h = Slot(key);
    bits_[h >> 6] |= uint64_t{1} << (h & 63);
  }
  bool MaybeHas(uint64_t key) const {
    if (bits_.empty()) return false;
    const uint64_t h = Slot(key);
    return (bits_[h >> 6] >> (h & 63)) & 1;
  }

 private:
  uint64_t Slot(uint64_t key) const { return (key * 0x9E3779B97F4A7C15u) >> shift_; }
  std::vector<uint64_t> bits_;
  int shift_ = 64;
};

// Where pass 2 finds each event line's decision, and which new lines to
// remember as the cause of a correction.
struct Resolved {
  // New events' decisions by LineId, ascending: pass 2 walks them with a
  // cursor in line order (DecisionCursor), no hash probe per event line.
  std::vector<std::pair<int64_t, EventDecision>> decisions;
  std::vector<EventDecision> prior_decisions;             // stored events by index
  std::vector<int64_t> prior_cause;                       // LineId of the new event that changed it, or -1
  absl::flat_hash_map<uint64_t, ContactPaid> paid;        // contacts with a paid watched event
  ContactFilter paid_filter;                              // of `paid`, built before pass 2
  // Without a ledger every paid contact is the contact of an event line of
  // this file with a watched code: the PatientDayHint of those without a
  // contact id, a filter per provider (a clinic's batch keeps its filter in
  // the cache). Pass 2 pseudonymises a line without a contact id only when
  // its hint may be in its provider's filter (day_hints_on).
  bool day_hints_on = false;
  absl::flat_hash_map<int, ContactFilter> day_hints;
  absl::flat_hash_map<uint64_t, ContactFacts> facts;      // trigger facts per contact (all runs)
  std::vector<Enrolment> enrolments;                      // of the patients resolved
};

// The decision of a slice's lines from `first_local`, asked in increasing line order.
class DecisionCursor {
 public:
  DecisionCursor(const std::vector<std::pair<int64_t, EventDecision>>& decisions, int chunk, int64_t first_local = 0)
      : d_(decisions),
        at_(static_cast<size_t>(std::lower_bound(decisions.begin(), decisions.end(), LineId(chunk, first_local),
                                                 [](const auto& a, int64_t b) { return a.first < b; }) -
                                decisions.begin())) {}
  const EventDecision* Find(int64_t line) {
    while (at_ < d_.size() && d_[at_].first < line) ++at_;
    return at_ < d_.size() && d_[at_].first == line ? &d_[at_].second : nullptr;
  }

 private:
  const std::vector<std::pair<int64_t, EventDecision>>& d_;
  size_t at_;
};

// Pass 2 works on segments of kSegmentLines records (under a MiB), taken in
// file order by whichever thread is free and written in file order
// (pass2.cc): no part files to concatenate, and threads stay busy whatever
// the slices cost.
inline constexpr int64_t kSegmentLines = 8192;

struct Pass2Segment {
  int chunk = 0;            // the slice
  std::string_view text;    // its records
  int64_t first_local = 0;  // record index in the slice of the first
  int64_t first_seq = 1;    // 1-based line of the file of the slice's first record
};

// The first new line of a contact (by line of the file): named as the cause
// of a correction of a stored line in it.
struct ContactCause {
  int64_t seq = 0;
  std::string claim_id;
  Date date;
};

// What one pass-2 thread adds up over the segments it took.
struct Pass2State {
  ServiceAccumulator service;
  Counts counts;
  Status error;
  std::vector<NewEvent> events;  // new event lines (ledger)
  absl::flat_hash_map<uint64_t, ContactCause> causes;  // contact -> its first new line (of those this thread saw)
};

// What pass 2 reads: pass 1's states, the stored claims this file repeats,
// the decisions, and the contacts whose first new line names a correction.
struct Pass2Inputs {
  const std::vector<Pass1State>* p1;
  const absl::flat_hash_set<Key128>* prior_dups;
  const Resolved* resolved;
  const absl::flat_hash_set<uint64_t>* cause_contacts;
};

struct EngineInputs {
  const Agreement* agreement = nullptr;
  const CompiledRules* rules = nullptr;
  const Pseudonymizer* pseudonymizer = nullptr;
  const SettleOptions* options = nullptr;
  const ProviderRegistry* providers = nullptr;
  const SanctionRegister* sanctions = nullptr;
  const FixedDoctors* fixed = nullptr;
  bool ledger = false;  // collect days, aux and new events for the ledger
  ProgressReporter* progress = nullptr;  // pass 1 adds the bytes it read
};

class Engine {
 public:
  explicit Engine(const EngineInputs& in) : in_(in), agreement_(*in.agreement), rules_(*in.rules) {}

  LineCheck Check(const ClaimLine& l, CheckMemo* memo = nullptr) const;
  // Price of a line that is paid: fee × index × quantity, plus the transport
  // time supplement where a home rule says it is paid instead of the visit
  // fee (Bilag 3, pkt. 8).
  Money Price(const ClaimLine& l, const LineCheck& c, std::string* extra_reason) const;
  // The trip key of a visit or `trip.code` line (0 if none), rules.h TripRules.
  uint64_t TripOf(const ClaimLine& l, const LineCheck& c) const;
  // The contact rules on an ordinary line: the rule that rejects or flags it
  // given what its contact holds, or nullptr.
  const RuleRow* JudgeByContact(int code, FeeCategory category, Date date, const ContactPaid& paid,
                                LineStatus* status) const;

  // Pass 1 of the file (pass1.cc): cut into `threads` slices at line ends,
  // each read by Pass1 on its own thread; cut again at records and read again
  // if a cut fell inside a quoted field. The first error, with its exact line.
  Status RunPass1(const ClaimParser& parser, std::shared_ptr<const CsvHeader> header, std::string_view body,
                  int64_t first_line, int threads, std::vector<ChunkInput>* chunks, std::vector<Pass1State>* p1) const;
  void Pass1(const ClaimParser& parser, std::shared_ptr<const CsvHeader> header, int chunk, ChunkInput in,
             Pass1State* st) const;
  // Decides every event line: contact rules that reject the event itself, the
  // per-patient rules in date order, chronic enrolments, trips, and the
  // contact rules on events; then which contacts hold a paid watched code.
  // `seen`: (provider, date)s with stored lines (a trip there is complete).
  // The steps that decide events one by one or patient by patient run on
  // `threads` threads; the outcome does not depend on them.
  Status Resolve(std::vector<Event>& events, const std::vector<PriorEvent>& prior,
                 absl::flat_hash_map<uint64_t, ContactFacts> facts, const ProviderDays& seen, int threads,
                 Resolved* out) const;
  // Pass 2 of the file (pass2.cc): its slices cut into segments at pass 1's
  // marks, taken in order by `threads` threads and written in order to
  // `lines_path` after `lines_head` (and to `aux_path`, the ledger's, if not
  // empty). `p2` gets one state per thread. Adds the bytes done to the
  // progress reporter.
  Status RunPass2(const ClaimParser& parser, std::shared_ptr<const CsvHeader> header,
                  const std::vector<ChunkInput>& chunks, const Pass2Inputs& p2in, int threads,
                  const std::string& lines_path, std::string_view lines_head, const std::string& aux_path,
                  std::vector<Pass2State>* p2) const;
  // Prices and judges a segment's lines; appends their rows of lines.csv to
  // `out` and, for the ledger, their records of lines.aux to `aux`.
  void Pass2(const ClaimParser& parser, std::shared_ptr<const CsvHeader> header, const Pass2Segment& seg,
             const Pass2Inputs& p2in, OutputBuffer* out, OutputBuffer* aux, Pass2State* st) const;

  // The transport time supplement of a home rule's code at home (§ 64 stk. 2 c), 0 if none.
  Money TimeSupplement(int code, Setting setting, Date date, int minutes, std::string* reason) const;
  // Mileage paid on a home line with `km` (rules.h HomeRule), 0 if none.
  Money Mileage(const Event& e, const ContactFacts& facts, std::string* reason) const;

 private:
  const EngineInputs& in_;
  const Agreement& agreement_;
  const CompiledRules& rules_;
};

std::string CodeText(int code);  // "0101"

}  // namespace almen::settle_internal
