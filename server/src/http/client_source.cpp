#include "http/client_source.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

namespace tongket::server {

namespace {

std::string trimmed(std::string s) {
  auto space = [](unsigned char c) { return std::isspace(c) != 0; };
  s.erase(s.begin(), std::find_if_not(s.begin(), s.end(), space));
  s.erase(std::find_if_not(s.rbegin(), s.rend(), space).base(), s.end());
  return s;
}

// inet_pton: a strict parser, so nothing but an address reaches the log.
bool is_ip(const std::string& s) {
  unsigned char buf[sizeof(in6_addr)];
  return !s.empty() && s.size() < INET6_ADDRSTRLEN &&
         (inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1);
}

}  // namespace

bool is_loopback_address(const std::string& address) {
  std::string a = address;
  if (a.rfind("::ffff:", 0) == 0) a = a.substr(7);
  if (a == "::1") return true;
  in_addr v4{};
  return inet_pton(AF_INET, a.c_str(), &v4) == 1 && (ntohl(v4.s_addr) >> 24) == 127;
}

std::string client_source(const std::string& peer, bool behind_proxy, const std::string& real_ip,
                          const std::string& forwarded_for) {
  if (!behind_proxy || !is_loopback_address(peer)) return peer;
  std::string passed = trimmed(real_ip);
  if (passed.empty()) {
    auto comma = forwarded_for.rfind(',');
    passed = trimmed(comma == std::string::npos ? forwarded_for : forwarded_for.substr(comma + 1));
  }
  if (passed.empty()) return peer;  // a local client without the proxy (e.g. a health check)
  return is_ip(passed) ? passed : peer + " (bad proxy address)";
}

}  // namespace tongket::server
