// Who may talk to the loopback web app, decided from a request's headers alone (no sockets,
// no clocks), as Syncthing's GUI does it:
// - the Host header must be 127.0.0.1:PORT or localhost:PORT (a DNS-rebinding page carries
//   its own host name);
// - the launch token (printed on stdout, in the URL's ?token=) is exchanged once per browser
//   for an HttpOnly, SameSite=Strict session cookie; every other request needs that cookie;
// - a state-changing request (anything but GET/HEAD) needs an Origin header equal to the
//   app's own origin (CSRF: another site's page cannot post with the user's cookie);
// - no CORS header is ever sent, so no other origin can read an answer.
// Anything else is refused (403) before a handler runs, so nothing changes.
#pragma once

#include <string>
#include <string_view>

namespace tongket::ui {

struct RequestFacts {
  std::string method;       // "GET", "POST", ...
  std::string host;         // the Host header, as sent
  std::string origin;       // the Origin header; empty when absent
  std::string cookie;       // the Cookie header; empty when absent
  std::string query_token;  // ?token=...; empty when absent
};

enum class Verdict {
  allow,          // a known session: run the handler
  start_session,  // the right launch token: set the cookie and redirect to the clean URL
  bad_host,       // 403: foreign Host header
  no_session,     // 403: no token and no valid cookie
  bad_origin,     // 403: a state-changing request from another origin (or none)
};

class AccessGuard {
 public:
  // `token`: printed in the URL; `session`: the cookie's value (another random secret).
  AccessGuard(int port, std::string token, std::string session);

  Verdict judge(const RequestFacts& request) const;

  const std::string& token() const { return token_; }
  // The Set-Cookie header value that starts a session.
  std::string session_cookie() const;
  // The Vietnamese sentence shown with a 403.
  static std::string_view explain(Verdict verdict);
  static constexpr std::string_view kCookieName = "tongket_phien";

 private:
  bool host_ok(std::string_view host) const;
  bool origin_ok(std::string_view origin) const;
  bool has_session(std::string_view cookie_header) const;

  int port_;
  std::string token_;
  std::string session_;
};

// 32 random bytes from the OS's CSPRNG, as 64 hex digits.
std::string random_secret();
// Compares secrets in time independent of where they differ.
bool same_secret(std::string_view a, std::string_view b);

}  // namespace tongket::ui
