#include "tongket/server/key_cache.hpp"

#include <algorithm>

#include "tongket/error.hpp"

namespace tongket::server {

std::shared_ptr<const sync::VerifyKey> KeyCache::find(std::string_view device) const {
  std::lock_guard lock(mutex_);
  auto it = keys_.find(device);
  return it == keys_.end() ? nullptr : it->second;
}

std::shared_ptr<const sync::VerifyKey> KeyCache::admit(const Device& device) {
  if (device.revoked_ms) {
    forget(device.id);
    return nullptr;
  }
  if (auto cached = find(device.id);
      cached && std::equal(cached->raw().begin(), cached->raw().end(), device.public_key.begin(),
                           device.public_key.end()))
    return cached;
  std::shared_ptr<const sync::VerifyKey> key;
  try {
    key = std::make_shared<const sync::VerifyKey>(device.public_key);
  } catch (const Error&) {
    forget(device.id);
    return nullptr;
  }
  std::lock_guard lock(mutex_);
  // Bounded: past the limit (far above the country's devices) start again rather than grow.
  if (keys_.size() >= max_entries_ && !keys_.count(device.id)) keys_.clear();
  keys_[device.id] = key;
  return key;
}

void KeyCache::forget(std::string_view device) {
  std::lock_guard lock(mutex_);
  if (auto it = keys_.find(device); it != keys_.end()) keys_.erase(it);
}

std::size_t KeyCache::size() const {
  std::lock_guard lock(mutex_);
  return keys_.size();
}

}  // namespace tongket::server
