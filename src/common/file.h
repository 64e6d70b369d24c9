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
