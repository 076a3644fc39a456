// The store's stored forms read back, for every backend: a column a backend cannot read is
// Error(store_corrupt) naming what, never a silent default.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "tongket/server/store.hpp"

namespace tongket::server::stored {

Hash to_hash(const Bytes& b, std::string_view what);
nlohmann::json parse_json(const std::string& text);
// The push reply's own form of a result (sync/messages), so that per-operation refusals are
// kept too and a duplicate gets them back.
std::string result_text(const sync::PushResult& r);
sync::PushResult parse_result(const std::string& text);
UnitLevel level_or_throw(const std::string& name);
Role role_or_throw(const std::string& name);
// A number stored as text (meta values): anything else means the store was damaged or edited.
std::int64_t stored_int(const std::string& text, std::string_view what);

}  // namespace tongket::server::stored
