// Change set encoding, strict decoding, signatures, the hash chain, and the size of a full
// commune report on the wire.
#include <catch2/catch.hpp>

#include <random>

#include "tongket/error.hpp"
#include "tongket/sync/chain.hpp"
#include "tongket/sync/changeset.hpp"
#include "tongket/sync/compression.hpp"
#include "tongket/sync/crypto.hpp"

using namespace tongket::sync;
using tongket::Errc;
using tongket::Error;
using json = nlohmann::json;

namespace {

constexpr std::uint64_t kClock = (1'780'000'000'000ULL << 16) | 7;  // an HLC in 2026

ChangeSet sample() {
  ChangeSet cs;
  cs.device = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
  cs.unit = "00001";
  cs.seq = 1;
  cs.hlc = kClock;
  cs.author = "Nguyễn Thị Hương";
  cs.ops = {
      {5, "", "v:PL3.5.a.1:2016", 12, 0, kClock - 3000, std::nullopt},
      {6, "", "t:P1.II.2.1.a", "Đã rà soát 45 thủ tục hành chính.\n", 17, kClock, std::nullopt},
      {9, "00004", "g:PL8.3", "dat", 3, kClock + 2, 77},
      {10, "", "r:PL4.III:row7", json{{"ten", "Bộ phận một cửa"}, {"so", 3.5}}, 0, kClock,
       std::nullopt},
      {11, "", "v:PL3.5.a.2:2016", nullptr, 4, kClock, std::nullopt},
  };
  return cs;
}

// The decoder's verdict on bytes: "" when accepted, else the message of Error(protocol).
std::string refusal(std::span<const std::uint8_t> bytes) {
  try {
    decode(bytes);
    return "";
  } catch (const Error& e) {
    if (e.code() != Errc::protocol) return "wrong code: " + std::string(e.what());
    return e.what();
  }
}

Bytes with_header(const json& doc) {
  Bytes out = {'T', 'K', 'C', 'S', 1};
  json::to_cbor(doc, out);
  return out;
}

json sample_doc() {
  Bytes b = encode(sample());
  return json::from_cbor(b.begin() + 5, b.end());
}

}  // namespace

TEST_CASE("a change set round-trips through its encoding", "[sync][changeset]") {
  ChangeSet cs = sample();
  Bytes b = encode(cs);
  CHECK(std::string(b.begin(), b.begin() + 4) == "TKCS");
  CHECK(b[4] == 1);
  CHECK(decode(b) == cs);
  CHECK(encode(decode(b)) == b);

  SECTION("compact: consecutive ids, the change set's clock and unit, base 0 are omitted") {
    json doc = sample_doc();
    CHECK_FALSE(doc["o"][1].contains("i"));  // 6 = 5 + 1
    CHECK(doc["o"][0]["i"] == 5);
    CHECK(doc["o"][2]["i"] == 3);
    CHECK_FALSE(doc["o"][1].contains("t"));
    CHECK(doc["o"][0]["t"] == -3000);
    CHECK(doc["o"][2]["t"] == 2);
    CHECK_FALSE(doc["o"][0].contains("u"));
    CHECK(doc["o"][2]["u"] == "00004");
    CHECK_FALSE(doc["o"][0].contains("b"));
    CHECK_FALSE(doc["o"][0].contains("r"));
    CHECK(doc["o"][2]["r"] == 77);
    CHECK(doc["o"][4]["v"].is_null());
  }
  SECTION("unit_of resolves the shorthand") {
    CHECK(unit_of(cs, cs.ops[0]) == "00001");
    CHECK(unit_of(cs, cs.ops[2]) == "00004");
  }
}

TEST_CASE("encode refuses what decode would refuse", "[sync][changeset]") {
  auto refused = [](ChangeSet cs) {
    try {
      encode(cs);
    } catch (const Error& e) {
      return e.code() == Errc::invalid_argument;
    }
    return false;
  };
  ChangeSet cs = sample();
  cs.seq = 0;
  CHECK(refused(cs));
  cs = sample();
  cs.ops[1].id = 5;  // not increasing
  CHECK(refused(cs));
  cs = sample();
  cs.ops[0].field = "x:nope";
  CHECK(refused(cs));
  cs = sample();
  cs.ops.clear();
  CHECK(refused(cs));
  cs = sample();
  cs.prev[0] = 1;  // seq 1 has no predecessor
  CHECK(refused(cs));
  cs = sample();
  cs.ops[0].value = std::nan("");
  CHECK(refused(cs));
  cs = sample();
  cs.ops[0].value = json::binary({1, 2});
  CHECK(refused(cs));
  cs = sample();
  cs.device = "has space";
  CHECK(refused(cs));
}

