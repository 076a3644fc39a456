#include "review/rollup_counts.hpp"

#include "review/review_log.hpp"
#include "tongket/report/unit_report.hpp"

namespace tongket::client {

CountsFn counted_in_store(ClientStore& store, bool include_submitted) {
  return report::memoized([&store, include_submitted](const Unit& u) {
    return report::counts_in_rollup(current_state(store, u.code), include_submitted);
  });
}

}  // namespace tongket::client
