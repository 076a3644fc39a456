#include "cli/context.hpp"

#include <cstdlib>
#include <iostream>

#include "review/review_log.hpp"
#include "tongket/error.hpp"
#include "tongket/paths.hpp"
#include "tongket/platform.hpp"
#include "tongket/sync/hlc.hpp"
#include "tongket/validation.hpp"

namespace tongket::cli {

Context::Context(ParsedArgs args, std::vector<std::string> operands, std::ostream& out_stream,
                 std::ostream& err_stream, std::istream& in_stream)
    : out(out_stream),
      err(err_stream),
      in(in_stream),
      args_(std::move(args)),
      operands_(std::move(operands)) {}

Context::~Context() = default;

std::filesystem::path Context::store_path() const {
  if (auto p = args_.value("store")) return platform::path_from_utf8(*p);
  if (auto env = platform::env("TONGKET_STORE")) return platform::path_from_utf8(*env);
  return platform::default_store_dir() / "tongket.db";
}

const ReportTemplate& Context::report_template() {
  if (!template_)
    template_ = std::make_unique<ReportTemplate>(ReportTemplate::load(template_file()));
  return *template_;
}

const Hierarchy& Context::hierarchy() {
  if (!hierarchy_) hierarchy_ = std::make_unique<Hierarchy>(Hierarchy::load(units_dir()));
  return *hierarchy_;
}

ClientStore& Context::store() {
  if (store_) return *store_;
  store_.emplace(ClientStore::open(store_path()));
  const auto& tpl = report_template();
  if (auto id = store_->meta("template_id"); id && *id != tpl.id()) {
    throw Error(Errc::invalid_template,
                platform::path_to_utf8(store_path()) + " was made for template " + *id + ", but " +
                    platform::path_to_utf8(template_file()) + " is " + tpl.id());
  }
  return *store_;
}

const std::string& Context::unit() {
  if (!target_unit_.empty()) return target_unit_;
  auto code = args_.value("unit");
  if (!code || *code == store().unit()) return store().unit();
  if (!hierarchy().find(*code)) {
    throw Error(Errc::not_found, "unknown unit \"" + *code + "\" (--unit takes a unit code)");
  }
  if (!hierarchy().within(*code, store().unit())) {
    throw Error(Errc::invalid_argument, "unit " + *code + " is not under this store's unit " +
                                            store().unit() + ": it cannot be worked on here");
  }
  target_unit_ = *code;
  return target_unit_;
}

std::string Context::unit_name() {
  if (unit() == store().unit()) return store().meta("unit_name").value_or("");
  const Unit* u = hierarchy().find(unit());
  return u ? u->name : std::string();
}

UnitLevel Context::level() {
  if (unit() != store().unit()) return hierarchy().find(unit())->level;
  if (auto name = store().meta("unit_level")) {
    if (auto level = parse_level(*name)) return *level;
  }
  const Unit* u = hierarchy().find(unit());
  if (!u)
    throw Error(Errc::not_found,
                "unit " + unit() + " is not in " + platform::path_to_utf8(units_dir()));
  return u->level;
}

std::string Context::department_key() {
  if (level() != UnitLevel::department) return {};
  const auto& code = unit();
  auto dash = code.find('-');
  return dash == std::string::npos ? std::string() : code.substr(dash + 1);
}

std::string Context::author() {
  if (auto a = args_.value("author"); a && !a->empty()) return *a;
  if (auto a = store().meta("author"); a && !a->empty()) return *a;
  throw Error(Errc::invalid_argument,
              "who is entering this? pass --author NAME (or set it once with "
              "`tongket init --author NAME`)");
}

void Context::check_unlocked(const std::string& code) {
  auto r = client::current_review(store(), code);
  if (!r || !sync::is_locked(r->state)) return;
  std::string reviewer = sync::reviewing_unit(hierarchy(), code);
  if (const Unit* u = hierarchy().find(reviewer)) reviewer = u->name + " (" + u->code + ")";
  throw Error(Errc::locked,
              sync::lock_message(r->state, code, r->author,
                                 sync::vietnam_time(sync::HybridClock::millis(r->hlc)), reviewer) +
                  (r->seq ? ""
                          : " (this device's " + std::string(sync::review_action_name(r->action)) +
                                " is not synced yet)"));
}

std::string Context::role() {
  auto r = store().meta("role");
  return r && !r->empty() ? *r : std::string("clerk");
}

void Context::check_writable(const FieldKey& key, const nlohmann::json& value) {
  const auto& tpl = report_template();
  if (key.kind != FieldKind::review) check_unlocked(unit());
  check_field(tpl, level(), key, value);
  // The lists without a form (award nominations, models) are every unit's own.
  const Table* list = key.kind == FieldKind::row ? tpl.table(key.item) : nullptr;
  const bool everyones = list && list->appendix.empty() && list->responsible.empty();
  if (auto dept = department_key();
      !dept.empty() && !everyones && !tpl.department_answers(dept, key.item)) {
    std::string owners;
    for (const auto& k : tpl.responsible_for(key.item)) owners += (owners.empty() ? "" : ", ") + k;
    throw Error(Errc::invalid_argument,
                key.str() + ": " + unit() + " does not answer " + key.item +
                    (owners.empty() ? std::string(" (no department does)")
                                    : " (the template gives it to " + owners + ")"));
  }
}

std::uint64_t Context::write(const FieldKey& key, const nlohmann::json& value,
                             std::optional<std::uint64_t> resolves) {
  auto who = author();
  auto& s = store();
  auto hlc = s.next_hlc(system_time_ms());
  return s.set_field(unit(), key, value, who, hlc, resolves);
}

}  // namespace tongket::cli
