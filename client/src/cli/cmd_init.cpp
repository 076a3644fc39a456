// tongket init --unit <code | name>: makes the store for the unit this installation reports for.
#include <ostream>

#include "cli/commands.hpp"
#include "tongket/error.hpp"
#include "tongket/paths.hpp"
#include "tongket/platform.hpp"

namespace tongket::cli {

namespace {

// "Thị trấn Tân Biên (Huyện Tân Biên, Tỉnh Tây Ninh)".
std::string describe(const Hierarchy& h, const Unit& u) {
  std::string above;
  auto chain = h.path(u.code);
  for (auto it = chain.rbegin() + 1; it < chain.rend(); ++it)
    above += (above.empty() ? "" : ", ") + (*it)->name;
  return u.name + (above.empty() ? "" : " (" + above + ")");
}

// A code, or a name that picks out one unit: the only unit whose full name is the query, else
// the only one whose name without its type is, else the only match.
const Unit& resolve_unit(const Hierarchy& h, const std::string& query) {
  if (const Unit* u = h.find(query)) return *u;
  auto hits = h.search(query);
  if (hits.empty()) {
    throw Error(Errc::not_found, "no unit has the code or name \"" + query +
                                     "\" (try a part of its name, e.g. --unit \"tan bien\")");
  }
  const std::string folded = fold_vietnamese(query);
  std::vector<const Unit*> full, bare;
  for (const Unit* u : hits) {
    std::string name = fold_vietnamese(u->name);
    std::string type = fold_vietnamese(u->type) + " ";
    if (name == folded) full.push_back(u);
    if (name.starts_with(type) && name.substr(type.size()) == folded) bare.push_back(u);
  }
  if (full.size() == 1) return *full.front();
  if (full.empty() && bare.size() == 1) return *bare.front();
  if (hits.size() == 1) return *hits.front();
  constexpr std::size_t kShown = 20;
  std::string list;
  for (std::size_t i = 0; i < hits.size() && i < kShown; ++i)
    list += "\n  " + hits[i]->code +
            std::string(hits[i]->code.size() < 8 ? 8 - hits[i]->code.size() : 1, ' ') +
            describe(h, *hits[i]);
  if (hits.size() > kShown) list += "\n  ... and " + std::to_string(hits.size() - kShown) + " more";
  throw Error(Errc::invalid_argument, "\"" + query + "\" matches " + std::to_string(hits.size()) +
                                          " units; pass the code (--unit CODE) of one of:" + list);
}

}  // namespace

int cmd_init(Context& ctx) {
  auto query = ctx.args().value("unit");
  if (!query || query->empty())
    throw Error(Errc::invalid_argument, "init needs --unit <code or name>");
  const auto& h = ctx.hierarchy();
  const Unit& unit = resolve_unit(h, *query);
  const auto& tpl = ctx.report_template();
  const auto path = ctx.store_path();
  auto store = ClientStore::create(path, unit.code, tpl.id(), tpl.version());
  store.set_meta("unit_name", unit.name);
  store.set_meta("unit_level", level_name(unit.level));
  if (auto author = ctx.args().value("author"); author && !author->empty())
    store.set_meta("author", *author);
  ctx.out << "Created " << platform::path_to_utf8(path) << " for " << unit.code << " "
          << describe(h, unit) << ", " << level_name(unit.level) << " level, template " << tpl.id()
          << " v" << tpl.version() << ".\nNext: tongket parts\n";
  return 0;
}

}  // namespace tongket::cli
