// Parts with progress, appendix forms, values (one cell or a pasted block), validation.
#include "tongket/error.hpp"
#include "ui/api_common.hpp"
#include "ui/json_views.hpp"

namespace tongket::ui {

using nlohmann::json;

namespace {

std::vector<client::CellInput> cells_of(const json& body) {
  auto it = body.find("cells");
  if (it == body.end() || !it->is_array() || it->empty())
    throw Error(Errc::invalid_argument, "Thiếu danh sách ô cần lưu (\"cells\").");
  std::vector<client::CellInput> cells;
  for (const auto& c : *it) {
    if (!c.is_object()) throw Error(Errc::invalid_argument, "Mỗi ô phải là một đối tượng JSON.");
    cells.push_back({member(c, "indicator", true), member(c, "period", true), member(c, "text")});
  }
  return cells;
}

}  // namespace

void add_form_routes(httplib::Server& server, AppState& state) {
  server.Get("/api/parts", api([&state](const httplib::Request&) {
               return state.with_workspace([](auto& ws) {
                 json out = json::array();
                 for (const auto& p : ws.parts()) out.push_back(to_json(p));
                 return out;
               });
             }));
  server.Get(R"(/api/forms/([A-Za-z0-9.]+))", api([&state](const httplib::Request& req) {
               const std::string appendix = req.matches[1];
               return state.with_workspace([&](auto& ws) { return to_json(ws.form(appendix)); });
             }));
  // One cell or a block pasted from a spreadsheet: all cells or none (CellsRefused names
  // every bad cell).
  server.Post("/api/values", api([&state](const httplib::Request& req) {
                auto cells = cells_of(body_object(req));
                return state.with_workspace([&](auto& ws) {
                  return to_json(cells.size() == 1 ? ws.set_value(cells[0].indicator,
                                                                  cells[0].period, cells[0].text)
                                                   : ws.set_values(cells));
                });
              }));
  server.Get("/api/validate", api([&state](const httplib::Request&) {
               return state.with_workspace([](auto& ws) { return to_json(ws.validate()); });
             }));
}

}  // namespace tongket::ui
