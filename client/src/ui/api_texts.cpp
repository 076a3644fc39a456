// Narrative sections: read, write, import a .docx or .txt file.
#include <fstream>

#include "tongket/error.hpp"
#include "tongket/platform.hpp"
#include "ui/access_guard.hpp"
#include "ui/api_common.hpp"
#include "ui/json_views.hpp"

namespace tongket::ui {

using nlohmann::json;

namespace {

// The upload written to a private temporary file (the core imports from a path), removed
// afterwards whatever happens.
class UploadFile {
 public:
  explicit UploadFile(const httplib::MultipartFormData& upload) {
    auto ext = platform::path_to_utf8(platform::path_from_utf8(upload.filename).extension());
    if (ext != ".docx" && ext != ".txt" && ext != ".DOCX" && ext != ".TXT")
      throw Error(Errc::invalid_argument, "Tệp \"" + upload.filename +
                                              "\" không nhập được: chỉ nhận tệp Word (.docx) "
                                              "hoặc văn bản (.txt).");
    path_ = std::filesystem::temp_directory_path() / ("tongket-upload-" + random_secret() + ext);
    std::ofstream out(path_, std::ios::binary);
    out.write(upload.content.data(), static_cast<std::streamsize>(upload.content.size()));
    if (!out) throw Error(Errc::io_error, "Không ghi được tệp tạm để nhập văn bản.");
  }
  ~UploadFile() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace

void add_text_routes(httplib::Server& server, AppState& state) {
  server.Get("/api/sections", api([&state](const httplib::Request&) {
               return state.with_workspace([](auto& ws) {
                 json out = json::array();
                 for (const auto& s : ws.sections()) out.push_back(to_json(s));
                 return out;
               });
             }));
  server.Put(R"(/api/sections/([^/]+))", api([&state](const httplib::Request& req) {
               const std::string id = req.matches[1];
               const std::string text = member(body_object(req), "text");
               return state.with_workspace([&](auto& ws) {
                 ws.set_text(id, text);
                 return to_json(ws.section(id));
               });
             }));
  server.Post(R"(/api/sections/([^/]+)/import)", api([&state](const httplib::Request& req) {
                const std::string id = req.matches[1];
                if (!req.has_file("file"))
                  throw Error(Errc::invalid_argument, "Chưa chọn tệp để nhập.");
                UploadFile file(req.get_file_value("file"));
                return state.with_workspace([&](auto& ws) {
                  ws.import_text(id, file.path());
                  return to_json(ws.section(id));
                });
              }));
}

}  // namespace tongket::ui
