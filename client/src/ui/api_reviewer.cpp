// The reviewer's pages: the units below with their state, one unit's report (read-only, what
// changed since its previous submission, accept or return), completeness, roll-up tables and
// drill-down. A unit below is selected only for the call and deselected after it, so the
// shared Workspace is always back on the store's own unit for every other page.
#include "tongket/error.hpp"
#include "ui/api_common.hpp"
#include "ui/json_views.hpp"

namespace tongket::ui {

using nlohmann::json;

namespace {

// Runs fn(Workspace&) with `code` selected, and the store's unit selected again after it.
template <typename Fn>
json on_unit(AppState& state, const std::string& code, Fn&& fn) {
  return state.with_workspace([&](client::Workspace& ws) {
    ws.select_unit(code);
    try {
      json out = fn(ws);
      ws.select_unit("");
      return out;
    } catch (...) {
      ws.select_unit("");
      throw;
    }
  });
}

json units_json(client::Workspace& ws) {
  json units = json::array(), tallies = json::array();
  for (const auto& u : ws.units_below()) units.push_back(to_json(u));
  for (const auto& t : ws.completeness_below()) tallies.push_back(to_json(t));
  return {{"unit", to_json(ws.unit())},
          {"units", units},
          {"tallies", tallies},
          {"contributors", ws.contributor_count()},
          {"coverage", to_json(ws.rollup_coverage())}};
}

json review_of(client::Workspace& ws, const std::string& code) {
  for (const auto& u : ws.units_below())
    if (u.unit.code == code) return to_json(u);
  throw Error(Errc::not_found, "Đơn vị " + code + " không thuộc quyền xem xét của đơn vị này.");
}

json unit_json(client::Workspace& ws, const std::string& code) {
  json review = review_of(ws, code);
  ws.select_unit(code);
  json history = json::array(), values = json::array();
  for (const auto& e : ws.review_history()) history.push_back(to_json(e));
  for (const auto& v : ws.report_values()) values.push_back(to_json(v));
  json parts = json::array();
  for (const auto& p : ws.parts())
    if (p.kind == "appendix") parts.push_back(to_json(p));
  return {{"unit", to_json(ws.unit())},
          {"review", review},
          {"history", history},
          {"values", values},
          {"parts", parts},
          {"resubmission", to_json(ws.resubmission_changes())}};
}

void decide_route(httplib::Server& server, AppState& state, const char* pattern, bool accept) {
  server.Post(pattern, api([&state, accept](const httplib::Request& req) {
                const std::string code = req.matches[1];
                json body = body_object(req);
                const std::string comment = member(body, "comment", !accept);
                return on_unit(state, code, [&](client::Workspace& ws) {
                  accept ? ws.accept(comment) : ws.give_back(comment);
                  return unit_json(ws, code);
                });
              }));
}

}  // namespace

void add_reviewer_routes(httplib::Server& server, AppState& state) {
  server.Get("/api/below", api([&state](const httplib::Request&) {
               return state.with_workspace([](auto& ws) { return units_json(ws); });
             }));
  server.Get(R"(/api/below/([0-9A-Za-z-]+))", api([&state](const httplib::Request& req) {
               const std::string code = req.matches[1];
               return on_unit(state, code, [&](auto& ws) { return unit_json(ws, code); });
             }));
  server.Get(R"(/api/below/([0-9A-Za-z-]+)/forms/([A-Za-z0-9.]+))",
             api([&state](const httplib::Request& req) {
               const std::string code = req.matches[1], appendix = req.matches[2];
               return on_unit(state, code, [&](auto& ws) {
                 review_of(ws, code);
                 ws.select_unit(code);
                 return to_json(ws.form(appendix));
               });
             }));
  decide_route(server, state, R"(/api/below/([0-9A-Za-z-]+)/accept)", true);
  decide_route(server, state, R"(/api/below/([0-9A-Za-z-]+)/return)", false);
  server.Get(R"(/api/rollup/(PL[0-9]))", api([&state](const httplib::Request& req) {
               const std::string appendix = req.matches[1];
               return state.with_workspace([&](auto& ws) {
                 json out = to_json(ws.rollup(appendix));
                 out["contributors"] = ws.contributor_count();
                 out["coverage"] = to_json(ws.rollup_coverage());
                 return out;
               });
             }));
  server.Get(R"(/api/drilldown/([A-Za-z0-9.]+)/([0-9-]+))",
             api([&state](const httplib::Request& req) {
               const std::string indicator = req.matches[1], period = req.matches[2];
               return state.with_workspace(
                   [&](auto& ws) { return to_json(ws.drilldown(indicator, period)); });
             }));
}

}  // namespace tongket::ui
