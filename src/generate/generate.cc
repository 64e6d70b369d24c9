// almen generate: builds the synthetic world (world.h), then writes the five
// files into a staging directory and moves them into place only when all of
// them are complete (common/file.h OutputDir).
//
// claims.csv is streamed: clinic blocks are generated on worker threads (each
// from the clinic's own random stream) and taken strictly in clinic order,
// with at most a few blocks in flight, so memory stays small and the output
// does not depend on the number of threads. In arrival order (the default)
// they pass through a spill file and are merged day by day
// (WriteClaimsByArrival).
#include "generate/generate.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "common/csv.h"
#include "common/file.h"
#include "generate/arrival.h"
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

// One clinic's claim lines, ready to be written: in clinic order the block
// as generated, in arrival order the block reordered with its received days.
struct ClinicLines {
  std::string text;
  std::vector<gen::ArrivalRun> runs;
  int64_t count = 0;
};

// Generates the clinics' lines on worker threads (each from the clinic's own
// random stream) and hands them to `consume` strictly in clinic order, with
// at most a few clinics in flight, so memory stays small and the output does
// not depend on the number of threads.
Status ForEachClinic(const World& w, bool arrival, const std::function<Status(uint32_t, ClinicLines&)>& consume) {
  const gen::YearCalendar calendar(w.year);
  const gen::ClaimGenerator generator(w, calendar);
  const size_t n = w.clinics.size();
  const unsigned hw = std::thread::hardware_concurrency();
  const size_t workers = std::clamp<size_t>(hw == 0 ? 2 : hw, 1, 8);
  const size_t in_flight = workers * 3;
  std::vector<ClinicLines> blocks(n);
  std::vector<uint8_t> ready(n, 0);
  std::mutex mu;
  std::condition_variable cv;
  size_t next = 0, written = 0;
  bool stop = false;

  auto work = [&] {
    std::vector<gen::LineSpan> spans;
    std::string text;
    while (true) {
      size_t i;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return stop || next >= n || next < written + in_flight; });
        if (stop || next >= n) return;
        i = next++;
      }
      ClinicLines block;
      if (arrival) {
        text.clear();
        spans.clear();
        block.count = generator.GenerateBlock(static_cast<uint32_t>(i), text, &spans);
        gen::ToArrivalOrder(w, calendar, static_cast<uint32_t>(i), text, spans, &block.text, &block.runs);
      } else {
        block.count = generator.GenerateBlock(static_cast<uint32_t>(i), block.text);
      }
      {
        std::lock_guard lock(mu);
        blocks[i] = std::move(block);
        ready[i] = 1;
      }
      cv.notify_all();
    }
  };
  std::vector<std::thread> threads;
  for (size_t t = 0; t < workers; ++t) threads.emplace_back(work);
  Status status;
  for (size_t i = 0; i < n && status.ok(); ++i) {
    ClinicLines block;
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return ready[i] != 0; });
      block = std::move(blocks[i]);
      written = i + 1;
    }
    cv.notify_all();
    status = consume(static_cast<uint32_t>(i), block);
  }
  {
    std::lock_guard lock(mu);
    stop = true;
  }
  cv.notify_all();
  for (auto& t : threads) t.join();
  return status;
}

Status CheckCount(int64_t total, int64_t expected) {
  if (total != expected)
    return Internal("generate: wrote " + std::to_string(total) + " claim lines instead of " + std::to_string(expected));
  return Status::Ok();
}

Status WriteClaimsByClinic(const World& w, const OutputDir& dir, int64_t expected, GenerateSummary* summary) {
  StagedFile f(dir, "claims.csv");
  f.Write(gen::kClaimsHeader);
  int64_t total = 0;
  ALMEN_RETURN_IF_ERROR(ForEachClinic(w, false, [&](uint32_t, ClinicLines& block) {
    f.Write(block.text);
    total += block.count;
    return Status::Ok();
  }));
  ALMEN_RETURN_IF_ERROR(f.Close());
  ALMEN_RETURN_IF_ERROR(CheckCount(total, expected));
  summary->claim_lines = total;
  return Status::Ok();
}

