// What the server and the network say, turned into a catalogue sentence a clerk can act on.
// The one place that maps the wire's error codes (docs/protocol.md, "Errors"), the server's
// refusal reasons and libcurl's connection failures to messages.inc; the Workspace calls it
// for enrolment, sync and refused edits, so the CLI and the web app show the same text.
// Contract (errors and refusals): the result is never only the server's or libcurl's text: it is a
// catalogue sentence in `lang`, followed by that text as the detail ("... (chi tiết: ...)").
#pragma once

#include <string>
#include <string_view>

#include "tongket/error.hpp"
#include "tongket/messages.hpp"

namespace tongket::client {

// An error reply to POST /v1/enroll: its wire code and message.
std::string explain_enroll_refusal(Language lang, std::string_view code, std::string_view message);

// An Error thrown by the transport or the sync session (network, TLS, a wire error code).
// `server` is the server's address, named in the sentence.
std::string explain_sync_error(Language lang, const Error& e, std::string_view server);

// The reason the server gave for refusing a change set ("operation 1 (...): locked: ...").
std::string explain_refusal(Language lang, std::string_view reason);

// A progress line of the sync session ("pulled page 2 (...)") in `lang`; English unchanged.
std::string explain_progress(Language lang, const std::string& what);

}  // namespace tongket::client
