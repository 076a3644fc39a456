// The mapping from wire codes, refusal reasons and libcurl failures to catalogue sentences.
// Where the server or sync/ gives no machine-readable code, the stable English prefix it
// writes is matched here and nowhere else (server/src/protocol/enroll.cpp, apply.cpp,
// sync/src/workflow.cpp lock_message, sync/src/client_session.cpp throw_for,
// client/src/net/curl_transport.cpp): change them together.
#include "tongket/server_messages.hpp"

#include <initializer_list>
#include <vector>

namespace tongket::client {

namespace {

bool has(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

bool has_any(std::string_view text, std::initializer_list<std::string_view> parts) {
  for (auto p : parts)
    if (has(text, p)) return true;
  return false;
}

// The sentence, then what the server or libcurl said, kept for whoever helps the clerk.
std::string with_detail(Language lang, const std::string& sentence, std::string_view detail) {
  if (detail.empty()) return sentence;
  return message(lang, "server.with_detail", {sentence, detail});
}

// sync/'s ClientSession throws "push: <code>[: <message>]" (or "pull: ..."): the wire code
// travels only inside the text.
std::string wire_code_of(std::string_view what) {
  for (std::string_view during : {"push: ", "pull: "}) {
    if (what.substr(0, during.size()) != during) continue;
    auto rest = what.substr(during.size());
    return std::string(rest.substr(0, rest.find(':')));
  }
  return {};
}

// libcurl's error texts (its error buffer, else curl_easy_strerror) by kind of failure.
std::string network_id(std::string_view what) {
  if (has_any(what, {"resolve host", "Could not resolve", "Resolving timed out"})) return "net.dns";
  if (has_any(what, {"timed out", "Timeout was reached", "Operation too slow"}))
    return "net.timeout";
  if (has_any(what, {"reset", "Broken pipe", "Empty reply", "SSL_ERROR_SYSCALL", "EOF",
                     "Recv failure", "Send failure", "transfer closed", "Partial file"}))
    return "net.cut";
  return "net.unreachable";  // refused, no route, network unreachable, anything else
}

std::string code_id(std::string_view code) {
  if (code == "revoked") return "server.revoked";
  if (code == "unauthorized" || code == "bad_signature" || code == "stale_counter")
    return "server.unauthorized";
  if (code == "forbidden") return "server.forbidden";
  if (code == "rate_limited") return "server.rate_limited";
  if (code == "unavailable" || code == "internal" || code == "request_timeout")
    return "server.unavailable";
  if (code == "too_large") return "server.too_large";
  if (code == "fork") return "server.fork";
  return {};
}

std::string errc_id(const Error& e) {
  const std::string_view what = e.what();
  switch (e.code()) {
    case Errc::network:
      return network_id(what);
    case Errc::tls:
      return "net.tls";
    case Errc::unauthorized:
      return has(what, "revoked") ? "server.revoked" : "server.unauthorized";
    case Errc::forbidden:
      return "server.forbidden";
    case Errc::unavailable:
      return has(what, "rate_limited") ? "server.rate_limited" : "server.unavailable";
    case Errc::too_large:
      return "server.too_large";
    case Errc::protocol:
      return "server.protocol";
    case Errc::invalid_argument:  // the transport's own checks of the address and CA file
      if (has(what, "must start with https://")) return "net.https_only";
      if (has(what, "no CA file")) return "net.no_ca";
      return {};
    case Errc::io_error:
      return has(what, "CA file ") ? "net.ca_missing" : std::string();
    default:
      return {};
  }
}

// "locked: the report of <unit> was <state>[ by ..][ on ..]; ..." (sync::lock_message).
std::string explain_lock(Language lang, std::string_view why) {
  constexpr std::string_view head = "locked: the report of ";
  if (!why.starts_with(head)) return message(lang, "refusal.other");
  auto rest = why.substr(head.size());
  const auto was = rest.find(" was ");
  if (was == std::string_view::npos) return message(lang, "refusal.other");
  const auto unit = rest.substr(0, was);
  auto state = rest.substr(was + 5);
  state = state.substr(0, state.find_first_of(" ;"));
  const std::string state_id = "state." + std::string(state);
  const std::string label = has_message(state_id) ? message(lang, state_id) : std::string(state);
  if (state == "finalised") return message(lang, "refusal.finalised", {unit, label});
  return message(lang, "refusal.locked", {unit, label});
}

// The runs of digits in `text`, in order ("pulled page 2 (37 events, ...)" -> 2, 37, ...).
std::vector<std::string> numbers_in(std::string_view text) {
  std::vector<std::string> out;
  std::string run;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      run += c;
    } else if (!run.empty()) {
      out.push_back(std::move(run));
      run.clear();
    }
  }
  if (!run.empty()) out.push_back(std::move(run));
  return out;
}

}  // namespace

