// The review workflow from the client: submit (a unit's own report), review pending / show /
// accept / return (the level above), finalise (the province). A transition is a write of the
// field "w:report" signed and sent with the next sync like every edit (docs/protocol.md).
#include <map>
#include <ostream>
#include <set>

#include "cli/commands.hpp"
#include "cli/display.hpp"
#include "review/changes.hpp"
#include "review/deadline.hpp"
#include "review/review_log.hpp"
#include "review/submission_check.hpp"
#include "tongket/error.hpp"
#include "tongket/sync/hlc.hpp"
#include "tongket/sync/report_digest.hpp"
#include "tongket/sync/workflow.hpp"
#include "tongket/validation.hpp"

namespace tongket::cli {

namespace {

using sync::ReviewAction;
using sync::ReviewState;

std::vector<Violation> violations_of(Context& ctx, const std::string& unit, UnitLevel level) {
  std::map<std::pair<std::string, std::string>, double> numbers;
  for (const auto& f : ctx.store().fields(unit, FieldKind::value))
    if (f.value.is_number()) numbers[{f.key.item, f.key.detail}] = f.value.get<double>();
  return validate_values(ctx.report_template(), level,
                         [&](const std::string& i, const std::string& p) -> std::optional<double> {
                           auto it = numbers.find({i, p});
                           if (it == numbers.end()) return std::nullopt;
                           return it->second;
                         });
}

std::string unit_label(Context& ctx, const std::string& code) {
  const Unit* u = ctx.hierarchy().find(code);
  return u ? u->name + " (" + code + ")" : code;
}

// Refuses, with the reason, a transition this device may not take now.
void check_allowed(Context& ctx, ReviewAction action, const std::string& unit) {
  const auto state = client::current_state(ctx.store(), unit);
  auto why =
      sync::check_transition(state, action, ctx.role(), ctx.store().unit(), unit, ctx.hierarchy());
  if (!why) return;
  // Would it be allowed from the state it starts from? Then only the state is in the way.
  const auto usual = action == ReviewAction::accept || action == ReviewAction::give_back
                         ? ReviewState::submitted
                         : ReviewState::draft;
  const bool only_state =
      !sync::check_transition(usual, action, ctx.role(), ctx.store().unit(), unit, ctx.hierarchy());
  throw Error(only_state ? Errc::locked : Errc::forbidden, *why);
}

void write_transition(Context& ctx, const std::string& unit, ReviewAction action,
                      nlohmann::json value) {
  value["action"] = std::string(sync::review_action_name(action));
  const auto key = FieldKey::review();
  check_field(ctx.report_template(), ctx.level(), key, value);
  ctx.write(key, value);
  (void)unit;
}

std::string describe(const client::ReviewRecord& r) {
  std::string s = std::string(sync::review_action_name(r.action)) + " by " +
                  (r.author.empty() ? std::string("?") : r.author) + " at " +
                  sync::vietnam_time(sync::HybridClock::millis(r.hlc)) + " (signed)";
  if (r.extra.is_object()) {
    // The server sends the receipt time in ms since 1970 (older builds: as text).
    if (r.extra.contains("received") && r.extra["received"].is_number_unsigned())
      s += ", received " + sync::vietnam_time(r.extra["received"].get<std::uint64_t>());
    else if (r.extra.contains("received") && r.extra["received"].is_string())
      s += ", received " + r.extra["received"].get<std::string>();
    if (r.extra.contains("on_time") && r.extra["on_time"].is_boolean())
      s += r.extra["on_time"].get<bool>() ? ", on time" : ", LATE";
    if (r.extra.contains("plausible") && r.extra["plausible"].is_boolean() &&
        !r.extra["plausible"].get<bool>())
      s += " (the device's clock and the server's disagree: judge by both times)";
  }
  if (!r.seq) s += " [not synced yet: " + r.local_state + "]";
  if (!r.comment.empty()) s += "\n      comment: " + r.comment;
  if (!r.override_reason.empty()) s += "\n      warnings overridden: " + r.override_reason;
  return s;
}

// The last transition that fixed the data (a submission or an acceptance), for --changes.
std::optional<client::ReviewRecord> last_fixing(const std::vector<client::ReviewRecord>& h) {
  for (auto it = h.rbegin(); it != h.rend(); ++it)
    if (it->action == ReviewAction::submit || it->action == ReviewAction::accept ||
        it->action == ReviewAction::finalise)
      return *it;
  return std::nullopt;
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

std::string short_value(const nlohmann::json& v) {
  if (v.is_null()) return "(empty)";
  std::string s = v.is_string() ? v.get<std::string>() : v.dump();
  for (auto& c : s)
    if (c == '\n') c = ' ';
  return truncate(s, 60);
}

}  // namespace

int cmd_submit(Context& ctx) {
  auto& store = ctx.store();
  const std::string unit = ctx.unit();
  if (unit != store.unit())
    throw Error(Errc::forbidden, "a unit submits its own report: " + unit +
                                     " submits from its own store, not from " + store.unit());
  check_allowed(ctx, ReviewAction::submit, unit);
  const auto violations = violations_of(ctx, unit, ctx.level());
  std::size_t errors = 0, warnings = 0;
  for (const auto& v : violations) (v.severity == Severity::error ? errors : warnings)++;
  const auto override_reason = ctx.args().value("override");
  // Empty rows and sections, units below not accepted (client/src/review/submission_check).
  const auto gaps = client::submission_gaps(ctx.report_template(), ctx.hierarchy(), store, unit,
                                            ctx.level(), ctx.department_key());
  warnings += gaps.size();
  if (errors || (warnings && (!override_reason || override_reason->empty()))) {
    for (const auto& v : violations)
      ctx.out << (v.severity == Severity::error ? "error" : "warning") << ": " << v.indicator
              << " \"" << v.label << "\", " << v.period << ": " << v.message << " [rule " << v.rule
              << "]\n";
    for (const auto& g : gaps) ctx.out << "warning: " << g << "\n";
    throw Error(Errc::validation_failed,
                errors ? "not submitted: " + std::to_string(errors) +
                             " error(s) to correct first (listed above)"
                       : "not submitted: " + std::to_string(warnings) +
                             " warning(s) (listed above); if the figures are right, submit "
                             "again with --override \"the reason\"");
  }
  const auto fields = client::report_fields(store, unit);
  nlohmann::json value = {{"data_hash", sync::report_digest(fields)}};
  if (warnings) value["override"] = *override_reason;
  if (auto c = ctx.args().value("comment"); c && !c->empty()) value["comment"] = *c;
  // The deadline in force, as status shows it, judged before this submission joins the
  // history (client/src/review/deadline).
  const auto deadline = client::deadline_in_force(ctx.report_template(), store, unit, ctx.level());
  const auto judged = client::judged_submission(store, unit, deadline, system_time_ms());
  write_transition(ctx, unit, ReviewAction::submit, value);
  ctx.out << "submitted the report of " << unit_label(ctx, unit) << " (" << fields.size()
          << " field(s), digest " << value["data_hash"].get<std::string>().substr(0, 16)
          << "…); it is sent with the next sync and locked until returned\n";
  if (!deadline.empty()) ctx.out << "deadline " << deadline << ": " << judged << "\n";
  return 0;
}

int cmd_finalise(Context& ctx) {
  auto& store = ctx.store();
  const std::string unit = ctx.unit();
  check_allowed(ctx, ReviewAction::finalise, unit);
  const auto violations = violations_of(ctx, unit, ctx.level());
  for (const auto& v : violations)
    if (v.severity == Severity::error)
      throw Error(Errc::validation_failed, "not finalised: " + v.indicator + " " + v.period + ": " +
                                               v.message + " (run tongket validate)");
  nlohmann::json value = {{"data_hash", sync::report_digest(client::report_fields(store, unit))}};
  if (auto c = ctx.args().value("comment"); c && !c->empty()) value["comment"] = *c;
  write_transition(ctx, unit, ReviewAction::finalise, value);
  ctx.out << "finalised the report of " << unit_label(ctx, unit)
          << "; it is sent with the next sync\n";
  return 0;
}

int cmd_review_pending(Context& ctx) {
  auto& store = ctx.store();
  int n = 0;
  for (const auto& unit : client::reviewed_units(store)) {
    if (unit == store.unit() || !ctx.hierarchy().within(unit, store.unit())) continue;
    auto r = client::current_review(store, unit);
    if (!r || r->state != ReviewState::submitted) continue;
    if (sync::reviewing_unit(ctx.hierarchy(), unit) != store.unit()) continue;
    ++n;
    ctx.out << unit_label(ctx, unit) << ": " << describe(*r) << "\n";
  }
  if (n == 0) ctx.out << "no submitted report waits for review (sync first to see new ones)\n";
  return 0;
}

int cmd_review_show(Context& ctx) {
  auto& store = ctx.store();
  const auto& tpl = ctx.report_template();
  const std::string unit = ctx.unit();
  const auto history = client::review_history(store, unit);
  ctx.out << unit_label(ctx, unit) << ": "
          << sync::review_state_name(history.empty() ? ReviewState::draft : history.back().state)
          << "\n";
  for (const auto& r : history) ctx.out << "  " << describe(r) << "\n";
  const auto fields = client::report_fields(store, unit);
  if (ctx.args().has("changes")) {
    // Since the previous submission and since the return (client/src/review/changes).
    const auto comparisons = client::review_changes(history, fields);
    if (comparisons.empty()) {
      ctx.out << "no submission or acceptance with its data is known here: nothing to compare\n";
      return 0;
    }
    for (const auto& c : comparisons) {
      ctx.out << "changes since " << c.what << " ("
              << sync::vietnam_time(sync::HybridClock::millis(c.since->hlc)) << "):\n";
      std::vector<std::vector<std::string>> rows;
      for (const auto& f : c.changes)
        rows.push_back({f.key, field_label(tpl, f.key), short_value(f.then), short_value(f.now)});
      if (rows.empty())
        ctx.out << "none: the data is what was " << sync::review_state_name(c.since->state) << "\n";
      else
        ctx.out << render_table({{"field"}, {"label", false, true}, {"then"}, {"now"}}, rows,
                                terminal_width());
    }
    if (auto fixing = last_fixing(history)) {
      const bool digest_ok = sync::report_digest(fields) == fixing->data_hash;
      ctx.out << "digest of the data now " << (digest_ok ? "matches" : "differs from")
              << " the signed one\n";
    }
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& [k, v] : fields) rows.push_back({k, field_label(tpl, k), short_value(v)});
  if (rows.empty()) {
    ctx.out << "no data\n";
  } else {
    ctx.out << render_table({{"field"}, {"label", false, true}, {"value"}}, rows, terminal_width());
  }
  return 0;
}

namespace {

int decide(Context& ctx, ReviewAction action) {
  auto& store = ctx.store();
  const std::string unit = ctx.unit();
  if (unit == store.unit())
    throw Error(Errc::invalid_argument, "say whose report: --unit CODE (a unit below yours)");
  check_allowed(ctx, action, unit);
  nlohmann::json value = nlohmann::json::object();
  const auto comment = ctx.args().value("comment").value_or("");
  if (action == ReviewAction::give_back) {
    if (comment.empty()) throw Error(Errc::invalid_argument, "say what to fix: --comment \"...\"");
  } else {
    // An acceptance covers exactly the figures submitted: this store must hold them.
    const auto digest = sync::report_digest(client::report_fields(store, unit));
    auto submitted = client::current_review(store, unit);
    if (submitted && !submitted->data_hash.empty() && submitted->data_hash != digest)
      throw Error(Errc::conflict, "the figures of " + unit +
                                      " held here differ from those submitted: run tongket "
                                      "sync, check them, then accept");
    value["data_hash"] = digest;
  }
  if (!comment.empty()) value["comment"] = comment;
  write_transition(ctx, unit, action, value);
  ctx.out << (action == ReviewAction::accept ? "accepted" : "returned") << " the report of "
          << unit_label(ctx, unit) << "; it is sent with the next sync\n";
  return 0;
}

}  // namespace

int cmd_review_accept(Context& ctx) {
  return decide(ctx, ReviewAction::accept);
}

int cmd_review_return(Context& ctx) {
  return decide(ctx, ReviewAction::give_back);
}

}  // namespace tongket::cli
