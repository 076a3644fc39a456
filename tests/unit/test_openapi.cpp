// docs/openapi.yaml describes the HTTP API: it must parse (python3-yaml, the real YAML parser,
// turns it into JSON), be OpenAPI 3, resolve every $ref, and describe every route the server
// serves (the protocol's routes() and the edge's kEdgeRoutes) with its method.
#include <catch2/catch.hpp>
#include <cctype>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "process.hpp"
#include "tongket/server/http_server.hpp"
#include "tongket/server/protocol.hpp"

using namespace tongket;

namespace {

nlohmann::json load_openapi() {
  const std::string doc = std::string(TONGKET_SOURCE_DIR) + "/docs/openapi.yaml";
  auto r = test::run({"/usr/bin/python3", "-c",
                      "import json, sys, yaml\n"
                      "json.dump(yaml.safe_load(open(sys.argv[1], encoding='utf-8')), sys.stdout)",
                      doc});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out);
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Every "$ref" in the document, with where it is.
void collect_refs(const nlohmann::json& j, const std::string& at,
                  std::vector<std::pair<std::string, std::string>>& out) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() == "$ref" && it->is_string()) out.emplace_back(at, it->get<std::string>());
      collect_refs(*it, at + "/" + it.key(), out);
    }
  } else if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i)
      collect_refs(j[i], at + "/" + std::to_string(i), out);
  }
}

}  // namespace

TEST_CASE("docs/openapi.yaml parses, is OpenAPI 3 and its references resolve", "[docs][openapi]") {
  auto doc = load_openapi();
  REQUIRE(doc.is_object());
  CHECK(doc.value("openapi", "").rfind("3.", 0) == 0);
  REQUIRE(doc.contains("paths"));
  std::vector<std::pair<std::string, std::string>> refs;
  collect_refs(doc, "", refs);
  CHECK(refs.size() > 20);
  for (const auto& [at, ref] : refs) {
    INFO(at << ": " << ref);
    REQUIRE(ref.rfind("#/", 0) == 0);
    CHECK(doc.contains(nlohmann::json::json_pointer(ref.substr(1))));
  }
  for (const auto& [path, item] : doc["paths"].items())
    for (const auto& [method, op] : item.items()) {
      INFO(method << " " << path);
      CHECK(op.contains("responses"));
      CHECK(op.contains("operationId"));
    }
}

TEST_CASE("docs/openapi.yaml describes every route the server serves", "[docs][openapi]") {
  auto doc = load_openapi();
  const auto& paths = doc.at("paths");
  std::set<std::pair<std::string, std::string>> served;
  for (const auto& r : server::routes()) served.emplace(r.method, r.path);
  for (const auto& r : server::kEdgeRoutes) served.emplace(r.method, r.path);
  REQUIRE(served.size() == 6);
  for (const auto& [method, path] : served) {
    INFO(method << " " << path);
    REQUIRE(paths.contains(path));
    CHECK(paths[path].contains(lower(method)));
  }
  // And nothing described that the server does not serve.
  for (const auto& [path, item] : paths.items())
    for (const auto& [method, op] : item.items()) {
      std::string upper = method;
      for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      INFO(method << " " << path);
      CHECK(served.count({upper, path}) == 1);
    }
}
