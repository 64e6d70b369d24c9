// JSON request bodies (server/respond.h JsonObject) and path ids (ParseId):
// an object or a Danish error, never an exception, a deep recursion or a
// non-UTF-8 answer.
#include <cstdint>
#include <string>
#include <string_view>

#include "common/csv.h"
#include "common/json_text.h"
#include "server/respond.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto j = almen::JsonObject(body);
  if (j.ok()) {
    if (!j->is_object()) __builtin_trap();
    // What the handlers do with a body: look up a field by its type (never
    // json::value with a default, which throws when the type differs), answer with it.
    if (auto it = j->find("username"); it != j->end() && it->is_string()) (void)it->get<std::string>();
    if (almen::FindInvalidUtf8(almen::JsonText(*j)) != std::string_view::npos) __builtin_trap();
  }
  (void)almen::ParseId(body.substr(0, 24));
  return 0;
}
