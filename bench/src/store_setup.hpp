// Enrolling benchmark devices straight through the server's Store API (token, then enroll),
// as the enroll handler would, without an HTTP round trip per device.
#pragma once

#include <memory>
#include <string>

#include "memory_replica.hpp"
#include "tongket/hierarchy.hpp"
#include "tongket/server/store.hpp"
#include "tongket/sync/crypto.hpp"

namespace tongket::bench {

// Returns the new device's id.
std::string enroll_device(server::Store& store, const std::string& unit, server::Role role,
                          const sync::SigningKey& key);

std::int64_t now_ms();

// A simulated clerk's laptop: a new key, enrolled for `unit` through the Store API, and its
// replica in memory.
struct Device {
  std::string unit;
  std::unique_ptr<MemoryReplica> replica;
};
Device make_device(server::Store& store, const Unit& unit);

}  // namespace tongket::bench
