// Failed enrollments are limited per client address (docs/protocol.md, Enroll): through the
// real `tongket enroll` and a real server, a laptop that typed too many wrong tokens is told
// to wait, with a clear message, and its good token is not spent meanwhile.
#include <catch2/catch.hpp>

#include "server_fixture.hpp"
#include "sync_world.hpp"
#include "tongket/sync/crypto.hpp"

using namespace tongket;
using namespace tongket::test;
using Catch::Contains;

TEST_CASE("enroll: after 10 failed tokens from one address the client is told to wait",
          "[e2e][security][enroll]") {
  SyncServer server;
  TempDir dir("tongket-enroll-limit");
  SyncClient c(dir.path(), "commune");
  c.init(kCommune, "Nguyễn Văn A");
  auto enroll = [&](const std::string& token) {
    return c.run(
        {"enroll", "--server", server.url(), "--ca", server.ca().string(), "--token", token});
  };
  for (int i = 0; i < 10; ++i) {
    auto wrong = enroll(sync::random_id());
    INFO(wrong.out << wrong.err);
    REQUIRE(wrong.exit_code == 6);  // unauthorized: an unknown token
  }
  const std::string good = server.token(kCommune, "clerk");
  auto limited = enroll(good);
  INFO(limited.out << limited.err);
  CHECK(limited.exit_code != 0);  // (the client's enroll maps every non-401/403 to exit 8)
  CHECK_THAT(limited.err, Contains("rate_limited") && Contains("too many failed enrollments") &&
                              Contains("try again in 15 minute(s)"));
  CHECK(server_count(server.data(),
                     "SELECT count(*) FROM enroll_tokens WHERE used_ms IS NOT NULL") == 0);
  CHECK(server_count(server.data(), "SELECT count(*) FROM devices") == 0);
  CHECK(server_count(server.data(),
                     "SELECT count(*) FROM refusals WHERE code = 'unauthorized' "
                     "AND source = '127.0.0.1'") >= 1);
}
