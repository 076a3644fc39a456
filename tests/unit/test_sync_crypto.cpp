// Bytes, hashing, Ed25519, gzip and request signatures.
#include <catch2/catch.hpp>

#include "tongket/error.hpp"
#include "tongket/sync/compression.hpp"
#include "tongket/sync/crypto.hpp"
#include "tongket/sync/request_auth.hpp"

using namespace tongket::sync;
using tongket::Errc;
using tongket::Error;

namespace {
Errc code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  FAIL("no tongket::Error thrown");
  return Errc::internal;
}
}  // namespace

TEST_CASE("hex and base64 round-trip, garbage is refused", "[sync][bytes]") {
  Bytes b = {0x00, 0x01, 0xfe, 0xff, 0x7f};
  CHECK(to_hex(b) == "0001feff7f");
  CHECK(bytes_from_hex("0001FEff7f") == b);
  CHECK(code_of([] { bytes_from_hex("abc"); }) == Errc::protocol);
  CHECK(code_of([] { bytes_from_hex("zz"); }) == Errc::protocol);
  CHECK(code_of([] { hash_from_hex("00"); }) == Errc::protocol);

  for (std::size_t n = 0; n < 10; ++n) {
    Bytes x = random_bytes(n);
    CHECK(base64_decode(base64_encode(x)) == x);
  }
  CHECK(base64_encode(as_bytes("Việt")) == "Vmnhu4d0");
  CHECK(code_of([] { base64_decode("abc"); }) == Errc::protocol);   // length
  CHECK(code_of([] { base64_decode("ab!d"); }) == Errc::protocol);  // alphabet
  CHECK(code_of([] { base64_decode("a=bc"); }) == Errc::protocol);  // padding inside
  CHECK(code_of([] { base64_decode("ab c"); }) == Errc::protocol);  // whitespace
  CHECK(code_of([] { base64_decode("ab==ab=="); }) == Errc::protocol);
  CHECK(random_id().size() == 32);
  CHECK(random_id() != random_id());
}

TEST_CASE("sha256 matches the standard test vector", "[sync][crypto]") {
  CHECK(to_hex(sha256(as_bytes("abc"))) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("Ed25519 sign and verify, wrong key, message or signature fail", "[sync][crypto]") {
  SigningKey key = SigningKey::generate();
  SigningKey other = SigningKey::generate();
  Bytes pub = key.public_key();
  REQUIRE(pub.size() == 32);
  Bytes msg = {'b', 'a', 'o', ' ', 'c', 'a', 'o'};
  Bytes sig = key.sign(msg);
  REQUIRE(sig.size() == 64);
  CHECK(verify_signature(pub, msg, sig));
  CHECK_FALSE(verify_signature(other.public_key(), msg, sig));
  Bytes changed = msg;
  changed[0] ^= 1;
  CHECK_FALSE(verify_signature(pub, changed, sig));
  Bytes bad = sig;
  bad[10] ^= 0x80;
  CHECK_FALSE(verify_signature(pub, msg, bad));
  CHECK_FALSE(verify_signature(Bytes(31), msg, sig));
  CHECK_FALSE(verify_signature(pub, msg, Bytes(63)));

  SECTION("PEM round trip keeps the key") {
    std::string pem = key.private_pem();
    CHECK(pem.find("BEGIN PRIVATE KEY") != std::string::npos);
    SigningKey again = SigningKey::from_pem(pem);
    CHECK(again.public_key() == pub);
    CHECK(verify_signature(pub, msg, again.sign(msg)));
    CHECK(code_of([] { SigningKey::from_pem("not a key"); }) == Errc::invalid_argument);
  }
}

TEST_CASE("gzip round-trips and refuses bombs and corrupt input", "[sync][gzip]") {
  std::string text;
  for (int i = 0; i < 2000; ++i)
    text += "Cải cách hành chính giai đoạn 2011-2020, dòng " + std::to_string(i) + "\n";
  Bytes plain(text.begin(), text.end());
  Bytes packed = gzip(plain);
  CHECK(packed.size() < plain.size() / 4);
  CHECK(packed[0] == 0x1f);
  CHECK(packed[1] == 0x8b);
  CHECK(gunzip(packed, plain.size()) == plain);
  CHECK(gunzip(gzip(Bytes{}), 0).empty());

  SECTION("zip bomb: 64 MiB of zeros is refused at the limit") {
    Bytes zeros(64 * 1024 * 1024, 0);
    Bytes bomb = gzip(zeros);
    CHECK(bomb.size() < 200 * 1024);
    CHECK(code_of([&] { gunzip(bomb, 1024 * 1024); }) == Errc::too_large);
    CHECK(code_of([&] { gunzip(packed, plain.size() - 1); }) == Errc::too_large);
  }
  SECTION("corrupt, truncated or trailing bytes") {
    Bytes corrupt = packed;
    corrupt[corrupt.size() / 2] ^= 0xff;
    CHECK(code_of([&] { gunzip(corrupt, 10 << 20); }) == Errc::protocol);
    Bytes truncated(packed.begin(), packed.begin() + static_cast<long>(packed.size() - 5));
    CHECK(code_of([&] { gunzip(truncated, 10 << 20); }) == Errc::protocol);
    Bytes trailing = packed;
    trailing.push_back(0);
    CHECK(code_of([&] { gunzip(trailing, 10 << 20); }) == Errc::protocol);
    CHECK(code_of([&] { gunzip(as_bytes("plain text"), 10 << 20); }) == Errc::protocol);
  }
}

TEST_CASE("request signing string and signatures", "[sync][auth]") {
  Bytes body = {'{', '}'};
  std::string s = signing_string("POST", "/v1/pull", "dev1", 42, body);
  CHECK(s == "TONGKET-REQ-1\nPOST\n/v1/pull\ndev1\n42\n" + to_hex(sha256(body)));
  CHECK(s.substr(s.size() - 64) ==
        "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");

  SigningKey key = SigningKey::generate();
  auto h = sign_request(key, "POST", "/v1/pull", "dev1", 42, body);
  REQUIRE(h.at(kHeaderDevice) == "dev1");
  REQUIRE(h.at(kHeaderCounter) == "42");
  const std::string& sig = h.at(kHeaderSignature);
  Bytes pub = key.public_key();
  CHECK(verify_request(pub, sig, "POST", "/v1/pull", "dev1", 42, body));
  CHECK_FALSE(verify_request(pub, sig, "POST", "/v1/push", "dev1", 42, body));
  CHECK_FALSE(verify_request(pub, sig, "POST", "/v1/pull", "dev2", 42, body));
  CHECK_FALSE(verify_request(pub, sig, "POST", "/v1/pull", "dev1", 43, body));
  CHECK_FALSE(verify_request(pub, sig, "POST", "/v1/pull", "dev1", 42, Bytes{'[', ']'}));
  CHECK_FALSE(verify_request(SigningKey::generate().public_key(), sig, "POST", "/v1/pull", "dev1",
                             42, body));
  CHECK_FALSE(verify_request(pub, "%%%", "POST", "/v1/pull", "dev1", 42, body));

  CHECK(parse_counter("1") == 1);
  CHECK(parse_counter("18446744073709551615") == UINT64_MAX);
  for (const char* bad : {"", "01", "-1", "+1", " 1", "1 ", "18446744073709551616", "1x"})
    CHECK(code_of([&] { parse_counter(bad); }) == Errc::protocol);
}
