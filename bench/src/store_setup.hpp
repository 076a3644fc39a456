// Enrolling benchmark devices straight through the server's Store API (token, then enroll),
// as the enroll handler would, without an HTTP round trip per device.
#pragma once

#include <string>

#include "tongket/server/store.hpp"
#include "tongket/sync/crypto.hpp"

namespace tongket::bench {

// Returns the new device's id.
std::string enroll_device(server::Store& store, const std::string& unit, server::Role role,
                          const sync::SigningKey& key);

std::int64_t now_ms();

}  // namespace tongket::bench
