// First run, enrolment and the overview's status.
#include "tongket/error.hpp"
#include "tongket/platform.hpp"
#include "ui/api_common.hpp"
#include "ui/json_views.hpp"

namespace tongket::ui {

using nlohmann::json;

void add_setup_routes(httplib::Server& server, AppState& state) {
  server.Get("/api/state", api([&state](const httplib::Request&) {
               json out = {{"initialised", state.initialised()},
                           {"store", platform::path_to_utf8(state.store())}};
               if (out["initialised"])
                 out["status"] =
                     state.with_workspace([](auto& ws) { return to_json(ws.status()); });
               return out;
             }));
  server.Get("/api/units", api([](const httplib::Request& req) {
               json out = json::array();
               const std::string q = req.get_param_value("q");
               if (q.size() < 2) return out;  // too short to pick anything out
               auto found = client::Workspace::find_units(q);
               constexpr std::size_t kShown = 30;
               for (std::size_t i = 0; i < found.size() && i < kShown; ++i)
                 out.push_back(to_json(found[i]));
               return out;
             }));
  server.Post("/api/init", api([&state](const httplib::Request& req) {
                json body = body_object(req);
                const std::string unit = member(body, "unit", true);
                const std::string author = member(body, "author", true);
                if (author.empty())
                  throw Error(Errc::invalid_argument, "Hãy nhập họ tên người nhập liệu.");
                if (state.initialised())
                  throw Error(Errc::invalid_argument,
                              "Kho dữ liệu đã được khởi tạo cho một đơn vị; không tạo lại.");
                return to_json(state.create(unit, author));
              }));
  server.Post("/api/author", api([&state](const httplib::Request& req) {
                json body = body_object(req);
                const std::string author = member(body, "author", true);
                if (author.empty())
                  throw Error(Errc::invalid_argument, "Hãy nhập họ tên người nhập liệu.");
                return state.with_workspace([&](auto& ws) {
                  ws.set_author(author);
                  return to_json(ws.unit());
                });
              }));
  server.Post("/api/enroll", api([&state](const httplib::Request& req) {
                json body = body_object(req);
                client::EnrollInput input{member(body, "server_url", true),
                                          member(body, "ca_file", true),
                                          member(body, "token", true)};
                return state.with_workspace([&](auto& ws) {
                  const auto r = ws.enroll(input);
                  auto out = to_json(r.unit);
                  out["device"] = r.device;
                  out["previous_device"] = r.previous_device;
                  out["resigned"] = r.resigned;
                  return out;
                });
              }));
  server.Get("/api/status", api([&state](const httplib::Request&) {
               return state.with_workspace([](auto& ws) { return to_json(ws.status()); });
             }));
}

}  // namespace tongket::ui
