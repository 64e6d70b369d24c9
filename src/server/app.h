// The server application behind `almen serve`, as a class so that tests can
// run it in-process on a free port with fake settlement/generation steps.
//
// Thread safety: handlers run on cpp-httplib's worker threads; all shared
// state (storage, jobs) is internally synchronised.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "agreement/agreement.h"
#include "common/crypto.h"
#include "common/status.h"
#include "generate/generate.h"
#include "server/server.h"
#include "settlement/settle.h"

namespace almen {

// The long-running steps, injectable (tests use small fakes).
struct Pipeline {
  std::function<Status(const GenerateOptions&, GenerateSummary*)> generate;
  std::function<Status(const Agreement&, const Pseudonymizer&, const SettleOptions&, const std::string&,
                       SettleSummary*)>
      settle;
  static Pipeline Default();  // almen's Generate and Settle
};

class App {
 public:
  // Opens the database (migrations applied) and registers the routes.
  static StatusOr<std::unique_ptr<App>> Create(const Agreement& agreement, const ServeOptions& options,
                                               Pipeline pipeline);
  ~App();

  // If the database has no settlement run and demo data is enabled: generates
  // demo data, settles and imports it, creates the demo users and prints
  // their passwords on stderr. Creates an initial `rltn` user if there is none.
  Status Bootstrap();

  // Binds (port 0 = any free port) and returns the bound port, or an error.
  StatusOr<int> Bind(const std::string& host, int port);
  // Serves until Stop(). REQUIRES: Bind() succeeded.
  void Listen();
  // Stops accepting, cancels running imports (they roll back) and waits for them.
  void Stop();

 private:
  App();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace almen
