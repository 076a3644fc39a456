#include <vector>

#include "cli/commands.hpp"
#include "review/completeness.hpp"
#include "review/deadlines.hpp"
#include "security/terminal_text.hpp"
#include "tongket/error.hpp"
#include "tongket/server/store_factory.hpp"
#include "tongket/sync/workflow.hpp"

namespace tongket::server::cli {

namespace {

std::string shown_time(std::int64_t ms) {
  return sync::vietnam_time(static_cast<std::uint64_t>(ms));
}

void print_unit(const review::UnitStanding& s, std::ostream& out) {
  out << "  " << s.unit.code << "  " << s.unit.name << "  " << s.state << "\n";
  if (s.submission) {
    const auto& r = *s.submission;
    out << "      " << r.action << " signed " << shown_time(r.signed_ms) << ", received "
        << shown_time(r.received_ms) << ", deadline " << (r.deadline.empty() ? "none" : r.deadline)
        << ": " << (s.late ? "LATE" : "on time") << " (by \"" << printable(r.author) << "\")\n";
    // The device's clock and the server's disagree: the reviewer judges by both times.
    if (!r.plausible)
      out << "      check: signed " << shown_time(r.signed_ms) << ", received "
          << shown_time(r.received_ms) << "\n";
    // The plan's rule (review/completeness): a report sent back and submitted again is judged
    // by its first submission; the list says so, with that submission's times.
    if (s.submissions > 1 && s.first)
      out << "      resubmitted after a return: judged by the first submission (signed "
          << shown_time(s.first->signed_ms) << ", deadline "
          << (s.first->deadline.empty() ? "none" : s.first->deadline) << ": "
          << (s.late ? "late" : "on time") << ")\n";
  }
  if (s.latest && !s.latest->comment.empty())
    out << "      comment (" << s.latest->action << "): " << printable(s.latest->comment) << "\n";
}

void print_summary(const std::string& title, const review::Tally& t, std::ostream& out) {
  out << title << ": " << t.units.size() << " unit(s): " << t.submitted + t.accepted + t.returned
      << " submitted (" << t.submitted << " waiting for review, " << t.accepted << " accepted, "
      << t.returned << " returned), " << t.late << " late, " << t.missing.size() << " missing\n";
  for (const auto& m : t.missing) out << "    missing: " << m.code << " " << m.name << "\n";
}

}  // namespace

int review_list(const std::filesystem::path& data, const std::string& unit, std::ostream& out) {
  auto store = open_data_store(data);
  auto top = store->unit(unit);
  if (!top) throw Error(Errc::not_found, "unknown unit " + unit);
  if (top->level != UnitLevel::district && top->level != UnitLevel::province)
    throw Error(Errc::invalid_argument, unit + " (" + top->name + ") is a " +
                                            std::string(level_name(top->level)) +
                                            ": no units report to it; give a district or province");
  const auto tally = review::tally_children(*store, unit);
  out << top->name << " (" << unit
      << "): " << (top->level == UnitLevel::district ? "communes" : "districts and departments")
      << " (times in UTC+7)\n";
  // The deadlines in force now, the ones every device shows after its next sync.
  const auto tpl = ReportTemplate::parse(store->identity().template_json, "the store's template");
  const review::Deadlines deadlines(tpl, store->deadlines());
  const auto levels =
      top->level == UnitLevel::district
          ? std::vector<UnitLevel>{UnitLevel::commune}
          : std::vector<UnitLevel>{UnitLevel::district, UnitLevel::department, UnitLevel::commune};
  for (auto level : levels)
    out << "deadline of every " << level_name(level) << ": "
        << (deadlines.text(level).empty() ? "none" : deadlines.text(level))
        << (deadlines.overridden(level) ? " (set by the administrator)" : " (the template's)")
        << "\n";
  for (const auto& s : tally.units) print_unit(s, out);
  out << "\n";
  print_summary("Summary", tally, out);
  if (top->level == UnitLevel::province) {
    out << "\nCommunes, per district:\n";
    for (const auto& s : tally.units)
      if (s.unit.level == UnitLevel::district)
        print_summary("  " + s.unit.name + " (" + s.unit.code + ")",
                      review::tally_children(*store, s.unit.code), out);
  }
  return 0;
}

}  // namespace tongket::server::cli
