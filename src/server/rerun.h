// Re-run and diff of a stored settlement run (issue 4: "any run can be re-run
// and diffed — what changed and why").
//
// A run's inputs are kept sealed (storage/reruns.h) and its agreement data set
// by hash. RerunAndDiff opens them into a private temporary directory,
// settles again — under the run's own agreement version ("original": replays
// the run; no line may change) or under the agreement in force now
// ("current": the effect of corrected agreement data) — and stores what
// changed: every line whose status, amount or rule differs, with the new
// rule's Danish reason and paragraph, and every statement row whose count or
// amount differs. A claim the stored run rejected as a duplicate of an earlier
// run stays rejected. Nothing is imported: the stored run is never touched.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "agreement/agreement.h"
#include "common/crypto.h"
#include "server/app.h"
#include "storage/storage.h"

namespace almen {

struct RerunRequest {
  int64_t run_id = 0;
  bool original_agreement = false;  // true: the run's own agreement version
  // true: the botilbud register, attachments and LSU sanctions as stored now
  // (e.g. a sanction registered after the run) instead of the kept files.
  bool current_registers = false;
  // Corrected input files replacing the kept ones, by kind (providers,
  // listings, botilbud, attachments, sanctions) → path. Never claims: a re-run
  // is of the run's own claim file.
  std::map<std::string, std::string> replacements;
  std::string replacement_dir;  // where the server saved them (removed after the job)
  // Where the run's unsealed inputs are opened (a private directory is made
  // in it and removed after); "" = the system's temporary directory.
  std::string work_dir;
  std::string user, now;
};

StatusOr<int64_t> RerunAndDiff(Storage& db, const Agreement& current, const Pseudonymizer& pseudonymizer,
                               const Pipeline& pipeline, const RerunRequest& request,
                               const std::atomic<bool>* cancel,
                               const std::function<void(const std::string&, double)>& progress);

// After a run is imported: keeps its inputs sealed and its agreement data set,
// so it can be re-run. `inputs` are the files the settlement read.
Status KeepRunInputs(Storage& db, const Agreement& agreement, const Pseudonymizer& pseudonymizer,
                     const std::string& claims_sha256, const std::vector<ImportInput>& inputs,
                     const std::string& now);

}  // namespace almen
