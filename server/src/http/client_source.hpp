// Where a request came from, for the security log and per-source limits (Request::source).
#pragma once

#include <string>

namespace tongket::server {

// The client address of a request: `peer` (the TCP peer as the listener saw it) unless the
// server runs behind the loopback proxy (`behind_proxy`) and the peer is a loopback address;
// then the address the proxy passed in X-Real-IP (or the last X-Forwarded-For entry), when it
// is a well-formed IPv4/IPv6 address. Anything else from a client is ignored, never trusted;
// a malformed value from the proxy gives "<peer> (bad proxy address)". Never throws.
std::string client_source(const std::string& peer, bool behind_proxy, const std::string& real_ip,
                          const std::string& forwarded_for);

// True for 127.0.0.0/8, ::1 and ::ffff:127.x.y.z.
bool is_loopback_address(const std::string& address);

}  // namespace tongket::server
