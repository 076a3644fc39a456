// The Workspace's state and the rules every part of the core shares: which unit, which level,
// who writes, and the write path (lock, template, ownership, clock, write: one transaction).
// Private to client/src/core.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tongket/client_store.hpp"
#include "tongket/field.hpp"
#include "tongket/hierarchy.hpp"
#include "tongket/report_template.hpp"
#include "tongket/workspace.hpp"

namespace tongket::client {

struct Workspace::Impl {
  WorkspaceOptions options;
  std::shared_ptr<const ReportTemplate> template_;  // shared: parsed once per process
  const ReportTemplate& tpl;
  ClientStore store;
  std::unique_ptr<Hierarchy> hierarchy_;  // loaded on first use (about 11,000 units)
  std::size_t added_known = 0;            // the server's added units hierarchy_ holds
  std::string selected;                   // a unit below the store's; empty: the store's
  std::string author_override;            // set_author
  bool include_submitted = false;         // set_include_submitted

  Impl(WorkspaceOptions o, std::shared_ptr<const ReportTemplate> t, ClientStore s)
      : options(std::move(o)), template_(std::move(t)), tpl(*template_), store(std::move(s)) {}

  Language lang() const { return options.language; }
  std::string msg(std::string_view id, std::initializer_list<std::string_view> args = {}) const {
    return message(options.language, id, args);
  }
  std::uint64_t now() const;
  // The units files and the units the server added (store/server_records.hpp).
  const Hierarchy& units();
  // After a sync: loads the hierarchy again on next use when the server added units.
  void reload_units_if_added();

  const std::string& unit();  // the unit worked on
  bool own_unit() { return unit() == store.unit(); }
  UnitLevel level();
  std::string department_key();  // "SNV" for "72-SNV"; empty otherwise
  std::string author();
  std::string role();
  std::string unit_label(const std::string& code);  // "Xã Tân Lập (25459)"

  // Throws Error(locked) when `code`'s report is submitted, accepted or finalised.
  void check_unlocked(const std::string& code);
  // The template's checks, the lock (except for review transitions) and, for a department,
  // that the template gives it the item. Throws Error naming the field.
  void check_writable(const FieldKey& key, const nlohmann::json& value);
  // Checks and writes in ONE transaction: all or nothing. Returns the operation ids.
  std::vector<std::uint64_t> write(const std::vector<std::pair<FieldKey, nlohmann::json>>& writes,
                                   std::optional<std::uint64_t> resolves = std::nullopt);
  std::uint64_t write_one(const FieldKey& key, const nlohmann::json& value,
                          std::optional<std::uint64_t> resolves = std::nullopt) {
    return write({{key, value}}, resolves).front();
  }

  // The indicator for a code typed in any case, or Error(not_found) with "did you mean".
  const Indicator& find_indicator(const std::string& code);
  std::vector<std::string> closest_codes(const std::string& code, std::size_t n);
  // The period id, or Error naming the valid ones.
  std::string check_period(const Indicator& ind, const std::string& period);
  // The unit's stored numbers, for the validation engine.
  std::vector<Problem> validate_stored(const std::string& code, UnitLevel lvl);
  // A unit this store may read but never write (a department: its province's districts).
  bool reads_only(const std::string& code);
};

// The document frame's text (t:VB.<name>, core/province.cpp) as stored and as shown: its date
// typed "25/06/2020" (or "5/6/2020", or ISO) is stored "2020-06-25" and shown "25/06/2020"
// (tongket/calendar_date.hpp); an impossible date throws Error naming the field. Any other
// item's text passes unchanged.
std::string document_stored_text(Workspace::Impl& d, const std::string& item,
                                 const std::string& typed);
std::string document_shown_text(const std::string& item, const std::string& stored);

// "12", "45,5": a number as a Vietnamese form shows it (decimal comma). Ratios one decimal.
// A stored value as text: a number shown, a string verbatim; empty for null.
std::string shown_value(const nlohmann::json& value, bool one_decimal = false);
bool has_level(const std::vector<UnitLevel>& levels, UnitLevel level);
// The rows of a list: the unit's own, or rolled up (every contributor's, named).
std::vector<nlohmann::json> table_rows_of(Workspace::Impl& d, const std::string& unit,
                                          const std::string& table, bool rolled_up);

}  // namespace tongket::client
