// Step 5 of a push (docs/protocol.md): scope, role and template checks of every operation,
// then the conflict rule per operation, all in one store transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "protocol/internal.hpp"
#include "tongket/server/protocol.hpp"
#include "tongket/sync/changeset.hpp"

namespace tongket::server::detail {

struct ApplyOutcome {
  sync::PushResult result;
  std::string refusal_code;  // "forbidden" or "invalid" when refused; empty when applied
  // Set when `counter` was given and another request had consumed it: nothing was written.
  std::optional<std::uint64_t> stale_counter;
  // The plain value events it wrote (kind value, no extra: exactly the operation's value), by
  // seq and operation id: a push reply with skip_own lists these instead of echoing them.
  std::vector<sync::OwnEvent> own;
};

// The change set has passed checks 1-4 (decoded, the device's own, signature, next on chain).
// Applies it in one store write; with `counter`, the request counter is consumed in that same
// write (committed together, or neither).
// `prepared` is the change set as prepare() left it (decoded: prepared.cs is set).
ApplyOutcome apply_change_set(HandlerContext& ctx, const Device& device,
                              const PreparedChangeSet& prepared, const sync::SignedChangeSet& scs,
                              std::optional<std::uint64_t> counter = std::nullopt);

}  // namespace tongket::server::detail
