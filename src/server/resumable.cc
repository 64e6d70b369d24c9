// Resumable uploads (resumable.h).
#include "server/resumable.h"

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "common/file.h"
#include "common/json_text.h"
#include "common/utc_time.h"

namespace almen {

namespace {

using json = nlohmann::json;

int64_t SteadySeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// 128 random bits as 32 hex digits: ids that cannot be guessed or counted.
std::string NewId() {
  unsigned char raw[16];
  randombytes_buf(raw, sizeof raw);
  char hex[33];
  sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
  return hex;
}

bool WellFormedId(const std::string& id) {
  return id.size() == 32 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace

ResumableUploads::ResumableUploads(const WorkDir* work, std::vector<std::string> fields, uint64_t max_bytes)
    : work_(work), fields_(std::move(fields)), max_bytes_(max_bytes) {}

json ResumableUploads::ToJson(const std::string& id, const Entry& e) const {
  return {{"id", id},          {"field", e.field},           {"name", e.name},
          {"offset", e.bytes}, {"created_at", e.created_at}, {"max_bytes", max_bytes_},
          {"href", "/api/uploads/" + id}};
}

StatusOr<ResumableUploads::Entry*> ResumableUploads::Find(const std::string& user, const std::string& id) {
  auto it = WellFormedId(id) ? uploads_.find(id) : uploads_.end();
  if (it == uploads_.end() || it->second.user != user) return NotFound("Overførslen findes ikke.");
  return &it->second;
}

StatusOr<json> ResumableUploads::Create(const std::string& user, const std::string& field, const std::string& name) {
  if (std::find(fields_.begin(), fields_.end(), field) == fields_.end()) {
    std::string known;
    for (const auto& f : fields_) known += (known.empty() ? "" : ", ") + f;
    return InvalidInput("Feltet '" + CleanText(field, 40) + "' kan ikke overføres (kun " + known + ").");
  }
  PurgeIdle();
  {
    std::lock_guard lock(mu_);
    size_t mine = std::count_if(uploads_.begin(), uploads_.end(), [&](const auto& u) { return u.second.user == user; });
    if (mine >= kMaxPerUser)
      return Conflict("Du har allerede " + std::to_string(kMaxPerUser) +
                      " ufærdige overførsler; afslut eller slet en af dem først.");
  }
  ALMEN_ASSIGN_OR_RETURN(ScopedDir dir, work_->NewDir("resumable"));
  Entry e;
  e.user = user;
  e.field = field;
  e.name = CleanFileName(name.empty() ? field + ".csv" : name);
  e.created_at = UtcTimestamp();
  e.file = (std::filesystem::path(dir.path()) / "data").string();
  {
    std::ofstream f(e.file, std::ios::binary);
    if (!f) return Internal("Overførslen kan ikke oprettes på serverens disk.");
  }
  e.dir = std::move(dir);
  e.touched = SteadySeconds();
  std::lock_guard lock(mu_);
  std::string id = NewId();
  json out = ToJson(id, e);
  uploads_.emplace(id, std::move(e));
  return out;
}

StatusOr<json> ResumableUploads::Info(const std::string& user, const std::string& id) {
  std::lock_guard lock(mu_);
  ALMEN_ASSIGN_OR_RETURN(Entry * e, Find(user, id));
  return ToJson(id, *e);
}

StatusOr<uint64_t> ResumableUploads::Append(const std::string& user, const std::string& id, uint64_t offset,
                                            const Reader& read) {
  std::string file;
  uint64_t size;
  {
    std::lock_guard lock(mu_);
    ALMEN_ASSIGN_OR_RETURN(Entry * e, Find(user, id));
    if (e->busy) return Conflict("Overførslen er i gang fra en anden forbindelse (offset " + std::to_string(e->bytes) + ").");
    if (offset != e->bytes)
      return Conflict("Upload-Offset er " + std::to_string(offset) + ", men overførslen har " + std::to_string(e->bytes) +
                      " byte; fortsæt fra " + std::to_string(e->bytes) + ".");
    e->busy = true;
    file = e->file;
    size = e->bytes;
  }
  uint64_t written = 0;
  Status error;
  {
    std::FILE* f = std::fopen(file.c_str(), "ab");
    if (!f) {
      error = Internal("Overførslen kan ikke skrives på serverens disk.");
    } else {
      // A dropped connection (read() false without an error) keeps what
      // arrived; the client resumes at the offset.
      (void)read([&](const char* d, size_t n) {
        if (size + written + n > max_bytes_) {
          error = InvalidInput("Overførslen er større end de tilladte " + std::to_string(max_bytes_) + " byte.");
          return false;
        }
        if (std::fwrite(d, 1, n, f) != n) {
          error = Internal("Serverens disk er fuld: overførslen kan ikke skrives.");
          return false;
        }
        written += n;
        return true;
      });
      if (std::fflush(f) != 0 && error.ok()) error = Internal("Serverens disk er fuld: overførslen kan ikke skrives.");
      std::fclose(f);
    }
  }
  // What reached the disk counts, also after a drop; a write error trims the
  // file back to the whole pieces known.
  std::error_code ec;
  uint64_t on_disk = std::filesystem::file_size(file, ec);
  if (ec) on_disk = size;
  if (!error.ok() && on_disk != size + written) std::filesystem::resize_file(file, size + written, ec);
  std::lock_guard lock(mu_);
  auto it = uploads_.find(id);
  if (it == uploads_.end()) return NotFound("Overførslen findes ikke.");
  it->second.busy = false;
  it->second.bytes = std::min(on_disk, size + written);
  it->second.touched = SteadySeconds();
  if (!error.ok()) return error;
  return it->second.bytes;
}

Status ResumableUploads::Remove(const std::string& user, const std::string& id) {
  ScopedDir gone;
  std::lock_guard lock(mu_);
  ALMEN_ASSIGN_OR_RETURN(Entry * e, Find(user, id));
  if (e->busy) return Conflict("Overførslen er i gang og kan ikke slettes nu.");
  gone = std::move(e->dir);
  uploads_.erase(id);
  return Status::Ok();
}

Status ResumableUploads::Deliver(const std::string& user, const std::map<std::string, std::string>& ids,
                                 UploadReceiver& rx) {
  std::vector<std::pair<std::string, Entry*>> taken;
  {
    std::lock_guard lock(mu_);
    for (const auto& [field, id] : ids) {
      ALMEN_ASSIGN_OR_RETURN(Entry * e, Find(user, id));
      if (e->busy) return Conflict("Overførslen til " + field + " er i gang.");
      if (e->field != field)
        return InvalidInput("Overførslen " + id + " er til " + e->field + ", ikke " + CleanText(field, 40) + ".");
      taken.emplace_back(id, e);
    }
    for (auto& [id, e] : taken) e->busy = true;
  }
  auto release = [&] {
    std::lock_guard lock(mu_);
    for (auto& [id, e] : taken) e->busy = false;
  };
  Status st;
  std::vector<char> buf(1 << 20);
  for (auto& [id, e] : taken) {
    std::FILE* f = std::fopen(e->file.c_str(), "rb");
    if (!f) {
      st = Internal("Overførslen kan ikke læses på serverens disk.");
      break;
    }
    bool ok = rx.BeginRaw(e->field, e->name);
    while (ok) {
      size_t n = std::fread(buf.data(), 1, buf.size(), f);
      if (n == 0) break;
      ok = rx.Write(buf.data(), n);
    }
    std::fclose(f);
    if (!ok) break;
  }
  if (st.ok()) st = rx.Finish(true);
  if (!st.ok()) {
    release();
    return st;
  }
  std::vector<ScopedDir> gone;
  std::lock_guard lock(mu_);
  for (auto& [id, e] : taken) {
    gone.push_back(std::move(e->dir));
    uploads_.erase(id);
  }
  return Status::Ok();
}

size_t ResumableUploads::PurgeIdle() {
  std::vector<ScopedDir> gone;
  const int64_t now = SteadySeconds();
  std::lock_guard lock(mu_);
  for (auto it = uploads_.begin(); it != uploads_.end();) {
    if (!it->second.busy && now - it->second.touched > kIdleSeconds) {
      gone.push_back(std::move(it->second.dir));
      it = uploads_.erase(it);
    } else {
      ++it;
    }
  }
  return gone.size();
}

}  // namespace almen
