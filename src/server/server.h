// almen serve: the HTTP JSON API and the Danish web UI over one database
// (embedded SQLite by default, PostgreSQL with --db postgresql://…).
#pragma once

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
  std::string config_path;   // optional configuration file
};

Status Serve(const Agreement& agreement, const ServeOptions& options);

}  // namespace almen
