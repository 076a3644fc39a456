#include "store_setup.hpp"

#include <chrono>
#include <stdexcept>

namespace tongket::bench {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string enroll_device(server::Store& store, const std::string& unit, server::Role role,
                          const sync::SigningKey& key) {
  const std::string token = sync::random_id();
  server::EnrollToken t;
  t.token_hash = sync::sha256(sync::as_bytes(token));
  t.unit = unit;
  t.role = role;
  t.created_ms = now_ms();
  t.expires_ms = t.created_ms + 3600 * 1000;
  store.add_token(t);
  server::Device d;
  d.id = sync::random_id();
  d.public_key = key.public_key();
  d.label = "bench";
  d.enrolled_ms = t.created_ms;
  if (store.enroll(t.token_hash, d, t.created_ms) != server::EnrollOutcome::enrolled)
    throw std::runtime_error("enrolling a bench device for unit " + unit + " failed");
  return d.id;
}

Device make_device(server::Store& store, const Unit& unit) {
  auto key = sync::SigningKey::generate();
  std::string id = enroll_device(store, unit.code, server::Role::clerk, key);
  return {unit.code, std::make_unique<MemoryReplica>(id, unit.code, std::move(key))};
}

}  // namespace tongket::bench
