// Test helpers for the server: a real store (SQLite in a temp dir, or PostgreSQL with
// TONGKET_TEST_DATABASE=postgresql: store_backend.hpp) with the real units and template, an
// injected clock, and test devices that sign requests and change sets with the sync library (as the
// real client does).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "temp_dir.hpp"
#include "tongket/report_template.hpp"
#include "tongket/server/protocol.hpp"
#include "tongket/server/store.hpp"
#include "tongket/sync/chain.hpp"
#include "tongket/sync/changeset.hpp"
#include "tongket/sync/crypto.hpp"
#include "tongket/sync/messages.hpp"

namespace tongket::test {

// Units of Tây Ninh used by the tests.
inline constexpr const char* kProvince = "72";
inline constexpr const char* kDistrict = "703";        // Thành phố Tây Ninh
inline constexpr const char* kCommune = "25456";       // Phường 1, in 703
inline constexpr const char* kCommune2 = "25459";      // Phường 3, in 703
inline constexpr const char* kOtherDistrict = "705";   // Huyện Tân Biên
inline constexpr const char* kOtherCommune = "25489";  // Xã Tân Lập, in 705
// A count indicator communes fill, for the years 2015-2020; and a commune narrative section.
inline constexpr const char* kCountField = "v:PL1.4:2016";
inline constexpr const char* kTextField = "t:KH.X.1.1";

// The store initialised once per test process and copied for each fixture (loading 11,000
// units each time would make every test slow). data_dir() holds the SQLite file only on
// SQLite.
class ServerFixture {
 public:
  ServerFixture();
  ~ServerFixture();

  server::Store& store() { return *store_; }
  server::HandlerContext& ctx() { return *ctx_; }
  const std::filesystem::path& data_dir() const { return dir_.path(); }
  std::int64_t now = 1'700'000'000'000;  // the injected clock, ms

  // A one-time token for unit+role, valid for ttl_ms from now.
  std::string make_token(const std::string& unit, server::Role role,
                         std::int64_t ttl_ms = 3'600'000);

 private:
  TempDir dir_;
  std::unique_ptr<server::Store> store_;
  ReportTemplate template_;
  std::unique_ptr<server::HandlerContext> ctx_;
};

// A device as the client would be: its key, id, request counter and change set chain.
class TestDevice {
 public:
  TestDevice();
  // Enrolls through handle_enroll with a fresh token; REQUIREs success.
  static TestDevice enrolled(ServerFixture& f, const std::string& unit, server::Role role);

  sync::SigningKey key;
  std::string id;
  std::string unit;
  std::uint64_t counter = 0;
  sync::ChainState chain;
  std::uint64_t next_op_id = 1;

  // A signed request (the next counter) for `path` with `body` as sent.
  server::Request request(const std::string& method, const std::string& path,
                          const sync::Bytes& body);
  // The next change set on this device's chain with these operations (advances the chain).
  sync::SignedChangeSet change_set(std::vector<sync::Operation> ops,
                                   const std::string& author = "Tester");
  sync::Operation op(const std::string& field, nlohmann::json value, std::uint64_t base = 0,
                     const std::string& unit = "");

  server::Reply push(ServerFixture& f, const std::vector<sync::SignedChangeSet>& batch);
  server::Reply pull(ServerFixture& f, const sync::PullRequest& request);
};

nlohmann::json json_body(const server::Reply& reply);  // parses a JSON reply body
std::string error_code(const server::Reply& reply);    // "error.code" of a JSON reply
sync::PushReply push_reply(const server::Reply& reply);
sync::PullPage pull_page(const server::Reply& reply);  // un-gzips if needed

// Counts rows of a table of the fixture's store file via a separate SQLite connection.
std::int64_t count_rows(const std::filesystem::path& data_dir, const std::string& table);
// Runs SQL on the fixture's store file behind the server's back (to tamper with it, or to
// rebuild an older schema); REQUIREs success. The SQL may call test_gunzip(blob) (stored change
// sets are gzipped since schema v5).
void exec_store_sql(const std::filesystem::path& data_dir, const std::string& sql);
// SQL that turns a store of the current schema (v6) back into the v4 layout, with the same
// data: the inverse of server/src/store/schema.cpp's kV5 and kV6, tables as v4 shipped them.
extern const char* const kStoreBackToV4;

}  // namespace tongket::test
