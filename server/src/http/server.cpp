#include <cpprest/http_listener.h>
#include <pplx/threadpool.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <functional>
#include <future>
#include <iostream>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include <cstdio>
#include <random>

#include "http/client_source.hpp"
#include "http/log_line.hpp"
#include "http/store_executor.hpp"
#include "http/tls.hpp"
#include "security/terminal_text.hpp"
#include "tongket/error.hpp"
#include "tongket/paths.hpp"
#include "tongket/server/http_server.hpp"
#include "tongket/server/protocol.hpp"
#include "tongket/server/store_factory.hpp"

namespace tongket::server {

namespace {

using web::http::http_request;
using web::http::http_response;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

sync::Bytes text_bytes(std::string_view text) {
  return sync::Bytes(text.begin(), text.end());
}

constexpr const char* kRequestIdHeader = "X-Request-Id";

// The proxy's request id ($request_id: 32 hex digits) when it is a plain token, else nothing.
bool usable_request_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
      return false;
  return true;
}

// Unique per request, not secret: a random prefix drawn once per process and a counter. Not
// OpenSSL's RAND_bytes: on the listener threads that gives each thread DRBG state, which
// cpprestsdk's pool threads (not joined at exit) leave behind as leaks.
std::string new_request_id() {
  static const std::uint64_t prefix = [] {
    std::random_device rd;
    return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
  }();
  static std::atomic<std::uint64_t> next{0};
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(prefix),
                static_cast<unsigned long long>(next.fetch_add(1) + 1));
  return buf;
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

// The HTTP edge. Shared (enable_shared_from_this): body reads and store jobs hold it, and
// reply continuations hold its in-flight count, so whatever completes after serve() gave up
// draining and returned still finds what it touches alive. `ctx` is used only by jobs on the
// executor, which serve() stops (and joins) before the context goes, so the executor thread
// never drops the last reference; the body watchdog's thread never takes one.
class Edge : public std::enable_shared_from_this<Edge> {
 public:
  Edge(ServeOptions options, bool behind_proxy, HandlerContext& ctx)
      : options_(std::move(options)),
        behind_proxy_(behind_proxy),
        ctx_(ctx),
        executor_(std::make_shared<StoreExecutor>(options_.max_queue)),
        watchdog_([this](http_request& request) {
          Reply r = error_reply("request_timeout",
                                "the body did not arrive within " +
                                    std::to_string(options_.body_timeout.count()) + " s");
          r.status = 408;
          refuse_unread(request, std::move(r));
        }) {}

  // One structured line (log_line.hpp); `fields` carry the request_id of a request's lines.
  void log(std::string_view level, std::string_view msg, const LogFields& fields = {}) {
    std::string line = log_line(static_cast<std::uint64_t>(now_ms()), level, msg, fields);
    std::lock_guard lock(log_mutex_);
    if (options_.log)
      options_.log(line);
    else
      std::cerr << line << std::endl;
  }

  // Called on a listener thread: must not block.
  void on_request(http_request request) {
    in_flight_->fetch_add(1);
    try {
      // One id per request, in each of its log lines and in the reply: nginx's $request_id
      // when it passed one (behind the loopback proxy only), else a new random one.
      std::string id;
      if (behind_proxy_) request.headers().match(kRequestIdHeader, id);
      if (!usable_request_id(id)) id = new_request_id();
      request.headers()[kRequestIdHeader] = id;
      accept(request);
    } catch (const std::exception& e) {
      log("error", "internal error at the edge: " + std::string(e.what()),
          {{"request_id", request_id_of(request)}});
      finish(request, error_reply("internal", "internal error"));
    } catch (...) {
      finish(request, error_reply("internal", "internal error"));
    }
  }

