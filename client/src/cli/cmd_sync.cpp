// enroll, sync, status, conflicts: the client's side of sync. The core does the work
// (client/src/core/sync.cpp); this file parses the options and prints the results.
#include <cstdio>
#include <ostream>

#include "cli/commands.hpp"
#include "tongket/error.hpp"

namespace tongket::cli {

namespace {

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", s);
  return buf;
}

// `finished`: false when an error ends the sync, so that nothing reads as a success.
void print_summary(Context& ctx, const client::SyncReport& s, bool finished) {
  if (!finished) ctx.out << ctx.msg("cli.sync.not_finished");
  ctx.out << ctx.msg(
      "cli.sync.sent",
      {std::to_string(s.sent), std::to_string(s.applied), std::to_string(s.duplicates),
       std::to_string(s.refused.size()), std::to_string(s.conflicts.size())});
  if (s.requeued) ctx.out << ctx.msg("cli.sync.requeued", {std::to_string(s.requeued)});
  ctx.out << "\n"
          << ctx.msg("cli.sync.pulled", {std::to_string(s.pulled), std::to_string(s.pages)});
  if (s.cursor_reset) ctx.out << " " << ctx.msg("cli.sync.cursor_reset");
  ctx.out << "\n";
  for (const auto& r : s.refused) {
    ctx.out << "  "
            << (r.op ? ctx.msg("cli.sync.refused_edit", {std::to_string(r.op), r.reason})
                     : ctx.msg("cli.sync.refused", {std::to_string(r.change_set), r.reason}))
            << "\n";
  }
  for (auto id : s.conflicts)
    ctx.out << "  " << ctx.msg("cli.sync.conflict", {std::to_string(id)}) << "\n";
}

// `tongket sync` when it finished but the server refused edits (documented in --help).
constexpr int kExitRefused = 9;

}  // namespace

int cmd_enroll(Context& ctx) {
  auto& ws = ctx.workspace();
  client::EnrollInput input{ctx.args().value("server").value_or(""),
                            ctx.args().value("ca").value_or(""),
                            ctx.args().value("token").value_or("")};
  const auto r = ws.enroll(input);
  ctx.out << ctx.msg("cli.enroll.done", {r.device, r.role, r.unit.code, ws.device_key_file()})
          << "\n";
  if (!r.previous_device.empty())
    ctx.out << ctx.msg("cli.enroll.replaces", {r.previous_device, std::to_string(r.resigned)})
            << "\n";
  return 0;
}

int cmd_sync(Context& ctx) {
  client::SyncControl control;
  control.attempts = static_cast<int>(ctx.args().number("attempts", 4, 1, 100));
  control.server_url = ctx.args().value("server").value_or("");
  control.ca_file = ctx.args().value("ca").value_or("");
  const bool quiet = ctx.args().has("quiet");
  control.on_progress = [&](const std::string& what) {
    if (!quiet) ctx.err << "sync: " << what << "\n";
  };
  control.on_retry = [&](const std::string& error, double seconds) {
    ctx.err << "sync: " << ctx.msg("cli.sync.retry", {error, seconds_text(seconds)}) << "\n";
  };
  control.on_failure = [&](const client::SyncReport& r) { print_summary(ctx, r, false); };
  auto& ws = ctx.workspace();
  if (ctx.args().has("retry-refused"))
    ctx.out << ctx.msg("cli.sync.retry_refused", {std::to_string(ws.retry_refused())}) << "\n";
  const auto report = ws.sync(control);
  print_summary(ctx, report, report.ok);
  if (!report.refused.empty()) {
    ctx.err << "tongket: "
            << ctx.msg("cli.sync.refused_kept", {std::to_string(report.refused_kept)}) << "\n";
    return kExitRefused;
  }
  return 0;
}

int cmd_status(Context& ctx) {
  const auto s = ctx.workspace().status();
  ctx.out << ctx.msg("cli.status.unit", {s.unit.code}) << "\n"
          << ctx.msg("cli.status.device", {s.device.empty() ? ctx.msg("cli.status.not_enrolled")
                                                            : s.device + " (" + s.role + ")"})
          << "\n";
  if (!s.server.empty()) ctx.out << ctx.msg("cli.status.server", {s.server}) << "\n";
  ctx.out << ctx.msg("cli.status.outbox",
                     {std::to_string(s.unsent), std::to_string(s.waiting_for_server),
                      std::to_string(s.refused_count)})
          << "\n"
          << ctx.msg("cli.status.last_sync",
                     {s.last_sync.empty() ? ctx.msg("cli.status.never") : s.last_sync})
          << "\n";
  if (!s.last_error.empty())
    ctx.out << ctx.msg("cli.status.last_error", {s.last_attempt, s.last_error}) << "\n";
  const std::string state =
      ctx.language() == client::Language::vi ? s.report_state_label : s.report_state;
  ctx.out << ctx.msg("cli.status.report", {state});
  if (!s.last_action.empty()) {
    ctx.out << " ("
            << ctx.msg("cli.review.entry_short",
                       {s.last_action, s.last_action_author.empty() ? "?" : s.last_action_author,
                        s.last_action_time})
            << (s.last_action_synced ? "" : ctx.msg("cli.status.not_synced")) << ")";
    if (!s.reviewer_comment.empty())
      ctx.out << "\n  " << ctx.msg("cli.review.comment", {s.reviewer_comment});
  }
  ctx.out << "\n";
  if (s.days_left) {
    const std::string when =
        s.submitted  ? ctx.msg("cli.status.deadline_submitted")
        : !s.overdue ? ctx.msg("cli.status.deadline_due", {std::to_string(*s.days_left)})
                     : ctx.msg("cli.status.deadline_overdue");
    ctx.out << ctx.msg("cli.status.deadline", {s.deadline, when}) << "\n";
  }
  if (s.waiting_for_review)
    ctx.out << ctx.msg("cli.status.waiting", {std::to_string(s.waiting_for_review)}) << "\n";
  ctx.out << ctx.msg("cli.status.conflicts", {std::to_string(s.open_conflicts)}) << "\n";
  for (const auto& r : s.refused)
    ctx.out << "  "
            << ctx.msg("cli.status.refused",
                       {std::to_string(r.op), r.key, r.unit, r.value, r.reason})
            << "\n";
  return 0;
}

int cmd_conflicts(Context& ctx) {
  const auto list = ctx.workspace().conflicts(ctx.args().has("all"));
  for (const auto& c : list)
    ctx.out << ctx.msg("cli.conflict.entry", {std::to_string(c.id), c.state, c.unit, c.field,
                                              c.current_value, c.current_author, c.current_device,
                                              c.other_value, c.other_author, c.other_device})
            << "\n";
  if (list.empty()) ctx.out << ctx.msg("cli.conflict.none") << "\n";
  return 0;
}

int cmd_conflicts_resolve(Context& ctx) {
  const std::uint64_t id = parse_number(ctx.operands().at(0), "conflict", 1, UINT64_MAX);
  const std::string keep = ctx.args().value("keep").value_or("");
  if (keep != "current" && keep != "other")
    throw Error(Errc::invalid_argument, ctx.msg("cli.conflict.keep"));
  ctx.workspace().resolve_conflict(id, keep == "current");
  ctx.out << ctx.msg("cli.conflict.resolved", {std::to_string(id), keep}) << "\n";
  return 0;
}

}  // namespace tongket::cli
