// The review workflow from the client: submit (a unit's own report), review pending / show /
// accept / return (the level above), finalise (the province). The rules are the core's
// (client/src/core/review.cpp); this file presents them.
#include <ostream>

#include "cli/commands.hpp"
#include "cli/display.hpp"
#include "cli/values.hpp"
#include "tongket/error.hpp"

namespace tongket::cli {

namespace {

std::string describe(Context& ctx, const client::ReviewEntry& r) {
  std::string s =
      ctx.msg("cli.review.entry", {r.action, r.author.empty() ? "?" : r.author, r.time});
  if (!r.received.empty()) s += ctx.msg("cli.review.received", {r.received});
  if (r.on_time) s += ctx.msg(*r.on_time ? "cli.review.on_time" : "cli.review.late");
  if (r.implausible) s += ctx.msg("cli.review.implausible");
  if (!r.synced) s += ctx.msg("cli.review.unsynced", {r.local_state});
  if (!r.comment.empty()) s += "\n      " + ctx.msg("cli.review.comment", {r.comment});
  if (!r.override_reason.empty())
    s += "\n      " + ctx.msg("cli.review.overridden", {r.override_reason});
  return s;
}

}  // namespace

int cmd_submit(Context& ctx) {
  auto& ws = ctx.workspace();
  client::SubmitResult r;
  try {
    // Empty rows and sections and units below not accepted need a reason (--override), as in
    // the web app.
    r = ws.submit(ctx.args().value("override").value_or(""),
                  ctx.args().value("comment").value_or(""));
  } catch (const client::CellsRefused& e) {
    for (const auto& p : e.problems()) print_problem(ctx, p);
    throw;
  }
  ctx.out << ctx.msg("cli.submit.done",
                     {r.unit_label, std::to_string(r.fields), r.digest.substr(0, 16)})
          << "\n";
  if (r.deadline.empty()) return 0;
  if (r.resubmission)
    ctx.out << ctx.msg("cli.submit.resubmitted",
                       {r.deadline,
                        ctx.msg(r.late ? "cli.submit.judged_late" : "cli.submit.judged_on_time")})
            << "\n";
  else
    ctx.out << ctx.msg(r.late ? "cli.submit.late" : "cli.submit.on_time", {r.deadline}) << "\n";
  return 0;
}

int cmd_finalise(Context& ctx) {
  auto& ws = ctx.workspace();
  ws.finalise(ctx.args().value("comment").value_or(""));
  const auto u = ws.unit();
  ctx.out << ctx.msg("cli.finalise.done", {u.name + " (" + u.code + ")"}) << "\n";
  return 0;
}

int cmd_review_pending(Context& ctx) {
  const auto pending = ctx.workspace().pending_reviews();
  for (const auto& p : pending)
    ctx.out << p.unit.description << ": " << describe(ctx, p.last) << "\n";
  if (pending.empty()) ctx.out << ctx.msg("cli.review.none_pending") << "\n";
  return 0;
}

int cmd_review_show(Context& ctx) {
  auto& ws = ctx.workspace();
  const auto u = ws.unit();
  const auto history = ws.review_history();
  ctx.out << u.name << " (" << u.code << "): " << (history.empty() ? "draft" : history.back().state)
          << "\n";
  for (const auto& r : history) ctx.out << "  " << describe(ctx, r) << "\n";
  if (ctx.args().has("changes")) {
    const auto c = ws.changes();
    if (!c.known) {
      ctx.out << ctx.msg("cli.review.nothing_to_compare") << "\n";
      return 0;
    }
    // Since the previous submission and since the return, when it was sent back.
    for (const auto& set : c.sets) {
      ctx.out << ctx.msg("cli.review.changes_since_set", {set.since, set.time}) << "\n";
      if (set.rows.empty()) {
        ctx.out << ctx.msg("cli.review.no_changes", {set.state}) << "\n";
        continue;
      }
      std::vector<std::vector<std::string>> rows;
      for (const auto& f : set.rows)
        rows.push_back({f.field, f.label, truncate(f.before, 60), truncate(f.value, 60)});
      ctx.out << render_table({{"field"}, {"label", false, true}, {"then"}, {"now"}}, rows,
                              terminal_width());
    }
    ctx.out << ctx.msg(c.digest_matches ? "cli.review.digest_matches" : "cli.review.digest_differs")
            << "\n";
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& f : ws.report_values())
    rows.push_back({f.field, f.label, truncate(f.value, 60)});
  if (rows.empty()) {
    ctx.out << ctx.msg("cli.review.no_data") << "\n";
  } else {
    ctx.out << render_table({{"field"}, {"label", false, true}, {"value"}}, rows, terminal_width());
  }
  return 0;
}

int cmd_review_accept(Context& ctx) {
  auto& ws = ctx.workspace();
  ws.accept(ctx.args().value("comment").value_or(""));
  const auto u = ws.unit();
  ctx.out << ctx.msg("cli.review.accepted", {u.name + " (" + u.code + ")"}) << "\n";
  return 0;
}

int cmd_review_return(Context& ctx) {
  auto& ws = ctx.workspace();
  ws.give_back(ctx.args().value("comment").value_or(""));
  const auto u = ws.unit();
  ctx.out << ctx.msg("cli.review.returned", {u.name + " (" + u.code + ")"}) << "\n";
  return 0;
}

}  // namespace tongket::cli
