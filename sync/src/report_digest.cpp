#include "tongket/sync/report_digest.hpp"

#include <algorithm>

#include "tongket/sync/bytes.hpp"
#include "tongket/sync/crypto.hpp"

namespace tongket::sync {

bool is_report_field(std::string_view key) {
  if (key.size() < 3 || key[1] != ':') return false;
  return key[0] == 'v' || key[0] == 't' || key[0] == 'g' || key[0] == 'r';
}

std::string report_digest(const std::vector<std::pair<std::string, nlohmann::json>>& fields) {
  std::vector<const std::pair<std::string, nlohmann::json>*> kept;
  for (const auto& f : fields)
    if (is_report_field(f.first) && !f.second.is_null()) kept.push_back(&f);
  std::sort(kept.begin(), kept.end(), [](auto* a, auto* b) { return a->first < b->first; });
  nlohmann::json canonical = nlohmann::json::array();
  for (const auto* f : kept) canonical.push_back(nlohmann::json::array({f->first, f->second}));
  const std::string bytes = canonical.dump();
  const auto hash =
      sha256(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
  return to_hex(hash);
}

}  // namespace tongket::sync
