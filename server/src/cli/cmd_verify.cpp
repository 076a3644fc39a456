#include "cli/commands.hpp"
#include "review/verify.hpp"
#include "security/terminal_text.hpp"
#include "tongket/error.hpp"
#include "tongket/server/store_factory.hpp"
#include "tongket/sync/hlc.hpp"
#include "tongket/sync/workflow.hpp"

namespace tongket::server::cli {

namespace {

std::string shown(const nlohmann::json& v) {
  if (v.is_null()) return "(none)";
  auto s = v.is_string() ? v.get<std::string>() : v.dump();
  if (s.size() > 80) s = s.substr(0, 80) + "...";
  return printable(s);  // the client's text: escaped for the terminal
}

}  // namespace

int verify(const std::filesystem::path& data, const std::string& unit, std::ostream& out) {
  auto store = open_data_store(data);
  auto info = store->unit(unit);
  if (!info) throw Error(Errc::not_found, "unknown unit " + unit);
  const auto v = review::verify_unit(*store, unit);
  out << "Verification of " << info->name << " (" << unit << ")\n";
  if (v.transitions.empty()) out << "  no submission or acceptance yet\n";
  for (const auto& t : v.transitions) {
    out << "  v" << t.write.version << "  " << t.action << " by \"" << printable(t.write.author)
        << "\" (device " << printable(t.write.device) << " #" << t.write.cs_seq << "), signed "
        << sync::vietnam_time(sync::HybridClock::millis(t.write.hlc)) << "\n"
        << "      data " << (t.digest_ok ? "matches" : "DOES NOT MATCH") << " the signed digest "
        << t.signed_hash.substr(0, 16) << "...; signature "
        << (t.signature_ok ? "verified" : "DOES NOT VERIFY") << "\n";
    if (t.recomputed_on_time)
      out << "      timeliness: " << (*t.recomputed_on_time ? "on time" : "late")
          << (t.timeliness_ok ? " (the record agrees)" : " (THE RECORD DISAGREES)") << "\n";
    if (!t.problem.empty()) out << "      " << t.problem << "\n";
  }
  if (v.baseline) {
    out << "\nChanged since the last " << v.baseline->action << " (v" << v.baseline->write.version
        << "):";
    if (v.changes.empty()) out << " nothing";
    out << "\n";
    for (const auto& c : v.changes)
      out << "  " << c.key << ": " << shown(c.before) << " -> " << shown(c.after) << "\n";
    if (v.changed_while_locked)
      out << "  the report is still locked, yet its data differs from what was signed: it was "
             "changed outside tongket\n";
  }
  out << "\n" << (v.ok() ? "verified" : "DOES NOT VERIFY") << "\n";
  return v.ok() ? 0 : exit_code(Errc::unauthorized);
}

}  // namespace tongket::server::cli