TEST_CASE("decode refuses malformed change sets and names where", "[sync][changeset]") {
  Bytes good = encode(sample());
  REQUIRE(refusal(good).empty());

  SECTION("every truncation") {
    for (std::size_t n = 0; n < good.size(); ++n)
      CHECK_FALSE(refusal(std::span(good.data(), n)).empty());
  }
  SECTION("magic and version") {
    Bytes b = good;
    b[0] = 'X';
    CHECK(refusal(b).find("TKCS") != std::string::npos);
    b = good;
    b[4] = 2;
    CHECK(refusal(b).find("version 2") != std::string::npos);
    b = good;
    b.push_back(0);  // trailing byte after the map
    CHECK_FALSE(refusal(b).empty());
  }
  SECTION("wrong types, with the path in the message") {
    auto check = [](json doc, const std::string& path) {
      std::string why = refusal(with_header(doc));
      INFO(why);
      CHECK(why.find("change set: " + path) != std::string::npos);
    };
    json d = sample_doc();
    d["s"] = "1";
    check(d, "/s");
    d = sample_doc();
    d["s"] = 0;
    check(d, "/s");
    d = sample_doc();
    d["s"] = -4;
    check(d, "/s");
    d = sample_doc();
    d["p"] = json::binary(Bytes(31));
    check(d, "/p");
    d = sample_doc();
    d["p"] = std::string(32, 'x');
    check(d, "/p");
    d = sample_doc();
    d["s"] = 1;
    d["p"] = json::binary(Bytes(32, 1));  // s = 1 must have zero prev
    check(d, "/p");
    d = sample_doc();
    d.erase("a");
    check(d, "/a");
    d = sample_doc();
    d["extra"] = 1;
    check(d, "/extra");
    d = sample_doc();
    d["o"] = json::array();
    check(d, "/o");
    d = sample_doc();
    d["o"][3]["f"] = "v:only-one-part";
    check(d, "/o/3/f");
    d = sample_doc();
    d["o"][3]["f"] = 12;
    check(d, "/o/3/f");
    d = sample_doc();
    d["o"][1]["i"] = 0;  // same id twice
    check(d, "/o/1/i");
    d = sample_doc();
    d["o"][0].erase("v");
    check(d, "/o/0/v");
    d = sample_doc();
    d["o"][0]["v"] = json::binary(Bytes{1});
    check(d, "/o/0/v");
    d = sample_doc();
    d["o"][0]["u"] = "00001";  // equal to the change set's unit: must be omitted
    check(d, "/o/0/u");
    d = sample_doc();
    d["o"][0]["t"] = -static_cast<std::int64_t>(kClock) - 1;  // clock below zero
    check(d, "/o/0/t");
    d = sample_doc();
    d["o"][2] = "not a map";
    check(d, "/o/2");
    d = sample_doc();
    d["d"] = "";
    check(d, "/d");
  }
  SECTION("duplicate keys, deep nesting, tags and invalid UTF-8") {
    Bytes dup = {'T', 'K', 'C', 'S', 1, 0xa2, 0x61, 'd', 0x61, 'x', 0x61, 'd', 0x61, 'y'};
    CHECK(refusal(dup).find("duplicate") != std::string::npos);
    Bytes deep = {'T', 'K', 'C', 'S', 1};
    deep.insert(deep.end(), 200000, 0x81);  // [[[[...: must not exhaust the stack
    deep.push_back(0x00);
    CHECK(refusal(deep).find("nested") != std::string::npos);
    json d = sample_doc();
    json v = 1;
    for (std::size_t i = 0; i < kMaxValueDepth + 2; ++i) v = json::array({v});
    d["o"][0]["v"] = v;
    CHECK_FALSE(refusal(with_header(d)).empty());
    Bytes tagged = {'T', 'K', 'C', 'S', 1, 0xc1, 0x00};
    CHECK_FALSE(refusal(tagged).empty());
    Bytes bad_utf8 = with_header(sample_doc());
    auto author = as_bytes("Nguyễn");
    auto it = std::search(bad_utf8.begin(), bad_utf8.end(), author.begin(), author.end());
    REQUIRE(it != bad_utf8.end());
    *(it + 4) = 0xff;  // inside the multi-byte "ễ"
    CHECK_FALSE(refusal(bad_utf8).empty());
  }
  SECTION("random corruption never crashes and never yields a different valid change set") {
    std::mt19937 rng(12345);
    ChangeSet original = sample();
    for (int round = 0; round < 3000; ++round) {
      Bytes b = good;
      int flips = 1 + static_cast<int>(rng() % 4);
      for (int k = 0; k < flips; ++k)
        b[rng() % b.size()] ^= static_cast<std::uint8_t>(1 + rng() % 255);
      try {
        ChangeSet cs = decode(b);
        CHECK(cs != original);  // a flip inside a text or number may still decode
      } catch (const Error& e) {
        CHECK(e.code() == Errc::protocol);
      }
    }
  }
}

