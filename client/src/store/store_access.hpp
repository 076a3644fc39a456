// The store's SQLite connection for the client's own modules (the review log, the client core):
// their tables and their transactions. Private to client/src; the public ClientStore header
// does not hand it out.
#pragma once

#include "store/sqlite.hpp"
#include "tongket/client_store.hpp"

namespace tongket::client {

struct StoreAccess {
  static store::Database& database(ClientStore& s) { return s.database(); }
};

}  // namespace tongket::client
