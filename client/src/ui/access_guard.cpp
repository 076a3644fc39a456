#include "ui/access_guard.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <cctype>

#include "tongket/error.hpp"

namespace tongket::ui {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

AccessGuard::AccessGuard(int port, std::string token, std::string session)
    : port_(port), token_(std::move(token)), session_(std::move(session)) {}

bool AccessGuard::host_ok(std::string_view host) const {
  const std::string h = lower(host);
  const std::string port = ":" + std::to_string(port_);
  return h == "127.0.0.1" + port || h == "localhost" + port;
}

bool AccessGuard::origin_ok(std::string_view origin) const {
  const std::string o = lower(origin);
  const std::string port = ":" + std::to_string(port_);
  return o == "http://127.0.0.1" + port || o == "http://localhost" + port;
}

bool AccessGuard::has_session(std::string_view cookie_header) const {
  // "a=1; tongket_phien=...; b=2"
  while (!cookie_header.empty()) {
    auto end = cookie_header.find(';');
    std::string_view pair = trim(cookie_header.substr(0, end));
    auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == kCookieName &&
        same_secret(pair.substr(eq + 1), session_))
      return true;
    if (end == std::string_view::npos) break;
    cookie_header.remove_prefix(end + 1);
  }
  return false;
}

Verdict AccessGuard::judge(const RequestFacts& r) const {
  if (!host_ok(r.host)) return Verdict::bad_host;
  const bool safe = r.method == "GET" || r.method == "HEAD";
  if (!safe && !origin_ok(r.origin)) return Verdict::bad_origin;
  // A browser sends Origin on some GETs too (module scripts): it must be ours then.
  if (safe && !r.origin.empty() && !origin_ok(r.origin)) return Verdict::bad_origin;
  if (has_session(r.cookie)) return Verdict::allow;
  if (safe && !r.query_token.empty() && same_secret(r.query_token, token_))
    return Verdict::start_session;
  return Verdict::no_session;
}

std::string AccessGuard::session_cookie() const {
  return std::string(kCookieName) + "=" + session_ + "; Path=/; HttpOnly; SameSite=Strict";
}

std::string_view AccessGuard::explain(Verdict verdict) {
  switch (verdict) {
    case Verdict::bad_host:
      return "Từ chối: ứng dụng chỉ mở được tại địa chỉ 127.0.0.1 hoặc localhost của máy này.";
    case Verdict::no_session:
      return "Từ chối: hãy mở ứng dụng bằng đường dẫn (có mã truy cập) mà lệnh \"tongket ui\" "
             "đã in ra.";
    case Verdict::bad_origin:
      return "Từ chối: yêu cầu thay đổi dữ liệu không đến từ chính ứng dụng.";
    default:
      return "";
  }
}

std::string random_secret() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1)
    throw Error(Errc::internal, "no random bytes from the operating system for the access token");
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += hex[b >> 4];
    out += hex[b & 15];
  }
  return out;
}

bool same_secret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace tongket::ui
