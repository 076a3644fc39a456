// The review workflow: what a submission checks (completeness), submit, accept, return,
// finalise. A transition is a write of "w:report" through the same write path as every edit,
// signed and sent with the next sync (docs/protocol.md).
#include <algorithm>
#include <map>

#include "core/workspace_impl.hpp"
#include "review/changes.hpp"
#include "review/deadline.hpp"
#include "review/review_log.hpp"
#include "tongket/error.hpp"
#include "tongket/sync/hlc.hpp"
#include "tongket/sync/report_digest.hpp"
#include "tongket/sync/workflow.hpp"
#include "tongket/validation.hpp"

namespace tongket::client {

namespace {

using sync::ReviewAction;
using sync::ReviewState;

// Refuses, with the reason, a transition this device may not take now.
void check_allowed(Workspace::Impl& d, ReviewAction action, const std::string& unit) {
  const auto state = current_state(d.store, unit);
  auto why = sync::check_transition(state, action, d.role(), d.store.unit(), unit, d.units());
  if (!why) return;
  // Would it be allowed from the state it starts from? Then only the state is in the way.
  const auto usual = action == ReviewAction::accept || action == ReviewAction::give_back
                         ? ReviewState::submitted
                         : ReviewState::draft;
  const bool only_state =
      !sync::check_transition(usual, action, d.role(), d.store.unit(), unit, d.units());
  if (d.lang() == Language::vi)
    throw Error(only_state ? Errc::locked : Errc::forbidden,
                d.msg("review.not_allowed",
                      {std::string(sync::review_action_name(action)),
                       d.msg("state." + std::string(sync::review_state_name(state))), *why}));
  throw Error(only_state ? Errc::locked : Errc::forbidden, *why);
}

void write_transition(Workspace::Impl& d, ReviewAction action, nlohmann::json value) {
  value["action"] = std::string(sync::review_action_name(action));
  d.write_one(FieldKey::review(), value);
}

bool empty_value(const std::optional<nlohmann::json>& v) {
  return !v || v->is_null() || (v->is_string() && v->get<std::string>().empty());
}

// A district or province whose units below are not all accepted: its roll-up would leave
// them out (the counted-reports rule, report::counts_in_rollup).
std::optional<Problem> units_not_accepted(Workspace::Impl& d) {
  const auto lvl = d.level();
  if (lvl != UnitLevel::district && lvl != UnitLevel::province) return std::nullopt;
  std::vector<std::string> pending;
  for (const Unit* c : d.units().children(d.unit())) {
    const auto state = current_state(d.store, c->code);
    if (state != ReviewState::accepted && state != ReviewState::finalised)
      pending.push_back(c->code + " " + c->name + " (" +
                        d.msg("state." + std::string(sync::review_state_name(state))) + ")");
  }
  if (pending.empty()) return std::nullopt;
  constexpr std::size_t kListed = 12;
  std::string list;
  for (std::size_t i = 0; i < pending.size() && i < kListed; ++i)
    list += (i ? ", " : "") + pending[i];
  if (pending.size() > kListed) list += ", … (+" + std::to_string(pending.size() - kListed) + ")";
  return Problem{"",    "",
                 "",    "units_not_accepted",
                 false, d.msg("submit.units_not_accepted", {std::to_string(pending.size()), list})};
}

// Rows this unit fills with no value in any period, its empty sections, and the units below
// not accepted yet.
std::vector<Problem> empty_parts(Workspace::Impl& d) {
  std::vector<Problem> out;
  const auto lvl = d.level();
  const auto dept = d.department_key();
  auto answers = [&](const std::string& item) {
    return dept.empty() || d.tpl.department_answers(dept, item);
  };
  for (const auto& ind : d.tpl.indicators()) {
    if (ind.periods.empty() || ind.type == ValueType::heading || ind.type == ValueType::ratio)
      continue;
    if (!has_level(ind.levels, lvl) || !answers(ind.code)) continue;
    bool any = false;
    for (const auto& p : ind.periods)
      any = any || !empty_value(d.store.get_field(d.unit(), FieldKey::value(ind.code, p)));
    if (!any)
      out.push_back({ind.code, ind.label, "", "empty_row", false,
                     d.msg("submit.empty_row", {ind.code, ind.label})});
  }
  for (const auto& s : d.tpl.sections()) {
    if (!s.writable || !has_level(s.levels, lvl) || !answers(s.id)) continue;
    if (empty_value(d.store.get_field(d.unit(), FieldKey::text(s.id))))
      out.push_back({s.id, s.heading, "", "empty_section", false,
                     d.msg("submit.empty_section", {s.id, s.heading})});
  }
  if (auto p = units_not_accepted(d)) out.push_back(std::move(*p));
  return out;
}

}  // namespace

Completeness Workspace::completeness() {
  auto& d = *impl_;
  Completeness c;
  for (auto& p : d.validate_stored(d.unit(), d.level()))
    (p.error ? c.errors : c.warnings).push_back(std::move(p));
  for (auto& p : empty_parts(d)) c.warnings.push_back(std::move(p));
  return c;
}

SubmitResult Workspace::submit(const std::string& override_reason, const std::string& comment) {
  auto& d = *impl_;
  const std::string unit = d.unit();
  if (!d.own_unit()) throw Error(Errc::forbidden, d.msg("submit.own_only", {unit, d.store.unit()}));
  check_allowed(d, ReviewAction::submit, unit);
  std::vector<Problem> errors, warnings;
  for (auto& p : d.validate_stored(unit, d.level()))
    (p.error ? errors : warnings).push_back(std::move(p));
  for (auto& p : empty_parts(d)) warnings.push_back(std::move(p));
  if (!errors.empty() || (!warnings.empty() && override_reason.empty())) {
    std::vector<Problem> all = errors;
    all.insert(all.end(), warnings.begin(), warnings.end());
    throw CellsRefused(Errc::validation_failed,
                       errors.empty() ? d.msg("submit.warnings", {std::to_string(warnings.size())})
                                      : d.msg("submit.errors", {std::to_string(errors.size())}),
                       std::move(all));
  }
  const auto fields = report_fields(d.store, unit);
  nlohmann::json value = {{"data_hash", sync::report_digest(fields)}};
  if (!warnings.empty()) value["override"] = override_reason;
  if (!comment.empty()) value["comment"] = comment;
  // The deadline in force (status shows the same), judged before this submission joins the
  // history: a resubmission after a return is judged by the first submission.
  const auto deadline = deadline_in_force(d.tpl, d.store, unit, d.level());
  const auto judged = judge_submission(d.store, unit, deadline, d.now());
  write_transition(d, ReviewAction::submit, value);
  SubmitResult r;
  r.unit_label = d.unit_label(unit);
  r.fields = fields.size();
  r.digest = value["data_hash"].get<std::string>();
  r.deadline = deadline;
  if (judged) {
    r.late = judged->late;
    r.resubmission = judged->resubmission;
  }
  return r;
}

void Workspace::finalise(const std::string& comment) {
  auto& d = *impl_;
  const std::string unit = d.unit();
  check_allowed(d, ReviewAction::finalise, unit);
  for (const auto& p : d.validate_stored(unit, d.level()))
    if (p.error)
      throw Error(Errc::validation_failed,
                  d.msg("finalise.error",
                        {p.field.substr(0, p.field.find('@')) + " " + p.period, p.message}));
  nlohmann::json value = {{"data_hash", sync::report_digest(report_fields(d.store, unit))}};
  if (!comment.empty()) value["comment"] = comment;
  write_transition(d, ReviewAction::finalise, value);
}

namespace {

void decide(Workspace::Impl& d, ReviewAction action, const std::string& comment) {
  const std::string unit = d.unit();
  if (d.own_unit()) throw Error(Errc::invalid_argument, d.msg("review.whose"));
  check_allowed(d, action, unit);
  nlohmann::json value = nlohmann::json::object();
  if (action == ReviewAction::give_back) {
    if (comment.empty()) throw Error(Errc::invalid_argument, d.msg("review.say_what"));
  } else {
    // An acceptance covers exactly the figures submitted: this store must hold them.
    const auto digest = sync::report_digest(report_fields(d.store, unit));
    auto submitted = current_review(d.store, unit);
    if (submitted && !submitted->data_hash.empty() && submitted->data_hash != digest)
      throw Error(Errc::conflict, d.msg("review.figures_differ", {unit}));
    value["data_hash"] = digest;
  }
  if (!comment.empty()) value["comment"] = comment;
  write_transition(d, action, value);
}

}  // namespace

void Workspace::accept(const std::string& comment) {
  decide(*impl_, ReviewAction::accept, comment);
}

void Workspace::give_back(const std::string& comment) {
  decide(*impl_, ReviewAction::give_back, comment);
}

namespace {

ReviewEntry entry_of(const ReviewRecord& r) {
  ReviewEntry e;
  e.action = std::string(sync::review_action_name(r.action));
  e.state = std::string(sync::review_state_name(r.state));
  e.author = r.author;
  e.time = sync::vietnam_time(sync::HybridClock::millis(r.hlc));
  e.comment = r.comment;
  e.override_reason = r.override_reason;
  e.synced = r.seq.has_value();
  e.local_state = r.local_state;
  if (r.extra.is_object()) {
    // The server sends the receipt time in ms since 1970 (older builds: as text).
    if (r.extra.contains("received") && r.extra["received"].is_number_unsigned())
      e.received = sync::vietnam_time(r.extra["received"].get<std::uint64_t>());
    else if (r.extra.contains("received") && r.extra["received"].is_string())
      e.received = r.extra["received"].get<std::string>();
    if (r.extra.contains("on_time") && r.extra["on_time"].is_boolean())
      e.on_time = r.extra["on_time"].get<bool>();
    if (r.extra.contains("plausible") && r.extra["plausible"].is_boolean())
      e.implausible = !r.extra["plausible"].get<bool>();
  }
  return e;
}

std::string field_label(const ReportTemplate& tpl, const std::string& key_text) {
  auto key = FieldKey::parse(key_text);
  if (!key) return key_text;
  switch (key->kind) {
    case FieldKind::value:
      if (auto* i = tpl.indicator(key->item)) return i->label + " (" + key->detail + ")";
      break;
    case FieldKind::text:
      if (auto* s = tpl.section(key->item)) return s->heading;
      break;
    case FieldKind::assessment:
      if (auto* g = tpl.goal(key->item)) return g->label;
      break;
    case FieldKind::row:
      if (auto* t = tpl.table(key->item)) return t->title;
      break;
    case FieldKind::review:
      break;
  }
  return {};
}

std::string short_value(Workspace::Impl& d, const nlohmann::json& v) {
  if (v.is_null()) return d.msg("value.empty");
  std::string s = v.is_string() ? v.get<std::string>() : v.dump();
  for (auto& c : s)
    if (c == '\n') c = ' ';
  return s;
}

// review/changes' field changes as the reviewer reads them: labels, values shown.
std::vector<FieldValue> rows_of(Workspace::Impl& d, const std::vector<FieldChange>& changes) {
  std::vector<FieldValue> rows;
  for (const auto& f : changes)
    rows.push_back(
        {f.key, field_label(d.tpl, f.key), short_value(d, f.now), short_value(d, f.then)});
  return rows;
}

// What differs from the data at transition `at`, as of that transition.
Changes changes_at(const ReviewRecord& at, std::vector<FieldValue> rows, bool digest_matches) {
  Changes c;
  c.known = true;
  c.action = std::string(sync::review_action_name(at.action));
  c.state = std::string(sync::review_state_name(at.state));
  c.time = sync::vietnam_time(sync::HybridClock::millis(at.hlc));
  c.rows = std::move(rows);
  c.digest_matches = digest_matches;
  return c;
}

}  // namespace

std::vector<ReviewEntry> Workspace::review_history() {
  std::vector<ReviewEntry> out;
  for (const auto& r : client::review_history(impl_->store, impl_->unit()))
    out.push_back(entry_of(r));
  return out;
}

std::vector<PendingReview> Workspace::pending_reviews() {
  auto& d = *impl_;
  std::vector<PendingReview> out;
  for (const auto& unit : reviewed_units(d.store)) {
    if (unit == d.store.unit() || !d.units().within(unit, d.store.unit())) continue;
    auto r = current_review(d.store, unit);
    if (!r || r->state != ReviewState::submitted) continue;
    if (sync::reviewing_unit(d.units(), unit) != d.store.unit()) continue;
    const Unit* u = d.units().find(unit);
    out.push_back({{unit, u ? u->name : unit, d.unit_label(unit),
                    u ? std::string(level_name(u->level)) : std::string()},
                   entry_of(*r)});
  }
  return out;
}

std::vector<FieldValue> Workspace::report_values() {
  auto& d = *impl_;
  std::vector<FieldValue> out;
  for (const auto& [k, v] : report_fields(d.store, d.unit()))
    out.push_back({k, field_label(d.tpl, k), short_value(d, v), {}});
  return out;
}

Changes Workspace::changes() {
  auto& d = *impl_;
  Changes c;
  const auto history = client::review_history(d.store, d.unit());
  const ReviewRecord* fixing = nullptr;  // the last transition that fixed the data
  for (auto it = history.rbegin(); it != history.rend() && !fixing; ++it)
    if (it->action == ReviewAction::submit || it->action == ReviewAction::accept ||
        it->action == ReviewAction::finalise)
      fixing = &*it;
  if (!fixing || !fixing->snapshot.is_object()) return c;
  const auto fields = report_fields(d.store, d.unit());
  const std::map<std::string, nlohmann::json> now(fields.begin(), fields.end());
  c = changes_at(*fixing, rows_of(d, field_changes(fixing->snapshot, now)),
                 sync::report_digest(fields) == fixing->data_hash);
  // Since the previous submission and since the return (client/src/review/changes).
  for (const auto& cmp : review_changes(history, fields))
    c.sets.push_back({d.msg("changes.since." + cmp.what),
                      d.msg("state." + std::string(sync::review_state_name(cmp.since->state))),
                      sync::vietnam_time(sync::HybridClock::millis(cmp.since->hlc)),
                      rows_of(d, cmp.changes)});
  return c;
}

Changes Workspace::resubmission_changes() {
  auto& d = *impl_;
  const auto history = client::review_history(d.store, d.unit());
  const auto cmp = resubmission_change(history);  // the one rule (client/src/review/changes)
  if (!cmp) return {};
  return changes_at(*cmp->until, rows_of(d, cmp->changes),
                    sync::report_digest(report_fields(d.store, d.unit())) == cmp->until->data_hash);
}

}  // namespace tongket::client