TEST_CASE("signed change sets: flipped bytes fail verification", "[sync][changeset][crypto]") {
  SigningKey key = SigningKey::generate();
  SignedChangeSet scs = sign_change_set(sample(), key);
  CHECK(scs.signature.size() == 64);
  CHECK(verify_change_set(scs, key.public_key()));
  CHECK(scs.hash() == sha256(scs.bytes));
  CHECK_FALSE(verify_change_set(scs, SigningKey::generate().public_key()));
  for (std::size_t i = 0; i < scs.bytes.size(); i += 7) {
    SignedChangeSet tampered = scs;
    tampered.bytes[i] ^= 0x01;
    CHECK_FALSE(verify_change_set(tampered, key.public_key()));
  }
}

TEST_CASE("chain verdicts: next, duplicate, fork, gap", "[sync][chain]") {
  SigningKey key = SigningKey::generate();
  ChainState client;
  std::vector<Operation> ops = {{1, "", "v:PL1.1:2016", 1, 0, kClock, std::nullopt}};
  auto first = build_change_sets(client, "dev", "00001", "A", kClock, ops, key);
  ops[0].id = 2;
  auto second = build_change_sets(client, "dev", "00001", "A", kClock, ops, key);
  ops[0].id = 3;
  auto third = build_change_sets(client, "dev", "00001", "A", kClock, ops, key);
  REQUIRE(client.last_seq == 3);
  ChangeSet c1 = decode(first[0].bytes), c2 = decode(second[0].bytes), c3 = decode(third[0].bytes);
  CHECK(c2.prev == first[0].hash());

  ChainState server;  // knows nothing yet
  CHECK(check_chain(server, c1, first[0].hash(), std::nullopt) == ChainVerdict::next);
  CHECK(check_chain(server, c2, second[0].hash(), std::nullopt) == ChainVerdict::gap);
  server = {1, first[0].hash()};
  CHECK(check_chain(server, c2, second[0].hash(), std::nullopt) == ChainVerdict::next);
  CHECK(check_chain(server, c1, first[0].hash(), first[0].hash()) == ChainVerdict::duplicate);
  CHECK(check_chain(server, c3, third[0].hash(), std::nullopt) == ChainVerdict::gap);

  // Another change set with seq 1 (a device restored from an old backup signs anew).
  ChainState other;
  ops[0].value = 99;
  auto rival = build_change_sets(other, "dev", "00001", "A", kClock, ops, key);
  ChangeSet r1 = decode(rival[0].bytes);
  CHECK(check_chain(server, r1, rival[0].hash(), first[0].hash()) == ChainVerdict::fork);
  // seq = last + 1 but chained to something else.
  ChangeSet bad = c2;
  bad.prev = rival[0].hash();
  CHECK(check_chain(server, bad, sha256(encode(bad)), std::nullopt) == ChainVerdict::fork);
  CHECK(std::string(chain_verdict_name(ChainVerdict::gap)) == "gap");
}

TEST_CASE("build_change_sets splits by size and count and chains them", "[sync][chain]") {
  SigningKey key = SigningKey::generate();
  std::vector<Operation> ops;
  for (std::uint64_t i = 1; i <= 5000; ++i)
    ops.push_back({i, "", "v:PL3.5.a.1:" + std::to_string(2011 + i % 10),
                   static_cast<std::uint64_t>(i * 7), 0, kClock, std::nullopt});
  ChainState head{7, sha256(as_bytes("seven"))};
  auto sets = build_change_sets(head, "dev", "00001", "A", kClock, ops, key);
  REQUIRE(sets.size() == 2);  // 4096 ops, then the rest
  CHECK(decode(sets[0].bytes).ops.size() == kMaxOpsPerChangeSet);
  CHECK(decode(sets[0].bytes).seq == 8);
  CHECK(decode(sets[0].bytes).prev == sha256(as_bytes("seven")));
  CHECK(decode(sets[1].bytes).prev == sets[0].hash());
  CHECK(head == ChainState{9, sets[1].hash()});

  SECTION("by bytes: every change set within the limit, ops kept in order") {
    std::vector<Operation> big;
    for (std::uint64_t i = 1; i <= 40; ++i)
      big.push_back({i, "", "t:S" + std::to_string(i), std::string(5000, 'x'), 0, kClock, {}});
    ChainState h;
    auto parts = build_change_sets(h, "dev", "00001", "A", kClock, big, key, 32 * 1024);
    CHECK(parts.size() >= 7);
    std::uint64_t next_id = 1;
    for (const auto& p : parts) {
      CHECK(p.bytes.size() <= 32 * 1024);
      for (const auto& op : decode(p.bytes).ops) CHECK(op.id == next_id++);
    }
    CHECK(next_id == 41);
  }
  SECTION("an op too large alone is refused and the head stays") {
    ChainState h{3, {}};
    std::vector<Operation> huge = {{1, "", "t:S", std::string(300000, 'x'), 0, kClock, {}}};
    CHECK_THROWS_AS(build_change_sets(h, "dev", "00001", "A", kClock, huge, key), Error);
    CHECK(h.last_seq == 3);
  }
}

