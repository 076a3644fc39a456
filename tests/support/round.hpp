// A round of reports for an e2e test: one server as deployed (SyncServer), one temp dir, and
// the laptops of the round, each a store made by `tongket init` and enrolled on that server
// with a role's token. The C++ form of tests/browser/ui_support.py's Round: the set-up the
// review, province and added-units rounds share.
#pragma once

#include <deque>
#include <string>

#include "sync_world.hpp"
#include "temp_dir.hpp"

namespace tongket::test {

class Round {
 public:
  // `dir_prefix` names the temp dir.
  explicit Round(const std::string& dir_prefix);

  // <dir>/<name>.db: `tongket init --unit <unit> --author <author>`, then `tongket enroll` with
  // a token for (unit, role): "clerk", "district_reviewer", "province_reviewer"... REQUIREs
  // both to succeed. The reference stays valid as long as the Round.
  SyncClient& enrolled(const std::string& name, const std::string& unit, const std::string& author,
                       const std::string& role);

  SyncServer server;  // declared before dir: the server stops after the dir is gone, as before
  TempDir dir;

 private:
  std::deque<SyncClient> clients_;  // a deque: adding one moves none
};

}  // namespace tongket::test
