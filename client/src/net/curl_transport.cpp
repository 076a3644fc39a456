#include "tongket/client/curl_transport.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>

#include "tongket/error.hpp"
#include "tongket/platform.hpp"

namespace tongket::net {

namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* out = static_cast<sync::Bytes*>(user);
  out->insert(out->end(), data, data + size * count);
  return size * count;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  std::string line(data, size * count);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string value = line.substr(colon + 1);
    auto first = value.find_first_not_of(" \t");
    auto last = value.find_last_not_of(" \t\r\n");
    (*headers)[name] = first == std::string::npos ? "" : value.substr(first, last - first + 1);
  }
  return size * count;
}

bool is_tls_failure(CURLcode rc) {
  switch (rc) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
      return true;
    default:
      return false;
  }
}

}  // namespace

struct CurlTransport::Impl {
  TransportOptions options;
  CURL* easy = nullptr;
};

CurlTransport::CurlTransport(TransportOptions options, bool allow_plain_http)
    : impl_(std::make_unique<Impl>()) {
  global_init();
  const bool https = options.server_url.rfind("https://", 0) == 0;
  const bool http = options.server_url.rfind("http://", 0) == 0;
  if (!https && !(http && allow_plain_http)) {
    throw Error(Errc::invalid_argument,
                "server URL \"" + options.server_url +
                    "\" must start with https:// (tongket never sends reports unencrypted)");
  }
  if (https && options.ca_file.empty()) {
    throw Error(Errc::invalid_argument, "no CA file to verify the server with (--ca)");
  }
  if (https && !std::filesystem::exists(options.ca_file)) {
    throw Error(Errc::io_error,
                "CA file " + platform::path_to_utf8(options.ca_file) + " does not exist");
  }
  while (!options.server_url.empty() && options.server_url.back() == '/') {
    options.server_url.pop_back();
  }
  impl_->options = std::move(options);
  impl_->easy = curl_easy_init();
  if (!impl_->easy) throw Error(Errc::internal, "libcurl could not make a handle");
}

CurlTransport::~CurlTransport() {
  if (impl_ && impl_->easy) curl_easy_cleanup(impl_->easy);
}

sync::HttpReply CurlTransport::post(const std::string& path,
                                    const std::map<std::string, std::string>& headers,
                                    const sync::Bytes& body) {
  return perform(true, path, headers, body);
}

sync::HttpReply CurlTransport::get(const std::string& path,
                                   const std::map<std::string, std::string>& headers) {
  return perform(false, path, headers, {});
}

sync::HttpReply CurlTransport::perform(bool is_post, const std::string& path,
                                       const std::map<std::string, std::string>& headers,
                                       const sync::Bytes& body) {
  CURL* easy = impl_->easy;
  const auto& o = impl_->options;
  curl_easy_reset(easy);  // keeps the live connection and the TLS session cache
  const std::string url = o.server_url + path;
  sync::HttpReply reply;

  curl_slist* list = nullptr;
  // cpprestsdk does not answer "Expect: 100-continue": never send it. "Accept: */*" says
  // nothing the server reads: every byte counts on a 64 kbit/s link.
  list = curl_slist_append(list, "Expect:");
  list = curl_slist_append(list, "Accept:");
  bool has_type = false;
  for (const auto& [name, value] : headers) {
    has_type |= name.size() == 12 && curl_strnequal(name.c_str(), "Content-Type", 12);
    list = curl_slist_append(list, (name + ": " + value).c_str());
  }
  // Else libcurl would call a POST body a form (application/x-www-form-urlencoded).
  if (!has_type && is_post)
    list = curl_slist_append(list, "Content-Type: application/octet-stream");

  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  if (is_post) {
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, reinterpret_cast<const char*>(body.data()));
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  } else {
    curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
  }
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &reply.headers);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT, o.connect_timeout_s);
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, o.low_speed_bytes);
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, o.low_speed_time_s);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT, o.total_timeout_s);
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "https,http");
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  if (!o.ca_file.empty())
    curl_easy_setopt(easy, CURLOPT_CAINFO, platform::path_to_utf8(o.ca_file).c_str());
  // The CA given at enrollment is the ONLY trust anchor. Debian's libcurl also has a default
  // CA path (/etc/ssl/certs): left set, any CA on the laptop (or one a relay got installed)
  // could vouch for a server. No CURLOPT_PINNEDPUBLICKEY on top: the server's key changes at
  // every certificate renewal (nginx), and a pinned key would strand every laptop then; the
  // private CA already names exactly who may issue the server's certificate.
  curl_easy_setopt(easy, CURLOPT_CAPATH, nullptr);
  // Verification is always on; there is deliberately no option to turn it off.
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(easy, CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2);

  char message[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, message);
  CURLcode rc = curl_easy_perform(easy);
  curl_slist_free_all(list);
  if (rc != CURLE_OK) {
    std::string what = message[0] ? message : curl_easy_strerror(rc);
    long os_errno = 0;
    curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &os_errno);
    // A handshake cut by the link (reset, EOF) is a network failure worth retrying, not a
    // certificate problem.
    const bool cut =
        rc == CURLE_SSL_CONNECT_ERROR &&
        (os_errno != 0 || what.find("SSL_ERROR_SYSCALL") != std::string::npos ||
         what.find("reset") != std::string::npos || what.find("EOF") != std::string::npos);
    if (is_tls_failure(rc) && !cut) {
      throw Error(Errc::tls, "cannot verify the server " + o.server_url + ": " + what +
                                 " (is the CA file the one the server's certificate comes from?)");
    }
    throw Error(Errc::network, "no answer from " + o.server_url + ": " + what);
  }
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  reply.status = static_cast<int>(status);
  return reply;
}

}  // namespace tongket::net
