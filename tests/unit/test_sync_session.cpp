// The client session against an in-memory server built from the same protocol pieces:
// lost replies, server restores (gap, cursor_reset), stale counters, forks and batching.
#include <catch2/catch.hpp>

#include <memory>

#include "tongket/error.hpp"
#include "tongket/field.hpp"
#include "tongket/sync/chain.hpp"
#include "tongket/sync/client_session.hpp"
#include "tongket/sync/conflict.hpp"
#include "tongket/sync/crypto.hpp"
#include "tongket/sync/request_auth.hpp"

using namespace tongket::sync;
using tongket::Errc;
using tongket::Error;
using json = nlohmann::json;

namespace {

constexpr std::uint64_t kClock = 1'780'000'000'000ULL << 16;

HttpReply json_reply(int status, Bytes body) {
  return {status, {{"content-type", "application/json"}}, std::move(body)};
}

HttpReply error_reply(WireError e) {
  int status = http_status(e.code);
  return json_reply(status, encode_error(e));
}

// A server with the protocol's rules and nothing else (no scopes, no template).
struct FakeServer {
  struct Device {
    Bytes public_key;
    std::uint64_t last_counter = 0;
    ChainState chain;
    std::map<std::uint64_t, std::pair<Hash, PushResult>> results;  // by seq
  };
  struct Field {
    json current;
    std::vector<AcceptedWrite> history;
    std::map<std::uint64_t, json> value_at;  // by version
  };
  std::string server_id = "srv-1";
  std::map<std::string, Device> devices;
  std::map<std::string, Field> fields;  // "unit|field"
  std::vector<std::pair<PullEvent, Hash>> log;
  std::uint64_t next_conflict = 1;
  int push_requests = 0;
  int pull_requests = 0;
  // Protocol 1.1: a push that asks for a page gets it after its results. Off, the server
  // behaves as one that predates it (ignores "pull", answers JSON).
  bool pull_in_push = false;

  std::uint64_t append(PullEvent e) {
    e.seq = log.size() + 1;
    Hash prev = log.empty() ? Hash{} : log.back().second;
    log.emplace_back(e, next_log_hash(prev, encode_event(e)));
    return e.seq;
  }

  HttpReply handle(const std::string& path, const std::map<std::string, std::string>& headers,
                   const Bytes& raw) {
    auto h = [&](const char* name) {
      auto it = headers.find(name);
      return it == headers.end() ? std::string() : it->second;
    };
    auto dev = devices.find(h(kHeaderDevice));
    if (dev == devices.end()) return error_reply({"unauthorized", "unknown device", {}, {}});
    std::uint64_t counter = parse_counter(h(kHeaderCounter));
    if (!verify_request(dev->second.public_key, h(kHeaderSignature), "POST", path, dev->first,
                        counter, raw))
      return error_reply({"bad_signature", "request signature", {}, {}});
    if (counter <= dev->second.last_counter)
      return error_reply({"stale_counter", "counter", {}, dev->second.last_counter});
    dev->second.last_counter = counter;
    Bytes body = open_body(h("Content-Encoding"), raw);
    HttpReply reply = path == kPathPush ? push(dev->first, dev->second, body) : pull(body);
    if (h("Accept-Encoding") == "gzip") {
      Body b = make_body(reply.body);
      if (b.gzipped) reply.headers["content-encoding"] = "gzip";
      reply.body = std::move(b.bytes);
    }
    return reply;
  }