// The period a received day belongs to for --split-by (a number that grows
// with the day) and its label.
int64_t PeriodKey(SplitBy by, int32_t day) {
  const Date d = Date::FromDays(day);
  switch (by) {
    case SplitBy::kWeek: return day - static_cast<int32_t>(d.iso_weekday()) + 1;  // its Monday
    case SplitBy::kMonth: return d.year() * 12 + static_cast<int>(d.month()) - 1;
    case SplitBy::kQuarter: return d.year() * 4 + (static_cast<int>(d.month()) - 1) / 3;
    case SplitBy::kNone:
    case SplitBy::kClinic: break;
  }
  return 0;
}

std::string PeriodLabel(SplitBy by, int32_t day) {
  const Date d = Date::FromDays(day);
  char buf[32];
  switch (by) {
    case SplitBy::kWeek: {
      // ISO week: the week's Thursday decides the year.
      const Date thursday = Date::FromDays(day - static_cast<int32_t>(d.iso_weekday()) + 4);
      const int week = (thursday.days() - Date::FromYmd(thursday.year(), 1, 1).days()) / 7 + 1;
      std::snprintf(buf, sizeof buf, "%04d-W%02d", thursday.year(), week);
      break;
    }
    case SplitBy::kMonth: std::snprintf(buf, sizeof buf, "%04d-%02u", d.year(), d.month()); break;
    case SplitBy::kQuarter: std::snprintf(buf, sizeof buf, "%04d-Q%u", d.year(), (d.month() - 1) / 3 + 1); break;
    case SplitBy::kNone:
    case SplitBy::kClinic: buf[0] = '\0'; break;
  }
  return buf;
}

// claims-001.csv, … and claims-manifest.csv (file, part, first and last
// received date, lines).
class SplitFiles {
 public:
  SplitFiles(const OutputDir& dir, size_t expected_files)
      : dir_(dir), width_(std::max<size_t>(3, std::to_string(expected_files).size())) {
    manifest_ = "file,part,received_from,received_to,lines\n";
  }
  Status Start(const std::string& part) {
    ALMEN_RETURN_IF_ERROR(Finish());
    char name[32];
    std::snprintf(name, sizeof name, "claims-%0*zu.csv", static_cast<int>(width_), ++files_);
    name_ = name;
    part_ = part;
    lines_ = 0;
    first_ = last_ = 0;
    file_ = std::make_unique<StagedFile>(dir_, name_);
    file_->Write(gen::kClaimsHeader);
    return Status::Ok();
  }
  void Write(std::string_view text, int32_t day, int64_t lines) {
    if (lines_ == 0) first_ = day;
    last_ = std::max(last_, day);
    lines_ += lines;
    file_->Write(text);
  }
  Status Finish() {
    if (!file_) return Status::Ok();
    Status s = file_->Close();
    file_.reset();
    manifest_ += name_ + ',' + part_ + ',' + (lines_ ? Date::FromDays(first_).ToIso() : "") + ',' +
                 (lines_ ? Date::FromDays(last_).ToIso() : "") + ',' + std::to_string(lines_) + '\n';
    return s;
  }
  Status Close(GenerateSummary* summary) {
    ALMEN_RETURN_IF_ERROR(Finish());
    summary->split_files = static_cast<int64_t>(files_);
    StagedFile m(dir_, "claims-manifest.csv");
    m.Write(manifest_);
    return m.Close();
  }

 private:
  const OutputDir& dir_;
  size_t width_;
  size_t files_ = 0;
  std::unique_ptr<StagedFile> file_;
  std::string name_, part_, manifest_;
  int64_t lines_ = 0;
  int32_t first_ = 0, last_ = 0;
};

