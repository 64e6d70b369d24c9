#include "common/file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <utility>

namespace almen {

namespace fs = std::filesystem;

std::string BaseName(const std::string& path) { return fs::path(path).filename().string(); }

StatusOr<MappedFile> MappedFile::Open(const std::string& path) {
  MappedFile f;
  f.path_ = path;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return InvalidInput(path + ": cannot open: " + std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return InvalidInput(path + ": not a regular file");
  }
  f.size_ = static_cast<size_t>(st.st_size);
  if (f.size_ > 0) {
    void* p = ::mmap(nullptr, f.size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      ::close(fd);
      return Internal(path + ": cannot map: " + std::strerror(errno));
    }
    // Not MADV_SEQUENTIAL: settlement reads the file twice, and sequential
    // mode lets the kernel drop pages behind the first pass.
    ::madvise(p, f.size_, MADV_WILLNEED);
    f.data_ = static_cast<const char*>(p);
    f.mapped_ = true;
  }
  ::close(fd);
  return f;
}

MappedFile::MappedFile(MappedFile&& o) noexcept { *this = std::move(o); }
MappedFile& MappedFile::operator=(MappedFile&& o) noexcept {
  if (this != &o) {
    if (mapped_) ::munmap(const_cast<char*>(data_), size_);
    path_ = std::move(o.path_);
    data_ = o.data_;
    size_ = o.size_;
    mapped_ = o.mapped_;
    o.data_ = "";
    o.size_ = 0;
    o.mapped_ = false;
  }
  return *this;
}
MappedFile::~MappedFile() {
  if (mapped_) ::munmap(const_cast<char*>(data_), size_);
}

StatusOr<FileWriter> FileWriter::Create(const std::string& path, bool direct) {
  FileWriter w;
  w.path_ = path;
  const int flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC;
#if defined(O_DIRECT) && !defined(__EMSCRIPTEN__)
  if (direct) {
    w.fd_ = ::open(path.c_str(), flags | O_DIRECT, 0644);
    if (w.fd_ >= 0) {
      w.buffer_ = static_cast<char*>(std::aligned_alloc(kBlock, kBuffer));
      if (!w.buffer_) return Internal(path + ": out of memory");
      w.direct_ = true;
    }
  }
#else
  (void)direct;
#endif
  if (w.fd_ < 0) w.fd_ = ::open(path.c_str(), flags, 0644);  // tmpfs and others refuse O_DIRECT
  if (w.fd_ < 0) return Internal(path + ": cannot write: " + std::strerror(errno));
  return w;
}

FileWriter::FileWriter(FileWriter&& o) noexcept { *this = std::move(o); }
FileWriter& FileWriter::operator=(FileWriter&& o) noexcept {
  if (this != &o) {
    Release();
    path_ = std::move(o.path_);
    fd_ = std::exchange(o.fd_, -1);
    direct_ = std::exchange(o.direct_, false);
    buffer_ = std::exchange(o.buffer_, nullptr);
    size_ = std::exchange(o.size_, 0);
  }
  return *this;
}
FileWriter::~FileWriter() { Release(); }

void FileWriter::Release() {
  if (fd_ >= 0) ::close(fd_);
  std::free(buffer_);
  fd_ = -1;
  buffer_ = nullptr;
}

Status FileWriter::WriteOut(const char* p, size_t n) {
  while (n > 0) {
    const ssize_t k = ::write(fd_, p, n);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0 && errno == EINVAL && direct_) {  // the file system took the open, not the write
      ALMEN_RETURN_IF_ERROR(DropDirect());
      continue;
    }
    if (k <= 0) return Internal(path_ + ": write failed: " + std::strerror(k < 0 ? errno : EIO));
    p += k;
    n -= static_cast<size_t>(k);
  }
  return Status::Ok();
}

Status FileWriter::DropDirect() {
  const int flags = ::fcntl(fd_, F_GETFL);
#if defined(O_DIRECT)
  if (flags < 0 || ::fcntl(fd_, F_SETFL, flags & ~O_DIRECT) != 0)
    return Internal(path_ + ": write failed: " + std::strerror(errno));
#else
  (void)flags;
#endif
  direct_ = false;
  return Status::Ok();
}

Status FileWriter::Append(std::string_view bytes) {
  if (!buffer_) return WriteOut(bytes.data(), bytes.size());
  while (!bytes.empty()) {
    const size_t k = std::min(bytes.size(), kBuffer - size_);
    std::memcpy(buffer_ + size_, bytes.data(), k);
    size_ += k;
    bytes.remove_prefix(k);
    if (size_ == kBuffer) {
      ALMEN_RETURN_IF_ERROR(WriteOut(buffer_, size_));
      size_ = 0;
    }
  }
  return Status::Ok();
}

Status FileWriter::Close() {
  if (fd_ < 0) return Status::Ok();
  Status s = Status::Ok();
  if (buffer_ && size_ > 0) {
    const size_t whole = size_ / kBlock * kBlock;
    s = WriteOut(buffer_, whole);
    if (s.ok() && whole < size_ && direct_) s = DropDirect();
    if (s.ok()) s = WriteOut(buffer_ + whole, size_ - whole);
    size_ = 0;
  }
  const int fd = std::exchange(fd_, -1);
  if (::close(fd) != 0 && s.ok()) s = Internal(path_ + ": write failed: " + std::strerror(errno));
  Release();
  return s;
}

StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidInput(path + ": cannot open: " + std::strerror(errno));
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return s;
}

Status WriteFileAtomic(const std::string& path, std::string_view content) {
  std::string tmp = path + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Internal(tmp + ": cannot write: " + std::strerror(errno));
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!out) return Internal(tmp + ": write failed");
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return Internal(path + ": cannot rename into place");
  }
  return Status::Ok();
}

StatusOr<OutputDir> OutputDir::Create(const std::string& target_dir) {
  OutputDir d;
  d.target_ = target_dir;
  fs::path target(target_dir);
  fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code ec;
  if (!parent.empty()) fs::create_directories(parent, ec);
  std::random_device rd;
  for (int attempt = 0; attempt < 10; ++attempt) {
    fs::path staging = parent / (".almen-staging-" + target.filename().string() + "-" + std::to_string(rd()));
    if (fs::create_directory(staging, ec)) {
      d.staging_ = staging.string();
      return d;
    }
  }
  return Internal("cannot create a staging directory next to " + target_dir);
}

OutputDir::OutputDir(OutputDir&& o) noexcept
    : target_(std::move(o.target_)), staging_(std::move(o.staging_)), committed_(o.committed_) {
  o.staging_.clear();
}

OutputDir::~OutputDir() {
  if (!staging_.empty()) {
    std::error_code ec;
    fs::remove_all(staging_, ec);
  }
}

Status OutputDir::Write(const std::string& name, std::string_view content) {
  std::ofstream out(StagingPath(name), std::ios::binary | std::ios::trunc);
  if (!out) return Internal(StagingPath(name) + ": cannot write");
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) return Internal(StagingPath(name) + ": write failed");
  return Status::Ok();
}

Status OutputDir::Commit() {
  std::error_code ec;
  fs::create_directories(target_, ec);
  if (ec) return Internal(target_ + ": cannot create the output directory: " + ec.message());
  for (const auto& entry : fs::directory_iterator(staging_)) {
    fs::rename(entry.path(), fs::path(target_) / entry.path().filename(), ec);
    if (ec) return Internal(target_ + ": cannot move " + entry.path().filename().string() + " into place");
  }
  committed_ = true;
  return Status::Ok();
}

}  // namespace almen
