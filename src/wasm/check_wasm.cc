// The WebAssembly entry points of `almen check` (docs/control.md, "The check in
// the browser"): exactly what the command line calls (CheckClaims,
// CheckReportJson), on files the JavaScript side wrote into emscripten's
// in-memory file system. Nothing here does I/O outside that file system.
//
//   almen_agreement_info()          -> {"id","name","version","content_hash"}
//   almen_check(claims_path, opts)  -> {"ok":true,"report":{…CheckReportJson…}}
//                                    | {"ok":false,"exit":1|2,"error":"file:line:col: …"}
// opts is a JSON object: providers, listings, botilbud, attachments, sanctions
// (paths in the in-memory file system), price_level ("apr-24"), period
// ("YYYY-MM[:YYYY-MM]") and agreement_dir (a data set in the file system, for
// the golden test; default the built-in one). The returned string lives until
// the next call.
#include <emscripten/emscripten.h>

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "agreement/agreement.h"
#include "common/crypto.h"
#include "control/check.h"

namespace almen {
}  // namespace almen

namespace {

using almen::Agreement;
using almen::Status;
using almen::StatusOr;
using nlohmann::json;

std::string g_result;

const char* Return(const json& j) {
  g_result = j.dump();
  return g_result.c_str();
}

const char* ReturnError(const Status& s) {
  return Return({{"ok", false}, {"exit", almen::ExitCode(s)}, {"error", "almen: " + s.message()}});
}

const StatusOr<Agreement>& Builtin() {
  static const StatusOr<Agreement> a = Agreement::LoadBuiltin();
  return a;
}

Status Options(const json& o, almen::SettleOptions* options, std::string* agreement_dir) {
  auto str = [&](const char* k) { return o.contains(k) && o[k].is_string() ? o[k].get<std::string>() : std::string(); };
  options->providers_path = str("providers");
  options->listings_path = str("listings");
  options->botilbud_path = str("botilbud");
  options->attachments_path = str("attachments");
  options->sanctions_path = str("sanctions");
  options->threads = 1;  // no worker threads in the page's module (one Web Worker runs it)
  *agreement_dir = str("agreement_dir");
  const std::string price_level = str("price_level"), period = str("period");
  if (price_level == "apr-24") options->price_level_apr24 = true;
  else if (!price_level.empty() && price_level != "regulated")
    return almen::UsageError("--price-level must be 'apr-24' or 'regulated'");
  if (!period.empty()) {
    auto colon = period.find(':');
    auto from = almen::Month::Parse(period.substr(0, colon));
    auto to = colon == std::string::npos ? from : almen::Month::Parse(period.substr(colon + 1));
    if (!from || !to || *to < *from) return almen::UsageError("--period must be YYYY-MM or YYYY-MM:YYYY-MM");
    options->period_from = from;
    options->period_to = to;
  }
  return Status::Ok();
}

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE const char* almen_agreement_info() {
  const StatusOr<Agreement>& a = Builtin();
  if (!a.ok()) return ReturnError(a.status());
  return Return({{"ok", true},
                 {"id", a->id()},
                 {"name", a->name()},
                 {"version", a->version()},
                 {"content_hash", a->content_hash()}});
}

static const char* Check(const char* claims_path, const char* options_json) {
  json o = json::parse(options_json ? options_json : "{}", nullptr, false);
  if (o.is_discarded() || !o.is_object()) o = json::object();
  almen::SettleOptions options;
  options.claims_path = claims_path ? claims_path : "";
  std::string agreement_dir;
  if (Status st = Options(o, &options, &agreement_dir); !st.ok()) return ReturnError(st);
  std::optional<StatusOr<Agreement>> own;
  const StatusOr<Agreement>* agreement = &Builtin();
  if (!agreement_dir.empty()) agreement = &own.emplace(Agreement::LoadDirectory(agreement_dir));
  if (!agreement->ok()) return ReturnError(agreement->status());
  almen::CheckReport report;
  if (Status st = almen::CheckClaims(**agreement, options, &report); !st.ok()) return ReturnError(st);
  return Return({{"ok", true}, {"report", almen::CheckReportJson(report)}});
}

// No exception may leave the module (the worker would be lost): one that the
// engine did not turn into a Status is an internal error, reported as such.
EMSCRIPTEN_KEEPALIVE const char* almen_check(const char* claims_path, const char* options_json) {
  try {
    return Check(claims_path, options_json);
  } catch (const std::exception& e) {
    return ReturnError(almen::Internal(std::string("intern fejl i kontrollen: ") + e.what()));
  }
}

}  // extern "C"