// Arrival order in two steps, so that a national year never has to be held
// in memory: (1) each clinic's lines, already in its own arrival order, are
// appended run by run (one run = the clinic's lines received on one day) to
// a spill file in the staging directory, remembering where each run is;
// (2) day by day, that day's runs are read back in a seeded random order of
// the clinics and written to claims.csv. Memory: the runs' index (one entry
// per clinic and received day) and the clinics in flight.
Status WriteClaimsByArrival(const World& w, const OutputDir& dir, SplitBy split_by, int64_t expected,
                            GenerateSummary* summary) {
  struct Run {
    int32_t day;
    uint32_t length;
    uint64_t offset;  // in the spill file
    uint32_t lines;
  };
  std::vector<Run> runs;
  const std::string spill_name = ".claims-arrival.spill";
  const std::string spill_path = dir.StagingPath(spill_name);
  int64_t total = 0;
  {
    StagedFile spill(dir, spill_name);
    uint64_t spilled = 0;
    std::optional<SplitFiles> by_clinic;
    if (split_by == SplitBy::kClinic) by_clinic.emplace(dir, w.clinics.size());
    auto spill_clinic = [&](uint32_t ci, ClinicLines& block) -> Status {
      for (const gen::ArrivalRun& r : block.runs) {
        runs.push_back(Run{r.day, r.length, spilled, r.lines});
        spill.Write(std::string_view(block.text).substr(r.offset, r.length));
        spilled += r.length;
      }
      if (by_clinic && block.count > 0) {
        char provider[8];
        std::snprintf(provider, sizeof provider, "%06d", w.clinics[ci].provider);
        if (Status s = by_clinic->Start(provider); !s.ok()) return s;
        for (const gen::ArrivalRun& r : block.runs)
          by_clinic->Write(std::string_view(block.text).substr(r.offset, r.length), r.day, r.lines);
      }
      total += block.count;
      return Status::Ok();
    };
    ALMEN_RETURN_IF_ERROR(ForEachClinic(w, true, spill_clinic));
    ALMEN_RETURN_IF_ERROR(spill.Close());
    if (by_clinic) ALMEN_RETURN_IF_ERROR(by_clinic->Close(summary));
  }
  ALMEN_RETURN_IF_ERROR(CheckCount(total, expected));

  // Runs by received day (counting sort; within a day still in clinic order).
  std::vector<uint32_t> by_day(runs.size());
  int32_t lo = 0, hi = -1;
  if (!runs.empty()) {
    lo = hi = runs[0].day;
    for (const Run& r : runs) {
      lo = std::min(lo, r.day);
      hi = std::max(hi, r.day);
    }
  }
  std::vector<uint32_t> first(static_cast<size_t>(hi - lo + 2), 0);
  for (const Run& r : runs) ++first[static_cast<size_t>(r.day - lo + 1)];
  for (size_t d = 1; d < first.size(); ++d) first[d] += first[d - 1];
  {
    std::vector<uint32_t> fill(first.begin(), first.end() - 1);
    for (uint32_t k = 0; k < runs.size(); ++k) by_day[fill[static_cast<size_t>(runs[k].day - lo)]++] = k;
  }

  std::optional<SplitFiles> by_period;
  if (split_by != SplitBy::kNone && split_by != SplitBy::kClinic) {
    size_t periods = 0;
    int64_t last_key = INT64_MIN;
    for (int32_t d = lo; d <= hi; ++d) {
      if (first[static_cast<size_t>(d - lo + 1)] == first[static_cast<size_t>(d - lo)]) continue;
      const int64_t key = PeriodKey(split_by, d);
      if (key != last_key) ++periods;
      last_key = key;
    }
    by_period.emplace(dir, periods);
  }

  const int fd = ::open(spill_path.c_str(), O_RDONLY);
  if (fd < 0) return Internal(spill_path + ": cannot read: " + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  StagedFile f(dir, "claims.csv");
  f.Write(gen::kClaimsHeader);
  std::string buf;
  int64_t period_key = INT64_MIN;
  for (int32_t d = lo; d <= hi; ++d) {
    const size_t a = first[static_cast<size_t>(d - lo)], b = first[static_cast<size_t>(d - lo + 1)];
    if (a == b) continue;
    // The clinics' batches of the day in a random order of their own.
    gen::Rng rng(gen::Derive(w.seed, 0xDA7E, static_cast<uint64_t>(d)));
    for (size_t k = b - a; k > 1; --k)
      std::swap(by_day[a + k - 1], by_day[a + rng.Below(static_cast<uint32_t>(k))]);
    if (by_period) {
      const int64_t key = PeriodKey(split_by, d);
      if (key != period_key) ALMEN_RETURN_IF_ERROR(by_period->Start(PeriodLabel(split_by, d)));
      period_key = key;
    }
    for (size_t k = a; k < b; ++k) {
      const Run& r = runs[by_day[k]];
      buf.resize(r.length);
      size_t got = 0;
      while (got < r.length) {
        const ssize_t n = ::pread(fd, buf.data() + got, r.length - got, static_cast<off_t>(r.offset + got));
        if (n <= 0) return Internal(spill_path + ": read failed");
        got += static_cast<size_t>(n);
      }
      f.Write(buf);
      if (by_period) by_period->Write(buf, d, r.lines);
    }
  }
  ALMEN_RETURN_IF_ERROR(f.Close());
  if (by_period) ALMEN_RETURN_IF_ERROR(by_period->Close(summary));
  std::error_code ec;
  std::filesystem::remove(spill_path, ec);
  if (ec) return Internal(spill_path + ": cannot remove: " + ec.message());
  summary->claim_lines = total;
  return Status::Ok();
}

}  // namespace

