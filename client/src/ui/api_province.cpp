// The province's report beyond its figures: the departments' narrative beside its own
// sections (taken in through Workspace::take_in, as `tongket take-in`), and the document
// frame (Nghị định 30/2020: Workspace::document / set_document, as `tongket document`).
#include "tongket/error.hpp"
#include "ui/api_common.hpp"
#include "ui/json_views.hpp"

namespace tongket::ui {

using nlohmann::json;

namespace {

json contributions_json(client::Workspace& ws, const std::string& section) {
  json out = json::array();
  for (const auto& c : ws.contributions(section)) out.push_back(to_json(c));
  return out;
}

json document_json(client::Workspace& ws) {
  json fields = json::array();
  for (const auto& f : ws.document()) fields.push_back(to_json(f));
  return {{"unit", to_json(ws.unit())}, {"fields", fields}};
}

}  // namespace

void add_province_routes(httplib::Server& server, AppState& state) {
  server.Get("/api/contributions", api([&state](const httplib::Request&) {
               return state.with_workspace([](auto& ws) { return contributions_json(ws, ""); });
             }));
  server.Post(R"(/api/contributions/([^/]+)/take-in)", api([&state](const httplib::Request& req) {
                const std::string section = req.matches[1];
                json body = body_object(req);
                const std::string from = member(body, "from", true);
                const bool replace = body.value("replace", false);
                return state.with_workspace([&](auto& ws) {
                  const bool changed = ws.take_in(section, from, replace);
                  return json{{"changed", changed},
                              {"section", to_json(ws.section(section))},
                              {"contributions", contributions_json(ws, section)}};
                });
              }));
  server.Get("/api/document", api([&state](const httplib::Request&) {
               return state.with_workspace([](auto& ws) { return document_json(ws); });
             }));
  server.Put(R"(/api/document/([a-z_]+))", api([&state](const httplib::Request& req) {
               const std::string name = req.matches[1];
               const std::string text = member(body_object(req), "text");
               return state.with_workspace([&](auto& ws) {
                 ws.set_document(name, text);
                 return document_json(ws);
               });
             }));
}

}  // namespace tongket::ui