  HttpReply push(const std::string& device, Device& d, const Bytes& body) {
    ++push_requests;
    PushReply reply;
    PushRequest request = decode_push_pull_request(body);
    for (const auto& scs : request.batch) {
      ChangeSet cs = decode(scs.bytes);
      REQUIRE(cs.device == device);
      if (!verify_change_set(scs, d.public_key)) {
        reply.error = WireError{"bad_signature", "change set", {}, {}};
        break;
      }
      std::optional<Hash> stored;
      if (auto it = d.results.find(cs.seq); it != d.results.end()) stored = it->second.first;
      ChainVerdict v = check_chain(d.chain, cs, scs.hash(), stored);
      if (v == ChainVerdict::duplicate) {
        PushResult r = d.results[cs.seq].second;
        r.status = PushStatus::duplicate;
        reply.results.push_back(r);
        continue;
      }
      if (v == ChainVerdict::gap) {
        reply.error = WireError{"gap", "missing change sets", d.chain.last_seq + 1, {}};
        break;
      }
      if (v == ChainVerdict::fork) {
        reply.error = WireError{"fork", "seq " + std::to_string(cs.seq), {}, {}};
        break;
      }
      PushResult r{cs.seq, PushStatus::applied, "", {}, 0, {}};
      for (const auto& op : cs.ops) {
        Field& f = fields[unit_of(cs, op) + "|" + op.field];
        ConflictInput in;
        in.kind = tongket::FieldKey::parse(op.field)->kind;
        in.device = device;
        in.incoming = op.value;
        in.base = op.base;
        for (const auto& w : f.history)
          if (w.version > op.base) in.writes_after_base.push_back(w);
        in.base_value = op.base ? f.value_at[op.base] : json();
        in.current = f.current;
        Decision dec = decide(in);
        PullEvent e{"value", 0,      unit_of(cs, op), op.field, dec.value_to_store_as_current,
                    0,       device, cs.author,       op.hlc,   nullptr};
        if (dec.outcome == Decision::Outcome::conflict) {
          e.kind = "conflict";
          e.value = op.value;
          e.extra = json{{"conflict", next_conflict}, {"current", f.current}};
          r.conflicts.push_back(next_conflict++);
          append(e);
          continue;
        }
        std::uint64_t version = log.size() + 1;
        e.version = version;
        append(e);
        f.current = dec.value_to_store_as_current;
        f.history.push_back({version, device, f.current});
        f.value_at[version] = f.current;
      }
      r.server_seq = log.size();
      d.chain = {cs.seq, scs.hash()};
      d.results[cs.seq] = {scs.hash(), r};
      reply.results.push_back(r);
    }
    if (pull_in_push && request.pull) reply.page = page_for(*request.pull);
    return json_reply(200, encode_push_reply(reply));
  }

  HttpReply pull(const Bytes& body) {
    ++pull_requests;
    auto page = page_for(decode_pull_request(body));
    if (!page) return error_reply({"cursor_reset", "start again from 0", {}, {}});
    return {200, {{"content-type", "application/cbor"}}, encode_pull_page(*page)};
  }

  // Nothing when the cursor is not this server's.
  std::optional<PullPage> page_for(const PullRequest& req) {
    bool known = req.cursor.seq == 0 ? req.cursor.hash == Hash{}
                                     : req.cursor.seq <= log.size() &&
                                           log[req.cursor.seq - 1].second == req.cursor.hash;
    if ((!req.server_id.empty() && req.server_id != server_id) || !known) return std::nullopt;
    PullPage page{server_id, {}, req.cursor, false};
    for (std::uint64_t s = req.cursor.seq + 1; s <= log.size(); ++s) {
      if (page.events.size() == req.limit) {
        page.more = true;
        break;
      }
      page.events.push_back(log[s - 1].first);
      page.cursor = {s, log[s - 1].second};
    }
    return page;
  }
};

struct FakeTransport : Transport {
  FakeServer* server = nullptr;
  int drop_replies = 0;  // the server acts, then the reply is lost
  int calls = 0;
  HttpReply post(const std::string& path, const std::map<std::string, std::string>& headers,
                 const Bytes& body) override {
    ++calls;
    HttpReply r = server->handle(path, headers, body);
    if (drop_replies > 0) {
      --drop_replies;
      throw Error(Errc::network, "connection reset");
    }
    return r;
  }
};

struct FakeReplica : Replica {
  struct Entry {
    std::uint64_t seq;
    SignedChangeSet scs;
    std::optional<PushResult> result;
  };
  std::string id;
  std::shared_ptr<SigningKey> key = std::make_shared<SigningKey>(SigningKey::generate());
  std::string unit = "00001";
  std::uint64_t counter = 0;
  std::uint64_t next_op = 1;
  std::uint64_t clock = kClock;
  std::vector<Operation> pending;
  ChainState head;
  std::vector<Entry> outbox;
  std::string sid;
  Cursor cur;
  std::map<std::string, std::pair<json, std::uint64_t>> seen;  // field -> value, version
  std::vector<PullEvent> events;

