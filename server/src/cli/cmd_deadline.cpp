#include "cli/commands.hpp"

#include "review/deadlines.hpp"
#include "tongket/error.hpp"
#include "tongket/server/protocol.hpp"
#include "tongket/server/store_factory.hpp"
#include "tongket/sync/workflow.hpp"

namespace tongket::server::cli {

int deadline_set(const std::filesystem::path& data, const std::string& level,
                 const std::string& date, const std::string& author, std::int64_t now_ms,
                 std::ostream& out) {
  auto parsed = parse_level(level);
  if (!parsed)
    throw Error(Errc::invalid_argument,
                "--level " + level + ": use commune, district, department or province");
  review::check_deadline_text(date);
  auto store = open_data_store(data);
  set_deadline(*store, *parsed, date, author, now_ms);
  out << "deadline of every " << level << ": " << date << " (UTC+7), until "
      << sync::vietnam_time(*sync::deadline_end_ms(date))
      << " inclusive; submissions received from now on are judged by it; every device "
         "shows it after its next sync\n";
  return 0;
}

int deadline_list(const std::filesystem::path& data, std::ostream& out) {
  auto store = open_data_store(data);
  const auto tpl = ReportTemplate::parse(store->identity().template_json, "the store's template");
  review::Deadlines deadlines(tpl, store->deadlines());
  for (auto level :
       {UnitLevel::commune, UnitLevel::district, UnitLevel::department, UnitLevel::province}) {
    const auto& text = deadlines.text(level);
    out << level_name(level) << ": " << (text.empty() ? "(none)" : text)
        << (deadlines.overridden(level) ? "  (set by the administrator)" : "  (the template's)")
        << "\n";
  }
  return 0;
}

}  // namespace tongket::server::cli
