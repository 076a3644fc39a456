#include "ui/ui_server.hpp"

#include <httplib.h>

#include <ostream>

#include "tongket/error.hpp"
#include "tongket/paths.hpp"
#include "tongket/platform.hpp"
#include "ui/access_guard.hpp"
#include "ui/api_common.hpp"
#include "ui/app_state.hpp"
#include "ui/browser.hpp"
#include "ui/instance_lock.hpp"

namespace tongket::ui {

namespace {

constexpr const char* kLoopback = "127.0.0.1";
// A .docx narrative with pictures stays well under this; anything bigger is refused early.
constexpr std::size_t kMaxBody = 32 * 1024 * 1024;

RequestFacts facts_of(const httplib::Request& req) {
  return {req.method, req.get_header_value("Host"), req.get_header_value("Origin"),
          req.get_header_value("Cookie"), req.get_param_value("token")};
}

void forbid(httplib::Response& res, Verdict verdict) {
  res.status = 403;
  const std::string code = verdict == Verdict::bad_host     ? "bad_host"
                           : verdict == Verdict::bad_origin ? "bad_origin"
                                                            : "no_session";
  nlohmann::json body = {{"code", code}, {"message", std::string(AccessGuard::explain(verdict))}};
  res.set_content(body.dump(), "application/json; charset=utf-8");
}

// Every request passes here before any route or static file.
httplib::Server::HandlerResponse guard_request(const AccessGuard& guard,
                                               const httplib::Request& req,
                                               httplib::Response& res) {
  const Verdict verdict = guard.judge(facts_of(req));
  if (verdict == Verdict::allow) return httplib::Server::HandlerResponse::Unhandled;
  if (verdict == Verdict::start_session) {
    // The token leaves the address bar: the clean URL is loaded with the cookie.
    res.set_header("Set-Cookie", guard.session_cookie());
    res.set_redirect(req.path.empty() ? "/" : req.path, 303);
    return httplib::Server::HandlerResponse::Handled;
  }
  forbid(res, verdict);
  return httplib::Server::HandlerResponse::Handled;
}

// Headers on every answer: nothing may frame or script the app from elsewhere, and answers
// are not cached (they hold the report). Deliberately no Access-Control-* header.
void harden(httplib::Response& res) {
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                 "frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("Cache-Control", "no-store");
}

void configure(httplib::Server& server, const AccessGuard& guard, AppState& state) {
  server.set_payload_max_length(kMaxBody);
  server.set_pre_routing_handler([&guard](const httplib::Request& req, httplib::Response& res) {
    return guard_request(guard, req, res);
  });
  server.set_post_routing_handler(
      [](const httplib::Request&, httplib::Response& res) { harden(res); });
  server.set_file_extension_and_mimetype_mapping("js", "text/javascript; charset=utf-8");
  server.set_file_extension_and_mimetype_mapping("css", "text/css; charset=utf-8");
  server.set_file_extension_and_mimetype_mapping("html", "text/html; charset=utf-8");
  const auto web = web_dir();
  // cpp-httplib opens files with narrow (on Windows: ANSI code page) names, as path::string().
  if (!server.set_mount_point("/", web.string()))
    throw Error(Errc::io_error, "the web app's files are missing: " + platform::path_to_utf8(web) +
                                    " (set TONGKET_WEB to the folder holding index.html)");
  add_setup_routes(server, state);
  add_form_routes(server, state);
  add_text_routes(server, state);
  add_list_routes(server, state);
  add_review_routes(server, state);
  add_sync_routes(server, state);
  add_reviewer_routes(server, state);
  add_province_routes(server, state);
  server.Get(R"(/api/.*)", [](const httplib::Request& req, httplib::Response& res) {
    res.status = 404;
    res.set_content(nlohmann::json{{"code", "not_found"},
                                   {"message", "Không có địa chỉ " + req.path + " trong ứng dụng."}}
                        .dump(),
                    "application/json; charset=utf-8");
  });
}

int bind(httplib::Server& server, int port) {
  if (port == 0) {
    int bound = server.bind_to_any_port(kLoopback);
    if (bound <= 0) throw Error(Errc::io_error, "cannot listen on 127.0.0.1 (no free port)");
    return bound;
  }
  if (!server.bind_to_port(kLoopback, port))
    throw Error(Errc::io_error, "cannot listen on 127.0.0.1:" + std::to_string(port) +
                                    " (the port is taken; choose another with --port N)");
  return port;
}

}  // namespace

int serve(const UiOptions& options, std::ostream& out, std::ostream& err) {
  auto lock = InstanceLock::acquire(options.store);
  if (!lock) {
    const std::string url = InstanceLock::running_url(options.store);
    err << "tongket: ứng dụng đã đang chạy cho kho " << platform::path_to_utf8(options.store)
        << (url.empty() ? "" : " tại " + url) << "\n";
    if (options.open_browser && !url.empty()) open_in_browser(url);
    return exit_code(Errc::locked);
  }
  AppState state(options.store);
  httplib::Server server;
  // One small answer per edit: without TCP_NODELAY, Nagle and the browser's delayed ACK add
  // ~40 ms to each (measured in bench/src/ui_bench.cpp). Set before the socket is made.
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(1000);
  const int port = bind(server, options.port);
  const AccessGuard guard(port, random_secret(), random_secret());
  // The token is only in the URL printed here and in the lock file (owner-only).
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/?token=" + guard.token();
  configure(server, guard, state);
  lock->publish(url);
  out << url << std::endl;
  out << "Ứng dụng Tổng kết CCHC đang chạy. Mở địa chỉ trên trong trình duyệt; "
         "đóng cửa sổ này (hoặc Ctrl+C) để dừng."
      << std::endl;
  if (options.open_browser) open_in_browser(url);
  if (!server.listen_after_bind()) throw Error(Errc::io_error, "the web app's server stopped");
  return 0;
}

}  // namespace tongket::ui
