// schemas/openapi.yaml against the routes `heimdall serve` has: the router
// comes from http::build_api_router(), the function serve itself calls, so
// a route added, removed or renamed in http/ without the document (or the
// other way round) fails here. Paths are read from the YAML by a small line
// reader (paths: at column 0, a path key at indent 2, its operations at
// indent 4); tests/check_openapi.py checks the document as a whole.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <utility>

#include "actors/event_hub.h"
#include "base/worker_pool.h"
#include "http/api.h"
#include "http/metrics.h"
#include "tests/scan_fixture.h"
#include "tests/test_dirs.h"

namespace {

using route_set = std::set<std::pair<std::string, std::string>>;  // (METHOD, path)

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::size_t indent_of(const std::string& line) {
  std::size_t n = 0;
  while (n < line.size() && line[n] == ' ') ++n;
  return n;
}

// "key:" or "key: value" at the line's indent → key, unquoted; "" otherwise.
std::string key_of(const std::string& line) {
  std::string text = line.substr(indent_of(line));
  if (text.empty() || text[0] == '#' || text[0] == '-') return "";
  std::size_t colon;
  if (text[0] == '"' || text[0] == '\'') {
    std::size_t close = text.find(text[0], 1);
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') return "";
    return text.substr(1, close - 1);
  }
  colon = text.find(": ");
  if (colon == std::string::npos && !text.empty() && text.back() == ':') colon = text.size() - 1;
  if (colon == std::string::npos) return "";
  return text.substr(0, colon);
}

// The (method, path) of every operation under the document's `paths:`.
route_set document_routes(std::istream& in) {
  static const std::set<std::string> methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};
  route_set out;
  bool in_paths = false;
  std::string path;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(' ') == std::string::npos) continue;
    const std::size_t indent = indent_of(line);
    if (line[indent] == '#') continue;
    if (indent == 0) {
      in_paths = key_of(line) == "paths";
      path.clear();
      continue;
    }
    if (!in_paths) continue;
    if (indent == 2) {
      path = key_of(line);
    } else if (indent == 4 && !path.empty()) {
      std::string key = key_of(line);
      if (methods.count(key)) out.emplace(upper(key), path);
    }
  }
  return out;
}

route_set document_routes_from(const std::string& text) {
  std::istringstream in(text);
  return document_routes(in);
}

std::string listing(const route_set& routes) {
  std::string out;
  for (const auto& [method, path] : routes) out += "  " + method + " " + path + "\n";
  return out.empty() ? "  (none)\n" : out;
}

}  // namespace

TEST_CASE("openapi: the line reader finds paths and their operations, nothing else", "[http][openapi]") {
  const std::string doc =
      "openapi: 3.1.0\n"
      "# paths: in a comment\n"
      "info:\n"
      "  title: x\n"
      "  get: not a path\n"
      "paths:\n"
      "  /health:\n"
      "    get:\n"
      "      summary: \"post: no\"\n"
      "      responses:\n"
      "        \"200\":\n"
      "          description: ok\n"
      "\n"
      "  \"/api/repos/{id}\":\n"
      "    parameters:\n"
      "      - $ref: x\n"
      "    delete:\n"
      "      responses: {}\n"
      "    patch: {}\n"
      "components:\n"
      "  schemas:\n"
      "    get:\n"
      "      type: object\n";
  route_set expected = {{"GET", "/health"}, {"DELETE", "/api/repos/{id}"}, {"PATCH", "/api/repos/{id}"}};
  CHECK(document_routes_from(doc) == expected);
}

TEST_CASE("openapi: schemas/openapi.yaml describes exactly the routes heimdall serve has", "[http][openapi]") {
  namespace fs = std::filesystem;
  fs::path root = heimdall::test::scratch_dir("openapi-repos");
  heimdall::test::scan_fixture fx("openapi", heimdall::test::scan_options(root, root / "workspaces"));
  auto hub = heimdall::actors::event_hub::start(fx.log());
  REQUIRE(hub);
  heimdall::worker_pool pool(1, 16);
  heimdall::http::api_metrics metrics;
  heimdall::http::api_options options;
  options.master_key_file = root / "secret.key";
  auto router = heimdall::http::build_api_router({fx.log(), fx.service(), *hub.value(), pool, metrics, options});

  route_set served;
  for (const auto& [method, pattern] : router->routes()) {
    INFO(method << " " << pattern);
    CHECK(served.emplace(method, pattern).second);  // no route registered twice
  }
  std::ifstream in(fs::path(HEIMDALL_SOURCE_DIR) / "schemas" / "openapi.yaml");
  REQUIRE(in);
  route_set documented = document_routes(in);

  route_set undocumented, unserved;
  std::set_difference(served.begin(), served.end(), documented.begin(), documented.end(),
                      std::inserter(undocumented, undocumented.end()));
  std::set_difference(documented.begin(), documented.end(), served.begin(), served.end(),
                      std::inserter(unserved, unserved.end()));
  INFO("served but not in schemas/openapi.yaml:\n" << listing(undocumented));
  INFO("in schemas/openapi.yaml but not served:\n" << listing(unserved));
  CHECK(undocumented.empty());
  CHECK(unserved.empty());
  // The API is more than /health: a reader that found nothing cannot pass.
  CHECK(served.size() >= 20);
}
