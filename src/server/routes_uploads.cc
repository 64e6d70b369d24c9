// Resumable upload routes (routes_uploads.h).
#include "server/routes_uploads.h"

#include <charconv>

#include <nlohmann/json.hpp>

#include "server/respond.h"

namespace almen {

namespace {

using json = nlohmann::json;

constexpr const char* kIdPath = R"(/api/uploads/([0-9a-f]{32}))";

}  // namespace

void DeclareResumableBodies(GuardedServer& h, uint64_t max_bytes) {
  h.AcceptBody("PATCH", kIdPath, kBodyCsv, max_bytes);
}

void RegisterResumableRoutes(GuardedServer& h, ResumableUploads& uploads, const UploadRouteDeps& deps) {
  h.Post("/api/uploads", deps.authed([&uploads, deps](const httplib::Request& req, httplib::Response& res,
                                                      const UserRecord& u) {
    if (!deps.may_upload(res, u)) return;
    auto body = JsonObject(req.body.empty() ? std::string_view("{}") : std::string_view(req.body));
    if (!body.ok()) return SendError(res, body.status());
    const std::string field = body->value("field", "claims"), name = body->value("name", "");
    auto r = uploads.Create(u.username, field, name);
    if (!r.ok()) return SendError(res, r.status());
    deps.audit(u.username, "upload.create", field + " " + (*r)["name"].get<std::string>());
    SendJson(res, *r, 201);
  }));

  h.Get(kIdPath, deps.authed([&uploads, deps](const httplib::Request& req, httplib::Response& res,
                                              const UserRecord& u) {
    if (!deps.may_upload(res, u)) return;
    auto r = uploads.Info(u.username, req.matches[1]);
    if (!r.ok()) return SendError(res, r.status());
    SendJson(res, *r);
  }));

  h.Delete(kIdPath, deps.authed([&uploads, deps](const httplib::Request& req, httplib::Response& res,
                                                 const UserRecord& u) {
    if (!deps.may_upload(res, u)) return;
    Status s = uploads.Remove(u.username, req.matches[1]);
    if (!s.ok()) return SendError(res, s);
    SendJson(res, {{"deleted", true}});
  }));

  h.Patch(kIdPath, deps.authed_upload([&uploads, deps](const httplib::Request& req, httplib::Response& res,
                                                       const httplib::ContentReader& reader, const UserRecord& u) {
    if (!deps.may_upload(res, u)) return;
    const std::string id = req.matches[1];
    const std::string header = req.get_header_value("Upload-Offset");
    uint64_t offset = 0;
    auto [end, ec] = std::from_chars(header.data(), header.data() + header.size(), offset);
    if (header.empty() || ec != std::errc() || end != header.data() + header.size())
      return SendError(res, InvalidInput("Angiv hvor stykket begynder i headeren Upload-Offset (et helt antal byte)."));
    auto r = uploads.Append(u.username, id, offset, [&](const std::function<bool(const char*, size_t)>& sink) {
      return reader([&](const char* d, size_t n) { return sink(d, n); });
    });
    if (!r.ok()) {
      // A wrong offset: say where the upload is, so the client goes on from there.
      if (r.status().code() == StatusCode::kConflict) {
        auto info = uploads.Info(u.username, id);
        if (info.ok()) {
          res.set_header("Upload-Offset", std::to_string((*info)["offset"].get<uint64_t>()));
          return SendJson(res, {{"error", {{"code", static_cast<int>(StatusCode::kConflict)},
                                           {"message", r.status().message()}}},
                                {"offset", (*info)["offset"]}},
                          409);
        }
      }
      return SendError(res, r.status());
    }
    res.set_header("Upload-Offset", std::to_string(*r));
    SendJson(res, {{"offset", *r}});
  }));
}

}  // namespace almen
