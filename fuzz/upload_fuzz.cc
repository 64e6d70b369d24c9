// Uploaded files as the server receives them (server/upload.h): parts of any
// field and name, any bytes (plain, gzip, zstd, broken), cut into chunks of
// any size. Each input is read as a sequence of parts:
//   [field index][name length][name][chunk size][content length: 2 bytes][content]
// The receiver writes into a private directory; limits are small so that
// decompression bombs hit them.
#include <cstdint>
#include <filesystem>
#include <string>

#include "server/upload.h"
#include "server/work_dir.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto* work = [] {
    auto w = almen::WorkDir::Open((std::filesystem::temp_directory_path() / "almen-fuzz-upload").string());
    if (!w.ok()) __builtin_trap();
    return w->release();
  }();
  static const char* kFields[] = {"claims", "providers", "listings", "botilbud", "x"};
  auto dir = work->NewDir("u");
  if (!dir.ok()) return 0;
  almen::UploadLimits limits;
  limits.max_file_bytes = 1 << 20;
  limits.max_total_bytes = 3 << 19;
  limits.max_files = 3;
  almen::UploadReceiver rx(dir->path(), {"claims", "providers", "listings", "botilbud"}, limits);
  size_t i = 0;
  auto take = [&](size_t n) {
    std::string s(reinterpret_cast<const char*>(data) + i, std::min(n, size - i));
    i += s.size();
    return s;
  };
  bool ok = true;
  while (ok && i + 4 <= size) {
    const std::string field = kFields[data[i++] % 5];
    const size_t name_len = data[i++] % 32;
    const std::string name = take(name_len);
    if (i + 3 > size) break;
    const size_t chunk = 1 + data[i++] % 64;
    const size_t len = static_cast<size_t>(data[i]) << 8 | data[i + 1];
    i += 2;
    const std::string content = take(len);
    ok = (data[0] & 1) ? rx.BeginPart(field, name) : rx.BeginRaw(field, name);
    for (size_t k = 0; ok && k < content.size(); k += chunk)
      ok = rx.Write(content.data() + k, std::min(chunk, content.size() - k));
  }
  almen::Status s = rx.Finish(ok);
  if (s.ok())
    for (const auto& f : rx.files())
      if (f.bytes > limits.max_file_bytes || std::filesystem::file_size(f.path) != f.bytes) __builtin_trap();
  if (rx.written() > limits.max_total_bytes) __builtin_trap();
  return 0;
}
