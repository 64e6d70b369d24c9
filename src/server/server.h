// almen serve: the HTTP JSON API and the Danish web UI over one database
// (embedded SQLite by default, PostgreSQL with --db postgresql://…).
// docs/server.md describes operation, roles and demo users; the API is
// documented in web/openapi.json (served at /api/openapi.json).
#pragma once

#include <cstdint>
#include <string>

#include "agreement/agreement.h"
#include "common/status.h"

namespace almen {

struct ServeOptions {
  std::string db;            // "" = almen.db (SQLite) in the working directory; "postgresql://…" for PostgreSQL
  std::string host = "127.0.0.1";
  int port = 8080;
  bool demo = true;          // load demo data into an empty database
  int64_t demo_lines = 200000;
  std::string config_path;   // optional configuration file (JSON, see docs/server.md)
  // Tests only: libsodium's minimum argon2id cost instead of the interactive
  // cost, so that creating demo users is fast. Never in production.
  bool fast_password_hash = false;
  int threads = 8;           // database connections = threads / 2 (at least 2)
  // Request safety (docs/security.md).
  std::string work_dir;        // private work directory; "" = $TMPDIR/almen-work-<uid> (server/work_dir.h)
  bool behind_tls = false;     // served over TLS by a proxy: Secure cookie, HSTS, https origin
  std::string public_origin;   // the origin browsers use; "" = http(s)://<Host header>
  int64_t max_upload_bytes = int64_t{4} << 30;  // an upload request on the wire (decompressed: 4×)
  int max_connections = 64;    // connections served at once (worker threads); half of them per address
};

// Applies the configuration file and the environment (ALMEN_DB, ALMEN_HOST,
// ALMEN_PORT, ALMEN_DEMO, ALMEN_DEMO_LINES, ALMEN_THREADS, ALMEN_WORK_DIR,
// ALMEN_BEHIND_TLS=1, ALMEN_PUBLIC_ORIGIN, ALMEN_MAX_UPLOAD_BYTES,
// ALMEN_MAX_CONNECTIONS) to the options the command line left at their
// defaults. Command line > environment > file > defaults.
Status ApplyServeConfig(ServeOptions* options);

// Runs until SIGINT or SIGTERM; then stops accepting, cancels (rolls back)
// running imports and returns.
Status Serve(const Agreement& agreement, const ServeOptions& options);

}  // namespace almen
