// Pass 2 (engine.h): every line priced and judged with the decisions of
// Resolve, its row of lines.csv written; the file in segments of
// kSegmentLines records that free threads take in order and the calling
// thread writes in order (slices.h RunSegmentsInOrder).
#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <unordered_map>

#include "common/csv.h"
#include "common/format_da.h"
#include "settlement/engine.h"

namespace almen::settle_internal {

namespace {

char* Put(char* p, std::string_view s) {
  if (!s.empty()) std::memcpy(p, s.data(), s.size());  // (an empty view may have no data)
  return p + s.size();
}

// The patient-day contact of a line without a contact id and with a CPR that
// pass 1 found well-formed: its digits are taken as they are. With the hints
// on (Resolved::day_hints), a line whose hint is not in its provider's filter
// holds no paid contact and gets 0, without a pseudonym.
class DayContacts {
 public:
  DayContacts(const ClaimParser& parser, const Pseudonymizer& pseudonymizer, const Resolved& resolved)
      : parser_(parser), pseudonymizer_(pseudonymizer), resolved_(resolved) {}

  uint64_t Of(const CsvReader& reader, const ClaimLine& l) {
    char digits[10];
    if (!parser_.CprDigitsOf(reader, digits)) return 0;
    if (resolved_.day_hints_on) {
      if (l.provider != hints_provider_) {
        auto it = resolved_.day_hints.find(l.provider);
        hints_ = it == resolved_.day_hints.end() ? nullptr : &it->second;
        hints_provider_ = l.provider;
      }
      if (!hints_ || !hints_->MaybeHas(PatientDayHint(l.provider, digits, l.service_date))) return 0;
    }
    return PatientDayContactKey(l.provider, pseudonymizer_.Of(std::string_view(digits, sizeof digits)),
                                l.service_date);
  }