  explicit FakeReplica(std::string device) : id(std::move(device)) {}
  void enroll(FakeServer& s) { s.devices[id].public_key = key->public_key(); }

  void edit(const std::string& field, json value) {
    std::uint64_t base = seen.count(field) ? seen[field].second : 0;
    pending.push_back({next_op++, "", field, std::move(value), base, ++clock, std::nullopt});
  }

  std::string device_id() override { return id; }
  Bytes sign(std::span<const std::uint8_t> m) override { return key->sign(m); }
  std::uint64_t next_counter(std::uint64_t at_least) override {
    counter = std::max(counter, at_least) + 1;
    return counter;
  }
  void pack_pending() override {
    if (pending.empty()) return;
    for (auto& scs : build_change_sets(head, id, unit, "Lan", ++clock, pending, *key))
      outbox.push_back({decode(scs.bytes).seq, std::move(scs), std::nullopt});
    pending.clear();
  }
  std::vector<SignedChangeSet> unacknowledged(std::size_t max_count,
                                              std::size_t max_bytes) override {
    std::vector<SignedChangeSet> out;
    std::size_t bytes = 0;
    for (const auto& e : outbox) {
      if (e.result) continue;
      std::size_t n = e.scs.bytes.size() + e.scs.signature.size();
      if (out.size() == max_count || (!out.empty() && bytes + n > max_bytes)) break;
      bytes += n;
      out.push_back(e.scs);
    }
    return out;
  }
  void record_result(const PushResult& r) override {
    for (auto& e : outbox)
      if (e.seq == r.seq) e.result = r;
  }
  std::optional<std::size_t> requeue_from(std::uint64_t from) override {
    bool held = false;
    std::size_t n = 0;
    for (auto& e : outbox) {
      held = held || e.seq == from;
      if (e.seq >= from && e.result) {
        e.result.reset();
        ++n;
      }
    }
    if (!held) return std::nullopt;
    return n;
  }
  std::string server_id() override { return sid; }
  Cursor cursor() override { return cur; }
  void apply_page(const PullPage& page) override {
    for (const auto& e : page.events) {
      events.push_back(e);
      if (e.kind == "value") seen[e.field] = {e.value, e.version};
    }
    cur = page.cursor;
    sid = page.server_id;
  }
  void reset_cursor() override {
    cur = {};
    sid.clear();
  }
  std::size_t unacked() const {
    std::size_t n = 0;
    for (const auto& e : outbox) n += !e.result;
    return n;
  }
};

struct World {
  FakeServer server;
  FakeTransport transport;
  World() { transport.server = &server; }
};

}  // namespace

TEST_CASE("push then pull, a second sync has nothing to do", "[sync][session]") {
  World w;
  FakeReplica a("devA");
  a.enroll(w.server);
  a.edit("v:PL1.1:2016", 12);
  a.edit("v:PL1.1:2017", 14);
  a.edit("t:P1.I", "Tình hình chung của xã.\n");
  std::vector<std::string> said;
  SyncOptions options;
  options.on_progress = [&](std::string_view what) { said.emplace_back(what); };
  ClientSession session(w.transport, a, options);
  SyncSummary s = session.sync();
  CHECK(s.sent == 1);
  CHECK(s.applied == 1);
  CHECK(s.pulled_events == 3);
  CHECK(s.pages == 1);
  CHECK(a.unacked() == 0);
  CHECK(a.seen["v:PL1.1:2016"].first == 12);
  CHECK(w.server.fields["00001|t:P1.I"].current == "Tình hình chung của xã.\n");
  CHECK_FALSE(said.empty());

  SyncSummary again = session.sync();
  CHECK(again.sent == 0);
  CHECK(again.pulled_events == 0);
  CHECK(w.server.log.size() == 3);
}

TEST_CASE("a lost push reply, then a retry: applied once", "[sync][session]") {
  World w;
  FakeReplica a("devA");
  a.enroll(w.server);
  a.edit("v:PL1.1:2016", 12);
  ClientSession session(w.transport, a);
  w.transport.drop_replies = 1;
  try {
    session.sync();
    FAIL("the lost reply must surface");
  } catch (const Error& e) {
    CHECK(e.code() == Errc::network);
    CHECK(e.retryable());
  }
  CHECK(w.server.log.size() == 1);  // the server did apply it
  CHECK(a.unacked() == 1);          // but the device does not know
  SyncSummary s = session.sync();   // the caller retries after backoff
  CHECK(s.sent == 1);
  CHECK(s.duplicates == 1);
  CHECK(s.applied == 0);
  CHECK(a.unacked() == 0);
  CHECK(w.server.log.size() == 1);  // applied once
  CHECK(a.outbox[0].result->status == PushStatus::duplicate);
}

