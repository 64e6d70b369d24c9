// The role × endpoint test (issue 12): every operation of web/openapi.json
// (as the server serves it) is called anonymously, as every demo role, and —
// for the roles that may call it — with another scope's objects in its path;
// whoever may not act gets 401/403/404 and nothing else. Each operation must
// declare its roles (`x-roles`, `public` for no session) and each path
// parameter naming a stored object its kind (`x-object`), so a new route
// without both, or a route that lets a role through that it does not list,
// fails here. State-changing operations are sent only where they must be
// refused, so the test changes nothing it would have to undo.
#include <set>

#include <nlohmann/json.hpp>

#include "server/testing_server.h"

namespace almen {
namespace {

using json = nlohmann::json;

const char* kUsers[] = {"rltn",          "plo",           "region-hovedstaden", "region-sjaelland",
                        "region-syddanmark", "region-midtjylland", "region-nordjylland", "kommune-0101",
                        "klinik-111111", "klinik-222222", "fond-sekretariat",   "fond-bestyrelse",
                        "udvalg-rltn-1", "udvalg-rltn-2", "udvalg-rltn-3",      "udvalg-plo-1",
                        "udvalg-plo-2",  "udvalg-plo-3"};

struct User {
  std::string name, cookie, role, scope;
};

class RolesTest : public testing::InProcessServerTest {
 protected:
  RolesTest() : InProcessServerTest("roles-test") {}

  // Sends `method path` with a body of the operation's first request type
  // ({} for JSON, one small form field for multipart, a line for CSV).
  int Send(const std::string& cookie, const std::string& method, const std::string& path, const json& op) {
    httplib::Headers h;
    if (!cookie.empty()) h.emplace("Cookie", cookie);
    h.emplace("Origin", Origin());
    std::string type;
    if (op.contains("requestBody")) type = op["requestBody"]["content"].begin().key();
    auto c = Client();
    auto status = [](const httplib::Result& r) { return r ? r->status : 0; };
    if (method == "get") return status(c.Get(path.c_str(), h));
    if (method == "delete") return status(c.Delete(path.c_str(), h));
    if (type == "multipart/form-data") {
      httplib::MultipartFormDataItems items = {{"note", "x", "", "text/plain"}};
      return status(method == "post" ? c.Post(path.c_str(), h, items) : c.Put(path.c_str(), h, items));
    }
    const std::string body = type.empty() ? "" : type == "text/csv" || type == "application/octet-stream" ? "a\n1\n" : "{}";
    const char* ctype = type.empty() ? "text/plain" : type.c_str();
    if (method == "patch") {
      h.emplace("Upload-Offset", "0");
      return status(c.Patch(path.c_str(), h, body, ctype));
    }
    return status(method == "post" ? c.Post(path.c_str(), h, body, ctype) : c.Put(path.c_str(), h, body, ctype));
  }

  int64_t UploadRun(const std::string& cookie, const std::string& provider, const std::string& tag) {
    json job = Upload(cookie, "claim_id,provider,cpr,service_date,code\n" + tag + "," + provider +
                                  ",0101801234,2025-06-02,0101\n");
    EXPECT_EQ(job["state"], "done") << job.dump();
    last_job_ = job["id"].get<int64_t>();
    return job["run_id"].get<int64_t>();
  }
  int64_t RerunOf(const std::string& cookie, int64_t run) {
    json r = Post(cookie, "/api/settlements/" + std::to_string(run) + "/rerun?agreement=current", json::object(), 202);
    json job = WaitForJob(cookie, r["job_id"].get<int64_t>(), 1500, "re-run");
    EXPECT_EQ(job["state"], "done") << job.dump();
    return job["rerun_id"].get<int64_t>();
  }

