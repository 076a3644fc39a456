// Wire messages: round trips, strict decoding, bodies and the running log hash.
#include <catch2/catch.hpp>

#include <random>

#include "tongket/error.hpp"
#include "tongket/sync/compression.hpp"
#include "tongket/sync/crypto.hpp"
#include "tongket/sync/messages.hpp"

using namespace tongket::sync;
using tongket::Errc;
using tongket::Error;
using json = nlohmann::json;

namespace {
Bytes text_bytes(const std::string& s) {
  return Bytes(s.begin(), s.end());
}

std::string refusal(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code() == Errc::protocol ? e.what() : "wrong code";
  }
  return "";
}

PullEvent value_event(std::uint64_t seq) {
  return {"value", seq, "00001", "v:PL1.1:2016", 42, seq, "dev", "Hà", 123456, nullptr};
}
}  // namespace

TEST_CASE("push request and reply round-trip", "[sync][messages]") {
  std::vector<SignedChangeSet> batch = {{Bytes{1, 2, 3}, Bytes(64, 9)}, {Bytes{4}, Bytes(64, 8)}};
  CHECK(decode_push_request(encode_push_request(batch)) == batch);

  PushReply r;
  r.results = {{1, PushStatus::applied, "", {7, 8}, 100, {}},
               {2,
                PushStatus::refused,
                "PL1.1 không thuộc phạm vi của xã",
                {},
                100,
                {{2, "PL1.1 không thuộc phạm vi của xã"}}},
               {3, PushStatus::duplicate, "", {}, 90, {}}};
  r.error = WireError{"gap", "expected 4", 4, std::nullopt};
  CHECK(decode_push_reply(encode_push_reply(r)) == r);
  r.error.reset();
  CHECK(decode_push_reply(encode_push_reply(r)) == r);

  CHECK(refusal([] {
          decode_push_request(json::to_cbor(json{{"batch", 1}}));
        }).find("/batch") != std::string::npos);
  json bad_sig = {{"batch", {{{"cs", json::binary({1})}, {"sig", json::binary({1, 2})}}}}};
  CHECK(refusal([&] { decode_push_request(json::to_cbor(bad_sig)); }).find("/batch/0/sig") !=
        std::string::npos);
  json too_many = {{"batch", json::array()}};
  for (int i = 0; i < 65; ++i)
    too_many["batch"].push_back({{"cs", json::binary({1})}, {"sig", json::binary(Bytes(64))}});
  CHECK_FALSE(refusal([&] { decode_push_request(json::to_cbor(too_many)); }).empty());
  CHECK(refusal([] {
          decode_push_reply(text_bytes(R"({"results":[{"seq":1,"status":"maybe"}]})"));
        }).find("/results/0/status") != std::string::npos);
  CHECK(refusal([] {
          decode_push_reply(text_bytes(R"({"results":[{"seq":-1,"status":"applied"}]})"));
        }).find("/results/0/seq") != std::string::npos);
}

TEST_CASE("pull request, page and events round-trip", "[sync][messages]") {
  PullRequest req{"srv1", {17, sha256(as_bytes("x"))}, 500};
  Bytes b = encode_pull_request(req);
  CHECK(json::parse(b)["cursor"]["hash"] == to_hex(req.cursor.hash));
  CHECK(decode_pull_request(b) == req);
  CHECK(refusal([] {
          decode_pull_request(
              text_bytes(R"({"server_id":"","cursor":{"seq":0,"hash":"00"},"limit":5})"));
        }).find("/cursor/hash") != std::string::npos);
  CHECK(refusal([] {
          decode_pull_request(text_bytes(R"({"server_id":"","cursor":{"seq":0,"hash":")" +
                                         std::string(64, '0') + R"("},"limit":0})"));
        }).find("/limit") != std::string::npos);

  PullPage page;
  page.server_id = "srv1";
  page.events = {value_event(18), value_event(19)};
  page.events[1].kind = "conflict";
  page.events[1].extra = json{{"conflict", 5}, {"current", 40}};
  page.cursor = {19, sha256(as_bytes("y"))};
  page.more = true;
  CHECK(decode_pull_page(encode_pull_page(page)) == page);
  json doc = json::from_cbor(encode_pull_page(page));
  doc["events"][1]["seq"] = "19";
  CHECK(refusal([&] { decode_pull_page(json::to_cbor(doc)); }).find("/events/1/seq") !=
        std::string::npos);
  doc = json::from_cbor(encode_pull_page(page));
  doc["more"] = 1;
  CHECK(refusal([&] { decode_pull_page(json::to_cbor(doc)); }).find("/more") != std::string::npos);
}