 private:
  const ClaimParser& parser_;
  const Pseudonymizer& pseudonymizer_;
  const Resolved& resolved_;
  int hints_provider_ = -1;
  const ContactFilter* hints_ = nullptr;  // hints_provider_'s
};

// Whether lines.csv goes past the page cache (common/file.h FileWriter): for
// a claim file of kDirectFromBytes or more, unless ALMEN_DIRECT_IO says 0
// (never) or 1 (always); never for the ledger, which reads the file straight
// back. docs/decisions.md, "lines.csv past the page cache".
bool DirectLines(const std::vector<ChunkInput>& chunks, bool ledger) {
  constexpr size_t kDirectFromBytes = size_t{1} << 30;
  if (ledger) return false;
  if (const char* e = std::getenv("ALMEN_DIRECT_IO"); e && (*e == '0' || *e == '1')) return *e == '1';
  size_t bytes = 0;
  for (const ChunkInput& c : chunks) bytes += c.text.size();
  return bytes >= kDirectFromBytes;
}

}  // namespace

Status Engine::RunPass2(const ClaimParser& parser, std::shared_ptr<const CsvHeader> header,
                        const std::vector<ChunkInput>& chunks, const Pass2Inputs& p2in, int threads,
                        const std::string& lines_path, std::string_view lines_head, const std::string& aux_path,
                        std::vector<Pass2State>* p2) const {
  const std::vector<Pass1State>& p1 = *p2in.p1;
  // Segments of kSegmentLines records, slice by slice, from pass 1's marks.
  std::vector<Pass2Segment> segments;
  int64_t first_seq = 1;
  for (size_t k = 0; k < p1.size() && k < chunks.size(); ++k) {
    const Pass1State& st = p1[k];
    const std::string_view text = chunks[k].text;
    for (size_t i = 0; i < st.marks.size(); ++i) {
      const size_t begin = st.marks[i].first;
      const size_t end = i + 1 < st.marks.size() ? st.marks[i + 1].first : text.size();
      segments.push_back({static_cast<int>(k), text.substr(begin, end - begin), st.marks[i].second, first_seq});
    }
    first_seq += st.records;
  }
  p2->clear();
  p2->resize(static_cast<size_t>(std::max(threads, 1)));
  return RunSegmentsInOrder(
      segments.size(), threads, lines_path, lines_head, aux_path,
      [&](size_t j, int worker, OutputBuffer* text, OutputBuffer* aux) {
        Pass2State& st = (*p2)[static_cast<size_t>(worker)];
        Pass2(parser, header, segments[j], p2in, text, aux, &st);
        if (in_.progress) in_.progress->Add(static_cast<int64_t>(segments[j].text.size()));
        return st.error;
      },
      // Segments are written in file order: their pages, read, leave this
      // process's resident set every 64 MiB (they stay in the page cache).
      [&, released = size_t{0}, bytes = size_t{0}](size_t j) mutable {
        bytes += segments[j].text.size();
        if (bytes < (64u << 20) && j + 1 < segments.size()) return;
        const char* from = segments[released].text.data();
        ReleasePages(std::string_view(from, static_cast<size_t>(segments[j].text.data() + segments[j].text.size() - from)));
        released = j + 1;
        bytes = 0;
      },
      DirectLines(chunks, in_.ledger));
}

void Engine::Pass2(const ClaimParser& parser, std::shared_ptr<const CsvHeader> header, const Pass2Segment& seg,
                   const Pass2Inputs& p2in, OutputBuffer* out, OutputBuffer* aux, Pass2State* st) const {
  const std::vector<Pass1State>& p1 = *p2in.p1;
  const absl::flat_hash_set<Key128>& prior_dups = *p2in.prior_dups;
  const Resolved& resolved = *p2in.resolved;
  const absl::flat_hash_set<uint64_t>& cause_contacts = *p2in.cause_contacts;
  const int chunk = seg.chunk;
  CsvReader reader = CsvReader::ForSlice(std::move(header), seg.text, 0);
  ClaimLine l;
  int64_t idx = seg.first_local;
  const Pass1State& own = p1[static_cast<size_t>(chunk)];
  std::string reason;
  std::unordered_map<const char*, std::string> quoted_paragraphs;  // (its values stay in place)
  const char* last_paragraph = nullptr;
  std::string_view last_quoted;
  // Contacts are looked up only when some contact holds a paid watched code,
  // or when the ledger stores every line's contact.
  const bool need_contacts = !resolved.paid.empty() || in_.ledger;
  const bool check_prior_dups = !prior_dups.empty();
  const bool maybe_trip = rules_.trip.any();
  DecisionCursor decisions(resolved.decisions, chunk, seg.first_local);
  CheckMemo memo;
  DayContacts day_contacts(parser, *in_.pseudonymizer, resolved);
  // Pass 1 validated every line and its CPR; the CPR is parsed again only for
  // a malformed CPR's reason.
  while (NextClaimLine(reader, parser, &l, /*parse_cpr=*/false, &st->error)) {
    const int64_t local = idx++;
    const bool bad_cpr = own.bad_cpr_lines.contains(local);
    if (bad_cpr) parser.ParseCprOf(reader, &l);
    else l.cpr.info.emplace();
    LineStatus status = LineStatus::kAccepted;
    const RuleRow* rule = nullptr;
    std::string_view paragraph;
    Money amount, price;
    // The line's reason: kPlainReason, a decision's, or one written into `reason`.
    std::string_view why;

    bool dup = own.dup_lines.contains(local);  // repeats within the file, in file order (FindRepeats)
    if (!dup && check_prior_dups) dup = prior_dups.contains(ClaimKey(l.provider, l.claim_id));
    uint64_t contact = 0;
    if (need_contacts) {
      if (!l.contact_id.empty()) contact = ContactKey(l.provider, l.contact_id);
      else if (!bad_cpr) contact = day_contacts.Of(reader, l);
    }
    LineCheck chk;
    const EventDecision* decision = nullptr;
    if (dup) {
      rule = rules_.duplicate;
      status = LineStatus::kRejected;
      reason = Explain(*rule, {{"claim_id", std::string(l.claim_id)}, {"provider", std::string(l.provider_text)}});
      why = reason;
    } else if (chk = Check(l, &memo); chk.rule) {
      rule = chk.rule;
      status = LineStatus::kRejected;
      if (chk.sanction) reason = SanctionReason(*chk.sanction, rule->reason_da);
      else
        reason = Explain(*rule, {{"detail", std::string(chk.detail)},
                                 {"provider", std::string(l.provider_text)},
                                 {"code", std::string(l.code_text)},
                                 {"date", FormatDateDa(l.service_date)}});
      if (!chk.detail.empty() && rule == rules_.no_fee) reason += " (" + std::string(chk.detail) + ")";
      why = reason;
    } else {
      price = Price(l, chk, nullptr);
      if (rules_.event_codes.Has(l.code) || (maybe_trip && rules_.trip.settings.Has(l.setting))) {
        decision = decisions.Find(LineId(chunk, local));
      }
      if (decision) {
        status = decision->status;
        amount = decision->amount;
        why = decision->reason;
        rule = decision->row;
      } else {
        // Contact rules judged by the paid event lines of the same contact.
        if (contact && resolved.paid_filter.MaybeHas(contact)) {
          auto cit = resolved.paid.find(contact);
          if (cit != resolved.paid.end()) rule = JudgeByContact(l.code, chk.fee->category, l.service_date, cit->second, &status);
        }
        if (rule) {
          reason = Explain(*rule, {{"code", std::string(l.code_text)}});
          why = reason;
        } else {
          why = kPlainReason;
        }
        if (status != LineStatus::kRejected) {
          if (l.minutes > 0) {
            // A transport time supplement adds to the price and to the reason.
            if (!rule) reason.assign(kPlainReason);
            amount = Price(l, chk, &reason);
            why = reason;
          } else {
            amount = price;
          }
        }
      }
    }
    if (rule) paragraph = rule->provenance.paragraph;
    else if (chk.fee) paragraph = chk.fee->provenance.paragraph;

    // Counts and service money (chronic codes are paid as the monthly item).
    ++st->counts.lines;
    if (status == LineStatus::kAccepted) ++st->counts.accepted;
    else if (status == LineStatus::kRejected) ++st->counts.rejected;
    else ++st->counts.review;
    if (rule) ++st->counts.by_rule[rule->id];
    st->counts.amount += amount;
    if (!rules_.chronic_codes.Has(l.code))
      st->service.Add(l.provider, Month::Of(l.service_date), l.code, status, rule, chk.fee, l.quantity, amount, why,
                      seg.first_seq + local, /*stable=*/why.data() != reason.data());

    if (in_.ledger) {
      if (decision) {
        NewEvent ne;
        ne.claim_id = std::string(l.claim_id);
        ne.seq = seg.first_seq + local;
        ne.decision = *decision;
        ne.event.line = LineId(chunk, local);
        st->events.push_back(std::move(ne));
      }
      if (contact && cause_contacts.contains(contact)) {
        // Segments come to a thread in file order: its first line of a contact is its earliest.
        auto [cit, fresh] = st->causes.try_emplace(contact);
        if (fresh) cit->second = {seg.first_seq + local, std::string(l.claim_id), l.service_date};
      }
      char rec[24];
      const int64_t p = status == LineStatus::kRejected && rule && !dup && !chk.rule ? price.ore() : amount.ore();
      const int64_t q = l.quantity;
      std::memcpy(rec, &contact, 8);
      std::memcpy(rec + 8, &p, 8);
      std::memcpy(rec + 16, &q, 8);
      aux->Append(std::string_view(rec, 24));
    }

    // Paragraphs are a handful of agreement strings: quote each once.
    if (paragraph.data() != last_paragraph) {
      auto [pit, fresh] = quoted_paragraphs.try_emplace(paragraph.data());
      if (fresh) AppendCsvField(pit->second, paragraph);
      last_paragraph = paragraph.data();
      last_quoted = pit->second;
    }
    const std::string_view rule_id = rule ? std::string_view(rule->id) : std::string_view();
    char* p = out->Reserve(2 * l.claim_id.size() + l.provider_text.size() + l.service_date_text.size() +
                           l.code_text.size() + rule_id.size() + 2 * why.size() + last_quoted.size() + 64);
    p = PutCsvField(p, l.claim_id);
    *p++ = ',';
    p = Put(p, l.provider_text);
    *p++ = ',';
    p = Put(p, l.service_date_text);
    *p++ = ',';
    p = Put(p, l.code_text);
    *p++ = ',';
    p = Put(p, StatusName(status));
    *p++ = ',';
    p = std::to_chars(p, p + 21, amount.ore()).ptr;
    *p++ = ',';
    p = Put(p, rule_id);
    *p++ = ',';
    // The plain reason needs no quotes.
    p = why.data() == kPlainReason.data() ? Put(p, kPlainReason) : PutCsvField(p, why);
    *p++ = ',';
    p = Put(p, last_quoted);
    *p++ = '\n';
    out->Commit(p);
  }
}

}  // namespace almen::settle_internal
