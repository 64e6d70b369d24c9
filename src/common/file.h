// File access behind small types so that tests can use temporary directories
// and the settlement engine can read large files without copying.
//
// MappedFile: a read-only view of a whole file (mmap; empty files are fine).
// OutputDir: writes a set of output files so that either all of them appear
//   in the target directory or none does: files are written into a fresh
//   sibling staging directory, and only Commit() moves them into place. If the
//   OutputDir is destroyed without Commit(), the staging directory is removed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace almen {

class MappedFile {
 public:
  static StatusOr<MappedFile> Open(const std::string& path);
  MappedFile(MappedFile&& o) noexcept;
  MappedFile& operator=(MappedFile&& o) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();
  std::string_view data() const { return {data_, size_}; }
  const std::string& path() const { return path_; }

 private:
  MappedFile() = default;
  std::string path_;
  const char* data_ = "";
  size_t size_ = 0;
  bool mapped_ = false;
};

// Writes one file front to back (created or truncated). With `direct`, whole
// blocks go to the disk past the page cache (O_DIRECT) where the file system
// takes it, and only the last partial block goes through the page cache;
// elsewhere, or without `direct`, every byte goes through the page cache. For
// output of gigabytes: on a virtual machine whose free memory is given back to
// the host, each new page-cache page costs a fault in the host
// (docs/performance.md, "The evening's sitting").
class FileWriter {
 public:
  static StatusOr<FileWriter> Create(const std::string& path, bool direct);
  FileWriter(FileWriter&& o) noexcept;
  FileWriter& operator=(FileWriter&& o) noexcept;
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;
  ~FileWriter();  // closes, if Close() was not called (its errors lost)
  Status Append(std::string_view bytes);
  Status Close();
  // Whether the blocks so far went past the page cache.
  bool direct() const { return direct_; }

  static constexpr size_t kBlock = 4096, kBuffer = size_t{4} << 20;

 private:
  FileWriter() = default;
  Status WriteOut(const char* p, size_t n);
  Status DropDirect();
  void Release();
  std::string path_;
  int fd_ = -1;
  bool direct_ = false;
  char* buffer_ = nullptr;  // kBuffer bytes, kBlock-aligned (direct only)
  size_t size_ = 0;
};

StatusOr<std::string> ReadFile(const std::string& path);
// Writes via a temporary file and rename, so a reader never sees half a file.
Status WriteFileAtomic(const std::string& path, std::string_view content);

class OutputDir {
 public:
  static StatusOr<OutputDir> Create(const std::string& target_dir);
  OutputDir(OutputDir&& o) noexcept;
  OutputDir(const OutputDir&) = delete;
  ~OutputDir();
  // Full path of `name` inside the staging directory.
  std::string StagingPath(const std::string& name) const { return staging_ + "/" + name; }
  Status Write(const std::string& name, std::string_view content);
  // Moves every staged file into the target directory (each by rename).
  Status Commit();

 private:
  OutputDir() = default;
  std::string target_;
  std::string staging_;
  bool committed_ = false;
};

// The file's name without its directories, for messages ("claims.csv").
std::string BaseName(const std::string& path);

}  // namespace almen
