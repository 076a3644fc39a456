// Which reports a client's roll-ups count: the state its review log shows (accepted, or with
// include_submitted also submitted), by the one rule in report/unit_report.hpp.
#pragma once

#include "tongket/client_store.hpp"
#include "tongket/rollup.hpp"

namespace tongket::client {

// `store` must outlive the result.
CountsFn counted_in_store(ClientStore& store, bool include_submitted);

}  // namespace tongket::client