TEST_CASE("server restored from a backup: gap, re-send, cursor_reset, re-pull", "[sync][session]") {
  World w;
  FakeReplica a("devA"), b("devB");
  a.enroll(w.server);
  b.enroll(w.server);
  ClientSession session(w.transport, a);
  a.edit("v:PL1.1:2016", 1);
  session.sync();
  FakeServer backup = w.server;  // nightly backup after change set 1
  a.edit("v:PL1.1:2017", 2);
  session.sync();
  a.edit("v:PL1.1:2018", 3);
  session.sync();
  REQUIRE(w.server.log.size() == 3);
  REQUIRE(a.cur.seq == 3);

  std::uint64_t counter = w.server.devices["devA"].last_counter;
  w.server = backup;  // the disk died; the administrator restores last night's backup
  w.server.devices["devA"].last_counter = counter;  // (counters alone would only cost a retry)

  SECTION("nobody else wrote: the re-sent change sets rebuild the same log, cursor holds") {
    a.edit("v:PL1.1:2019", 4);
    SyncSummary s = session.sync();
    CHECK(s.requeued == 2);  // change sets 2 and 3 were acknowledged before
    CHECK(s.applied == 3);   // 2, 3 and the new 4
    CHECK_FALSE(s.cursor_reset);
    CHECK(s.pulled_events == 1);
    CHECK(a.unacked() == 0);
    CHECK(w.server.devices["devA"].chain.last_seq == 4);
    CHECK(w.server.fields["00001|v:PL1.1:2018"].current == 3);
  }
  SECTION("another device wrote first: the log differs, the cursor is reset") {
    b.edit("v:PL5.1:2016", 50);
    ClientSession(w.transport, b).sync();
    a.edit("v:PL1.1:2019", 4);
    SyncSummary s = session.sync();
    CHECK(s.requeued == 2);
    CHECK(s.applied == 3);
    CHECK(s.cursor_reset);
    CHECK(s.pulled_events == 5);  // everything again, from 0
    CHECK(a.seen["v:PL5.1:2016"].first == 50);
  }
  CHECK(a.cur.seq == w.server.log.size());
  CHECK(a.cur.hash == w.server.log.back().second);
}

TEST_CASE("cursor_reset keeps the unsent outbox", "[sync][session]") {
  World w;
  FakeReplica a("devA");
  a.enroll(w.server);
  ClientSession session(w.transport, a);
  a.edit("v:PL1.1:2016", 1);
  session.sync();
  a.cur.hash[0] ^= 1;  // e.g. the server was replaced: the cursor no longer matches
  a.edit("v:PL1.1:2017", 2);
  a.pack_pending();
  SyncSummary p = session.pull();
  CHECK(p.cursor_reset);
  CHECK(p.pulled_events == 1);
  CHECK(a.unacked() == 1);  // still there, and sent next
  CHECK(session.push().applied == 1);
  CHECK(w.server.log.size() == 2);
}

TEST_CASE("a stale request counter is skipped past", "[sync][session]") {
  World w;
  FakeReplica a("devA");
  a.enroll(w.server);
  w.server.devices["devA"].last_counter = 500;  // e.g. the device's store came from a backup
  a.edit("v:PL1.1:2016", 1);
  ClientSession session(w.transport, a);
  SyncSummary s = session.sync();
  CHECK(s.applied == 1);
  CHECK(a.counter > 500);
}

