// Units a store may read besides its own and those under it: the province's plan sends the
// district reports to the province's departments ("các sở, ban, ngành tỉnh có liên quan"),
// so a department reads its province's districts (read-only: it never writes them; the server
// sends them in its pull scope and refuses any write).
#pragma once

#include <string>

#include "tongket/hierarchy.hpp"

namespace tongket::client {

// Whether a store of `own` may read `code` without owning it (a department: its province's
// districts).
bool reads_only(const Hierarchy& hierarchy, const std::string& own, const std::string& code);

}  // namespace tongket::client
