// The HTTP routes of resumable uploads (resumable.h): POST /api/uploads,
// GET/PATCH/DELETE /api/uploads/{id}. The server passes its session wrappers
// and its upload permission check; the routes only parse and answer.
#pragma once

#include <httplib.h>

#include <functional>

#include "server/http_guard.h"
#include "server/resumable.h"
#include "storage/storage.h"

namespace almen {

struct UploadRouteDeps {
  using Handler = std::function<void(const httplib::Request&, httplib::Response&, const UserRecord&)>;
  using ReaderHandler = std::function<void(const httplib::Request&, httplib::Response&, const httplib::ContentReader&,
                                           const UserRecord&)>;
  std::function<httplib::Server::Handler(Handler)> authed;
  std::function<httplib::Server::HandlerWithContentReader(ReaderHandler)> authed_upload;
  // Whether the user may upload (answers 403 itself when not).
  std::function<bool(httplib::Response&, const UserRecord&)> may_upload;
  std::function<void(const std::string& user, const std::string& action, const std::string& detail)> audit;
};

// Declares the PATCH body rule (AcceptBody, before Install) and the routes.
void DeclareResumableBodies(GuardedServer& h, uint64_t max_bytes);
void RegisterResumableRoutes(GuardedServer& h, ResumableUploads& uploads, const UploadRouteDeps& deps);

}  // namespace almen
