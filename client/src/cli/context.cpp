#include "cli/context.hpp"

#include "tongket/platform.hpp"

namespace tongket::cli {

Context::Context(ParsedArgs args, std::vector<std::string> operands, std::ostream& out_stream,
                 std::ostream& err_stream, std::istream& in_stream)
    : out(out_stream),
      err(err_stream),
      in(in_stream),
      args_(std::move(args)),
      operands_(std::move(operands)),
      language_(client::language_from_environment()) {}

Context::~Context() = default;

std::filesystem::path Context::store_path() const {
  if (auto p = args_.value("store")) return platform::path_from_utf8(*p);
  if (auto env = platform::env("TONGKET_STORE")) return platform::path_from_utf8(*env);
  return platform::default_store_dir() / "tongket.db";
}

client::WorkspaceOptions Context::workspace_options() const {
  client::WorkspaceOptions o;
  o.store = store_path();
  o.language = language_;
  return o;
}

client::Workspace& Context::workspace() {
  if (workspace_) return *workspace_;
  workspace_.emplace(client::Workspace::open(workspace_options()));
  if (auto a = args_.value("author"); a && !a->empty()) workspace_->set_author(*a);
  if (auto u = args_.value("unit")) workspace_->select_unit(*u);
  workspace_->set_include_submitted(args_.has("include-submitted"));
  return *workspace_;
}

client::Workspace& Context::create_workspace(const std::string& unit, const std::string& author) {
  workspace_.emplace(client::Workspace::create(workspace_options(), unit, author));
  return *workspace_;
}

}  // namespace tongket::cli
