// Helpers shared by the API's route files: run a handler, answer JSON or {code, message}.
// Each api_*.cpp registers one group of routes (docs/ui-api.md).
#pragma once

#include <httplib.h>

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "ui/app_state.hpp"

namespace tongket::ui {

using ApiHandler = std::function<nlohmann::json(const httplib::Request&)>;

// Wraps `fn` so that its JSON is the answer, and an Error becomes {code, message} with its
// HTTP status (a refusal changes nothing: the Workspace's writes are transactions).
httplib::Server::Handler api(ApiHandler fn);
// The request's body as a JSON object; Error(invalid_argument) naming what is wrong.
nlohmann::json body_object(const httplib::Request& req);
// A string member of `body`; Error(invalid_argument) when missing and `required`.
std::string member(const nlohmann::json& body, const char* name, bool required = false);

void add_setup_routes(httplib::Server& server, AppState& state);
void add_form_routes(httplib::Server& server, AppState& state);
void add_text_routes(httplib::Server& server, AppState& state);
void add_list_routes(httplib::Server& server, AppState& state);
void add_review_routes(httplib::Server& server, AppState& state);
void add_reviewer_routes(httplib::Server& server, AppState& state);
void add_sync_routes(httplib::Server& server, AppState& state);
void add_province_routes(httplib::Server& server, AppState& state);

}  // namespace tongket::ui
