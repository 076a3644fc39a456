// What every command handler gets: its arguments, the streams, the language, and the client
// core (client::Workspace) opened lazily on the store, so that a command only pays for what it
// uses. The rules live in the core; a handler parses, calls, and presents.
#pragma once

#include <filesystem>
#include <initializer_list>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/args.hpp"
#include "tongket/messages.hpp"
#include "tongket/workspace.hpp"

namespace tongket::cli {

class Context {
 public:
  Context(ParsedArgs args, std::vector<std::string> operands, std::ostream& out, std::ostream& err,
          std::istream& in);
  ~Context();

  // The positional arguments after the command's name.
  const std::vector<std::string>& operands() const { return operands_; }
  const ParsedArgs& args() const { return args_; }

  // --store, else $TONGKET_STORE, else ./tongket.db.
  std::filesystem::path store_path() const;
  // Vietnamese when LANG / LC_ALL / LC_MESSAGES is vi_*, else English.
  client::Language language() const { return language_; }
  std::string msg(std::string_view id, std::initializer_list<std::string_view> args = {}) const {
    return client::message(language_, id, args);
  }
  client::WorkspaceOptions workspace_options() const;

  // The core on the store at store_path(), with --author and --unit (a unit below the store's,
  // for reviewers) applied.
  client::Workspace& workspace();
  // Makes the store (init) and keeps the Workspace for the rest of the command.
  client::Workspace& create_workspace(const std::string& unit, const std::string& author);

  std::ostream& out;
  std::ostream& err;
  std::istream& in;

 private:
  ParsedArgs args_;
  std::vector<std::string> operands_;
  client::Language language_;
  std::optional<client::Workspace> workspace_;
};

}  // namespace tongket::cli
