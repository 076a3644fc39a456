// Devices' public keys parsed once (sync::VerifyKey: OpenSSL's EVP_PKEY built once per device),
// instead of once per signature.
//
// Threads: every method may be called from any thread (one mutex around the map; a key object
// is immutable and shared, so a verification never holds the lock). Who does what:
// - the HTTP request threads only find() a key, to verify signatures before the store thread
//   sees the request (protocol.hpp, prepare());
// - the store thread admits keys from the device row it has just read, and forgets the key of
//   a device it finds revoked or unknown.
// A verdict computed with a cached key never counts on its own: the store-thread stage checks
// the device row (known, not revoked) and that the key used is the row's key (re-enrolment
// gives a device a new id and key; a key that changed under the same id is verified again).
// So a stale entry costs a verification, never a wrong acceptance; another process (the admin's
// `devices revoke`, a second server on PostgreSQL) needs no invalidation message.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "tongket/server/store.hpp"
#include "tongket/sync/crypto.hpp"

namespace tongket::server {

class KeyCache {
 public:
  explicit KeyCache(std::size_t max_entries = 200'000) : max_entries_(max_entries) {}

  // The cached key of a device; nullptr when none is cached. Any thread.
  std::shared_ptr<const sync::VerifyKey> find(std::string_view device) const;
  // The key of this device row: the cached one when it is the same key, else one built now and
  // cached (replacing a different one). nullptr, and forgotten, for a revoked device or a key
  // that is not a valid Ed25519 key. The store thread (it has just read the row).
  std::shared_ptr<const sync::VerifyKey> admit(const Device& device);
  void forget(std::string_view device);
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const sync::VerifyKey>, std::less<>> keys_;
  std::size_t max_entries_;
};

}  // namespace tongket::server
