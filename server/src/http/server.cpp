#include <cpprest/http_listener.h>
#include <pplx/threadpool.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <functional>
#include <future>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "http/store_executor.hpp"
#include "http/tls.hpp"
#include "security/terminal_text.hpp"
#include "tongket/error.hpp"
#include "tongket/paths.hpp"
#include "tongket/server/http_server.hpp"
#include "tongket/server/protocol.hpp"
#include "tongket/server/sqlite_store.hpp"

namespace tongket::server {

namespace {

using web::http::http_request;
using web::http::http_response;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Listen {
  std::string url;
  bool https = true;
};

// Checks the listen URL against the TLS choice: plain HTTP only with --insecure-http and only
// on loopback, so the unencrypted port is reachable by a local TLS proxy and nothing else.
Listen check_listen(const ServeOptions& o) {
  web::uri uri;
  try {
    uri = web::uri(o.listen);
  } catch (const std::exception& e) {
    throw Error(Errc::invalid_argument, "--listen " + o.listen + ": " + e.what());
  }
  std::string scheme = uri.scheme();
  if (uri.host().empty() || uri.port() <= 0)
    throw Error(Errc::invalid_argument,
                "--listen " + o.listen + ": give a host and a port, e.g. https://127.0.0.1:8443");
  if (uri.port() == 0)
    throw Error(Errc::invalid_argument, "--listen: port 0 is not supported: pick a port");
  if (o.insecure_http) {
    std::string host = uri.host();
    if (host != "127.0.0.1" && host != "localhost")
      throw Error(Errc::invalid_argument,
                  "--insecure-http listens on 127.0.0.1 only (for a TLS proxy on the same "
                  "machine); --listen " +
                      o.listen + " is not loopback");
    return {"http://127.0.0.1:" + std::to_string(uri.port()), false};
  }
  if (scheme != "https")
    throw Error(Errc::invalid_argument, "--listen " + o.listen +
                                            ": plain HTTP needs --insecure-http (loopback only); "
                                            "use https://");
  return {o.listen, true};
}

// Answers requests whose body does not arrive in time (see ServeOptions::body_timeout).
class BodyWatchdog {
 public:
  using Claim = std::shared_ptr<std::atomic<bool>>;  // true once someone answers the request
  using OnTimeout = std::function<void(http_request&)>;

  explicit BodyWatchdog(OnTimeout on_timeout)
      : on_timeout_(std::move(on_timeout)), thread_([this] { run(); }) {}
  ~BodyWatchdog() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

  void watch(const http_request& request, Claim claim,
             std::chrono::steady_clock::time_point until) {
    std::lock_guard lock(mutex_);
    pending_.push_back({request, std::move(claim), until});
  }

 private:
  struct Entry {
    http_request request;
    Claim claim;
    std::chrono::steady_clock::time_point until;
  };

  void run() {
    std::unique_lock lock(mutex_);
    while (!stop_) {
      cv_.wait_for(lock, std::chrono::seconds(1));
      auto now = std::chrono::steady_clock::now();
      std::vector<http_request> expired;
      std::erase_if(pending_, [&](Entry& e) {
        if (e.claim->load()) return true;  // answered: forget it
        if (now < e.until) return false;
        if (!e.claim->exchange(true)) expired.push_back(e.request);
        return true;
      });
      lock.unlock();
      for (auto& r : expired) on_timeout_(r);
      lock.lock();
    }
  }

  OnTimeout on_timeout_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<Entry> pending_;
  bool stop_ = false;
  std::thread thread_;
};

class Edge {
 public:
  Edge(const ServeOptions& options, HandlerContext& ctx, StoreExecutor& executor)
      : options_(options), ctx_(ctx), executor_(executor), watchdog_([this](http_request& request) {
          Reply r = error_reply("request_timeout",
                                "the body did not arrive within " +
                                    std::to_string(options_.body_timeout.count()) + " s");
          r.status = 408;
          refuse_unread(request, std::move(r));
        }) {}

  void log(const std::string& line) {
    std::lock_guard lock(log_mutex_);
    if (options_.log)
      options_.log(line);
    else
      std::cerr << line << std::endl;
  }

  // Called on a listener thread: must not block.
  void on_request(http_request request) {
    in_flight_.fetch_add(1);
    try {
      accept(request);
    } catch (const std::exception& e) {
      finish(request, error_reply("internal", std::string("internal error: ") + e.what()));
    } catch (...) {
      finish(request, error_reply("internal", "internal error"));
    }
  }

