#include "net_bench.hpp"
#include "timing.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "counting_transport.hpp"
#include "memory_replica.hpp"
#include "processes.hpp"
#include "push_load.hpp"
#include "store_setup.hpp"
#include "tongket/client/curl_transport.hpp"
#include "tongket/field.hpp"
#include "tongket/server/sqlite_store.hpp"
#include "tongket/server/store_factory.hpp"

namespace tongket::bench {

namespace {

std::unique_ptr<Child> start_server(const BenchEnv& env, const std::filesystem::path& data,
                                    int port, const std::string& name) {
  auto child = std::make_unique<Child>(
      std::vector<std::string>{TONGKET_BENCH_SERVER_BIN, "serve", "--data", data.string(),
                               "--listen", "https://127.0.0.1:" + std::to_string(port), "--cert",
                               (env.certs / "server.pem").string(), "--key",
                               (env.certs / "server-key.pem").string()},
      env.work / (name + "-server.log"));
  wait_for_port(port, std::chrono::seconds(30));
  return child;
}

// tongket-fault-proxy in front of the server; it reports its port on its first line.
struct Proxy {
  std::unique_ptr<Child> child;
  int port = 0;
  std::filesystem::path stats;

  // Stops the proxy and returns {client->server, server->client} TCP bytes.
  std::pair<double, double> finish() {
    child->stop();
    auto j = nlohmann::json::parse(read_file(stats));
    return {j.at("bytes_client_to_server").get<double>(),
            j.at("bytes_server_to_client").get<double>()};
  }
};

Proxy start_proxy(const BenchEnv& env, int target, bool slow, const std::string& name) {
  Proxy p;
  p.stats = env.work / (name + "-proxy.json");
  std::vector<std::string> argv = {TONGKET_BENCH_PROXY_BIN, "--target",
                                   "127.0.0.1:" + std::to_string(target), "--stats-file",
                                   p.stats.string()};
  if (slow) {
    for (const char* a : {"--latency-ms", "500", "--bandwidth-bps", "64000"}) argv.push_back(a);
  }
  auto log = env.work / (name + "-proxy.log");
  p.child = std::make_unique<Child>(argv, log);
  auto until = Clock::now() + std::chrono::seconds(10);
  while (Clock::now() < until) {
    std::string text = read_file(log);
    auto at = text.find("listening on 127.0.0.1:");
    if (at != std::string::npos && text.find('\n', at) != std::string::npos) {
      p.port = std::stoi(text.substr(at + 23));
      return p;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("the fault proxy did not start: " + read_file(log));
}

std::unique_ptr<net::CurlTransport> transport_to(const BenchEnv& env, int port) {
  net::TransportOptions o;
  o.server_url = "https://127.0.0.1:" + std::to_string(port);
  o.ca_file = env.certs / "ca.pem";
  return std::make_unique<net::CurlTransport>(o);
}

// Bytes of a bare TLS handshake through a proxy (libcurl connect-only), to tell the
// handshake's share from the requests'.
double handshake_bytes(const BenchEnv& env, int server_port) {
  Proxy p = start_proxy(env, server_port, false, "handshake");
  CURL* c = curl_easy_init();
  const std::string url = "https://127.0.0.1:" + std::to_string(p.port) + "/";
  const std::string ca = (env.certs / "ca.pem").string();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_CAINFO, ca.c_str());
  curl_easy_setopt(c, CURLOPT_CONNECT_ONLY, 1L);
  curl_easy_setopt(c, CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2);
  CURLcode rc = curl_easy_perform(c);
  // Give the server's post-handshake messages (TLS 1.3 session tickets) time to arrive.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  curl_easy_cleanup(c);
  if (rc != CURLE_OK) throw std::runtime_error(std::string("handshake: ") + curl_easy_strerror(rc));
  auto [up, down] = p.finish();
  return up + down;
}

std::uint64_t hlc_now() {
  return static_cast<std::uint64_t>(now_ms()) << 16;
}

}  // namespace

void run_end_to_end(BenchEnv& env, std::size_t first_commune) {
  const std::size_t pushes = std::min<std::size_t>(
      std::max<std::size_t>(env.clients * 4, static_cast<std::size_t>(600 * env.scale + 0.5)),
      env.communes.size() - first_commune - 4);
  std::cerr << "end to end: " << pushes << " full reports from " << env.clients
            << " concurrent clients\n";
  const auto data = env.work / "e2e-data";
  // BENCH_DATABASE=postgresql://... (an empty database): the server's store is there instead.
  const char* database = std::getenv("BENCH_DATABASE");
  const std::string url =
      database && *database ? std::string(database) : "sqlite:" + server::store_file(data).string();
  server::record_data_store_url(data, url);
  server::init_store(url, env.units, env.template_json, now_ms());
  std::vector<Device> devices;
  {
    auto store = server::open_data_store(data);
    for (std::size_t i = 0; i < pushes + 4; ++i)
      devices.push_back(make_device(*store, *env.communes[first_commune + i]));
  }
  // Pack and sign every report before the clock starts: the server's work is measured, and
  // the clients' signing would compete with it for the two cores.
  const std::uint64_t hlc = hlc_now();
  for (auto& d : devices) {
    d.replica->add_pending(env.generator->full_report(*env.units.find(d.unit), hlc));
    d.replica->pack_pending();
  }
  const int port = free_port();
  auto server = start_server(env, data, port, "e2e");

  // Baseline: the same server answering a trivial request (404 from the router, through the
  // same TLS edge and store executor), N clients on keep-alive connections.
  {
    const std::size_t per_client =
        std::max<std::size_t>(50, static_cast<std::size_t>(400 * env.scale));
    std::vector<std::vector<double>> lat(env.clients);
    const sync::Bytes trivial = {'{', '}'};
    std::mutex failure_mutex;
    std::exception_ptr failure;
    auto start = Clock::now();
    std::vector<std::thread> threads;
    for (std::size_t c = 0; c < env.clients; ++c)
      threads.emplace_back([&, c] {
        try {
          auto t = transport_to(env, port);
          for (std::size_t i = 0; i < per_client; ++i) {
            auto t0 = Clock::now();
            auto r = t->post("/v1/bench-trivial", {{"Content-Type", "application/json"}}, trivial);
            lat[c].push_back(since(t0));
            if (r.status != 404) throw std::runtime_error("trivial request: not 404");
          }
        } catch (...) {
          std::lock_guard lock(failure_mutex);
          failure = std::current_exception();
        }
      });
    for (auto& t : threads) t.join();
    if (failure) std::rethrow_exception(failure);
    const double s = since(start);
    std::vector<double> all;
    for (auto& l : lat) all.insert(all.end(), l.begin(), l.end());
    env.results.add(
        {"(baseline) trivial HTTPS request, same server",
         fmt(static_cast<double>(all.size()) / s) + " requests/s",
         "p50 " + fmt_seconds(percentile(all, 0.5)) + ", p99 " + fmt_seconds(percentile(all, 0.99)),
         "-"});
  }

  // The load: N clients, each pushing its communes' full reports one after another through
  // the real ClientSession over its own keep-alive HTTPS connection.
  {
    const double cpu0 = server->cpu_seconds();
    PushLoad load = push_concurrently(
        env, port, pushes, [&](std::size_t i) -> MemoryReplica& { return *devices[i].replica; });
    const double s = load.wall;
    const std::size_t applied = load.applied;
    const std::vector<double>& latencies = load.latencies;
    const double cpu = server->cpu_seconds() - cpu0;
    const double rate = static_cast<double>(applied) / s;
    env.results.add(
        {"end to end: " + fmt(static_cast<double>(env.clients)) +
             " clients push full reports over HTTPS (" + fmt(static_cast<double>(applied)) +
             " change sets, store " + url.substr(0, url.find(':')) + ")",
         fmt(rate, 1) + " change sets/s (" +
             fmt(rate * static_cast<double>(devices[0].replica->next_op_id() - 1)) +
             " values/s); push p50 " + fmt_seconds(percentile(latencies, 0.5)) + ", p99 " +
             fmt_seconds(percentile(latencies, 0.99)),
         "server CPU " + fmt(cpu / s * 100) + "% of one core (" + fmt(cpu, 1) + " s), peak RSS " +
             fmt_bytes(server->peak_rss_bytes()),
         "all communes at this rate: " +
             fmt_seconds(static_cast<double>(env.communes.size()) / rate) +
             " (< 2 min: " + verdict(static_cast<double>(env.communes.size()) / rate < 120) + ")"});
  }

  // Bytes on the wire and time on a 64 kbit/s, 500 ms link, beside loopback.
  const double handshake = handshake_bytes(env, port);
  Device& full_direct = devices[pushes];
  Device& full_slow = devices[pushes + 1];
  Device& editor = devices[pushes + 2];
  {
    auto t = transport_to(env, port);
    CountingTransport counting(*t);
    auto t0 = Clock::now();
    sync::ClientSession(counting, *full_direct.replica).push();
    const double direct_s = since(t0);
    Proxy p = start_proxy(env, port, true, "full-report");
    auto slow = transport_to(env, p.port);
    CountingTransport slow_counting(*slow);
    t0 = Clock::now();
    sync::ClientSession(slow_counting, *full_slow.replica).push();
    const double slow_s = since(t0);
    slow.reset();
    auto [up, down] = p.finish();
    env.results.add(
        {"wire: full commune report push (" +
             fmt(static_cast<double>(full_slow.replica->next_op_id() - 1)) +
             " values, new connection)",
         fmt_bytes(up + down) + " TCP incl. TLS handshake (" + fmt_bytes(up) + " up, " +
             fmt_bytes(down) + " down); HTTP " +
             fmt_bytes(static_cast<double>(slow_counting.bytes_up + slow_counting.bytes_down)) +
             "; " + fmt_seconds(slow_s) + " at 64 kbit/s + 500 ms",
         "loopback, no proxy: " + fmt_seconds(direct_s),
         "<= 32 KB: " + verdict(up + down <= 32000) + " (" + fmt_bytes(up + down) + ")"});
  }
  {
    // A full report's sync as a clerk makes it (push with its pull, protocol 1.4: the device's
    // own values are not sent back) on a new connection at 64 kbit/s + 500 ms, beside the
    // physical limit of its bytes: each byte through the 8,000 B/s link once, plus the round
    // trips nothing avoids (the TLS 1.3 handshake and each HTTP request: 2 x 500 ms each).
    Device& full_sync = devices[pushes + 3];
    Proxy p = start_proxy(env, port, true, "full-sync");
    auto slow = transport_to(env, p.port);
    CountingTransport counting(*slow);
    auto t0 = Clock::now();
    auto s = sync::ClientSession(counting, *full_sync.replica).sync();
    const double slow_s = since(t0);
    slow.reset();
    auto [up, down] = p.finish();
    if (s.applied != 1) throw std::runtime_error("full report sync: the report was not applied");
    const double round_trips = 1.0 + static_cast<double>(counting.requests);
    const double limit_s = (up + down) / 8000.0 + round_trips * 1.0;
    env.results.add(
        {"wire: full commune report sync (push with pull, " +
             fmt(static_cast<double>(full_sync.replica->next_op_id() - 1)) + " values, " +
             fmt(static_cast<double>(counting.requests)) + " request(s), new connection)",
         fmt_seconds(slow_s) + " at 64 kbit/s + 500 ms; " + fmt_bytes(up + down) +
             " TCP incl. TLS handshake (" + fmt_bytes(up) + " up, " + fmt_bytes(down) + " down); " +
             fmt(static_cast<double>(s.pulled_events)) +
             " events pulled (own values rebuilt from the outbox)",
         "physical limit of those bytes: " + fmt_seconds(limit_s) + " (" + fmt(round_trips) +
             " round trips + " + fmt_bytes(up + down) + " at 8,000 B/s)",
         "within 10% of the limit: " + verdict(slow_s <= limit_s * 1.1) + " (" +
             fmt(slow_s / limit_s * 100) + "%); <= 11 KB: " + verdict(up + down <= 11000) + " (" +
             fmt_bytes(up + down) + ")"});
  }
  {
    // The editor has its report on the server and has pulled it back (a synced device).
    auto t = transport_to(env, port);
    CountingTransport counting(*t);
    sync::ClientSession(counting, *editor.replica).sync();
    auto edit = [&](std::int64_t value) {
      sync::Operation op;
      op.id = editor.replica->next_op_id();
      auto values = env.generator->values(*env.units.find(editor.unit));
      auto count = std::find_if(values.begin(), values.end(),
                                [](const GeneratedValue& v) { return v.type == ValueType::count; });
      op.field = FieldKey::value(count->indicator, count->period).str();
      op.value = value;
      op.base = editor.replica->version_of(op.field);
      op.hlc = hlc_now();
      editor.replica->add_pending({op});
    };
    edit(4001);
    CountingTransport warm(*t);
    auto t0 = Clock::now();
    auto s = sync::ClientSession(warm, *editor.replica).sync();
    const double direct_s = since(t0);
    if (s.applied != 1) throw std::runtime_error("edit round trip: the edit was not applied");

    edit(4002);
    Proxy p = start_proxy(env, port, true, "edit");
    auto slow = transport_to(env, p.port);
    CountingTransport slow_counting(*slow);
    t0 = Clock::now();
    s = sync::ClientSession(slow_counting, *editor.replica).sync();
    const double slow_s = since(t0);
    slow.reset();
    auto [up, down] = p.finish();
    const double warm_bytes = up + down - handshake;
    env.results.add(
        {"wire: one-value edit round trip (sync: push and pull, " +
             fmt(static_cast<double>(slow_counting.requests)) + " request(s))",
         fmt_bytes(warm_bytes) + " TCP on an open connection (" + fmt_bytes(up + down) +
             " with a new TLS handshake); HTTP " +
             fmt_bytes(static_cast<double>(slow_counting.bytes_up + slow_counting.bytes_down)) +
             "; " + fmt_seconds(slow_s) + " at 64 kbit/s + 500 ms (new connection)",
         "loopback, open connection: " + fmt_seconds(direct_s),
         "<= 1 KB: " + verdict(warm_bytes <= 1000) + " on an open connection (" +
             fmt_bytes(warm_bytes) + "); " + verdict(up + down <= 1000) +
             " with a new connection (" + fmt_bytes(up + down) + ")"});
    env.results.note("one-value edit, HTTP bytes per request: " + slow_counting.breakdown);
    env.results.note(
        "TLS handshake alone (libcurl connect-only through the proxy, TLS 1.3, "
        "session tickets included): " +
        fmt_bytes(handshake));
  }
  server->stop();
}

void run_pull(BenchEnv& env, const std::filesystem::path& ingest_dir) {
  const int port = free_port();
  auto server = start_server(env, ingest_dir, port, "pull");
  const std::string direct = "https://127.0.0.1:" + std::to_string(port);
  struct Target {
    std::string unit, role, what;
  };
  for (const Target& target : {Target{kBenchDistrict, "district_reviewer", "district"},
                               Target{kBenchProvince, "province_reviewer", "province"}}) {
    const Unit* u = env.units.find(target.unit);
    std::size_t communes = 0;
    for (const Unit* c : env.communes)
      if (env.units.within(c->code, target.unit)) ++communes;
    auto store = env.work / ("pull-" + target.what + ".db");
    auto tok = run({TONGKET_BENCH_SERVER_BIN, "token", "create", "--data", ingest_dir.string(),
                    "--unit", target.unit, "--role", target.role});
    if (tok.exit_code != 0) throw std::runtime_error("token create: " + tok.err);
    std::string token = tok.out.substr(0, tok.out.find_first_of(" \r\n"));
    auto init = run({TONGKET_BENCH_CLIENT_BIN, "init", "--unit", target.unit, "--store",
                     store.string(), "--author", "Bench Reviewer"});
    if (init.exit_code != 0) throw std::runtime_error("tongket init: " + init.err);
    auto enroll = run({TONGKET_BENCH_CLIENT_BIN, "enroll", "--store", store.string(), "--server",
                       direct, "--ca", (env.certs / "ca.pem").string(), "--token", token});
    if (enroll.exit_code != 0) throw std::runtime_error("tongket enroll: " + enroll.err);
    Proxy p = start_proxy(env, port, false, "pull-" + target.what);
    auto sync = run({TONGKET_BENCH_CLIENT_BIN, "sync", "--store", store.string(), "--server",
                     "https://127.0.0.1:" + std::to_string(p.port)});
    auto [up, down] = p.finish();
    if (sync.exit_code != 0) throw std::runtime_error("tongket sync: " + sync.err);
    std::string pulled = sync.out.substr(sync.out.find("pulled"));
    pulled = pulled.substr(0, pulled.find('\n'));
    env.results.add({"pull: first sync of " + target.what + " " + u->name + " (" +
                         fmt(static_cast<double>(communes)) + " communes), real `tongket sync`",
                     fmt_seconds(sync.seconds) + ", " + fmt_bytes(up + down) + " TCP (" +
                         fmt_bytes(down) + " down)",
                     pulled, "-"});
  }
  server->stop();
}

}  // namespace tongket::bench
