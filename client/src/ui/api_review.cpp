// Completeness, submission, the review history, and exports (downloads).
#include "tongket/error.hpp"
#include "ui/api_common.hpp"
#include "ui/json_views.hpp"

namespace tongket::ui {

using nlohmann::json;

namespace {

struct ExportKind {
  client::ExportFormat format;
  const char* extension;
  const char* mime;
};

ExportKind export_kind(const std::string& name) {
  if (name == "docx")
    return {client::ExportFormat::docx, "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"};
  if (name == "xlsx")
    return {client::ExportFormat::xlsx, "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"};
  return {client::ExportFormat::csv, "csv", "text/csv; charset=utf-8"};
}

void export_file(AppState& state, const httplib::Request& req, httplib::Response& res) {
  const auto kind = export_kind(req.matches[1]);
  // ?tong-hop=1: the report with the units below rolled up (a reviewer's).
  const bool rolled_up = req.get_param_value("tong-hop") == "1";
  try {
    auto [bytes, unit] = state.with_workspace([&](auto& ws) {
      return std::pair{ws.export_bytes(kind.format, rolled_up), ws.unit().code};
    });
    res.set_header("Content-Disposition", "attachment; filename=\"bao-cao-" +
                                              std::string(rolled_up ? "tong-hop-" : "") + unit +
                                              "." + kind.extension + "\"");
    res.set_content(std::move(bytes), kind.mime);
  } catch (const Error& e) {
    res.status = http_status(e.code());
    res.set_content(error_json(e).dump(), "application/json; charset=utf-8");
  }
}

}  // namespace

void add_review_routes(httplib::Server& server, AppState& state) {
  server.Get("/api/completeness", api([&state](const httplib::Request&) {
               return state.with_workspace([](auto& ws) { return to_json(ws.completeness()); });
             }));
  server.Post("/api/submit", api([&state](const httplib::Request& req) {
                json body = body_object(req);
                return state.with_workspace([&](auto& ws) {
                  ws.submit(member(body, "reason"), member(body, "comment"));
                  return to_json(ws.status());
                });
              }));
  server.Get("/api/review", api([&state](const httplib::Request&) {
               return state.with_workspace([](auto& ws) {
                 json out = json::array();
                 for (const auto& e : ws.review_history()) out.push_back(to_json(e));
                 return out;
               });
             }));
  server.Get(R"(/api/export/(docx|xlsx|csv))",
             [&state](const httplib::Request& req, httplib::Response& res) {
               export_file(state, req, res);
             });
}

}  // namespace tongket::ui
