// units add / units list: the province's other departments ("sở, ban, ngành"), added by an
// administrator and synced to the clients (server/src/protocol/admin.cpp).
#include <set>

#include "cli/commands.hpp"
#include "security/terminal_text.hpp"
#include "tongket/error.hpp"
#include "tongket/server/protocol.hpp"
#include "tongket/server/store_factory.hpp"

namespace tongket::server::cli {

int units_add(const std::filesystem::path& data, const Unit& unit, const std::string& author,
              std::int64_t now_ms, std::ostream& out) {
  auto store = open_data_store(data);
  const auto added = add_department(*store, unit, author, now_ms);
  const auto province = store->unit(added.parent);
  out << "đã thêm " << added.code << " " << printable(added.name) << " vào "
      << (province ? province->name : added.parent) << " (added " << added.code << " as a "
      << "department of " << added.parent << "): it reports its narrative parts; its devices "
      << "and the province's see it after their next sync.\n"
      << "next: tongket-server token create --data DIR --unit " << added.code << " --role clerk\n";
  return 0;
}

int units_list(const std::filesystem::path& data, const std::string& parent, std::ostream& out) {
  auto store = open_data_store(data);
  auto top = store->unit(parent);
  if (!top)
    throw Error(Errc::not_found,
                "--parent " + parent + ": không có đơn vị mã " + parent + " (unknown unit)");
  std::set<std::string> added;
  for (const auto& u : store->added_units()) added.insert(u.code);
  const auto children = store->children(parent);
  out << printable(top->name) << " (" << parent << "): " << children.size() << " unit(s)\n";
  for (const auto& c : children)
    out << "  " << c.code << "  " << printable(c.name) << "  " << level_name(c.level)
        << (added.count(c.code) ? "  (added on the server)" : "") << "\n";
  return 0;
}

}  // namespace tongket::server::cli
