// The server's request handling without sockets: server::dispatch with fuzzed bodies (and a
// few fuzzed headers) against a real SQLite store, made once, with one enrolled commune clerk
// whose key signs the requests so that the body parsing behind authentication is reached.
// The first byte chooses the mode (see run()). dispatch never throws by contract; a 5xx reply
// ("internal": a bug) aborts.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>

#include <unistd.h>

#include "tongket/error.hpp"
#include "tongket/hierarchy.hpp"
#include "tongket/paths.hpp"
#include "tongket/report_template.hpp"
#include "tongket/server/protocol.hpp"
#include "tongket/server/sqlite_store.hpp"
#include "tongket/sync/changeset.hpp"
#include "tongket/sync/compression.hpp"
#include "tongket/sync/crypto.hpp"
#include "tongket/sync/request_auth.hpp"

namespace {

using namespace tongket;
using sync::Bytes;

constexpr const char* kUnit = "25456";  // Phường 1, Thành phố Tây Ninh

struct World {
  std::filesystem::path dir;
  std::unique_ptr<server::Store> store;
  ReportTemplate report_template;
  std::int64_t now = 1'700'000'000'000;
  std::unique_ptr<server::HandlerContext> ctx;
  sync::SigningKey key = sync::SigningKey::generate();
  std::string device;
  std::uint64_t counter = 0;
};
World* world = nullptr;

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

void remove_store() {
  std::error_code ec;
  if (world) std::filesystem::remove_all(world->dir, ec);
}

// tmpfs when there is one: the store is written on nearly every input.
std::filesystem::path make_temp_dir() {
  std::string base = std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : "/tmp";
  std::string pattern = base + "/tongket-fuzz-request-XXXXXX";
  if (!mkdtemp(pattern.data())) {
    std::perror("fuzz_request: mkdtemp");
    std::abort();
  }
  return pattern;
}

server::Request signed_request(std::string method, std::string path, Bytes body) {
  server::Request r{std::move(method), std::move(path), {}, std::move(body), {}};
  for (auto& [k, v] :
       sync::sign_request(world->key, r.method, r.path, world->device, ++world->counter, r.body))
    r.headers[k] = v;
  return r;
}

std::optional<server::Request> request_for(std::uint8_t mode, std::span<const std::uint8_t> in) {
  const Bytes rest(in.begin(), in.end());
  const std::string text(in.begin(), in.end());
  switch (mode % 8) {
    case 0:  // enroll: unsigned, the body carries the token
      return server::Request{"POST", sync::kPathEnroll, {}, rest, {}};
    case 1:
      return signed_request("POST", sync::kPathPush, rest);
    case 2:
      return signed_request("POST", sync::kPathPull, rest);
    case 3: {  // a body that claims to be gzip
      auto r = signed_request("POST", sync::kPathPull, rest);
      r.headers["Content-Encoding"] = "gzip";
      return r;
    }
    case 4: {  // a real gzip of the input: the decoder behind the decompression
      auto r = signed_request("POST", sync::kPathPush, sync::gzip(rest));
      r.headers["content-encoding"] = "gzip";
      return r;
    }
    case 5: {  // a change set: re-chained onto the device's head, signed, pushed alone
      sync::ChangeSet cs;
      try {
        cs = sync::decode(in);
      } catch (const Error&) {
        return std::nullopt;
      }
      auto device = world->store->device(world->device);
      cs.device = world->device;
      cs.seq = device->last_seq + 1;
      cs.prev = device->last_hash;
      return signed_request("POST", sync::kPathPush,
                            sync::encode_push_request({sync::sign_change_set(cs, world->key)}));
    }
    case 6: {  // the auth headers themselves: "<counter>\n<signature>"
      const auto nl = text.find('\n');
      server::Request r{"POST", sync::kPathPull, {}, sync::encode_pull_request({}), {}};
      r.headers[sync::kHeaderDevice] = world->device;
      r.headers[sync::kHeaderCounter] = text.substr(0, nl);
      r.headers[sync::kHeaderSignature] = nl == std::string::npos ? "" : text.substr(nl + 1);
      return r;
    }
    default:  // routing: any path, signed, empty body
      return signed_request(mode & 0x80 ? "POST" : "GET", text, {});
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  world = new World;
  world->dir = make_temp_dir();
  std::atexit(remove_store);
  const std::string template_json = read_text(template_file());
  server::init_sqlite_store(world->dir, Hierarchy::load(units_dir()), template_json, world->now);
  world->store = server::open_sqlite_store(world->dir);
  world->report_template = ReportTemplate::parse(template_json, "fuzz template");
  world->ctx = std::make_unique<server::HandlerContext>(
      server::HandlerContext{*world->store,
                             world->report_template,
                             [] { return world->now++; },
                             world->store->identity().server_id,
                             {}});
  // No limit on failed enrollments: every input must reach the enroll decoder, not a 429.
  world->ctx->security = std::make_shared<server::SecurityLog>(
      server::SecurityLogOptions{60'000, 4096, SIZE_MAX, 60'000});
  // Enroll the device through the real handler, as a client would.
  const std::string token = sync::random_id();
  server::EnrollToken t;
  t.token_hash = sync::sha256(sync::as_bytes(token));
  t.unit = kUnit;
  t.role = server::Role::clerk;
  t.created_ms = world->now;
  t.expires_ms = world->now + 3'600'000;
  world->store->add_token(t);
  auto reply =
      server::dispatch({"POST",
                        sync::kPathEnroll,
                        {},
                        sync::encode_enroll_request({token, world->key.public_key(), "fuzz", ""})},
                       *world->ctx);
  if (reply.status != 200) {
    std::fprintf(stderr, "fuzz_request: enrolling the fuzz device failed (%d)\n", reply.status);
    std::abort();
  }
  world->device = sync::decode_enroll_reply(reply.body).device_id;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  auto request = request_for(data[0], std::span(data + 1, size - 1));
  if (!request) return 0;
  const server::Reply reply = server::dispatch(*request, *world->ctx);
  if (reply.status >= 500) {
    std::fprintf(stderr, "fuzz_request: %s %s -> %d %.*s\n", request->method.c_str(),
                 request->path.c_str(), reply.status, static_cast<int>(reply.body.size()),
                 reinterpret_cast<const char*>(reply.body.data()));
    std::abort();
  }
  return 0;
}