std::string explain_enroll_refusal(Language lang, std::string_view code, std::string_view text) {
  std::string id;
  // All three token refusals share the code "unauthorized"; the reason's prefix tells them
  // apart (server/src/protocol/enroll.cpp).
  if (code == "unauthorized") {
    if (has(text, "unknown enrollment token")) id = "enroll.token_unknown";
    if (has(text, "has expired")) id = "enroll.token_expired";
    if (has(text, "already used")) id = "enroll.token_used";
  }
  if (code == "rate_limited") id = "enroll.rate_limited";
  if (code == "unavailable") id = "server.unavailable";
  const std::string detail =
      std::string(text) + (code.empty() ? "" : " [" + std::string(code) + "]");
  if (id.empty()) return with_detail(lang, message(lang, "enroll.refused", {code}), detail);
  return with_detail(lang, message(lang, id), detail);
}

std::string explain_sync_error(Language lang, const Error& e, std::string_view server) {
  std::string id = code_id(wire_code_of(e.what()));
  if (id.empty()) id = errc_id(e);
  if (id.empty()) return e.what();  // already a catalogue sentence (the core's own errors)
  return with_detail(lang, message(lang, id, {server}), e.what());
}

std::string explain_refusal(Language lang, std::string_view reason) {
  // "operation N (<field> of unit <code>): <why>" (server/src/protocol/apply.cpp op_name).
  std::string_view why = reason;
  if (why.substr(0, 10) == "operation ")
    if (auto colon = why.find("): "); colon != std::string_view::npos) why = why.substr(colon + 3);
  std::string sentence;
  if (why.substr(0, 8) == "locked: ")
    sentence = explain_lock(lang, why);
  else if (has_any(why, {"may not write unit", "this device's unit", "but this device belongs"}))
    sentence = message(lang, "refusal.forbidden");
  else if (has(why, "the figures you submitted differ"))
    sentence = message(lang, "refusal.figures_differ");
  else if (why.substr(0, 15) == "not submitted: ")
    sentence = message(lang, "refusal.not_submitted");
  else if (has(why, "resolves conflict"))
    sentence = message(lang, "refusal.conflict");
  else if (has_any(why, {"not a review transition", "only a ", "the report of ", "does not submit",
                         "has no level above"}))
    sentence = message(lang, "refusal.transition");
  else if (has_any(why, {"unknown unit", "not a field key", "unknown indicator", "unknown section",
                         "template"}))
    sentence = message(lang, "refusal.template");
  else
    sentence = message(lang, "refusal.other");
  return with_detail(lang, sentence, reason);
}

std::string explain_progress(Language lang, const std::string& what) {
  // English: sync/'s own line, unchanged (scripts and the chaos tests read it).
  if (lang == Language::en) return what;
  const auto n = numbers_in(what);
  if (what.starts_with("pulled page ") && n.size() >= 2)
    return message(lang, "progress.pulled", {n[0], n[1]});
  if (what.starts_with("pushing ") && !n.empty()) return message(lang, "progress.pushing", {n[0]});
  if (what.starts_with("the server lost change sets from seq ") && !n.empty())
    return message(lang, "progress.requeue", {n[0]});
  if (what.starts_with("the server's history changed"))
    return message(lang, "progress.cursor_reset");
  return what;
}

}  // namespace tongket::client
