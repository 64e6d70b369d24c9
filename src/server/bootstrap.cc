// App::Bootstrap (app.h): an empty database gets demo data (generated,
// settled into the ledger), the demo users (one per role; password = user
// name) and the case work's demo (cases/service.h); a database without users
// gets its first administrator.
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "cases/service.h"
#include "server/app_impl.h"

namespace almen {

namespace fs = std::filesystem;
using json = nlohmann::json;
using server_internal::Now;
using server_internal::RandomHex;

Status App::Bootstrap() {
  auto& m = *impl_;
  ALMEN_ASSIGN_OR_RETURN(int64_t runs, m.db->CountRuns());
  bool loaded_demo = false;
  if (runs == 0 && m.options.demo) {
    std::fprintf(stderr, "almen serve: the database is empty: generating demo data (%lld claim lines)…\n",
                 static_cast<long long>(m.options.demo_lines));
    ALMEN_ASSIGN_OR_RETURN(ScopedDir demo_dir, m.work->NewDir("demo"));
    fs::path dir = demo_dir.path();
    GenerateOptions go;
    go.out_dir = (dir / "gen").string();
    go.lines = m.options.demo_lines;
    go.seed = 1;
    go.year = 2025;
    GenerateSummary gs;
    ALMEN_RETURN_IF_ERROR(m.pipeline.generate(go, &gs).WithContext("demo data: generate"));
    std::vector<ImportInput> inputs;
    for (const char* kind : {"claims", "providers", "listings", "botilbud", "attachments"}) {
      fs::path p = dir / "gen" / (std::string(kind) + ".csv");
      if (fs::exists(p)) inputs.push_back({kind, std::string(kind) + ".csv", p.string()});
    }
    std::fprintf(stderr, "almen serve: settling the demo data…\n");
    auto r = m.SettleAndImport(dir, inputs, SettleOptions{}, json{{"price_level", "regulated"}, {"demo", true}},
                               "system", "demo", [](const std::string&, double) {});
    if (!r.ok()) return r.status().WithContext("demo data");
    std::fprintf(stderr, "almen serve: demo data loaded as settlement run %lld (%lld lines)\n",
                 static_cast<long long>(r->run_id), static_cast<long long>(r->lines));
    m.Audit("system", "demo.load", "run " + std::to_string(r->run_id));
    loaded_demo = true;
  }
  ALMEN_ASSIGN_OR_RETURN(int64_t users, m.db->CountUsers());
  if (users > 0) return Status::Ok();
  std::vector<std::array<std::string, 3>> create;  // username, role, scope
  if (loaded_demo) {
    create = {{"rltn", "rltn", ""},
              {"plo", "plo", ""},
              {"region-hovedstaden", "region", "1084"},
              {"region-sjaelland", "region", "1085"},
              {"region-syddanmark", "region", "1083"},
              {"region-midtjylland", "region", "1082"},
              {"region-nordjylland", "region", "1081"},
              {"kommune-0101", "municipality", "0101"}};
    auto providers = m.db->Providers(Scope{});
    if (providers.ok())
      for (size_t i = 0; i < providers->rows.size() && i < 2; ++i) {
        std::string p = providers->rows[i][0].get<std::string>();
        create.push_back({"klinik-" + p, "clinic", p});
      }
    std::fprintf(stderr, "almen serve: demo users (password = user name; demo only, change for real use):\n");
  } else {
    std::fprintf(stderr, "almen serve: no users: creating the administrator 'rltn'\n");
  }
  for (const auto& [name, role, scope] : create.empty() ? std::vector<std::array<std::string, 3>>{{"rltn", "rltn", ""}}
                                                        : create) {
    std::string password = loaded_demo ? name : RandomHex(12);
    if (!loaded_demo && std::getenv("ALMEN_ADMIN_PASSWORD")) password = std::getenv("ALMEN_ADMIN_PASSWORD");
    ALMEN_ASSIGN_OR_RETURN(std::string hash, HashPassword(password, m.options.fast_password_hash));
    ALMEN_RETURN_IF_ERROR(m.db->CreateUser(name, hash, role, scope, Now()));
    if (loaded_demo)
      std::fprintf(stderr, "  %-20s %-13s %s\n", name.c_str(), role.c_str(), scope.c_str());
    else if (!std::getenv("ALMEN_ADMIN_PASSWORD"))
      std::fprintf(stderr, "  user rltn, password %s (shown once)\n", password.c_str());
    m.Audit("system", "user.create", name + " role=" + role);
  }
  if (loaded_demo) ALMEN_RETURN_IF_ERROR(BootstrapCaseDemo(*m.db, m.options.fast_password_hash, Now()));  // issue 7
  return Status::Ok();
}

}  // namespace almen
