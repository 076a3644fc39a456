#include "ui/app_state.hpp"

#include "tongket/error.hpp"

namespace tongket::ui {

AppState::AppState(std::filesystem::path store) : store_(std::move(store)) {}

AppState::~AppState() {
  sync_.cancel = true;
  if (sync_.worker.joinable()) sync_.worker.join();
}

client::WorkspaceOptions AppState::workspace_options() const {
  client::WorkspaceOptions options;
  options.store = store_;
  options.language = client::Language::vi;  // the web app speaks Vietnamese only
  return options;
}

bool AppState::initialised() {
  std::lock_guard lock(mutex_);
  return workspace_.has_value() || std::filesystem::exists(store_);
}

client::Workspace& AppState::workspace_locked() {
  if (!workspace_) {
    if (!std::filesystem::exists(store_))
      throw Error(Errc::not_found, "Chưa chọn đơn vị: hãy hoàn tất bước khởi tạo trước.");
    workspace_.emplace(client::Workspace::open(workspace_options()));
  }
  return *workspace_;
}

client::UnitInfo AppState::create(const std::string& unit, const std::string& author) {
  std::lock_guard lock(mutex_);
  workspace_.emplace(client::Workspace::create(workspace_options(), unit, author));
  return workspace_->unit();
}

}  // namespace tongket::ui
