// The server's private work directory: every file the server writes outside
// the database — uploaded files (claims and listings carry CPR numbers in
// clear), a re-run's unsealed inputs, settlement outputs before import, XLSX
// exports — goes into it, and nothing survives there:
//  - the root is created 0700 and marked as almen's (a `.almen-work` file); a
//    root that exists unmarked and not empty, is a symbolic link or belongs to
//    another user is refused, so a mistyped --work-dir never sweeps /tmp;
//  - each server process works in its own instance directory below the root,
//    held by a lock (flock) for the process's life;
//  - at start-up every instance directory whose process is gone (killed: its
//    lock is free) is removed with everything in it (the sweep);
//  - each job gets a ScopedDir, removed when the job ends, whatever happened
//    (RAII: success, failure, exception, cancellation);
//  - the instance directory is removed when the server stops.
// A kill -9 leaves files until the next start; docs/security.md says so.
//
// Thread safe: NewDir may be called from any thread.
//
// Example:
//   ALMEN_ASSIGN_OR_RETURN(auto work, WorkDir::Open("/var/tmp/almen-work"));
//   ALMEN_ASSIGN_OR_RETURN(ScopedDir d, work->NewDir("upload"));
//   … write d.path() / "claims.csv" …   // removed when d goes out of scope
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace almen {

// A private directory (0700) removed with everything in it on destruction.
class ScopedDir {
 public:
  ScopedDir() = default;
  explicit ScopedDir(std::string path) : path_(std::move(path)) {}
  ScopedDir(ScopedDir&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
  ScopedDir& operator=(ScopedDir&& o) noexcept;
  ScopedDir(const ScopedDir&) = delete;
  ScopedDir& operator=(const ScopedDir&) = delete;
  ~ScopedDir();
  const std::string& path() const { return path_; }
  bool empty() const { return path_.empty(); }
  // Gives the directory up (someone else removes it now) and returns its path.
  std::string Release() {
    std::string p = std::move(path_);
    path_.clear();
    return p;
  }

 private:
  std::string path_;
};

class WorkDir {
 public:
  // The default root: $TMPDIR (or /tmp) / almen-work-<uid>.
  static std::string DefaultRoot();
  // Opens the root (see above), sweeps what dead instances left, and creates
  // this process's instance directory.
  static StatusOr<std::unique_ptr<WorkDir>> Open(const std::string& root);
  ~WorkDir();
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;

  const std::string& root() const { return root_; }
  // This process's instance directory (0700).
  const std::string& path() const { return path_; }
  // A new private directory in path(), e.g. "<path>/upload-Xy12ab".
  StatusOr<ScopedDir> NewDir(std::string_view prefix) const;
  // Entries the start-up sweep removed (instance directories of dead processes).
  int64_t swept() const { return swept_; }

 private:
  WorkDir() = default;
  std::string root_, path_, lock_path_;
  int lock_fd_ = -1;
  int64_t swept_ = 0;
};

}  // namespace almen
