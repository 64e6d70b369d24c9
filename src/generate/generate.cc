// almen generate: builds the synthetic world (world.h), then writes the five
// files into a staging directory and moves them into place only when all of
// them are complete (common/file.h OutputDir).
//
// claims.csv is streamed: clinic blocks are generated on worker threads (each
// from the clinic's own random stream) and written strictly in clinic order,
// with at most a few blocks in flight, so memory stays small and the output
// does not depend on the number of threads.
#include "generate/generate.h"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <thread>

#include "common/csv.h"
#include "common/file.h"
#include "generate/calendar.h"
#include "generate/claims_gen.h"
#include "generate/world.h"

namespace almen {

namespace {

using gen::World;

// Buffered writing to one staged file, with errors reported once at Close().
class StagedFile {
 public:
  StagedFile(const OutputDir& dir, const std::string& name) : path_(dir.StagingPath(name)) {
    f_ = std::fopen(path_.c_str(), "wb");
    buf_.reserve(kFlushAt + (1 << 20));
  }
  StagedFile(const StagedFile&) = delete;
  StagedFile& operator=(const StagedFile&) = delete;
  ~StagedFile() {
    if (f_) std::fclose(f_);
  }
  std::string& buffer() { return buf_; }
  void MaybeFlush() {
    if (buf_.size() >= kFlushAt) Flush();
  }
  void Write(std::string_view s) {
    if (buf_.empty() && s.size() >= kFlushAt) {
      Raw(s);
      return;
    }
    buf_.append(s);
    MaybeFlush();
  }
  Status Close() {
    Flush();
    if (!f_) return Internal(path_ + ": cannot write: " + std::strerror(errno));
    const bool failed = failed_ || std::fclose(f_) != 0;
    f_ = nullptr;
    if (failed) return Internal(path_ + ": write failed (disk full?)");
    return Status::Ok();
  }

