#include "server/upload.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cstring>
#include <filesystem>

#include "common/json_text.h"

namespace almen {

namespace fs = std::filesystem;

std::string CleanFileName(std::string_view name) {
  size_t slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  return CleanText(name, 200);
}

// One file being written: sniffing its first bytes, then plain, gzip or zstd.
struct UploadReceiver::Part {
  enum class Mode { kSniff, kPlain, kGzip, kZstd };
  UploadedFile file;
  int fd = -1;
  Mode mode = Mode::kSniff;
  std::string head;  // the first bytes until the format is known
  z_stream z{};
  bool z_open = false, z_ended = false;
  ZSTD_DStream* zstd = nullptr;
  size_t zstd_hint = 1;  // 0 after a complete frame
  ~Part() {
    if (fd >= 0) close(fd);
    if (z_open) inflateEnd(&z);
    if (zstd) ZSTD_freeDStream(zstd);
  }
};

UploadReceiver::UploadReceiver(std::string dir, std::set<std::string> fields, UploadLimits limits,
                               std::function<void(uint64_t, uint64_t)> progress)
    : dir_(std::move(dir)), fields_(std::move(fields)), limits_(limits), progress_(std::move(progress)) {}

UploadReceiver::~UploadReceiver() = default;

bool UploadReceiver::Fail(Status s) {
  if (error_.ok()) error_ = std::move(s);
  part_.reset();
  return false;
}

bool UploadReceiver::BeginRaw(const std::string& field, const std::string& name) {
  return BeginPart(field, name.empty() ? field + ".csv" : name);
}

bool UploadReceiver::BeginPart(const std::string& field, const std::string& filename) {
  if (!error_.ok()) return false;
  if (!EndPart()) return false;
  value_field_.clear();
  if (filename.empty() && !fields_.count(field)) {
    // A plain form value (e.g. a select of the form): kept small, in memory.
    if (values_.size() >= 32) return Fail(InvalidInput("upload: for mange formularfelter"));
    value_field_ = CleanText(field, 64);
    values_[value_field_];
    return true;
  }
  if (!fields_.count(field)) {
    std::string known;
    for (const auto& f : fields_) known += (known.empty() ? "" : ", ") + f;
    return Fail(InvalidInput("upload: feltet '" + CleanText(field, 64) + "' tages ikke imod her (kun " + known + ")"));
  }
  for (const auto& f : files_)
    if (f.field == field) return Fail(InvalidInput("upload: feltet '" + field + "' er sendt to gange"));
  if (files_.size() >= limits_.max_files) return Fail(InvalidInput("upload: for mange filer"));
  part_ = std::make_unique<Part>();
  part_->file.field = field;
  part_->file.name = CleanFileName(filename);
  if (part_->file.name.empty()) part_->file.name = field + ".csv";
  part_->file.path = (fs::path(dir_) / (field + ".csv")).string();
  part_->fd = open(part_->file.path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (part_->fd < 0) return Fail(Internal("upload: kan ikke skrive filen til arbejdsmappen"));
  return true;
}

bool UploadReceiver::Emit(const char* data, size_t n) {
  if (n == 0) return true;
  UploadedFile& f = part_->file;
  if (f.bytes + n > limits_.max_file_bytes)
    return Fail(InvalidInput("upload: " + f.name + " er større end " + std::to_string(limits_.max_file_bytes) +
                             " byte (efter udpakning)"));
  if (written_ + n > limits_.max_total_bytes)
    return Fail(InvalidInput("upload: filerne fylder mere end " + std::to_string(limits_.max_total_bytes) +
                             " byte i alt (efter udpakning)"));
  while (n > 0) {
    ssize_t w = ::write(part_->fd, data, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return Fail(Internal("upload: kan ikke skrive " + f.name + " (disken er fuld?)"));
    data += w;
    n -= static_cast<size_t>(w);
    f.bytes += static_cast<uint64_t>(w);
    written_ += static_cast<uint64_t>(w);
  }
  return true;
}

bool UploadReceiver::Write(const char* data, size_t n) {
  if (!error_.ok()) return false;
  if (!value_field_.empty()) {
    std::string& v = values_[value_field_];
    if (v.size() + n > limits_.max_value_bytes)
      return Fail(InvalidInput("upload: formularfeltet '" + value_field_ + "' er for langt"));
    v.append(data, n);
    return true;
  }
  if (!part_) return true;  // a skipped part
  Part& p = *part_;
  received_ += n;
  p.file.received += n;
  if (p.mode == Part::Mode::kSniff) {
    const size_t take = std::min(n, 4 - p.head.size());
    p.head.append(data, take);
    data += take;
    n -= take;
    if (p.head.size() < 4) {
      if (progress_) progress_(received_, written_);
      return true;
    }
    const auto* h = reinterpret_cast<const unsigned char*>(p.head.data());
    if (h[0] == 0x1f && h[1] == 0x8b) {
      p.mode = Part::Mode::kGzip;
      if (inflateInit2(&p.z, 15 + 32) != Z_OK) return Fail(Internal("upload: zlib kunne ikke starte"));
      p.z_open = true;
      p.file.compression = "gzip";
    } else if (h[0] == 0x28 && h[1] == 0xb5 && h[2] == 0x2f && h[3] == 0xfd) {
      p.mode = Part::Mode::kZstd;
      p.zstd = ZSTD_createDStream();
      if (!p.zstd || ZSTD_isError(ZSTD_initDStream(p.zstd))) return Fail(Internal("upload: zstd kunne ikke starte"));
      p.file.compression = "zstd";
    } else {
      p.mode = Part::Mode::kPlain;
    }
    const std::string head = std::move(p.head);
    p.head.clear();
    if (!Feed(head.data(), head.size())) return false;
  }
  if (!Feed(data, n)) return false;
  if (progress_) progress_(received_, written_);
  return true;
}

bool UploadReceiver::Feed(const char* data, size_t n) {
  Part& p = *part_;
  if (n == 0) return true;
  switch (p.mode) {
    case Part::Mode::kSniff:
    case Part::Mode::kPlain:
      return Emit(data, n);
    case Part::Mode::kGzip: {
      char out[65536];
      p.z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
      p.z.avail_in = static_cast<uInt>(n);
      while (p.z.avail_in > 0) {
        if (p.z_ended) {
          // Another gzip member after the first (pigz, cat a.gz b.gz).
          if (inflateReset(&p.z) != Z_OK) return Fail(InvalidInput("upload: " + p.file.name + " er ikke gyldig gzip"));
          p.z_ended = false;
        }
        p.z.next_out = reinterpret_cast<Bytef*>(out);
        p.z.avail_out = sizeof out;
        const int rc = inflate(&p.z, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
          return Fail(InvalidInput("upload: " + p.file.name + " er ikke gyldig gzip"));
        const size_t produced = sizeof out - p.z.avail_out;
        if (!Emit(out, produced)) return false;
        if (rc == Z_STREAM_END) p.z_ended = true;
        if (rc == Z_BUF_ERROR && produced == 0) break;  // no progress possible with this input
      }
      return true;
    }
    case Part::Mode::kZstd: {
      char out[65536];
      ZSTD_inBuffer in{data, n, 0};
      for (;;) {
        ZSTD_outBuffer o{out, sizeof out, 0};
        const size_t rc = ZSTD_decompressStream(p.zstd, &o, &in);
        if (ZSTD_isError(rc)) return Fail(InvalidInput("upload: " + p.file.name + " er ikke gyldig zstd"));
        p.zstd_hint = rc;
        if (!Emit(out, o.pos)) return false;
        // Done with this input once it is consumed and the decoder has nothing more to give.
        if (in.pos == in.size && o.pos < o.size) break;
      }
      return true;
    }
  }
  return true;
}

bool UploadReceiver::EndPart() {
  if (!part_) return true;
  Part& p = *part_;
  if (p.mode == Part::Mode::kSniff && !p.head.empty()) {
    // A file shorter than the magic: plain text.
    p.mode = Part::Mode::kPlain;
    const std::string head = std::move(p.head);
    p.head.clear();
    if (!Emit(head.data(), head.size())) return false;
  }
  if (p.mode == Part::Mode::kGzip && !p.z_ended)
    return Fail(InvalidInput("upload: " + p.file.name + ": gzip-strømmen slutter for tidligt"));
  if (p.mode == Part::Mode::kZstd && p.zstd_hint != 0)
    return Fail(InvalidInput("upload: " + p.file.name + ": zstd-strømmen slutter for tidligt"));
  if (close(p.fd) != 0) {
    p.fd = -1;
    return Fail(Internal("upload: kan ikke skrive " + p.file.name));
  }
  p.fd = -1;
  UploadedFile f = std::move(p.file);
  part_.reset();
  if (f.bytes == 0) {
    // An empty file field (a form's unused file input): not an input.
    std::error_code ec;
    fs::remove(f.path, ec);
    return true;
  }
  if (!f.compression.empty()) {
    for (const char* ext : {".gz", ".gzip", ".zst", ".zstd"})
      if (f.name.size() > std::strlen(ext) && f.name.ends_with(ext)) {
        f.name.resize(f.name.size() - std::strlen(ext));
        break;
      }
  }
  files_.push_back(std::move(f));
  return true;
}

Status UploadReceiver::Finish(bool transfer_ok) {
  if (error_.ok() && !transfer_ok)
    error_ = InvalidInput("upload: forbindelsen blev afbrudt, før filen var modtaget (intet er gemt)");
  if (error_.ok()) EndPart();
  value_field_.clear();
  part_.reset();
  return error_;
}

}  // namespace almen
