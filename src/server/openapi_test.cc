// web/openapi.json documents every endpoint the server registers, and only
// those: the registered routes are read from the route registrations in
// src/server/*.cc (`x.Get("/api/…"`, `x.Post(R"(/api/…/(\d+))"`, …); a regex
// group in a route is a path parameter, `{…}` in the document.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

namespace {

namespace fs = std::filesystem;
using Route = std::pair<std::string, std::string>;  // method (lower case), path with {} for parameters

std::string Slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// "/api/pool/applications/(\d+)/scores" -> "/api/pool/applications/{}/scores"
std::string Normalise(std::string path) {
  std::string out;
  int depth = 0;
  for (char c : path) {
    if (c == '(' || c == '{') {
      if (depth++ == 0) out += "{}";
    } else if (c == ')' || c == '}') {
      --depth;
    } else if (depth == 0) {
      out += c;
    }
  }
  return out;
}

std::set<Route> RegisteredRoutes() {
  std::set<Route> routes;
  static const std::regex kReg(R"re(\.(Get|Post|Put|Patch|Delete)\(\s*(?:R"\((.*?)\)"|"([^"]*)"|(k[A-Za-z0-9]+)\s*,))re");
  static const std::regex kConst(R"re(constexpr const char\*\s*(k[A-Za-z0-9]+)\s*=\s*(?:R"\((.*?)\)"|"([^"]*)"))re");
  for (const auto& e : fs::directory_iterator(fs::path(ALMEN_SOURCE_DIR) / "src" / "server")) {
    std::string name = e.path().filename().string();
    if (!name.ends_with(".cc") || name.ends_with("_test.cc")) continue;
    std::string text = Slurp(e.path());
    // A path kept in a named constant (`constexpr const char* kIdPath = R"(…)";`
    // and `.Get(kIdPath, …)`, routes_uploads.cc) is resolved in its own file.
    std::map<std::string, std::string> constants;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), kConst); it != std::sregex_iterator(); ++it)
      constants[(*it)[1].str()] = (*it)[2].matched ? (*it)[2].str() : (*it)[3].str();
    for (auto it = std::sregex_iterator(text.begin(), text.end(), kReg); it != std::sregex_iterator(); ++it) {
      std::string method = (*it)[1].str();
      for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string path = (*it)[2].matched ? (*it)[2].str() : (*it)[3].matched ? (*it)[3].str() : "";
      if (!(*it)[2].matched && !(*it)[3].matched) {
        auto c = constants.find((*it)[4].str());
        if (c == constants.end()) continue;
        path = c->second;
      }
      // The catch-alls (unknown /api/… → 404, static files) are not endpoints.
      if (path.find(".*") != std::string::npos) continue;
      routes.insert({method, Normalise(path)});
    }
  }
  return routes;
}

std::set<Route> DocumentedRoutes() {
  auto doc = nlohmann::json::parse(Slurp(fs::path(ALMEN_SOURCE_DIR) / "web" / "openapi.json"));
  std::set<Route> routes;
  for (auto p = doc["paths"].begin(); p != doc["paths"].end(); ++p)
    for (auto m = p->begin(); m != p->end(); ++m)
      if (m.key() != "parameters") routes.insert({m.key(), Normalise(p.key())});
  return routes;
}

TEST(OpenApi, FindsTheRegisteredRoutes) {
  auto routes = RegisteredRoutes();
  // A sanity check of the extraction itself: routes from each file.
  EXPECT_TRUE(routes.count({"get", "/api/statements"}));                  // server.cc
  EXPECT_TRUE(routes.count({"get", "/api/bosted/reports/{}"}));           // routes_bosted.cc
  EXPECT_TRUE(routes.count({"post", "/api/pool/applications/{}/scores"}));  // routes_cases.cc
  EXPECT_TRUE(routes.count({"post", "/api/economy/ceilings"}));           // routes_economy.cc
  EXPECT_GT(routes.size(), 40u);
}

TEST(OpenApi, DocumentsEveryRegisteredRoute) {
  auto documented = DocumentedRoutes();
  for (const auto& [method, path] : RegisteredRoutes())
    EXPECT_TRUE(documented.count({method, path}))
        << method << " " << path << " is registered by the server but missing from web/openapi.json";
}

TEST(OpenApi, DocumentsOnlyRegisteredRoutes) {
  auto registered = RegisteredRoutes();
  for (const auto& [method, path] : DocumentedRoutes())
    EXPECT_TRUE(registered.count({method, path}))
        << method << " " << path << " is in web/openapi.json but the server does not register it";
}

TEST(OpenApi, EveryOperationHasASummaryAndResponses) {
  auto doc = nlohmann::json::parse(Slurp(fs::path(ALMEN_SOURCE_DIR) / "web" / "openapi.json"));
  for (auto p = doc["paths"].begin(); p != doc["paths"].end(); ++p)
    for (auto m = p->begin(); m != p->end(); ++m) {
      EXPECT_TRUE(m->contains("summary")) << m.key() << " " << p.key();
      EXPECT_TRUE(m->contains("responses")) << m.key() << " " << p.key();
    }
}

}  // namespace
