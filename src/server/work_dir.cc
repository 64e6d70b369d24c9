#include "server/work_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

namespace almen {

namespace fs = std::filesystem;

namespace {

constexpr const char* kMarker = ".almen-work";

void RemoveTree(const std::string& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
}

}  // namespace

ScopedDir& ScopedDir::operator=(ScopedDir&& o) noexcept {
  if (this != &o) {
    if (!path_.empty()) RemoveTree(path_);
    path_ = std::move(o.path_);
    o.path_.clear();
  }
  return *this;
}

ScopedDir::~ScopedDir() {
  if (!path_.empty()) RemoveTree(path_);
}

std::string WorkDir::DefaultRoot() {
  const char* tmp = std::getenv("TMPDIR");
  std::string base = tmp && *tmp ? tmp : "/tmp";
  return (fs::path(base) / ("almen-work-" + std::to_string(getuid()))).string();
}

StatusOr<std::unique_ptr<WorkDir>> WorkDir::Open(const std::string& root_arg) {
  if (root_arg.empty()) return InvalidInput("work directory: no path given");
  const std::string root = fs::absolute(root_arg).lexically_normal().string();
  struct stat st {};
  if (lstat(root.c_str(), &st) != 0) {
    if (mkdir(root.c_str(), 0700) != 0 && errno != EEXIST)
      return Internal("work directory " + root + ": cannot create it");
    std::ofstream(fs::path(root) / kMarker) << "almen serve work directory: removed and swept by almen\n";
    if (lstat(root.c_str(), &st) != 0) return Internal("work directory " + root + ": cannot read it");
  }
  if (S_ISLNK(st.st_mode) || !S_ISDIR(st.st_mode))
    return InvalidInput("work directory " + root + " is not a directory (symbolic links are refused)");
  if (st.st_uid != geteuid()) return InvalidInput("work directory " + root + " belongs to another user");
  if (!fs::exists(fs::path(root) / kMarker)) {
    std::error_code ec;
    if (!fs::is_empty(root, ec))
      return InvalidInput("work directory " + root + " is not empty and not almen's (no " + kMarker +
                          "): choose an empty or new directory");
    std::ofstream(fs::path(root) / kMarker) << "almen serve work directory: removed and swept by almen\n";
  }
  if ((st.st_mode & 0777) != 0700 && chmod(root.c_str(), 0700) != 0)
    return Internal("work directory " + root + ": cannot make it private (0700)");

  std::unique_ptr<WorkDir> w(new WorkDir());
  w->root_ = root;
  // The sweep: every instance whose lock is free belonged to a process that
  // is gone; everything else that is not ours is left over too.
  std::error_code ec;
  std::vector<fs::path> entries;
  for (const auto& e : fs::directory_iterator(root, ec)) entries.push_back(e.path());
  for (const auto& p : entries) {
    const std::string name = p.filename().string();
    if (name == kMarker || name.ends_with(".lock")) continue;
    if (name.starts_with(".new-")) {
      // A lock being created right now, or one a crash left behind.
      int fd = open(p.c_str(), O_RDWR | O_CLOEXEC);
      if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0) {
        unlink(p.c_str());
        ++w->swept_;
      }
      if (fd >= 0) close(fd);
      continue;
    }
    const std::string lock = p.string() + ".lock";
    int fd = open(lock.c_str(), O_RDWR | O_CLOEXEC);
    if (fd >= 0) {
      const bool live = flock(fd, LOCK_EX | LOCK_NB) != 0;
      if (live) {
        close(fd);
        continue;  // another running server's instance
      }
      RemoveTree(p.string());
      unlink(lock.c_str());
      close(fd);
    } else {
      RemoveTree(p.string());
    }
    ++w->swept_;
  }
  // Lock files whose directory is gone (a crash between the two removals).
  for (const auto& e : fs::directory_iterator(root, ec)) {
    const std::string name = e.path().filename().string();
    if (!name.ends_with(".lock")) continue;
    const std::string dir = e.path().string().substr(0, e.path().string().size() - 5);
    if (fs::exists(dir)) continue;
    int fd = open(e.path().c_str(), O_RDWR | O_CLOEXEC);
    if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0) unlink(e.path().c_str());
    if (fd >= 0) close(fd);
  }
  // This process's instance: the lock file appears already locked (created
  // under a temporary name, locked, renamed), then the directory, so a server
  // starting at the same moment never takes it for a dead one.
  std::string tmpl_s = (fs::path(root) / (".new-" + std::to_string(getpid()) + "-XXXXXX")).string();
  std::vector<char> tmpl(tmpl_s.begin(), tmpl_s.end());
  tmpl.push_back('\0');
  w->lock_fd_ = mkostemp(tmpl.data(), O_CLOEXEC);
  if (w->lock_fd_ < 0 || flock(w->lock_fd_, LOCK_EX | LOCK_NB) != 0)
    return Internal("work directory " + root + ": cannot lock an instance directory");
  const std::string suffix = std::string(tmpl.data()).substr(tmpl_s.size() - 6);
  w->path_ = (fs::path(root) / ("run-" + std::to_string(getpid()) + "-" + suffix)).string();
  w->lock_path_ = w->path_ + ".lock";
  if (rename(tmpl.data(), w->lock_path_.c_str()) != 0 || mkdir(w->path_.c_str(), 0700) != 0) {
    unlink(tmpl.data());
    w->path_.clear();
    return Internal("work directory " + root + ": cannot create the instance directory");
  }
  return w;
}

WorkDir::~WorkDir() {
  if (!path_.empty()) RemoveTree(path_);
  if (lock_fd_ >= 0) {
    unlink(lock_path_.c_str());
    close(lock_fd_);
  }
}

StatusOr<ScopedDir> WorkDir::NewDir(std::string_view prefix) const {
  std::string tmpl_s = (fs::path(path_) / (std::string(prefix) + "-XXXXXX")).string();
  std::vector<char> tmpl(tmpl_s.begin(), tmpl_s.end());
  tmpl.push_back('\0');
  if (!mkdtemp(tmpl.data())) return Internal("cannot create a private directory in " + path_);
  return ScopedDir(tmpl.data());
}

}  // namespace almen