TEST_CASE("large outboxes go in bounded batches", "[sync][session]") {
  World w;
  FakeReplica a("devA");
  a.enroll(w.server);
  ClientSession session(w.transport, a);
  for (int i = 0; i < 150; ++i) {
    a.edit("v:PL2.1:" + std::to_string(2011 + i % 10), i);
    a.pack_pending();  // one change set per edit, as a device offline for weeks
  }
  SyncSummary s = session.push();
  CHECK(s.applied == 150);
  CHECK(w.server.push_requests == 3);  // 64 + 64 + 22
  SyncOptions small_pages;
  small_pages.pull_limit = 40;
  SyncSummary p = ClientSession(w.transport, a, small_pages).pull();
  CHECK(p.pages == 4);
  CHECK(p.pulled_events == 150);
}

TEST_CASE("two devices: concurrent edits of a value conflict, sequential ones do not",
          "[sync][session]") {
  World w;
  FakeReplica a("devA"), b("devB");
  a.enroll(w.server);
  b.enroll(w.server);
  ClientSession sa(w.transport, a), sb(w.transport, b);
  a.edit("v:PL1.1:2016", 10);
  sa.sync();
  sb.sync();  // both now know version 1
  a.edit("v:PL1.1:2016", 11);
  a.edit("v:PL1.1:2016", 12);  // same device, sequential: not a conflict
  sa.push();
  CHECK(w.server.fields["00001|v:PL1.1:2016"].current == 12);
  b.edit("v:PL1.1:2016", 99);  // based on version 1: concurrent with A's edits
  SyncSummary s = sb.sync();
  CHECK(s.applied == 1);
  REQUIRE(s.conflicts.size() == 1);
  CHECK(w.server.fields["00001|v:PL1.1:2016"].current == 12);  // accepted value stays
  CHECK(b.events.back().kind == "conflict");
  CHECK(b.seen["v:PL1.1:2016"].first == 12);
}

TEST_CASE("a forked device chain stops sync with a protocol error", "[sync][session]") {
  World w;
  FakeReplica a("devA");
  a.enroll(w.server);
  ClientSession session(w.transport, a);
  a.edit("v:PL1.1:2016", 1);
  session.sync();
  FakeReplica old = a;  // the device's store is restored from a copy taken now
  a.edit("v:PL1.1:2017", 2);
  session.sync();
  old.edit("v:PL1.1:2017", 3);  // signs another change set 2
  ClientSession again(w.transport, old);
  try {
    again.push();
    FAIL("fork not reported");
  } catch (const Error& e) {
    CHECK(e.code() == Errc::protocol);
    CHECK(std::string(e.what()).find("fork") != std::string::npos);
  }
  CHECK(old.unacked() == 1);
}

TEST_CASE("errors the caller must act on", "[sync][session]") {
  World w;
  FakeReplica a("devA");
  a.edit("v:PL1.1:2016", 1);
  ClientSession session(w.transport, a);
  try {
    session.sync();  // never enrolled
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == Errc::unauthorized);
    CHECK_FALSE(e.retryable());
  }
  struct Down : Transport {
    HttpReply post(const std::string&, const std::map<std::string, std::string>&,
                   const Bytes&) override {
      return {502, {}, Bytes{'<', 'h', 't', 'm', 'l', '>'}};
    }
  } down;
  try {
    ClientSession(down, a).sync();
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == Errc::unavailable);
    CHECK(e.retryable());
  }
}

