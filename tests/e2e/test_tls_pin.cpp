// The client trusts exactly the CA given at enrollment. Debian's libcurl also has a default CA
// directory (/etc/ssl/certs); a rogue CA dropped there must not let a relay pose as the server.
// The laptop's CA directory is replaced, for the child processes only, by a private one holding
// the rogue CA (a mount namespace: `unshare -m` + a bind mount), so the machine is untouched.
#include <catch2/catch.hpp>
#include <filesystem>

#include "sync_world.hpp"

using namespace tongket::test;

namespace {

constexpr const char* kCommune = "25489";
constexpr const char* kSystemCaDir = "/etc/ssl/certs";  // libcurl's built-in CAPATH on Debian

// argv run with `ca_dir` mounted over the system CA directory (in a private mount namespace).
std::vector<std::string> with_system_cas(const std::filesystem::path& ca_dir,
                                         std::vector<std::string> argv) {
  std::vector<std::string> out = {
      "/usr/bin/unshare",
      "-m",
      "--propagation",
      "private",
      "/bin/sh",
      "-c",
      std::string("mount --bind \"$0\" ") + kSystemCaDir + " && exec \"$@\"",
      ca_dir.string()};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

// libcurl as the client used it before the fix: CAINFO = the pinned CA, CAPATH left default.
std::vector<std::string> plain_curl(const std::filesystem::path& ca, const std::string& url) {
  return {"/usr/bin/curl", "-sS",      "-o",        "/dev/null",       "-w",
          "%{http_code}",  "--cacert", ca.string(), url + "/v1/status"};
}

// A relay's CA (its own name: a CA with the same name as the pinned one would be looked up by
// that name in the pinned file first and fail) and a server certificate for 127.0.0.1 from it.
std::filesystem::path make_relay_certs(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  auto ca = run({"/usr/bin/openssl",
                 "req",
                 "-x509",
                 "-new",
                 "-newkey",
                 "ec",
                 "-pkeyopt",
                 "ec_paramgen_curve:prime256v1",
                 "-nodes",
                 "-keyout",
                 (dir / "ca-key.pem").string(),
                 "-out",
                 (dir / "ca.pem").string(),
                 "-days",
                 "30",
                 "-sha256",
                 "-subj",
                 "/O=Relay/CN=Relay Root CA",
                 "-addext",
                 "basicConstraints=critical,CA:TRUE",
                 "-addext",
                 "keyUsage=critical,keyCertSign,cRLSign"});
  INFO(ca.err);
  REQUIRE(ca.exit_code == 0);
  // Keeps the CA above and adds server.pem signed by it.
  auto server =
      run({"/bin/sh", std::string(TONGKET_SOURCE_DIR) + "/certs/make-dev-certs.sh", dir.string()});
  INFO(server.err);
  REQUIRE(server.exit_code == 0);
  return dir;
}

}  // namespace

TEST_CASE("a rogue CA in the laptop's CA directory cannot vouch for a relay") {
  SyncServer real;
  TempDir work{"tongket-tls-pin"};
  // The relay: a real tongket-server (so that an accepted handshake shows as an enrollment)
  // with a certificate from the relay's CA.
  ServerSetup relay_setup;
  const auto relay_certs = make_relay_certs(work / "relay-certs");
  const std::string relay_url = "https://127.0.0.1:" + std::to_string(free_port());
  ServerProcess relay(
      {"serve", "--data", relay_setup.data().string(), "--listen", relay_url, "--cert",
       (relay_certs / "server.pem").string(), "--key", (relay_certs / "server-key.pem").string()},
      work / "relay.log");
  REQUIRE(wait_until_serving(relay_url, relay_certs / "ca.pem", std::chrono::seconds(15)));

  const auto system_cas = work / "system-certs";
  std::filesystem::create_directories(system_cas);
  std::filesystem::copy_file(relay_certs / "ca.pem", system_cas / "relay.pem");
  // The hashed names OpenSSL looks a CA up by in a CA directory (as update-ca-certificates does).
  auto rehash = run({"/usr/bin/openssl", "rehash", system_cas.string()});
  INFO(rehash.err);
  REQUIRE(rehash.exit_code == 0);

  // The rogue path is really consulted: plain libcurl with the real CA pinned refuses the relay
  // on its own, and accepts it once the rogue CA is in the system directory.
  auto alone = run(plain_curl(real.ca(), relay_url));
  INFO(alone.out << alone.err);
  CHECK(alone.exit_code == 60);  // CURLE_PEER_FAILED_VERIFICATION
  auto spoofed = run(with_system_cas(system_cas, plain_curl(real.ca(), relay_url)));
  INFO(spoofed.out << spoofed.err);
  REQUIRE(spoofed.exit_code == 0);
  CHECK(spoofed.out == "401");  // an HTTP answer from the relay: TLS was accepted

  SyncClient laptop(work.path(), "laptop");
  laptop.init(kCommune, "Clerk");
  auto o = laptop.options();
  SECTION("enrollment through the relay is refused as a TLS failure, and nothing is registered") {
    auto r = run(with_system_cas(system_cas, laptop.argv({"enroll", "--server", relay_url, "--ca",
                                                          real.ca().string(), "--token",
                                                          relay_setup.token(kCommune, "clerk")})),
                 o);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 5);
    CHECK_THAT(r.err, Catch::Contains("cannot verify the server"));
    CHECK(server_count(relay_setup.data(), "SELECT count(*) FROM devices") == 0);
    CHECK(laptop.meta("device_id").empty());
  }
  SECTION("a sync after enrollment is refused by the relay's certificate, not sent") {
    laptop.enroll(real, real.token(kCommune, "clerk"));
    laptop.set("PL1.4", "2016", "7");
    auto r = run(with_system_cas(system_cas, laptop.argv({"sync", "--quiet", "--attempts", "1",
                                                          "--server", relay_url})),
                 o);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 5);
    CHECK_THAT(r.err, Catch::Contains("cannot verify the server"));
    // The real server still takes it, with the same CA directory in place.
    auto ok =
        run(with_system_cas(system_cas, laptop.argv({"sync", "--quiet", "--attempts", "1"})), o);
    INFO(ok.out << ok.err);
    CHECK(ok.exit_code == 0);
    CHECK(server_values(real.data(), kCommune).at({kCommune, "v:PL1.4:2016"}) == 7);
  }
}
