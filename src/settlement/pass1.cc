// Pass 1 (engine.h): the file cut into one slice per thread, each slice's
// lines parsed and validated, their claim keys logged, their contacts' facts
// and their events kept for Resolve.
#include <algorithm>
#include <thread>

#include "common/csv.h"
#include "settlement/engine.h"

namespace almen::settle_internal {

Status Engine::RunPass1(const ClaimParser& parser, std::shared_ptr<const CsvHeader> header, std::string_view body,
                        int64_t first_line, int threads, std::vector<ChunkInput>* chunks,
                        std::vector<Pass1State>* p1) const {
  *chunks = SplitAtLines(body, first_line, threads);
  const int claim_bits = ClaimPartitionBits(body.size());
  auto run = [&] {
    if (in_.progress) in_.progress->Phase("pass 1");
    *p1 = std::vector<Pass1State>(chunks->size());
    for (size_t k = 0; k < chunks->size(); ++k)
      (*p1)[k].claims = ClaimKeyLog(claim_bits, static_cast<int64_t>((*chunks)[k].text.size() / 72));
    std::vector<std::thread> pool;
    for (size_t k = 0; k < chunks->size(); ++k)
      pool.emplace_back([&, k] { Pass1(parser, header, static_cast<int>(k), (*chunks)[k], &(*p1)[k]); });
    for (auto& t : pool) t.join();
  };
  run();
  // The slices were cut at line ends (SplitAtLines): if one but the last
  // failed, a cut may be inside a quoted field, so the file is cut again at
  // records and read again (errors are then reported as they are).
  if (std::any_of(p1->begin(), p1->end() - 1, [](const Pass1State& st) { return !st.error.ok(); })) {
    *chunks = Split(body, first_line, threads);
    run();
  }
  for (size_t k = 0; k < chunks->size(); ++k) {
    const Pass1State& st = (*p1)[k];
    if (st.error.ok()) continue;
    if (k == 0) return st.error;
    // Re-read the failing slice knowing its first line, for an exact message.
    ChunkInput c = (*chunks)[k];
    c.first_line = first_line + CountByte(body.data(), static_cast<size_t>(c.text.data() - body.data()), '\n');
    Pass1State again;
    Pass1(parser, header, static_cast<int>(k), c, &again);
    return again.error.ok() ? st.error : again.error;
  }
  return Status::Ok();
}

void Engine::Pass1(const ClaimParser& parser, std::shared_ptr<const CsvHeader> header, int chunk, ChunkInput in,
                   Pass1State* st) const {
  CsvReader reader = CsvReader::ForSlice(std::move(header), in.text, in.first_line);
  ReleaseBehind release(in.text);
  ClaimLine l;
  int64_t idx = 0;
  int last_day_provider = -1;
  int32_t last_day = INT32_MIN;
  absl::flat_hash_set<int32_t>* days = nullptr;
  CheckMemo memo;
  while (NextClaimLine(reader, parser, &l, /*parse_cpr=*/true, &st->error)) {
    int64_t local = idx++;
    if (local % kSegmentLines == 0) {
      st->marks.emplace_back(reader.record_offset(), local);
      release.Advance(reader.record_offset());
      if (in_.progress && st->marks.size() > 1)
        in_.progress->Add(static_cast<int64_t>(reader.record_offset() - st->marks[st->marks.size() - 2].first));
    }
    st->min_date = std::min(st->min_date, l.service_date);
    st->max_date = std::max(st->max_date, l.service_date);
    if (in_.ledger && (l.provider != last_day_provider || l.service_date.days() != last_day)) {
      if (l.provider != last_day_provider) days = &st->days[l.provider];
      days->insert(l.service_date.days());
      last_day_provider = l.provider;
      last_day = l.service_date.days();
    }
    Key128 ck = ClaimKey(l.provider, l.claim_id);
    st->claims.Add(ck, local);
    if (in_.ledger) st->ledger_claims.push_back({ck, l.provider, static_cast<uint32_t>(local)});
    if (!l.cpr.info) st->bad_cpr_lines.insert(local);
    LineCheck chk = Check(l, &memo);
    // A repeated claim is found after pass 1 (FindRepeats), which rejects its event.
    const bool ok = !chk.rule;
    // A repeated line counts for its contact as its first does (whichever
    // slice saw which first), so the facts do not depend on threads.
    const bool trigger = !chk.rule && rules_.IsTrigger(l.code, chk.fee->category);
    const uint64_t trip = ok ? TripOf(l, chk) : 0;
    const bool event = rules_.event_codes.Has(l.code) || trip != 0;
    if (!trigger && !event) continue;
    Pseudonym patient;
    if (l.cpr.info) patient = in_.pseudonymizer->Of(std::string_view(l.cpr.info->digits, 10));
    uint64_t contact = 0;
    if (!l.contact_id.empty()) contact = ContactKey(l.provider, l.contact_id);
    else if (l.cpr.info) contact = PatientDayContactKey(l.provider, patient, l.service_date);
    if (!in_.ledger && event && l.contact_id.empty() && l.cpr.info && rules_.WatchedIndex(l.code) >= 0)
      st->day_hints.emplace_back(l.provider, PatientDayHint(l.provider, l.cpr.info->digits, l.service_date));
    if (trigger && contact) {
      ContactFacts& f = st->contacts[contact];
      f.categories |= Bit(chk.fee->category);
      int w = rules_.WatchedIndex(l.code);
      if (w >= 0) f.present |= static_cast<uint8_t>(1u << w);
    }
    if (event) {
      Event e;
      e.patient = patient;
      e.claim_key = ck;
      e.contact = contact;
      e.trip = trip;
      e.course = CourseKey(l.course_id);
      e.line = LineId(chunk, local);
      e.date = l.service_date;
      e.provider = l.provider;
      e.code = static_cast<int16_t>(l.code);
      e.indication = l.indication;
      e.setting = l.setting;
      e.km = l.km;
      e.minutes = l.minutes;
      e.quantity = l.quantity;
      e.rejected = !ok;
      if (ok) e.price = Price(l, chk, nullptr);
      st->events.push_back(e);
    }
  }
  if (!st->error.ok()) return;
  st->records = idx;
  if (in_.progress)
    in_.progress->Add(static_cast<int64_t>(in.text.size() - (st->marks.empty() ? 0 : st->marks.back().first)));
}

}  // namespace almen::settle_internal
