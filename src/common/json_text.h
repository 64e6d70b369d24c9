// The one place where a JSON value becomes text (responses, log lines, stored
// JSON, the command line's output), and the one place where untrusted bytes
// become valid UTF-8.
//
// nlohmann::json keeps std::string values as given; dumping a string that is
// not valid UTF-8 throws type_error.316. Every such string (a request path, a
// user name typed at the login form, an uploaded file's name) comes from
// outside, so JsonText never throws for it: invalid bytes become U+FFFD.
//
// Thread safe (pure functions).
//
// Example:
//   res.set_content(JsonText(j), "application/json; charset=utf-8");
//   db->Audit(now, ValidUtf8(username), "login.failed", "");
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace almen {

// `j` as JSON text; `indent` < 0: compact. Invalid UTF-8 in strings is
// replaced by U+FFFD (never throws for it).
std::string JsonText(const nlohmann::json& j, int indent = -1);

// `s` with every invalid UTF-8 sequence replaced by U+FFFD (valid input is
// returned unchanged).
std::string ValidUtf8(std::string_view s);

// At most `max_bytes` of ValidUtf8(s), cut at a character boundary, with ASCII
// control characters (tab, CR, LF, …) replaced by '?': for names and other
// short user text that ends up in logs, audit rows and messages.
std::string CleanText(std::string_view s, size_t max_bytes);

}  // namespace almen