  void drain_and_wait(std::chrono::seconds limit) {
    draining_.store(true);
    auto until = std::chrono::steady_clock::now() + limit;
    while (in_flight_.load() > 0 && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (in_flight_.load() > 0)
      log("tongket-server: " + std::to_string(in_flight_.load()) +
          " request(s) still running after the drain period; closing anyway");
  }

 private:
  void accept(http_request& request) {
    if (draining_.load()) {
      refuse_unread(request,
                    error_reply("unavailable", "the server is shutting down: retry later"));
      return;
    }
    const auto& headers = request.headers();
    bool chunked = headers.has("Transfer-Encoding");
    std::size_t length = 0;
    bool has_length = headers.match("Content-Length", length);
    if (chunked || (request.method() != "GET" && !has_length)) {
      refuse_unread(request,
                    error_reply("length_required", "send the body with a Content-Length header"));
      return;
    }
    if (has_length && length > options_.max_body) {
      refuse_unread(request,
                    error_reply("too_large", "the body (" + std::to_string(length) +
                                                 " bytes) is over the server's limit of " +
                                                 std::to_string(options_.max_body) + " bytes"));
      return;
    }
    auto claim = std::make_shared<std::atomic<bool>>(false);
    watchdog_.watch(request, claim, std::chrono::steady_clock::now() + options_.body_timeout);
    request.extract_vector().then([this, request,
                                   claim](pplx::task<std::vector<unsigned char>> body) {
      if (claim->exchange(true)) return;  // the watchdog already answered (408)
      try {
        auto bytes = body.get();  // already complete: a task-based continuation
        Request req = to_request(request, std::move(bytes));
        bool queued = executor_.post([this, request, req = std::move(req)]() mutable {
          Reply reply;
          auto start = std::chrono::steady_clock::now();
          try {
            reply = dispatch(req, ctx_);
          } catch (...) {
            reply = error_reply("internal", "internal error");
          }
          auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
          // Method, path and header are the client's bytes: escaped for the admin's terminal.
          log(printable(req.method.substr(0, 16) + " " + req.path.substr(0, 200)) + " " +
              std::to_string(reply.status) + " " + std::to_string(ms) + "ms" +
              (header(req, "X-Tongket-Device").empty()
                   ? ""
                   : " device=" + printable(header(req, "X-Tongket-Device").substr(0, 64))) +
              (req.source.empty() ? "" : " from " + printable(req.source.substr(0, 64))));
          finish(request, std::move(reply));
        });
        if (!queued) {
          Reply busy = error_reply("unavailable", "the server is busy: retry later");
          note_refused(request, busy);
          finish(request, std::move(busy));
        }
      } catch (const std::exception& e) {
        finish(request, error_reply("malformed", std::string("cannot read the body: ") + e.what()));
      }
    });
  }

  // The edge's own refusals go to the security log's counts (written by the store thread).
  void note_refused(const http_request& request, const Reply& reply) {
    auto j = nlohmann::json::parse(reply.body.begin(), reply.body.end(), nullptr, false);
    if (j.is_discarded() || !j.contains("error")) return;
    note_edge_refusal(ctx_, to_request(request, {}), j["error"].value("code", "?"),
                      j["error"].value("message", ""));
  }

  static Request to_request(const http_request& request, std::vector<unsigned char> body) {
    Request r;
    r.source = request.remote_address();
    r.method = request.method();
    r.path = request.request_uri().path();
    for (const auto& [name, value] : request.headers()) r.headers[name] = value;
    r.body = std::move(body);
    return r;
  }

  static http_response to_response(Reply reply) {
    http_response resp(static_cast<web::http::status_code>(reply.status));
    std::string content_type = "application/octet-stream";
    if (auto it = reply.headers.find("Content-Type"); it != reply.headers.end()) {
      content_type = it->second;
      reply.headers.erase(it);
    }
    resp.set_body(std::move(reply.body));
    resp.headers().set_content_type(content_type);
    for (const auto& [name, value] : reply.headers) resp.headers()[name] = value;
    return resp;
  }

  void finish(http_request request, Reply reply) {
    try {
      request.reply(to_response(std::move(reply))).then([this](pplx::task<void> sent) {
        try {
          sent.get();
        } catch (...) {
          // The client went away: nothing to tell it.
        }
        in_flight_.fetch_sub(1);
      });
    } catch (...) {
      in_flight_.fetch_sub(1);  // already answered, or the connection is gone
    }
  }

  // Answers without reading the body. cpprestsdk would otherwise read the whole body (into
  // memory) before sending any reply; completing the request's body now stops that read, and
  // "Connection: close" drops the connection with whatever the client still sends.
  void refuse_unread(http_request& request, Reply reply) {
    note_refused(request, reply);
    reply.headers["Connection"] = "close";
    try {
      request._get_impl()->_complete(
          0, std::make_exception_ptr(std::runtime_error("request body refused unread")));
    } catch (...) {
      // The body was complete already: nothing to stop.
    }
    finish(request, std::move(reply));
  }

  const ServeOptions& options_;
  HandlerContext& ctx_;
  StoreExecutor& executor_;
  std::atomic<int> in_flight_{0};
  std::atomic<bool> draining_{false};
  std::mutex log_mutex_;
  BodyWatchdog watchdog_;  // last: its thread stops before the rest goes
};

}  // namespace

int serve(const ServeOptions& options) {
  Listen listen = check_listen(options);
  if (options.threads < 1 || options.threads > 64)
    throw Error(Errc::invalid_argument, "--threads must be between 1 and 64");

  std::shared_ptr<TlsIdentity> tls;
  if (listen.https) {
    auto cert = options.cert_file.empty() ? options.data_dir / "server.pem" : options.cert_file;
    auto key = options.key_file.empty() ? options.data_dir / "server-key.pem" : options.key_file;
    if (!std::filesystem::exists(cert) || !std::filesystem::exists(key))
      throw Error(Errc::tls, "HTTPS needs a certificate and key: pass --cert and --key (missing " +
                                 (std::filesystem::exists(cert) ? key : cert).string() +
                                 "); for development run certs/make-dev-certs.sh DIR");
    tls = TlsIdentity::load(cert, key);
  }

  // Signals are taken by sigwait below, so every thread started from here on has them blocked.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  auto store = open_sqlite_store(options.data_dir);
  ServerIdentity identity = store->identity();
  ReportTemplate report_template = ReportTemplate::parse(identity.template_json, "store template");
  HandlerContext ctx{*store, report_template, now_ms, identity.server_id, {}};
  ctx.limits.max_body_bytes = options.max_body;

  crossplat::threadpool::initialize_with_threads(options.threads);
  StoreExecutor executor(options.max_queue);
  Edge edge(options, ctx, executor);

  web::http::experimental::listener::http_listener_config config;
  if (tls)
    config.set_ssl_context_callback(
        [tls](boost::asio::ssl::context& c) { tls->configure(c.native_handle()); });
  web::http::experimental::listener::http_listener listener(listen.url, config);
  listener.support([&edge](http_request request) { edge.on_request(std::move(request)); });
  try {
    listener.open().wait();  // not in a handler: start-up may wait
  } catch (const std::exception& e) {
    // A port in use or not ours is a network problem (exit 5, as --help says).
    throw Error(Errc::network, "cannot listen on " + listen.url + ": " + e.what());
  }
  if (!listen.https)
    edge.log("WARNING: tongket-server is serving PLAIN HTTP on " + listen.url +
             " (--insecure-http). Traffic is unencrypted: only a TLS-terminating proxy on this "
             "machine may connect to it. Never expose this port.");
  edge.log("tongket-server " + std::string(version()) + " listening on " + listen.url +
           " (server id " + identity.server_id + ", data " + options.data_dir.string() + ")");

  int sig = 0;
  sigwait(&signals, &sig);
  edge.log(std::string("tongket-server: ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT") +
           ": refusing new requests, finishing the ones in flight");
  edge.drain_and_wait(std::chrono::seconds(30));
  // close() has been seen to hang after many dropped TLS handshakes: do not wait forever.
  auto closed = std::async(std::launch::async, [&listener] {
    try {
      listener.close().wait();
    } catch (...) {
    }
  });
  bool clean = closed.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
  executor.stop();
  flush_security_log(ctx, true);  // the store's thread has stopped: this one owns the store
  if (!clean) {
    edge.log("tongket-server: the listener did not close in 10 s; exiting anyway");
    store.reset();
    std::_Exit(0);  // the store is closed; the hung listener thread must not block exit
  }
  edge.log("tongket-server: stopped");
  return 0;
}

}  // namespace tongket::server
