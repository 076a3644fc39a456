// The production layout's observability: GET /metrics (Prometheus text) to loopback only, and
// one request id per request in the reply and in every server log line of it, nginx's id when
// nginx passed one.
#include <catch2/catch.hpp>
#include <regex>
#include <string>

#include "server_process.hpp"
#include "sync_world.hpp"
#include "tongket/sync/messages.hpp"
#include "tongket/sync/request_auth.hpp"

using namespace tongket;
using namespace tongket::test;
using Catch::Matchers::Contains;

namespace {

constexpr const char* kCommune = "25471";

std::string text_of(const HttpResult& r) {
  return std::string(r.body.begin(), r.body.end());
}

// The value of one sample line `name{labels} value` (or `name value`); -1 when absent.
double sample(const std::string& exposition, const std::string& series) {
  std::size_t at = 0;
  while ((at = exposition.find(series + " ", at)) != std::string::npos) {
    if (at == 0 || exposition[at - 1] == '\n')
      return std::stod(exposition.substr(at + series.size() + 1));
    at += series.size();
  }
  return -1;
}

HttpResult get(const std::string& url, const std::filesystem::path& ca,
               std::map<std::string, std::string> headers = {}) {
  HttpRequest r;
  r.method = "GET";
  r.url = url;
  r.ca_file = ca;
  r.headers = std::move(headers);
  return http(r);
}

}  // namespace

TEST_CASE("GET /metrics: requests, refusals, pushes and what they ingested, to loopback only",
          "[e2e][edge][metrics]") {
  SyncServer server;
  SyncClient a(server.dir(), "a");
  a.init(kCommune, "Nguyễn Văn A");
  a.enroll(server, server.token(kCommune, "clerk"));
  a.set("PL1.4", "2016", "3");
  a.set("PL1.4", "2017", "4");
  a.sync_ok();
  // A refusal: a request from a device the server does not know.
  HttpRequest forged;
  forged.url = server.url() + sync::kPathPull;
  forged.ca_file = server.ca();
  forged.headers = {{sync::kHeaderDevice, "no-such-device"},
                    {sync::kHeaderCounter, "1"},
                    {sync::kHeaderSignature, "AAAA"}};
  forged.body = {'{', '}'};
  REQUIRE(http(forged).status == 401);

  // Through nginx, from this machine: served.
  auto m = get(server.url() + "/metrics", server.ca());
  REQUIRE(m.status == 200);
  CHECK_THAT(m.headers["content-type"], Contains("text/plain; version=0.0.4"));
  const std::string text = text_of(m);
  INFO(text);
  CHECK(sample(text, "tongket_requests_total{endpoint=\"/v1/push\",status=\"200\"}") >= 1);
  CHECK(sample(text, "tongket_requests_total{endpoint=\"/v1/pull\",status=\"401\"}") == 1);
  CHECK(sample(text, "tongket_refusals_total{kind=\"unauthorized\"}") == 1);
  CHECK(sample(text, "tongket_change_sets_ingested_total") == 1);
  CHECK(sample(text, "tongket_values_ingested_total") == 2);
  CHECK(sample(text, "tongket_push_seconds_count") >= 1);
  CHECK(sample(text, "tongket_push_seconds_bucket{le=\"+Inf\"}") ==
        sample(text, "tongket_push_seconds_count"));
  CHECK(sample(text, "tongket_store_queue_depth") >= 0);
  CHECK(sample(text, "tongket_key_cache_entries") == 1);
  // Every sample line is `name{labels} number` or `name number` (the text format).
  const std::regex line(
      R"(([a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? [0-9.e+-]+)|(# (HELP|TYPE) .*))");
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    REQUIRE(end != std::string::npos);
    CHECK(std::regex_match(text.substr(start, end - start), line));
    start = end + 1;
  }

  // A client nginx passed on from elsewhere: tongket-server refuses it too (defence in depth
  // behind nginx's own deny; the address comes from nginx on its loopback port).
  const std::string backend = "http://127.0.0.1:" + std::to_string(server.backend_port());
  auto outside = get(backend + "/metrics", {}, {{"X-Real-IP", "198.51.100.7"}});
  CHECK(outside.status == 403);
  CHECK_THAT(text_of(outside), !Contains("tongket_requests_total"));
  CHECK(get(backend + "/metrics", {}).status == 200);
}

TEST_CASE("one request id per request: in the reply and in the server's log line",
          "[e2e][edge][metrics]") {
  SyncServer server;
  // Through nginx: its $request_id (32 hex digits) is the id, returned and logged.
  HttpRequest r;
  r.method = "GET";
  r.url = server.url() + "/v1/edge-request-id";
  r.ca_file = server.ca();
  auto through = http(r);
  CHECK(through.status == 404);
  const std::string id = through.headers["x-request-id"];
  CHECK(std::regex_match(id, std::regex("[0-9a-f]{32}")));
  CHECK_THAT(server.server_log(),
             Contains("request_id=" + id + " method=GET path=/v1/edge-request-id status=404"));
  // Two requests, two ids.
  CHECK(http(r).headers["x-request-id"] != id);

  // Straight to the server, a proxy's id is taken from its loopback peer (as from nginx), and
  // one that is not a plain token is replaced by a fresh id.
  const std::string backend = "http://127.0.0.1:" + std::to_string(server.backend_port());
  r.url = backend + "/v1/edge-request-id-2";
  r.ca_file.clear();
  r.headers = {{"X-Request-Id", "nginx-given-id-42"}};
  CHECK(http(r).headers["x-request-id"] == "nginx-given-id-42");
  CHECK_THAT(server.server_log(), Contains("request_id=nginx-given-id-42 method=GET"));
  r.headers = {{"X-Request-Id", "bad id\x1b[2J"}};
  auto replaced = http(r);
  CHECK(std::regex_match(replaced.headers["x-request-id"], std::regex("[0-9a-f]{32}")));
  CHECK(server.server_log().find('\x1b') == std::string::npos);
}