 private:
  static constexpr size_t kFlushAt = 8 << 20;
  void Flush() {
    Raw(buf_);
    buf_.clear();
  }
  void Raw(std::string_view s) {
    if (!f_ || s.empty()) return;
    if (std::fwrite(s.data(), 1, s.size(), f_) != s.size()) failed_ = true;
  }
  std::string path_;
  std::FILE* f_ = nullptr;
  std::string buf_;
  bool failed_ = false;
};

void AppendProvider(std::string& out, int provider) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%06d", provider);
  out += buf;
}

const char* ClinicTypeName(gen::ClinicType t) {
  switch (t) {
    case gen::ClinicType::kOrdinary: return "ordinary";
    case gen::ClinicType::kRegion: return "region";
    case gen::ClinicType::kUdbud: return "udbud";
  }
  return "ordinary";
}

Status WriteProviders(const World& w, const OutputDir& dir, GenerateSummary* summary) {
  StagedFile f(dir, "providers.csv");
  std::string& out = f.buffer();
  out += "provider,name,municipality_code,clinic_type,capacities,lto,valid_from,valid_to\n";
  for (const gen::Clinic& c : w.clinics) {
    const gen::Municipality& m = w.municipalities[static_cast<size_t>(c.municipality)];
    for (const gen::ClinicRow& r : c.rows) {
      AppendProvider(out, c.provider);
      out += ',';
      AppendCsvField(out, r.name);
      out += ',' + m.code + ',' + ClinicTypeName(r.type) + ',' + std::to_string(r.capacities) + ',' +
             (m.lto ? "1" : "0") + ',' + r.from.ToIso() + ',' + r.to.ToIso() + '\n';
    }
  }
  summary->providers = static_cast<int64_t>(w.clinics.size());
  return f.Close();
}

Status WriteListings(const World& w, const OutputDir& dir, GenerateSummary* summary) {
  StagedFile f(dir, "listings.csv");
  std::string& out = f.buffer();
  out += "provider,cpr,listed_from,listed_to\n";
  for (const gen::Clinic& c : w.clinics) {
    for (uint32_t li : c.listings) {
      const gen::Listing& l = w.listings[li];
      AppendProvider(out, c.provider);
      out += ',';
      gen::AppendCpr(out, w.patients[l.patient], c.cpr_with_dash);
      out += ',';
      out += Date::FromDays(l.from).ToIso();
      out += ',';
      if (l.to != INT32_MAX) out += Date::FromDays(l.to).ToIso();
      out += '\n';
      f.MaybeFlush();
    }
  }
  summary->listed_patients = static_cast<int64_t>(w.patients.size());
  return f.Close();
}

Status WriteBotilbud(const World& w, const OutputDir& dir, GenerateSummary* summary) {
  StagedFile f(dir, "botilbud.csv");
  std::string& out = f.buffer();
  out += "botilbud_id,name,municipality_code,paragraph,places,operator,section,residents\n";
  for (const gen::BotilbudSection& b : w.botilbud) {
    out += b.id + ',';
    AppendCsvField(out, b.name);
    out += ',' + w.municipalities[static_cast<size_t>(b.municipality)].code + ',' + gen::ParagraphName(b.paragraph) +
           ',' + std::to_string(b.places) + ',' + gen::OperatorName(b.op) + ',' + b.section + ',' +
           std::to_string(b.residents) + '\n';
  }
  summary->botilbud_rows = static_cast<int64_t>(w.botilbud.size());
  return f.Close();
}

Status WriteAttachments(const World& w, const OutputDir& dir, GenerateSummary* summary) {
  StagedFile f(dir, "attachments.csv");
  std::string& out = f.buffer();
  out += "botilbud_id,section,provider,from_date,to_date\n";
  for (const gen::Attachment& a : w.attachments) {
    const gen::BotilbudSection& b = w.botilbud[a.section];
    out += b.id + ',' + b.section + ',';
    AppendProvider(out, w.clinics[a.clinic].provider);
    out += ',' + a.from.ToIso() + ',' + a.to.ToIso() + '\n';
  }
  summary->attachments = static_cast<int64_t>(w.attachments.size());
  return f.Close();
}

Status WriteClaims(const World& w, const OutputDir& dir, int64_t expected, GenerateSummary* summary) {
  const gen::YearCalendar calendar(w.year);
  const gen::ClaimGenerator generator(w, calendar);
  StagedFile f(dir, "claims.csv");
  f.Write(gen::kClaimsHeader);

  const size_t n = w.clinics.size();
  const unsigned hw = std::thread::hardware_concurrency();
  const size_t workers = std::clamp<size_t>(hw == 0 ? 2 : hw, 1, 8);
  const size_t in_flight = workers * 3;
  std::vector<std::string> blocks(n);
  std::vector<int64_t> counts(n, 0);
  std::vector<uint8_t> ready(n, 0);
  std::mutex mu;
  std::condition_variable cv;
  size_t next = 0, written = 0;

  auto work = [&] {
    while (true) {
      size_t i;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return next >= n || next < written + in_flight; });
        if (next >= n) return;
        i = next++;
      }
      std::string block;
      const int64_t count = generator.GenerateBlock(static_cast<uint32_t>(i), block);
      {
        std::lock_guard lock(mu);
        blocks[i] = std::move(block);
        counts[i] = count;
        ready[i] = 1;
      }
      cv.notify_all();
    }
  };
  std::vector<std::thread> threads;
  for (size_t t = 0; t < workers; ++t) threads.emplace_back(work);
  int64_t total = 0;
  for (size_t i = 0; i < n; ++i) {
    std::string block;
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return ready[i] != 0; });
      block = std::move(blocks[i]);
      total += counts[i];
      written = i + 1;
    }
    cv.notify_all();
    f.Write(block);
  }
  for (auto& t : threads) t.join();
  ALMEN_RETURN_IF_ERROR(f.Close());
  if (total != expected)
    return Internal("generate: wrote " + std::to_string(total) + " claim lines instead of " + std::to_string(expected));
  summary->claim_lines = total;
  return Status::Ok();
}

}  // namespace

Status Generate(const GenerateOptions& options, GenerateSummary* summary) {
  if (options.out_dir.empty()) return UsageError("generate: --out is required");
  if (options.lines < 0) return UsageError("generate: --lines must be ≥ 0");
  GenerateSummary local;
  if (!summary) summary = &local;
  *summary = GenerateSummary{};
  ALMEN_ASSIGN_OR_RETURN(World world, gen::BuildWorld(options.seed, options.lines, options.year));
  ALMEN_ASSIGN_OR_RETURN(OutputDir dir, OutputDir::Create(options.out_dir));
  ALMEN_RETURN_IF_ERROR(WriteProviders(world, dir, summary));
  ALMEN_RETURN_IF_ERROR(WriteListings(world, dir, summary));
  ALMEN_RETURN_IF_ERROR(WriteBotilbud(world, dir, summary));
  ALMEN_RETURN_IF_ERROR(WriteAttachments(world, dir, summary));
  ALMEN_RETURN_IF_ERROR(WriteClaims(world, dir, options.lines, summary));
  return dir.Commit();
}

}  // namespace almen