StatusOr<ClaimOrder> ParseClaimOrder(std::string_view s) {
  if (s == "arrival") return ClaimOrder::kArrival;
  if (s == "clinic") return ClaimOrder::kClinic;
  return UsageError("generate: --order must be arrival or clinic, not '" + std::string(s) + "'");
}

StatusOr<SplitBy> ParseSplitBy(std::string_view s) {
  if (s.empty() || s == "none") return SplitBy::kNone;
  if (s == "week") return SplitBy::kWeek;
  if (s == "month") return SplitBy::kMonth;
  if (s == "quarter") return SplitBy::kQuarter;
  if (s == "clinic") return SplitBy::kClinic;
  return UsageError("generate: --split-by must be week, month, quarter or clinic, not '" + std::string(s) + "'");
}

Status Generate(const GenerateOptions& options, GenerateSummary* summary) {
  if (options.out_dir.empty()) return UsageError("generate: --out is required");
  if (options.lines < 0) return UsageError("generate: --lines must be ≥ 0");
  if (options.split_by != SplitBy::kNone && options.order != ClaimOrder::kArrival)
    return UsageError("generate: --split-by writes files in arrival order; it cannot be combined with --order clinic");
  GenerateSummary local;
  if (!summary) summary = &local;
  *summary = GenerateSummary{};
  ALMEN_ASSIGN_OR_RETURN(World world, gen::BuildWorld(options.seed, options.lines, options.year));
  ALMEN_ASSIGN_OR_RETURN(OutputDir dir, OutputDir::Create(options.out_dir));
  ALMEN_RETURN_IF_ERROR(WriteProviders(world, dir, summary));
  ALMEN_RETURN_IF_ERROR(WriteListings(world, dir, summary));
  ALMEN_RETURN_IF_ERROR(WriteBotilbud(world, dir, summary));
  ALMEN_RETURN_IF_ERROR(WriteAttachments(world, dir, summary));
  if (options.order == ClaimOrder::kClinic)
    ALMEN_RETURN_IF_ERROR(WriteClaimsByClinic(world, dir, options.lines, summary));
  else
    ALMEN_RETURN_IF_ERROR(WriteClaimsByArrival(world, dir, options.split_by, options.lines, summary));
  return dir.Commit();
}

}  // namespace almen
