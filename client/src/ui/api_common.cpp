#include "ui/api_common.hpp"

#include "tongket/error.hpp"
#include "ui/json_views.hpp"

namespace tongket::ui {

using nlohmann::json;

namespace {

void answer(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json; charset=utf-8");
}

}  // namespace

httplib::Server::Handler api(ApiHandler fn) {
  return [fn = std::move(fn)](const httplib::Request& req, httplib::Response& res) {
    try {
      answer(res, 200, fn(req));
    } catch (const Error& e) {
      answer(res, http_status(e.code()), error_json(e));
    } catch (const std::exception& e) {
      answer(
          res, 500,
          {{"code", "internal"},
           {"message", std::string("Lỗi trong chương trình (xin báo cho quản trị): ") + e.what()}});
    }
  };
}

json body_object(const httplib::Request& req) {
  json body = json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    throw Error(Errc::invalid_argument, "Dữ liệu gửi lên không phải một đối tượng JSON hợp lệ.");
  return body;
}

std::string member(const json& body, const char* name, bool required) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    if (required)
      throw Error(Errc::invalid_argument, std::string("Thiếu trường \"") + name + "\".");
    return {};
  }
  if (!it->is_string())
    throw Error(Errc::invalid_argument,
                std::string("Trường \"") + name + "\" phải là chuỗi ký tự.");
  return it->get<std::string>();
}

}  // namespace tongket::ui
