#include "round.hpp"

namespace tongket::test {

Round::Round(const std::string& dir_prefix) : dir(dir_prefix) {}

SyncClient& Round::enrolled(const std::string& name, const std::string& unit,
                            const std::string& author, const std::string& role) {
  SyncClient& client = clients_.emplace_back(dir.path(), name);
  client.init(unit, author);
  client.enroll(server, server.token(unit, role));
  return client;
}

}  // namespace tongket::test
