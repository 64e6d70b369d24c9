// What every route group shares to answer a request and to read its path and
// body: the one place where an API answer becomes JSON text (common/json_text.h:
// never throws for invalid UTF-8), the one id parser for path ids, and the one
// JSON body reader. Route files use these instead of copies of their own.
//
// Thread safe (pure functions).
//
// Example:
//   ALMEN_ASSIGN_OR_RETURN(int64_t id, PathId(req));      // "/api/x/(\d+)"
//   ALMEN_ASSIGN_OR_RETURN(nlohmann::json b, JsonObject(req.body));
//   SendJson(res, {{"id", id}}, 201);
#pragma once

#include <httplib.h>

#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace almen {

// Sets `j` as the JSON body ("application/json; charset=utf-8") with `status`.
void SendJson(httplib::Response& res, const nlohmann::json& j, int status = 200);
// {"error": {"code": …, "message": …}} with the HTTP status of `s` (status.h).
// A message about a place in a file ("claims.csv:3:5 (code): …", common/csv.h)
// also gets a stable "key" of the UI's catalogue (error.file.field or
// error.file.record) and its "vars" (file, line, col, field, msg), which the UI
// shows in Danish (web/errors.js) whatever the English around them says.
void SendError(httplib::Response& res, const Status& s);
// The "error" object SendError sends.
nlohmann::json ErrorBody(const Status& s);
// The same error body with an HTTP status Status has no code for (411, 413,
// 415, 416, 429, 431, 503).
void SendHttpError(httplib::Response& res, int http_status, const std::string& message);

// A path id: 1–18 decimal digits (what the routes' "(\d+)" captures); longer or
// non-numeric text is InvalidInput (400), never an exception.
StatusOr<int64_t> ParseId(std::string_view text);
// ParseId of the route's regex group `group` (1 = the first).
StatusOr<int64_t> PathId(const httplib::Request& req, size_t group = 1);

// The most nesting a JSON request body may have ([[[…]]] costs stack and time).
inline constexpr int kMaxJsonDepth = 32;
// `body` as a JSON object; InvalidInput (Danish) for anything else: empty,
// not JSON, invalid UTF-8, nested deeper than kMaxJsonDepth, or not an object.
StatusOr<nlohmann::json> JsonObject(std::string_view body);

// ?key=integer, or `dflt` when absent or not a whole number.
int64_t QueryInt(const httplib::Request& req, const char* key, int64_t dflt);

}  // namespace almen