TEST_CASE("the running log hash is sha256(previous || event bytes)", "[sync][messages]") {
  Hash h0{};
  PullEvent e1 = value_event(1), e2 = value_event(2);
  Bytes b1 = encode_event(e1);
  CHECK(json::from_cbor(b1)["k"] == "value");
  CHECK_FALSE(json::from_cbor(b1).contains("x"));  // no extra: key omitted
  Hash h1 = next_log_hash(h0, b1);
  Bytes cat(h0.begin(), h0.end());
  cat.insert(cat.end(), b1.begin(), b1.end());
  CHECK(h1 == sha256(cat));
  Hash h2 = next_log_hash(h1, encode_event(e2));
  CHECK(h2 != h1);
  // The encoding is deterministic and survives a round trip through a page.
  PullPage p{"s", {e1, e2}, {2, h2}, false};
  PullPage back = decode_pull_page(encode_pull_page(p));
  CHECK(next_log_hash(next_log_hash(h0, encode_event(back.events[0])),
                      encode_event(back.events[1])) == h2);
}

TEST_CASE("encode_event writes exactly the bytes of to_cbor of the event map", "[sync][messages]") {
  std::vector<PullEvent> events;
  PullEvent e = value_event(1);
  events.push_back(e);
  for (std::uint64_t n : {0ULL, 23ULL, 24ULL, 255ULL, 256ULL, 65535ULL, 65536ULL, 4294967295ULL,
                          4294967296ULL, 18446744073709551615ULL}) {
    PullEvent x = e;
    x.seq = n;
    x.version = n / 2;
    x.hlc = n;
    events.push_back(x);
  }
  for (std::size_t len : {0u, 23u, 24u, 255u, 256u, 70000u}) {
    PullEvent x = e;
    x.value = std::string(len, 'a') + "Đã triển khai";
    x.author = std::string(len % 300, 'b');
    x.field = "t:KH.X.1";
    events.push_back(x);
  }
  PullEvent c = e;
  c.kind = "conflict";
  c.value = json{{"z", -3}, {"a", {1.5, nullptr, true}}};
  c.extra = {{"conflict", 7}, {"current_value", -12}, {"current_author", "Lan"}};
  events.push_back(c);
  PullEvent neg = e;
  neg.value = -1234567890123LL;
  events.push_back(neg);
  neg.value = nullptr;
  events.push_back(neg);
  for (const auto& ev : events) CHECK(encode_event(ev) == encode_event_reference(ev));
}

TEST_CASE("CBOR text is refused unless it is UTF-8 that JSON could carry", "[sync][messages]") {
  // The decoders check text while parsing; JSON's dump() is the reference for what is valid.
  std::uint32_t seed = 12345;
  auto next = [&] {
    seed = seed * 1103515245u + 12345u;
    return static_cast<std::uint8_t>(seed >> 16);
  };
  const std::uint8_t interesting[] = {0x00, 0x7f, 0x80, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xa0,
                                      0x9f, 0xed, 0xef, 0xf0, 0x90, 0x8f, 0xf4, 0xf5, 0xff};
  int valid = 0, invalid = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    std::size_t len = 1 + next() % 6;
    for (std::size_t i = 0; i < len; ++i)
      text.push_back(
          static_cast<char>(next() % 3 ? interesting[next() % sizeof interesting] : next()));
    bool json_ok = true;
    try {
      (void)json(text).dump();
    } catch (const json::exception&) {
      json_ok = false;
    }
    // {"results": [], "x": text} as CBOR, so only the text can be wrong.
    Bytes doc = {0xa2, 0x67, 'r', 'e', 's', 'u', 'l', 't', 's', 0x80, 0x61, 'x'};
    doc.push_back(static_cast<std::uint8_t>(0x60 + text.size()));
    doc.insert(doc.end(), text.begin(), text.end());
    bool ours_ok = refusal([&] { decode_push_reply(doc); }).empty();
    CHECK(ours_ok == json_ok);
    (json_ok ? valid : invalid)++;
  }
  CHECK(valid > 1000);
  CHECK(invalid > 1000);
}

