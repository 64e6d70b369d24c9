#include "server/respond.h"

#include <charconv>

#include "common/json_text.h"

namespace almen {

void SendJson(httplib::Response& res, const nlohmann::json& j, int status) {
  res.status = status;
  res.set_content(JsonText(j), "application/json; charset=utf-8");
}

namespace {

// The number at `p` (digits up to a ':' or ' '), or npos.
size_t DigitsEnd(const std::string& m, size_t p) {
  size_t e = p;
  while (e < m.size() && m[e] >= '0' && m[e] <= '9') ++e;
  return e > p ? e : std::string::npos;
}

}  // namespace

nlohmann::json ErrorBody(const Status& s) {
  nlohmann::json e = {{"code", static_cast<int>(s.code())}, {"message", s.message()}};
  // "file:line:col (field): msg" or "file:line:col: msg" (common/csv.h): a key of
  // the UI's catalogue with its parts, the inner message left for the UI to match.
  const std::string& m = s.message();
  const size_t c1 = m.find(':');
  if (c1 != std::string::npos && c1 > 0 && m.find_first_of(" \t", 0) > c1) {
    const size_t l_end = DigitsEnd(m, c1 + 1);
    const size_t c_end = l_end != std::string::npos && l_end < m.size() && m[l_end] == ':' ? DigitsEnd(m, l_end + 1)
                                                                                          : std::string::npos;
    if (c_end != std::string::npos && c_end < m.size()) {
      nlohmann::json vars = {{"file", m.substr(0, c1)},
                             {"line", m.substr(c1 + 1, l_end - c1 - 1)},
                             {"col", m.substr(l_end + 1, c_end - l_end - 1)}};
      const size_t close = m.find("): ", c_end);
      if (m.compare(c_end, 2, " (") == 0 && close != std::string::npos) {
        vars["field"] = m.substr(c_end + 2, close - c_end - 2);
        vars["msg"] = m.substr(close + 3);
        e["key"] = "error.file.field";
        e["vars"] = vars;
      } else if (m.compare(c_end, 2, ": ") == 0) {
        vars["msg"] = m.substr(c_end + 2);
        e["key"] = "error.file.record";
        e["vars"] = vars;
      }
    }
  }
  return e;
}

void SendError(httplib::Response& res, const Status& s) { SendJson(res, {{"error", ErrorBody(s)}}, HttpStatus(s)); }

void SendHttpError(httplib::Response& res, int http_status, const std::string& message) {
  StatusCode code = StatusCode::kInvalidInput;
  if (http_status == 401) code = StatusCode::kUnauthenticated;
  else if (http_status == 403) code = StatusCode::kPermissionDenied;
  else if (http_status == 404) code = StatusCode::kNotFound;
  else if (http_status == 409) code = StatusCode::kConflict;
  else if (http_status >= 500) code = StatusCode::kInternal;
  SendJson(res, {{"error", {{"code", static_cast<int>(code)}, {"message", message}}}}, http_status);
}

StatusOr<int64_t> ParseId(std::string_view text) {
  int64_t v = 0;
  if (text.empty() || text.size() > 18) return InvalidInput("ugyldigt id: højst 18 cifre");
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 0)
    return InvalidInput("ugyldigt id: et id er et helt tal");
  return v;
}

StatusOr<int64_t> PathId(const httplib::Request& req, size_t group) {
  if (req.matches.size() <= group) return InvalidInput("ugyldigt id");
  return ParseId(req.matches[group].str());
}

StatusOr<nlohmann::json> JsonObject(std::string_view body) {
  // Nesting depth outside strings: deep arrays are refused before parsing.
  int depth = 0;
  bool in_string = false, escape = false;
  for (char c : body) {
    if (in_string) {
      if (escape) escape = false;
      else if (c == '\\') escape = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth)
        return InvalidInput("forespørgslens JSON er indlejret i mere end " + std::to_string(kMaxJsonDepth) +
                            " niveauer");
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  nlohmann::json b = nlohmann::json::parse(body, nullptr, false);
  if (!b.is_object()) return InvalidInput("forespørgslens krop skal være et JSON-objekt");
  return b;
}

int64_t QueryInt(const httplib::Request& req, const char* key, int64_t dflt) {
  if (!req.has_param(key)) return dflt;
  const std::string v = req.get_param_value(key);
  int64_t out = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || end != v.data() + v.size()) return dflt;
  return out;
}

}  // namespace almen