TEST_CASE("a full commune report compresses to under ~32 KB", "[sync][size]") {
  // ~1,200 values (120 indicators x 10 years) + ~20 KB of Vietnamese narrative in 16 sections,
  // as one device typing it in over a few days.
  std::mt19937 rng(2020);
  const char* syllables[] = {
      "cải",  "cách", "hành",  "chính", "thủ",   "tục",   "một",   "cửa",    "liên", "thông",
      "cán",  "bộ",   "công",  "chức",  "người", "dân",   "doanh", "nghiệp", "tỉnh", "huyện",
      "xã",   "năm",  "đã",    "được",  "thực",  "hiện",  "kết",   "quả",    "đánh", "giá",
      "chỉ",  "số",   "hài",   "lòng",  "dịch",  "vụ",    "trực",  "tuyến",  "mức",  "độ",
      "điện", "tử",   "văn",   "bản",   "quy",   "phạm",  "pháp",  "luật",   "kiểm", "tra",
      "rà",   "soát", "đơn",   "giản",  "hóa",   "tổ",    "máy",   "biên",   "chế",  "tinh",
      "giản", "tài",  "chính", "công",  "nghệ",  "thông", "tin",   "ứng",    "dụng", "trong"};
  ChangeSet cs;
  cs.device = random_id();
  cs.unit = "00001";
  cs.seq = 12;
  cs.prev = sha256(as_bytes("eleven"));
  cs.hlc = kClock;
  cs.author = "Trần Văn Nam";
  std::uint64_t id = 100;
  std::uint64_t clock = kClock - (3ULL * 86400 * 1000 << 16);
  for (int ind = 0; ind < 120; ++ind) {
    std::string code = "PL" + std::to_string(1 + ind / 20) + "." + std::to_string(ind % 7 + 1) +
                       "." + std::string(1, static_cast<char>('a' + ind % 5)) + "." +
                       std::to_string(ind % 3 + 1);
    for (int year = 2011; year <= 2020; ++year) {
      json value = ind % 4 == 0 ? json(std::round((rng() % 10000) / 10.0) / 10.0)
                                : json(static_cast<std::uint64_t>(rng() % 500));
      clock += (rng() % 20000) << 16;  // a value every few seconds
      cs.ops.push_back({++id, "", "v:" + code + ":" + std::to_string(year), value,
                        rng() % 3 == 0 ? 0 : 1000 + rng() % 5000, clock, std::nullopt});
    }
  }
  std::size_t text_bytes = 0;
  for (int s = 0; s < 16; ++s) {
    std::string text;
    while (text.size() < 1250) {
      for (int w = 0; w < 14; ++w)
        text += std::string(syllables[rng() % std::size(syllables)]) + " ";
      text += std::to_string(rng() % 100) + " thủ tục.\n";
    }
    text_bytes += text.size();
    clock += 60000ULL << 16;
    cs.ops.push_back({++id, "", "t:P1.II." + std::to_string(s + 1) + ".a", text, 0, clock, {}});
  }
  cs.hlc = clock;
  SigningKey key = SigningKey::generate();
  SignedChangeSet scs = sign_change_set(cs, key);
  Bytes packed = gzip(scs.bytes);
  WARN("full commune report: " << cs.ops.size() << " ops, " << text_bytes << " bytes of text; "
                               << scs.bytes.size() << " bytes encoded, " << packed.size()
                               << " bytes gzipped");
  CHECK(cs.ops.size() == 1216);
  CHECK(scs.bytes.size() <= kMaxChangeSetBytes);
  CHECK(packed.size() < 48 * 1024);
  CHECK(decode(scs.bytes) == cs);
}