  int64_t last_job_ = 0;
};

TEST_P(RolesTest, EveryOperationRefusesWhoMayNotActOnIt) {
  std::vector<User> users;
  for (const char* name : kUsers) {
    User u{name, Login(name), "", ""};
    json me = GetJson(u.cookie, "/api/me");
    u.role = me["role"];
    u.scope = me["scope"];
    users.push_back(u);
  }
  const std::string rltn = users[0].cookie;

  // Objects of known owners: runs of one clinic each (111111 in Hovedstaden,
  // 333333 in Syddanmark) and their re-runs, rltn's job, a block rltn made,
  // the demo pool applications (regions 1085, 1081, 1083) and report, the two
  // botilbud (B1 Valby 0101/1084, B2 Aarhus 0751/1082).
  const int64_t run_odense = UploadRun(rltn, "333333", "roles-o1"), run_valby = UploadRun(rltn, "111111", "roles-v1");
  const int64_t rltn_job = last_job_;
  const int64_t rerun_odense = RerunOf(rltn, run_odense), rerun_valby = RerunOf(rltn, run_valby);
  const int64_t rltn_block = Post(rltn, "/api/sharing/blocks", {{"cpr", "0101801234"}}, 201)["id"];
  const json apps = GetJson(rltn, "/api/pool/applications");
  ASSERT_GE(apps["rows"].size(), 2u);
  const json first_app = GetJson(rltn, "/api/pool/applications/" + std::to_string(apps["rows"][0]["id"].get<int64_t>()));
  ASSERT_FALSE(first_app["reports"].empty());
  const int64_t report = first_app["reports"][0]["id"];
  const std::string report_region = first_app["region_code"];

  // An object of `kind` that `u` may not see or change, or "" if every such
  // object is the user's (or the kind is not scoped).
  auto foreign = [&](const User& u, const std::string& kind) -> std::string {
    const bool scoped = u.role == "region" || u.role == "clinic";
    const bool odense_is_mine = u.scope == "1083" || u.scope == "333333";
    if (kind == "run" && scoped) return std::to_string(odense_is_mine ? run_valby : run_odense);
    if (kind == "rerun" && scoped) return std::to_string(odense_is_mine ? rerun_valby : rerun_odense);
    if (kind == "job" && u.role != "rltn") return std::to_string(rltn_job);
    if (kind == "sharing_block" && scoped) return std::to_string(rltn_block);
    if (kind == "botilbud" && (u.role == "municipality" || u.role == "region"))
      return u.scope == "0101" || u.scope == "1084" ? "B2" : "B1";
    if (kind == "pool_application" && u.role == "region")
      for (const auto& a : apps["rows"])
        if (a["region_code"] != u.scope) return std::to_string(a["id"].get<int64_t>());
    if (kind == "pool_report" && u.role == "region" && report_region != u.scope) return std::to_string(report);
    return "";
  };
  // Any existing object of the kind (for roles refused whatever the object).
  auto any = [&](const std::string& kind) -> std::string {
    if (kind == "run") return std::to_string(run_valby);
    if (kind == "rerun") return std::to_string(rerun_valby);
    if (kind == "job") return std::to_string(rltn_job);
    if (kind == "sharing_block") return std::to_string(rltn_block);
    if (kind == "botilbud") return "B1";
    if (kind == "pool_application") return std::to_string(apps["rows"][0]["id"].get<int64_t>());
    if (kind == "pool_report") return std::to_string(report);
    if (kind == "report_kind") return "q4-regional";
    if (kind == "upload") return "0123456789abcdef0123456789abcdef";
    return "1";
  };

  auto r = Client().Get("/api/openapi.json");
  ASSERT_TRUE(r);
  const json doc = json::parse(r->body);
  int checked = 0, operations = 0;
  for (auto p = doc["paths"].begin(); p != doc["paths"].end(); ++p) {
    for (auto m = p->begin(); m != p->end(); ++m) {
      if (m.key() == "parameters") continue;
      ++operations;
      const std::string op_name = m.key() + " " + p.key();
      const json& op = *m;
      if (!op.contains("x-roles") || !op["x-roles"].is_array()) {
        ADD_FAILURE() << op_name << ": no x-roles in web/openapi.json";
        continue;
      }
      std::set<std::string> roles;
      for (const auto& role : op["x-roles"]) roles.insert(role.get<std::string>());
      if (roles.count("public")) continue;
      // The path with the object ids of the user's choosing.
      std::string kind;
      for (const auto& prm : op.value("parameters", json::array()))
        if (prm.value("in", "") == "path") {
          if (!prm.contains("x-object")) ADD_FAILURE() << op_name << ": path parameter without x-object";
          kind = prm.value("x-object", "");
        }
      auto path_with = [&](const std::string& id) {
        std::string path = p.key();
        auto open = path.find('{');
        if (open != std::string::npos) path.replace(open, path.find('}') - open + 1, id);
        return path + (path.find("/api/economy/") != std::string::npos ? "?year=2025" : "");
      };
      const std::string default_path = path_with(any(kind));
      EXPECT_EQ(Send("", m.key(), default_path, op), 401) << "anonymous " << op_name;
      ++checked;
      for (const User& u : users) {
        std::string path;
        if (!roles.count(u.role)) {
          path = default_path;
        } else if (!kind.empty() && !foreign(u, kind).empty()) {
          path = path_with(foreign(u, kind));
        } else {
          continue;  // the user may act here, on objects that are all theirs
        }
        const int status = Send(u.cookie, m.key(), path, op);
        EXPECT_TRUE(status == 403 || status == 404) << u.name << " (" << u.role << ") " << m.key() << " " << path
                                                    << ": " << status;
        ++checked;
      }
    }
  }
  EXPECT_GT(operations, 70);
  EXPECT_GT(checked, 800);
  // And nothing changed: the block is still there, no run was added.
  EXPECT_EQ(GetJson(rltn, "/api/sharing/blocks")["rows"].size(), 1u);
  EXPECT_EQ(GetJson(rltn, "/api/settlements")["rows"].size(), 3u);
}

INSTANTIATE_TEST_SUITE_P(Backends, RolesTest, ::testing::Values("sqlite"), [](const auto& p) { return p.param; });

}  // namespace
}  // namespace almen
