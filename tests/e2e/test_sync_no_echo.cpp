// Protocol 1.4 through the production layout: a push reply does not send the device's own values
// back (it lists them; the client rebuilds them from its outbox), and the client ends up in
// exactly the state a full echo gave: the same versions, server values and nothing left dirty as
// a second device that pulled everything in full.
#include <catch2/catch.hpp>
#include <fstream>
#include <regex>
#include <sstream>

#include "sync_world.hpp"

using namespace tongket;
using namespace tongket::test;

namespace {

constexpr const char* kCommune = "25474";

// (unit, key) -> [value, version, server_value, dirty] of a client's field table.
std::map<std::pair<std::string, std::string>, std::string> fields_of(const SyncClient& c) {
  std::map<std::pair<std::string, std::string>, std::string> out;
  for (const auto& [k, v] : c.values()) {
    const std::string where = "unit = '" + k.first + "' AND key = '" + k.second + "'";
    out[k] = v.dump() + " v" + std::to_string(c.count("SELECT version FROM field WHERE " + where)) +
             " dirty " + std::to_string(c.count("SELECT dirty FROM field WHERE " + where)) +
             " same " +
             std::to_string(c.count("SELECT value IS server_value FROM field WHERE " + where));
  }
  return out;
}

// Body bytes nginx sent for each POST /v1/push (its access log: "... 200 <bytes> ...").
std::vector<long> push_reply_bytes(const SyncServer& server) {
  std::vector<long> out;
  std::istringstream log(server.nginx()->access_log());
  std::string line;
  const std::regex push("\"POST /v1/push HTTP/1.1\" 200 ([0-9]+) ");
  std::smatch m;
  while (std::getline(log, line))
    if (std::regex_search(line, m, push)) out.push_back(std::stol(m[1]));
  return out;
}

}  // namespace

TEST_CASE("sync: the push reply leaves the device's own values out, the client rebuilds them",
          "[e2e][sync]") {
  SyncServer server;
  SyncClient a(server.dir(), "a"), b(server.dir(), "b");
  a.init(kCommune, "Nguyễn Văn A");
  b.init(kCommune, "Trần Thị B");
  a.enroll(server, server.token(kCommune, "clerk"));
  b.enroll(server, server.token(kCommune, "clerk"));
  // About 3 KB of text that gzip cannot shrink much, and a few numbers.
  std::string text;
  for (int i = 0; i < 120; ++i)
    text += std::to_string(i * 7919 % 10007) + " xã " + std::to_string(i * 104729 % 99991) + "\n";
  a.text("KH.X.1.1", text);
  a.set("PL1.4", "2016", "3");
  a.set("PL1.4", "2017", "4");
  b.set("PL1.4", "2018", "8");
  b.sync_ok();
  a.sync_ok();  // one request: a's push, and b's value in its page

  auto bytes = push_reply_bytes(server);
  REQUIRE(bytes.size() == 2);
  INFO("push reply body bytes: " << bytes[1]);
  // With the echo the reply would carry the 3 KB text back; without it, a's three values are a
  // few bytes of references beside b's one value.
  CHECK(bytes[1] < 600);

  // b pulls everything in full from /v1/pull; both stores hold the same fields, versions and
  // server values, and nothing of a's is left waiting for its echo.
  b.sync_ok();
  CHECK(a.count("SELECT count(*) FROM field WHERE dirty = 1") == 0);
  CHECK(a.count("SELECT count(*) FROM outbox WHERE state <> 'acked'") == 0);
  CHECK(fields_of(a) == fields_of(b));
  CHECK(a.meta("device_id") != b.meta("device_id"));

  // A further edit on top: its base is the version a rebuilt, so it applies without a conflict.
  a.set("PL1.4", "2016", "5");
  a.sync_ok();
  b.sync_ok();
  CHECK(a.count("SELECT count(*) FROM conflict") == 0);
  CHECK(fields_of(a) == fields_of(b));
}