TEST_CASE("a push that pulls: one request for an edit and its echo", "[sync][session]") {
  World w;
  w.server.pull_in_push = true;
  FakeReplica a("devA"), b("devB");
  a.enroll(w.server);
  b.enroll(w.server);
  b.edit("v:PL5.1:2016", 50);
  ClientSession(w.transport, b).sync();
  ClientSession session(w.transport, a);
  session.sync();  // nothing to push: a plain pull
  REQUIRE(a.cur.seq == 1);
  const int calls = w.transport.calls;
  a.edit("v:PL1.1:2016", 12);
  SyncSummary s = session.sync();
  CHECK(w.transport.calls == calls + 1);
  CHECK(w.server.pull_requests == 1);  // a's first sync, with nothing to push
  CHECK(s.applied == 1);
  CHECK(s.pages == 1);
  CHECK(s.pulled_events == 1);  // its own edit coming back
  CHECK(a.cur.seq == 2);
  CHECK(a.cur.hash == w.server.log.back().second);
  CHECK(a.seen["v:PL1.1:2016"] == std::pair<json, std::uint64_t>(12, 2));

  SECTION("a page cut short: the rest by plain pulls") {
    for (int i = 0; i < 5; ++i) {
      b.edit("v:PL5.1:" + std::to_string(2015 + i), i);
      b.pack_pending();
    }
    ClientSession(w.transport, b).push();
    SyncOptions small;
    small.pull_limit = 2;
    a.edit("v:PL1.1:2017", 13);
    SyncSummary cut = ClientSession(w.transport, a, small).sync();
    CHECK(cut.applied == 1);
    CHECK(cut.pulled_events == 6);
    CHECK(cut.pages == 3);
    CHECK(w.server.pull_requests == 3);
    CHECK(a.cur.seq == w.server.log.size());
    CHECK(a.cur.hash == w.server.log.back().second);
    CHECK(a.seen["v:PL5.1:2019"].first == 4);
  }
  SECTION("a cursor the server does not hold: no page, the plain pull resets it") {
    a.cur.hash[0] ^= 1;
    a.edit("v:PL1.1:2017", 13);
    SyncSummary r = session.sync();
    CHECK(r.applied == 1);
    CHECK(r.cursor_reset);
    CHECK(r.pulled_events == 3);
    CHECK(a.cur.hash == w.server.log.back().second);
  }
  SECTION("push() alone does not pull") {
    a.edit("v:PL1.1:2017", 13);
    CHECK(session.push().pages == 0);
    CHECK(a.cur.seq == 2);
  }
}

TEST_CASE("push request with a pull and push reply with a page round-trip", "[sync][session]") {
  PushRequest req;
  req.batch.push_back({Bytes{1, 2, 3}, Bytes(64, 7)});
  CHECK(decode_push_pull_request(encode_push_pull_request(req)) == req);
  CHECK(decode_push_request(encode_push_pull_request(req)) == req.batch);
  req.pull = PullRequest{"srv-1", {7, Hash{}}, 50};
  req.pull->cursor.hash[3] = 9;
  CHECK(decode_push_pull_request(encode_push_pull_request(req)) == req);
  // A server that predates the pull reads the batch and ignores the rest.
  CHECK(decode_push_request(encode_push_pull_request(req)) == req.batch);

  PushReply reply{{{1, PushStatus::applied, "", {}, 8, {}}}, {}, std::nullopt};
  CHECK(decode_push_reply(encode_push_reply(reply)) == reply);
  CHECK(encode_push_reply(reply).front() == '{');  // JSON as in protocol 1.0
  reply.page = PullPage{"srv-1",
                        {{"value", 8, "00001", "v:PL1.1:2016", 12, 8, "devA", "Lan", 5, nullptr}},
                        {8, Hash{}},
                        false};
  CHECK(decode_push_reply(encode_push_reply(reply)) == reply);
}

TEST_CASE("backoff delay", "[sync][session]") {
  using std::chrono::milliseconds;
  CHECK(backoff_delay(0, 0.0) == milliseconds(500));
  CHECK(backoff_delay(0, 1.0) == milliseconds(1000));
  CHECK(backoff_delay(3, 0.5) == milliseconds(6000));
  CHECK(backoff_delay(30, 1.0) == milliseconds(300000));
  CHECK(backoff_delay(30, 0.0) == milliseconds(150000));
  CHECK(backoff_delay(2, -3.0) == milliseconds(2000));
  CHECK(backoff_delay(2, 7.0) == milliseconds(4000));
}

TEST_CASE("a retried sync reports every attempt's work, not just the last", "[sync][session]") {
  SyncSummary first;
  first.sent = 5;
  first.applied = 3;
  first.pulled_events = 7;
  first.pages = 1;
  first.conflicts = {11};
  SyncSummary second;
  second.sent = 2;
  second.applied = 1;
  second.duplicates = 1;  // the reply lost in the first attempt
  second.refused.push_back(PushResult{});
  second.conflicts = {12};
  second.cursor_reset = true;
  SyncSummary total;
  total += first;
  total += second;
  CHECK(total.sent == 7);
  CHECK(total.applied == 4);
  CHECK(total.duplicates == 1);
  CHECK(total.refused.size() == 1);
  CHECK(total.conflicts == std::vector<std::uint64_t>{11, 12});
  CHECK(total.pulled_events == 7);
  CHECK(total.pages == 1);
  CHECK(total.cursor_reset);
}
