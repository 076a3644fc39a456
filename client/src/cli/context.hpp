// What every command handler gets: its arguments, the streams, and lazily opened resources
// (template, hierarchy, store), so that a command only pays for what it uses.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/args.hpp"
#include "tongket/client_store.hpp"
#include "tongket/field.hpp"
#include "tongket/hierarchy.hpp"
#include "tongket/report_template.hpp"

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
  const ReportTemplate& report_template();
  const Hierarchy& hierarchy();
  // Opens the store at store_path() and checks that it was made for the loaded template.
  ClientStore& store();

  // The unit a command works on: --unit CODE (a reviewer working on a unit below its own),
  // else the installation's unit. Throws unless CODE is the store's unit or lies below it.
  const std::string& unit();
  std::string unit_name();
  UnitLevel level();
  // "SNV" for the unit "72-SNV"; empty when the unit is not a department.
  std::string department_key();
  // --author, else the author remembered in the store; Error if neither.
  std::string author();

  // Throws Error naming the field when this unit may not store `value` in `key`: the
  // template's checks (check_field), and for a department, that the template gives it the item.
  void check_writable(const FieldKey& key, const nlohmann::json& value);
  // Throws Error(locked) when `unit`'s report is submitted, accepted or finalised (as this
  // store knows it, its own unsent transitions included): edits wait until it is returned.
  void check_unlocked(const std::string& unit);
  // This device's role from enrollment ("clerk", "district_reviewer", ...); "clerk" before.
  std::string role();
  // Stores one field with a fresh clock value; the operation id.
  std::uint64_t write(const FieldKey& key, const nlohmann::json& value,
                      std::optional<std::uint64_t> resolves = std::nullopt);

  std::ostream& out;
  std::ostream& err;
  std::istream& in;

 private:
  ParsedArgs args_;
  std::vector<std::string> operands_;
  std::unique_ptr<ReportTemplate> template_;
  std::unique_ptr<Hierarchy> hierarchy_;
  std::optional<ClientStore> store_;
  std::string target_unit_;
};

}  // namespace tongket::cli