  void drain_and_wait(std::chrono::seconds limit) {
    draining_.store(true);
    auto until = std::chrono::steady_clock::now() + limit;
    while (in_flight_->load() > 0 && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (in_flight_->load() > 0)
      log("warning", std::to_string(in_flight_->load()) +
                         " request(s) still running after the drain period; closing anyway");
  }

  // Runs what is queued for the store and stops taking more (later posts are answered 503).
  void stop_store_work() { executor_->stop(); }

 private:
  void accept(http_request& request) {
    if (draining_.load()) {
      refuse_unread(request,
                    error_reply("unavailable", "the server is shutting down: retry later"));
      return;
    }
    if (request.method() == "GET" && request.request_uri().path() == "/healthz") {
      health(request);
      return;
    }
    if (request.method() == "GET" && request.request_uri().path() == "/metrics") {
      metrics(request);
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
    request.extract_vector().then(
        [self = shared_from_this(), request, claim](pplx::task<std::vector<unsigned char>> body) {
          if (claim->exchange(true)) return;  // the watchdog already answered (408)
          self->body_arrived(request, body);
        });
  }

  // On a request thread (the listener's pool): the stateless stages run here, in parallel with
  // other requests; only what needs the store goes to the store thread.
  void body_arrived(const http_request& request, pplx::task<std::vector<unsigned char>>& body) {
    try {
      const auto arrived = std::chrono::steady_clock::now();
      Request req = to_request(request, body.get());  // already complete: task-based
      Prepared prepared = prepare(req, ctx_);         // decode, hash, verify with cached keys
      bool queued = executor_->post(
          [self = shared_from_this(), request, req = std::move(req), prepared = std::move(prepared),
           arrived]() mutable { self->run_handler(request, req, prepared, arrived); });
      if (!queued) {
        Reply busy = error_reply("unavailable", "the server is busy: retry later");
        note_refused(request, busy);
        finish(request, std::move(busy));
      }
    } catch (const std::exception& e) {
      finish(request, error_reply("malformed", std::string("cannot read the body: ") + e.what()));
    }
  }

  // The edge's own refusals go to the security log's counts (written by the store thread).
  void note_refused(const http_request& request, const Reply& reply) {
    auto j = nlohmann::json::parse(reply.body.begin(), reply.body.end(), nullptr, false);
    if (j.is_discarded() || !j.contains("error")) return;
    note_edge_refusal(ctx_, to_request(request, {}), j["error"].value("code", "?"),
                      j["error"].value("message", ""));
  }

  // On the store thread.
  void run_handler(const http_request& request, const Request& req, const Prepared& prepared,
                   std::chrono::steady_clock::time_point arrived) {
    Reply reply;
    auto start = std::chrono::steady_clock::now();
    try {
      reply = dispatch(req, ctx_, prepared);
    } catch (...) {
      reply = error_reply("internal", "internal error");
    }
    const auto end = std::chrono::steady_clock::now();
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(end - start).count();
    if (req.method == "POST" && req.path == sync::kPathPush)
      ctx_.metrics->observe_push(std::chrono::duration<double>(end - arrived).count());
    // Method, path, header and source are the client's bytes: log_line escapes them.
    LogFields fields = {{"request_id", req.request_id},    {"method", req.method.substr(0, 16)},
                        {"path", req.path.substr(0, 200)}, {"status", std::to_string(reply.status)},
                        {"ms", std::to_string(ms)},        {"source", req.source.substr(0, 64)}};
    std::string device = header(req, "X-Tongket-Device").substr(0, 64);
    if (!device.empty()) fields.emplace_back("device", device);
    log("info", "request", fields);
    finish(request, without_internals(std::move(reply), req.request_id));
  }

  // GET /metrics (Prometheus text format): answered here, without the store, to loopback
  // clients only (behind nginx: the address it passes; nginx also denies it to others).
  void metrics(const http_request& request) {
    const std::string source =
        client_source(request.remote_address(), behind_proxy_, header_of(request, "X-Real-IP"),
                      header_of(request, "X-Forwarded-For"));
    if (!is_loopback_address(source)) {
      Reply r = error_reply("forbidden", "/metrics is served to this machine only");
      log("warning", "metrics refused",
          {{"request_id", request_id_of(request)}, {"source", source}});
      finish(request, std::move(r));
      return;
    }
    Reply r;
    r.headers["Content-Type"] = "text/plain; version=0.0.4; charset=utf-8";
    r.headers["Cache-Control"] = "no-store";
    r.body = text_bytes(ctx_.metrics->render({executor_->depth(), ctx_.keys->size()}));
    finish(request, std::move(r));
  }

  static std::string header_of(const http_request& request, const std::string& name) {
    std::string value;
    request.headers().match(name, value);
    return value;
  }
  static std::string request_id_of(const http_request& request) {
    return header_of(request, kRequestIdHeader);
  }

  // GET /healthz: 200 "ok" when the store thread runs and the store answers a read.
  void health(const http_request& request) {
    bool queued = executor_->post([self = shared_from_this(), request] {
      Reply r;
      r.headers["Content-Type"] = "text/plain; charset=utf-8";
      r.headers["Cache-Control"] = "no-store";
      try {
        self->ctx_.store.log_head();
        r.body = text_bytes("ok\n");
      } catch (const std::exception& e) {
        self->log("error", std::string("health check: the store does not answer: ") + e.what(),
                  {{"request_id", request_id_of(request)}});
        r.status = 503;
        r.body = text_bytes("store unavailable\n");
      }
      self->finish(request, std::move(r));
    });
    if (!queued) finish(request, error_reply("unavailable", "the server is busy: retry later"));
  }

  // A 500 reply's message may carry what the server knows of itself (file paths, SQL): the
  // client gets a reference to the log line that keeps the detail.
  Reply without_internals(Reply reply, const std::string& request_id) {
    if (reply.status != 500) return reply;
    std::string ref = request_id;
    log("error",
        "internal error (reference " + ref +
            "): " + std::string(reply.body.begin(), reply.body.end()).substr(0, 2000),
        {{"request_id", request_id}});
    return error_reply(
        "internal", "internal error (reference " + ref + " in the server's log; please report it)");
  }

  Request to_request(const http_request& request, std::vector<unsigned char> body) const {
    Request r;
    r.method = request.method();
    r.path = request.request_uri().path();
    for (const auto& [name, value] : request.headers()) r.headers[name] = value;
    r.body = std::move(body);
    r.source = client_source(request.remote_address(), behind_proxy_, header(r, "X-Real-IP"),
                             header(r, "X-Forwarded-For"));
    r.request_id = request_id_of(request);
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

  // The reply's continuation holds the in-flight count only (not the edge): it may run on
  // any thread, after serve() returned, and must never be the one that destroys the edge.
  void finish(http_request request, Reply reply) {
    ctx_.metrics->count_request(request.method(), request.request_uri().path(), reply.status);
    if (auto id = request_id_of(request); !id.empty()) reply.headers[kRequestIdHeader] = id;
    try {
      request.reply(to_response(std::move(reply)))
          .then([in_flight = in_flight_](pplx::task<void> sent) {
            try {
              sent.get();
            } catch (...) {
              // The client went away: nothing to tell it.
            }
            in_flight->fetch_sub(1);
          });
    } catch (...) {
      in_flight_->fetch_sub(1);  // already answered, or the connection is gone
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

  const ServeOptions options_;
  const bool behind_proxy_;
  HandlerContext& ctx_;
  std::shared_ptr<StoreExecutor> executor_;
  std::shared_ptr<std::atomic<int>> in_flight_ = std::make_shared<std::atomic<int>>(0);
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

  auto store = open_data_store(options.data_dir);
  ServerIdentity identity = store->identity();
  ReportTemplate report_template = ReportTemplate::parse(identity.template_json, "store template");
  HandlerContext ctx{*store, report_template, now_ms, identity.server_id, {}};
  ctx.limits.max_body_bytes = options.max_body;

  crossplat::threadpool::initialize_with_threads(options.threads);
  auto edge = std::make_shared<Edge>(options, !listen.https, ctx);

  web::http::experimental::listener::http_listener_config config;
  if (tls)
    config.set_ssl_context_callback(
        [tls](boost::asio::ssl::context& c) { tls->configure(c.native_handle()); });
  web::http::experimental::listener::http_listener listener(listen.url, config);
  listener.support([edge](http_request request) { edge->on_request(std::move(request)); });
  try {
    listener.open().wait();  // not in a handler: start-up may wait
  } catch (const std::exception& e) {
    // A port in use or not ours is a network problem (exit 5, as --help says).
    throw Error(Errc::network, "cannot listen on " + listen.url + ": " + e.what());
  }
  if (listen.https)
    edge->log(
        "warning",
        "WARNING: tongket-server is terminating TLS itself (--listen https://...): for development "
        "and tests on loopback or a trusted network only. Its TLS listener has no handshake, "
        "header "
        "or connection limits (see docs/security.md). In production run it with --insecure-http "
        "behind nginx: deploy/nginx/tongket.conf, or scripts/serve.sh.");
  else
    edge->log(
        "warning",
        "WARNING: tongket-server is serving PLAIN HTTP on " + listen.url +
            " (--insecure-http). Traffic is unencrypted: only a TLS-terminating proxy on this "
            "machine may connect to it. Never expose this port.");
  edge->log("info", "tongket-server " + std::string(version()) + " listening on " + listen.url,
            {{"server_id", identity.server_id}, {"data", options.data_dir.string()}});

  int sig = 0;
  sigwait(&signals, &sig);
  edge->log("info", std::string("tongket-server: ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT") +
                        ": refusing new requests, finishing the ones in flight");
  edge->drain_and_wait(options.drain_timeout);
  // close() has been seen to hang after many dropped TLS handshakes: do not wait forever.
  auto closed = std::async(std::launch::async, [&listener] {
    try {
      listener.close().wait();
    } catch (...) {
    }
  });
  bool clean = closed.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
  edge->stop_store_work();        // the store and `ctx` go when serve() returns
  flush_security_log(ctx, true);  // the store's thread has stopped: this one owns the store
  if (!clean) {
    edge->log("warning", "tongket-server: the listener did not close in 10 s; exiting anyway");
    store.reset();
    std::_Exit(0);  // the store is closed; the hung listener thread must not block exit
  }
  edge->log("info", "tongket-server: stopped");
  return 0;
}

}  // namespace tongket::server
