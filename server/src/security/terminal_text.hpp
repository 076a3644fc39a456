// Untrusted text (from requests, change sets, the store) made safe for an administrator's
// terminal: valid UTF-8 printable characters pass (Vietnamese included); control characters,
// escape sequences, C1 controls, bidirectional overrides and invalid bytes are shown as
// escapes (\x1b, \n, \u202e, \xff) so they can be read but never act on the terminal.
#pragma once

#include <string>
#include <string_view>

namespace tongket::server {

std::string printable(std::string_view text);

}  // namespace tongket::server