TEST_CASE("enroll and error messages", "[sync][messages]") {
  EnrollRequest er{"tok123", SigningKey::generate().public_key(), "may-tinh-xa", "25489"};
  CHECK(decode_enroll_request(encode_enroll_request(er)) == er);
  CHECK(refusal([] {
          decode_enroll_request(text_bytes(R"({"token":"t","public_key":"AAAA"})"));
        }).find("/public_key") != std::string::npos);
  EnrollReply rep{"dev1", "00001", "clerk", "srv"};
  CHECK(decode_enroll_reply(encode_enroll_reply(rep)) == rep);

  WireError e{"stale_counter", "counter 3 <= 9", std::nullopt, 9};
  CHECK(decode_error(encode_error(e)) == e);
  CHECK(http_status("stale_counter") == 401);
  CHECK(http_status("gap") == 409);
  CHECK(http_status("cursor_reset") == 409);
  CHECK(http_status("malformed") == 400);
  CHECK(http_status("too_large") == 413);
  CHECK(http_status("unavailable") == 503);
  CHECK_FALSE(refusal([] { decode_error(text_bytes("<html>502</html>")); }).empty());
  std::string deep(100000, '[');
  CHECK(refusal([&] { decode_error(text_bytes(deep)); }).find("nested") != std::string::npos);
}

TEST_CASE("bodies are gzipped over 1 KiB and opened with a limit", "[sync][messages]") {
  Body small = make_body(Bytes(100, 'a'));
  CHECK_FALSE(small.gzipped);
  Body big = make_body(Bytes(5000, 'a'));
  CHECK(big.gzipped);
  CHECK(open_body("gzip", big.bytes) == Bytes(5000, 'a'));
  CHECK(open_body("", small.bytes) == Bytes(100, 'a'));
  CHECK(open_body("identity", small.bytes) == Bytes(100, 'a'));
  CHECK_THROWS_AS(open_body("br", small.bytes), Error);
  try {
    open_body("gzip", big.bytes, 4000);
    FAIL("no limit");
  } catch (const Error& e) {
    CHECK(e.code() == Errc::too_large);
  }
}

TEST_CASE("decoders survive random and mutated input", "[sync][messages]") {
  std::mt19937 rng(7);
  PullPage page{"srv", {value_event(1), value_event(2)}, {2, sha256(as_bytes("z"))}, false};
  std::vector<Bytes> seeds = {
      encode_pull_page(page), encode_push_request({{Bytes{1, 2}, Bytes(64, 1)}}),
      encode_push_reply({{{1, PushStatus::applied, "", {3}, 4, {}}}, {}, {}}),
      encode_pull_request({"s", {}, 10})};
  for (int round = 0; round < 4000; ++round) {
    Bytes b = seeds[static_cast<std::size_t>(round) % seeds.size()];
    if (round % 5 == 0) {
      b = Bytes(rng() % 64);
      for (auto& x : b) x = static_cast<std::uint8_t>(rng());
    } else {
      for (int k = 0; k < 3; ++k) b[rng() % b.size()] = static_cast<std::uint8_t>(rng());
    }
    for (auto* f : {+[](const Bytes& x) { decode_pull_page(x); },
                    +[](const Bytes& x) { decode_push_request(x); },
                    +[](const Bytes& x) { decode_push_reply(x); },
                    +[](const Bytes& x) { decode_pull_request(x); },
                    +[](const Bytes& x) { decode_error(x); }}) {
      try {
        f(b);
      } catch (const Error& e) {
        CHECK(e.code() == Errc::protocol);
      }
    }
  }
}
