#include "common/sealed.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cstdio>
#include <thread>
#include <vector>

#include "common/file.h"

#include "common/base64.h"

namespace almen {

namespace {

constexpr int kZstdLevel = 1;  // ~7x on claim files at ~300 MB/s per core (level 3: same size, no faster)

std::string ToBase64(const unsigned char* p, size_t n) {
  return Base64Encode(std::string_view(reinterpret_cast<const char*>(p), n));
}

StatusOr<std::vector<unsigned char>> FromBase64(const std::string& s) {
  std::string bytes;
  if (!Base64Decode(s, &bytes)) return InvalidInput("sealed file damaged: a chunk is not base64");
  return std::vector<unsigned char>(bytes.begin(), bytes.end());
}

Status Damaged(const std::string& what) { return InvalidInput("sealed file damaged or wrong key: " + what); }

}  // namespace

Status SealFile(const std::string& path, const SealKey& key,
                const std::function<Status(int64_t, std::string&&)>& emit) {
  if (sodium_init() < 0) return Internal("libsodium failed to initialise");
  ALMEN_ASSIGN_OR_RETURN(MappedFile f, MappedFile::Open(path));
  std::string_view data = f.data();
  crypto_secretstream_xchacha20poly1305_state st;
  unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
  crypto_secretstream_xchacha20poly1305_init_push(&st, header, key.data());
  ALMEN_RETURN_IF_ERROR(emit(0, ToBase64(header, sizeof header)));
  // Blocks are compressed in parallel, a batch of one per core at a time, then
  // encrypted and emitted in order (the secretstream is sequential). Memory:
  // one compressed frame per core.
  const size_t workers = std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
  const size_t bound = ZSTD_compressBound(kSealBlockBytes);
  std::vector<std::vector<unsigned char>> frames(workers, std::vector<unsigned char>(bound));
  std::vector<size_t> sizes(workers);
  std::vector<unsigned char> cipher(bound + crypto_secretstream_xchacha20poly1305_ABYTES);
  const size_t blocks = std::max<size_t>(1, (data.size() + kSealBlockBytes - 1) / kSealBlockBytes);
  int64_t chunk = 0;
  for (size_t first = 0; first < blocks; first += workers) {
    const size_t n = std::min(workers, blocks - first);
    auto compress = [&](size_t k) {
      const size_t pos = (first + k) * kSealBlockBytes;
      const size_t len = std::min(kSealBlockBytes, data.size() - std::min(pos, data.size()));
      sizes[k] = ZSTD_compress(frames[k].data(), bound, data.data() + std::min(pos, data.size()), len, kZstdLevel);
    };
    std::vector<std::thread> threads;
    for (size_t k = 1; k < n; ++k) threads.emplace_back(compress, k);
    compress(0);
    for (auto& t : threads) t.join();
    for (size_t k = 0; k < n; ++k) {
      if (ZSTD_isError(sizes[k])) return Internal(std::string("zstd: ") + ZSTD_getErrorName(sizes[k]));
      const unsigned char tag =
          first + k + 1 == blocks ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0;
      unsigned long long clen = 0;
      crypto_secretstream_xchacha20poly1305_push(&st, cipher.data(), &clen, frames[k].data(), sizes[k], nullptr, 0,
                                                 tag);
      ALMEN_RETURN_IF_ERROR(emit(++chunk, ToBase64(cipher.data(), clen)));
    }
  }
  sodium_memzero(&st, sizeof st);
  return Status::Ok();
}

Status UnsealToFile(const SealKey& key, const std::function<StatusOr<std::optional<std::string>>()>& next,
                    const std::string& out_path) {
  if (sodium_init() < 0) return Internal("libsodium failed to initialise");
  const std::string tmp = out_path + ".part";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Internal("cannot create " + tmp);
  struct Guard {
    int fd;
    std::string tmp;
    bool keep = false;
    ~Guard() {
      if (fd >= 0) ::close(fd);
      if (!keep) ::unlink(tmp.c_str());
    }
  } guard{fd, tmp};
  auto write_all = [&](const unsigned char* p, size_t n) -> Status {
    while (n > 0) {
      ssize_t w = ::write(fd, p, n);
      if (w < 0) return Internal("cannot write " + tmp);
      p += w;
      n -= static_cast<size_t>(w);
    }
    return Status::Ok();
  };

  ALMEN_ASSIGN_OR_RETURN(auto first, next());
  if (!first) return Damaged("no header");
  ALMEN_ASSIGN_OR_RETURN(auto header, FromBase64(*first));
  if (header.size() != crypto_secretstream_xchacha20poly1305_HEADERBYTES) return Damaged("bad header");
  crypto_secretstream_xchacha20poly1305_state st;
  if (crypto_secretstream_xchacha20poly1305_init_pull(&st, header.data(), key.data()) != 0)
    return Damaged("bad header");
  std::vector<unsigned char> frame, plain(kSealBlockBytes);
  bool final_seen = false;
  while (true) {
    ALMEN_ASSIGN_OR_RETURN(auto chunk, next());
    if (!chunk) break;
    if (final_seen) return Damaged("data after the final chunk");
    ALMEN_ASSIGN_OR_RETURN(auto cipher, FromBase64(*chunk));
    if (cipher.size() < crypto_secretstream_xchacha20poly1305_ABYTES) return Damaged("short chunk");
    frame.resize(cipher.size() - crypto_secretstream_xchacha20poly1305_ABYTES);
    unsigned long long flen = 0;
    unsigned char tag = 0;
    if (crypto_secretstream_xchacha20poly1305_pull(&st, frame.data(), &flen, &tag, cipher.data(), cipher.size(),
                                                   nullptr, 0) != 0)
      return Damaged("a chunk failed authentication");
    const size_t n = ZSTD_decompress(plain.data(), plain.size(), frame.data(), flen);
    if (ZSTD_isError(n)) return Damaged(std::string("zstd: ") + ZSTD_getErrorName(n));
    ALMEN_RETURN_IF_ERROR(write_all(plain.data(), n));
    final_seen = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
  }
  sodium_memzero(&st, sizeof st);
  if (!final_seen) return Damaged("truncated (no final chunk)");
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    guard.fd = -1;
    return Internal("cannot write " + tmp);
  }
  guard.fd = -1;
  if (std::rename(tmp.c_str(), out_path.c_str()) != 0) return Internal("cannot rename " + tmp);
  guard.keep = true;
  return Status::Ok();
}

}  // namespace almen
