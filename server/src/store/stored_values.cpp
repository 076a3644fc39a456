#include "store/stored_values.hpp"

#include <charconv>
#include <cstring>

#include "tongket/error.hpp"

namespace tongket::server::stored {

Hash to_hash(const Bytes& b, std::string_view what) {
  Hash h{};
  if (b.size() != h.size())
    throw Error(Errc::store_corrupt, "store: bad hash in " + std::string(what));
  std::memcpy(h.data(), b.data(), h.size());
  return h;
}

nlohmann::json parse_json(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) throw Error(Errc::store_corrupt, "store: unreadable JSON value");
  return j;
}

std::string result_text(const sync::PushResult& r) {
  return sync::to_json(r).dump();
}

sync::PushResult parse_result(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  try {
    if (j.is_discarded()) throw Error(Errc::protocol, "not JSON");
    return sync::push_result_from_json(j, "stored result");
  } catch (const Error& e) {
    throw Error(Errc::store_corrupt, std::string("store: unreadable change set result: ") +
                                         e.what() +
                                         " (the store is damaged: run `tongket-server audit`)");
  }
}

UnitLevel level_or_throw(const std::string& name) {
  auto l = parse_level(name);
  if (!l) throw Error(Errc::store_corrupt, "store: unknown unit level '" + name + "'");
  return *l;
}

Role role_or_throw(const std::string& name) {
  auto r = parse_role(name);
  if (!r) throw Error(Errc::store_corrupt, "store: unknown role '" + name + "'");
  return *r;
}

std::int64_t stored_int(const std::string& text, std::string_view what) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty())
    throw Error(Errc::store_corrupt, "store: " + std::string(what) + " is not a number ('" +
                                         text.substr(0, 40) + "'): the store is damaged");
  return v;
}

}  // namespace tongket::server::stored
