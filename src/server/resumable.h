// Resumable uploads (issue 14 item 4): a national claims file (5–6 GB, or a
// tenth of that compressed) is sent in pieces, so a dropped connection costs
// the piece in flight, not the file. The protocol is tus-like and small:
//
//   POST   /api/uploads  {"field": "claims", "name": "claims.csv.zst"}  → 201 {"id", "offset": 0}
//   PATCH  /api/uploads/{id}   Upload-Offset: N, body = the next bytes    → 200 {"offset"}
//          (409 {"offset"} when N is not where the file ends: the client asks and goes on from there)
//   GET    /api/uploads/{id}                                             → {"offset", "field", "name", …}
//   DELETE /api/uploads/{id}
//   POST   /api/settlements  {"uploads": {"claims": id, "providers": id2, …}} → 202 {"job_id"}
//
// The bytes are kept as sent (compressed or not) in a private folder of the
// server's work directory (work_dir.h: 0700, swept at start-up, so nothing
// with CPR numbers in clear outlives the server process); when the settlement
// takes them they pass through an UploadReceiver (upload.h) like any upload:
// gzip/zstd recognised by their magic, the same limits, Danish errors. What a
// dropped PATCH wrote before the drop is kept: the client resumes at the
// offset GET reports.
//
// Ownership: an upload belongs to the user who created it; anyone else gets
// "not found" (404), as for every object (access.h). An upload idle for
// kIdleSeconds is removed; a user has at most kMaxPerUser at once.
//
// Thread safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "server/upload.h"
#include "server/work_dir.h"

namespace almen {

class ResumableUploads {
 public:
  static constexpr int64_t kIdleSeconds = 24 * 3600;
  static constexpr size_t kMaxPerUser = 8;

  // `fields`: the fields a settlement takes (claims, providers, …); `max_bytes`:
  // the most one upload may hold as sent.
  ResumableUploads(const WorkDir* work, std::vector<std::string> fields, uint64_t max_bytes);

  // A new upload of `field` named `name` for `user`; InvalidInput for an
  // unknown field, ResourceExhausted when the user has kMaxPerUser already.
  StatusOr<nlohmann::json> Create(const std::string& user, const std::string& field, const std::string& name);
  // The upload's state; NotFound for an unknown id or another user's.
  StatusOr<nlohmann::json> Info(const std::string& user, const std::string& id);
  // Appends the bytes `read` delivers at `offset`. Conflict (with the current
  // offset in the message) when `offset` is not the upload's size; what was
  // written before a dropped connection is kept. Returns the new offset.
  // `read(sink)` calls sink(data, n) for each piece and returns false when the
  // transfer broke off.
  using Reader = std::function<bool(const std::function<bool(const char*, size_t)>& sink)>;
  StatusOr<uint64_t> Append(const std::string& user, const std::string& id, uint64_t offset, const Reader& read);
  Status Remove(const std::string& user, const std::string& id);

  // Moves the user's uploads `ids` (field → id) through `rx` (decompressed and
  // checked as any upload, written into rx's folder) and removes them; the
  // uploads stay when an error is returned, so the client may try again.
  Status Deliver(const std::string& user, const std::map<std::string, std::string>& ids, UploadReceiver& rx);

  // Removes uploads idle for more than kIdleSeconds (called by the server's
  // periodic purge). Returns how many went.
  size_t PurgeIdle();

 private:
  struct Entry {
    std::string user, field, name, created_at;
    ScopedDir dir;
    std::string file;  // dir/data
    uint64_t bytes = 0;
    int64_t touched = 0;  // steady seconds
    bool busy = false;    // a PATCH or a delivery is running
  };
  // The entry for (user, id) or NotFound; call with mu_ held.
  StatusOr<Entry*> Find(const std::string& user, const std::string& id);
  nlohmann::json ToJson(const std::string& id, const Entry& e) const;

  const WorkDir* work_;
  std::vector<std::string> fields_;
  uint64_t max_bytes_;
  std::mutex mu_;
  std::map<std::string, Entry> uploads_;  // id → entry
};

}  // namespace almen
