// Lists (KT award nominations, MH models, PL4.III) and appendix 8 goals.
#include "tongket/error.hpp"
#include "ui/api_common.hpp"
#include "ui/json_views.hpp"

namespace tongket::ui {

using nlohmann::json;

void add_list_routes(httplib::Server& server, AppState& state) {
  server.Get(R"(/api/lists/([A-Za-z0-9.]+))", api([&state](const httplib::Request& req) {
               const std::string table = req.matches[1];
               return state.with_workspace([&](auto& ws) {
                 return list_json(ws.list_columns(table), ws.list_rows(table));
               });
             }));
  server.Post(R"(/api/lists/([A-Za-z0-9.]+))", api([&state](const httplib::Request& req) {
                const std::string table = req.matches[1];
                json body = body_object(req);
                auto cells_it = body.find("cells");
                if (cells_it == body.end() || !cells_it->is_object())
                  throw Error(Errc::invalid_argument, "Thiếu nội dung của dòng (\"cells\").");
                std::vector<std::pair<std::string, std::string>> cells;
                for (auto& [column, value] : cells_it->items()) {
                  if (!value.is_string())
                    throw Error(Errc::invalid_argument,
                                "Cột \"" + column + "\" phải là chuỗi ký tự.");
                  cells.emplace_back(column, value.get<std::string>());
                }
                return state.with_workspace([&](auto& ws) {
                  return json{{"id", ws.add_row(table, cells)}};
                });
              }));
  server.Delete(R"(/api/lists/([A-Za-z0-9.]+)/([^/]+))", api([&state](const httplib::Request& req) {
                  const std::string table = req.matches[1], row = req.matches[2];
                  return state.with_workspace([&](auto& ws) {
                    ws.delete_row(table, row);
                    return json{{"deleted", row}};
                  });
                }));
  server.Get("/api/goals", api([&state](const httplib::Request&) {
               return state.with_workspace([](auto& ws) {
                 json out = json::array();
                 for (const auto& g : ws.goals()) out.push_back(to_json(g));
                 return out;
               });
             }));
  server.Put(R"(/api/goals/([A-Za-z0-9.]+))", api([&state](const httplib::Request& req) {
               const std::string goal = req.matches[1];
               json body = body_object(req);
               return state.with_workspace([&](auto& ws) {
                 ws.assess(goal, member(body, "result", true), member(body, "note"));
                 for (const auto& g : ws.goals())
                   if (g.id == goal) return to_json(g);
                 throw Error(Errc::not_found, "Không có mục tiêu " + goal + ".");
               });
             }));
}

}  // namespace tongket::ui
