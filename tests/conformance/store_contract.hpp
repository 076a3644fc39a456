// The store conformance suite's view of a backend: every test opens stores by URL only, so
// the same file runs against SQLite and PostgreSQL (tests/CMakeLists.txt builds it once per
// backend with TONGKET_CONFORMANCE_BACKEND set).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "store_backend.hpp"
#include "temp_dir.hpp"
#include "tongket/server/store.hpp"

namespace tongket::test::conformance {

StoreBackend backend_under_test();

// A fresh initialised store (real units and template) and its URL.
struct FreshStore {
  TempDir dir{"tongket-conformance"};
  std::string url = fresh_store_url(backend_under_test(), dir / "data");
  std::unique_ptr<server::Store> store = open_store_url(url);
  server::Store& operator*() { return *store; }
  server::Store* operator->() { return store.get(); }
};

// An enrolled device of `unit` (a fresh token), as enroll() leaves it.
std::string enroll_device(server::Store& store, const std::string& unit,
                          std::int64_t now_ms = 1'700'000'000'000);

// A pull event of `unit` for `field` at the next seq after `head`, and the hash that chains it.
struct ChainedEvent {
  sync::PullEvent event;
  server::Hash hash{};
};
ChainedEvent next_event(const sync::Cursor& head, const std::string& unit, const std::string& field,
                        const nlohmann::json& value, const std::string& device = "d");

// Appends one event through the transaction (head read inside it) and, when cs_seq is not 0,
// its history row (which belongs to that change set of `device`); returns the event's seq.
std::uint64_t append_value(server::WriteTxn& txn, const std::string& unit, const std::string& field,
                           const nlohmann::json& value, const std::string& device,
                           std::uint64_t cs_seq);

// A change set record for device's chain position seq (bytes are the seq's text).
server::StoredChangeSet change_set_record(const std::string& device, const std::string& unit,
                                          std::uint64_t seq);

// Reads the whole log (scope all) and recomputes the chain: the problems, empty when the seqs
// run 1..head without a gap and every stored hash is sha256(previous || event).
std::vector<std::string> chain_problems(server::Store& store);

}  // namespace tongket::test::conformance
