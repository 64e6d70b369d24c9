// Uploaded files, streamed to disk as they arrive (never held in memory):
// the multipart fields or the raw body of an upload route are written into a
// private directory (work_dir.h) through an UploadReceiver.
//
// Compression: a file that starts with the gzip (1f 8b) or zstd (28 b5 2f fd)
// magic is decompressed while it is written — whatever its name says; a
// `.gz`/`.zst` suffix is dropped from the recorded name. (A body sent with
// Content-Encoding: gzip is decoded by the HTTP layer before it gets here;
// Content-Encoding: zstd arrives as zstd bytes and is caught by its magic.)
// CSV text never starts with either magic.
//
// Limits: at most `max_file_bytes` per file and `max_total_bytes` for all files
// after decompression, and `max_files` files; a field the route does not take
// is refused. Errors are Danish, name the field, and leave nothing behind
// (the caller's ScopedDir removes the directory).
//
// Not thread safe: one receiver per request.
//
// Example:
//   UploadReceiver rx(dir.path(), {"claims", "providers"}, limits);
//   reader([&](const httplib::MultipartFormData& f) { return rx.BeginPart(f.name, f.filename); },
//          [&](const char* d, size_t n) { return rx.Write(d, n); });
//   ALMEN_RETURN_IF_ERROR(rx.Finish());
//   for (const UploadedFile& f : rx.files()) … f.path …
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace almen {

struct UploadLimits {
  uint64_t max_file_bytes = uint64_t{8} << 30;    // one file, decompressed
  uint64_t max_total_bytes = uint64_t{16} << 30;  // all files, decompressed
  size_t max_files = 16;
  size_t max_value_bytes = 4096;                  // a non-file form field
};

struct UploadedFile {
  std::string field;     // the multipart field ("claims", …)
  std::string name;      // the sender's file name, cleaned (valid UTF-8, no path, ≤ 200 bytes)
  std::string path;      // where it is on disk
  uint64_t bytes = 0;    // as written (decompressed)
  uint64_t received = 0; // as received (compressed, if it was)
  std::string compression;  // "", "gzip" or "zstd"
};

class UploadReceiver {
 public:
  // `fields`: the file fields the route takes. `progress(received, written)`
  // is called as data arrives (bytes over all files).
  UploadReceiver(std::string dir, std::set<std::string> fields, UploadLimits limits,
                 std::function<void(uint64_t, uint64_t)> progress = nullptr);
  ~UploadReceiver();
  UploadReceiver(const UploadReceiver&) = delete;
  UploadReceiver& operator=(const UploadReceiver&) = delete;

  // Starts a multipart part. A part with a file name is a file (it must be one
  // of `fields`; empty files are skipped); a part without one is a small form
  // value (kept in values()). false (with error()) to stop the upload.
  bool BeginPart(const std::string& field, const std::string& filename);
  // Starts the raw body as the one file of `field` named `name`.
  bool BeginRaw(const std::string& field, const std::string& name);
  // Data of the current part.
  bool Write(const char* data, size_t n);
  // Ends the upload. `transfer_ok`: the HTTP layer read the whole body.
  // Returns error() if any, or if the body ended inside a compressed stream.
  Status Finish(bool transfer_ok = true);

  const Status& error() const { return error_; }
  const std::vector<UploadedFile>& files() const { return files_; }
  const std::map<std::string, std::string>& values() const { return values_; }
  uint64_t received() const { return received_; }
  uint64_t written() const { return written_; }

 private:
  struct Part;
  bool Fail(Status s);
  bool EndPart();
  bool Feed(const char* data, size_t n);
  bool Emit(const char* data, size_t n);

  std::string dir_;
  std::set<std::string> fields_;
  UploadLimits limits_;
  std::function<void(uint64_t, uint64_t)> progress_;
  std::unique_ptr<Part> part_;
  std::vector<UploadedFile> files_;
  std::map<std::string, std::string> values_;
  std::string value_field_;  // the form value being read, if any
  uint64_t received_ = 0, written_ = 0;
  Status error_;
};

// The sender's file name made safe to record and show: the last path
// component, valid UTF-8, no control characters, at most 200 bytes.
std::string CleanFileName(std::string_view name);

}  // namespace almen
