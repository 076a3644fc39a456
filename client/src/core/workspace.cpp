// Opening a Workspace, the unit it works on, and the write path every edit takes.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/template_cache.hpp"
#include "core/workspace_impl.hpp"

#include "review/read_scope.hpp"
#include "review/review_log.hpp"
#include "store/server_records.hpp"
#include "store/sqlite.hpp"
#include "store/store_access.hpp"
#include "tongket/document_fields.hpp"
#include "tongket/error.hpp"
#include "tongket/number_format.hpp"
#include "tongket/paths.hpp"
#include "tongket/platform.hpp"
#include "tongket/sync/hlc.hpp"
#include "tongket/sync/workflow.hpp"
#include "tongket/time_text.hpp"
#include "tongket/validation.hpp"

namespace tongket::client {

bool has_level(const std::vector<UnitLevel>& levels, UnitLevel level) {
  return std::find(levels.begin(), levels.end(), level) != levels.end();
}

std::string shown_value(const nlohmann::json& value, bool one_decimal) {
  if (value.is_null()) return {};
  if (value.is_number()) return vi_input_number(value.get<double>(), one_decimal);
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

std::uint64_t Workspace::Impl::now() const {
  return options.clock ? options.clock() : system_time_ms();
}

// The units files, then the units the server added (a province's other departments). An
// added unit the files now hold, or one that does not fit (the server checked it; a damaged
// row must not stop the client), is left out.
const Hierarchy& Workspace::Impl::units() {
  if (hierarchy_) return *hierarchy_;
  auto h = std::make_unique<Hierarchy>(Hierarchy::load(units_dir()));
  const auto added = added_units(store);
  for (const auto& u : added) {
    if (h->find(u.code)) continue;
    try {
      h->add(u);
    } catch (const Error&) {
    }
  }
  added_known = added.size();
  hierarchy_ = std::move(h);
  return *hierarchy_;
}

void Workspace::Impl::reload_units_if_added() {
  if (hierarchy_ && added_units(store).size() != added_known) hierarchy_.reset();
}

const std::string& Workspace::Impl::unit() {
  return selected.empty() ? store.unit() : selected;
}

UnitLevel Workspace::Impl::level() {
  if (!own_unit()) return units().find(unit())->level;
  if (auto name = store.meta("unit_level"))
    if (auto lvl = parse_level(*name)) return *lvl;
  const Unit* u = units().find(unit());
  if (!u)
    throw Error(Errc::not_found,
                msg("unit.not_in_list", {unit(), platform::path_to_utf8(units_dir())}));
  return u->level;
}

std::string Workspace::Impl::department_key() {
  if (level() != UnitLevel::department) return {};
  auto dash = unit().find('-');
  return dash == std::string::npos ? std::string() : unit().substr(dash + 1);
}

std::string Workspace::Impl::author() {
  if (!author_override.empty()) return author_override;
  if (auto a = store.meta("author"); a && !a->empty()) return *a;
  throw Error(Errc::invalid_argument, msg("author.missing"));
}

std::string Workspace::Impl::role() {
  auto r = store.meta("role");
  return r && !r->empty() ? *r : std::string("clerk");
}

std::string Workspace::Impl::unit_label(const std::string& code) {
  const Unit* u = units().find(code);
  return u ? u->name + " (" + code + ")" : code;
}

void Workspace::Impl::check_unlocked(const std::string& code) {
  auto r = current_review(store, code);
  if (!r || !sync::is_locked(r->state)) return;
  std::string reviewer = sync::reviewing_unit(units(), code);
  if (const Unit* u = units().find(reviewer)) reviewer = u->name + " (" + u->code + ")";
  const auto when = sync::vietnam_time(sync::HybridClock::millis(r->hlc));
  if (lang() == Language::vi) {
    throw Error(
        Errc::locked,
        msg(r->state == sync::ReviewState::finalised ? "lock.finalised" : "lock.reviewed",
            {code, msg(std::string("state.") + std::string(sync::review_state_name(r->state))),
             r->author, when, reviewer.empty() ? msg("lock.level_above") : reviewer}) +
            (r->seq ? "" : " " + msg("lock.not_synced")));
  }
  throw Error(Errc::locked,
              sync::lock_message(r->state, code, r->author, when, reviewer) +
                  (r->seq ? ""
                          : " (this device's " + std::string(sync::review_action_name(r->action)) +
                                " is not synced yet)"));
}

bool Workspace::Impl::reads_only(const std::string& code) {
  return client::reads_only(units(), store.unit(), code);
}

void Workspace::Impl::check_writable(const FieldKey& key, const nlohmann::json& value) {
  if (reads_only(unit())) throw Error(Errc::forbidden, msg("write.read_only", {unit()}));
  if (key.kind != FieldKind::review) check_unlocked(unit());
  check_field(tpl, level(), key, value);
  // The lists without a form (award nominations, models) and the document frame are every
  // unit's own.
  const Table* list = key.kind == FieldKind::row ? tpl.table(key.item) : nullptr;
  const bool everyones = (list && list->appendix.empty() && list->responsible.empty()) ||
                         (key.kind == FieldKind::text && is_document_field(key.item)) ||
                         key.kind == FieldKind::review;  // its own report's transitions
  if (auto dept = department_key();
      !dept.empty() && !everyones && !tpl.department_answers(dept, key.item)) {
    std::string owners;
    for (const auto& k : tpl.responsible_for(key.item)) owners += (owners.empty() ? "" : ", ") + k;
    throw Error(Errc::invalid_argument,
                owners.empty()
                    ? msg("write.not_department_none", {key.str(), unit(), key.item})
                    : msg("write.not_department", {key.str(), unit(), key.item, owners}));
  }
}

std::vector<std::uint64_t> Workspace::Impl::write(
    const std::vector<std::pair<FieldKey, nlohmann::json>>& writes,
    std::optional<std::uint64_t> resolves) {
  const auto who = author();
  // One transaction: the checks read the state the write is made on (a sync on another
  // connection cannot lock the report between the check and the write).
  store::Transaction tx(StoreAccess::database(store));
  for (const auto& [key, value] : writes) check_writable(key, value);
  std::vector<std::uint64_t> ops;
  if (writes.size() == 1) {
    const auto hlc = store.next_hlc(now());
    ops.push_back(store.set_field(unit(), writes[0].first, writes[0].second, who, hlc, resolves));
  } else {
    std::vector<FieldWrite> batch;
    for (const auto& [key, value] : writes) batch.push_back({unit(), key, value});
    ops = store.set_fields(batch, who, now());
  }
  tx.commit();
  return ops;
}

// ---- codes ----

namespace {

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0u : 1u)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::vector<std::string> Workspace::Impl::closest_codes(const std::string& code, std::size_t n) {
  const std::string typed = upper(code);
  std::vector<std::pair<std::size_t, std::string>> scored;
  for (const auto& ind : tpl.indicators()) {
    if (ind.periods.empty()) continue;
    scored.emplace_back(edit_distance(typed, upper(ind.code)), ind.code);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<std::string> out;
  for (const auto& [d, c] : scored) {
    if (out.size() >= n || d > std::max<std::size_t>(2, typed.size() / 2)) break;
    out.push_back(c);
  }
  return out;
}

const Indicator& Workspace::Impl::find_indicator(const std::string& code) {
  if (const Indicator* ind = tpl.indicator(code)) return *ind;
  const std::string typed = upper(code);
  for (const auto& ind : tpl.indicators())
    if (upper(ind.code) == typed) return ind;
  auto near = closest_codes(code, 3);
  std::string list;
  for (const auto& c : near) list += (list.empty() ? "" : ", ") + c;
  std::string hint;
  if (!list.empty()) {
    hint = msg("code.did_you_mean", {list});
  } else if (auto dot = code.find('.');
             dot != std::string::npos && tpl.appendix(upper(code.substr(0, dot)))) {
    hint = msg("code.see_show", {upper(code.substr(0, dot))});
  } else {
    hint = msg("code.see_parts");
  }
  throw Error(Errc::not_found, msg("code.unknown", {code}) + hint);
}

std::string Workspace::Impl::check_period(const Indicator& ind, const std::string& period) {
  if (std::find(ind.periods.begin(), ind.periods.end(), period) != ind.periods.end()) return period;
  std::string list;
  for (const auto& p : ind.periods) list += (list.empty() ? "" : ", ") + p;
  throw Error(
      Errc::invalid_argument,
      msg("period.unknown", {FieldKey::value(ind.code, period).str(), ind.code, period, list}));
}

std::vector<Problem> Workspace::Impl::validate_stored(const std::string& code, UnitLevel lvl) {
  std::map<std::pair<std::string, std::string>, double> numbers;
  for (const auto& f : store.fields(code, FieldKind::value))
    if (f.value.is_number()) numbers[{f.key.item, f.key.detail}] = f.value.get<double>();
  const auto violations = validate_values(
      tpl, lvl, [&](const std::string& i, const std::string& p) -> std::optional<double> {
        auto it = numbers.find({i, p});
        if (it == numbers.end()) return std::nullopt;
        return it->second;
      });
  std::vector<Problem> out;
  for (const auto& v : violations)
    out.push_back({v.indicator + "@" + v.period, v.label, v.period, v.rule,
                   v.severity == Severity::error, v.message});
  return out;
}

// ---- the Workspace ----

namespace {

WorkspaceOptions with_defaults(WorkspaceOptions o) {
  if (o.store.empty()) o.store = "tongket.db";
  return o;
}

std::string describe(const Hierarchy& h, const Unit& u) {
  std::string above;
  auto chain = h.path(u.code);
  for (auto it = chain.rbegin() + 1; it < chain.rend(); ++it)
    above += (above.empty() ? "" : ", ") + (*it)->name;
  return u.name + (above.empty() ? "" : " (" + above + ")");
}

UnitChoice choice_of(const Hierarchy& h, const Unit& u) {
  return {u.code, u.name, describe(h, u), std::string(level_name(u.level))};
}

// A code, or a name that picks out one unit: the only unit whose full name is the query, else
// the only one whose name without its type is, else the only match.
const Unit& resolve_unit(const Hierarchy& h, const std::string& query, Language lang) {
  if (const Unit* u = h.find(query)) return *u;
  auto hits = h.search(query);
  if (hits.empty()) throw Error(Errc::not_found, message(lang, "init.no_unit", {query}));
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
  if (hits.size() > kShown)
    list += "\n  " + message(lang, "init.more", {std::to_string(hits.size() - kShown)});
  throw Error(Errc::invalid_argument,
              message(lang, "init.ambiguous", {query, std::to_string(hits.size())}) + list);
}

// A department the units files do not hold, given by its code ("72-SYT"): one an
// administrator added on the server (`tongket-server units add`). The store is made for it
// with its code as its name; enrolling checks the code against the token, and the first sync
// brings its name ("unit" event). nullptr when `query` is not such a code.
const Unit* added_department(Hierarchy& h, const std::string& query) {
  if (h.find(query) || unit_code_problem(UnitLevel::department, query)) return nullptr;
  const std::string province = query.substr(0, 2);
  Unit u{query, query, "Sở", UnitLevel::department, province};
  if (!added_department_problem(u).empty()) return nullptr;
  const Unit* parent = h.find(province);
  if (!parent || parent->level != UnitLevel::province) return nullptr;
  h.add(std::move(u));
  return h.find(query);
}

}  // namespace

Workspace::Workspace(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Workspace::Workspace(Workspace&&) noexcept = default;
Workspace& Workspace::operator=(Workspace&&) noexcept = default;
Workspace::~Workspace() = default;

std::vector<UnitChoice> Workspace::find_units(const std::string& query) {
  auto h = Hierarchy::load(units_dir());
  std::vector<UnitChoice> out;
  if (const Unit* u = h.find(query)) out.push_back(choice_of(h, *u));
  for (const Unit* u : h.search(query))
    if (out.empty() || out.front().code != u->code) out.push_back(choice_of(h, *u));
  return out;
}

Workspace Workspace::create(const WorkspaceOptions& o, const std::string& query,
                            const std::string& author) {
  auto options = with_defaults(o);
  if (query.empty())
    throw Error(Errc::invalid_argument, message(options.language, "init.need_unit"));
  auto h = std::make_unique<Hierarchy>(Hierarchy::load(units_dir()));
  const Unit* added = added_department(*h, query);
  const Unit& u = added ? *added : resolve_unit(*h, query, options.language);
  auto tpl = installed_template();
  auto store = ClientStore::create(options.store, u.code, tpl->id(), tpl->version());
  store.set_meta("unit_name", u.name);
  store.set_meta("unit_level", level_name(u.level));
  if (added) h.reset();  // loaded again with the store's added units once they are synced
  if (!author.empty()) store.set_meta("author", author);
  auto impl = std::make_unique<Impl>(options, std::move(tpl), std::move(store));
  impl->hierarchy_ = std::move(h);
  return Workspace(std::move(impl));
}

Workspace Workspace::open(const WorkspaceOptions& o) {
  auto options = with_defaults(o);
  auto tpl = installed_template();
  auto store = ClientStore::open(options.store,
                                 options.check_store ? StoreCheck::always : StoreCheck::when_due);
  if (auto id = store.meta("template_id"); id && *id != tpl->id())
    throw Error(Errc::invalid_template,
                message(options.language, "store.other_template",
                        {platform::path_to_utf8(options.store), *id,
                         platform::path_to_utf8(template_file()), tpl->id()}));
  return Workspace(std::make_unique<Impl>(options, std::move(tpl), std::move(store)));
}

Language Workspace::language() const {
  return impl_->lang();
}
const std::filesystem::path& Workspace::store_file() const {
  return impl_->store.file();
}

std::uint64_t Workspace::template_parses() {
  return client::template_parses();
}

StoreCheckInfo Workspace::last_store_check() {
  auto& store = impl_->store;
  StoreCheckInfo info;
  if (auto at = store.meta("check_at"))
    info.time = utc_iso(std::strtoull(at->c_str(), nullptr, 10));
  info.reason = store.meta("check_reason").value_or("");
  info.count = std::strtoull(store.meta("check_count").value_or("0").c_str(), nullptr, 10);
  return info;
}

void Workspace::select_unit(const std::string& code) {
  auto& d = *impl_;
  if (code.empty() || code == d.store.unit()) {
    d.selected.clear();
    return;
  }
  if (!d.units().find(code)) throw Error(Errc::not_found, d.msg("unit.unknown", {code}));
  if (!d.units().within(code, d.store.unit()) && !d.reads_only(code))
    throw Error(Errc::invalid_argument, d.msg("unit.not_below", {code, d.store.unit()}));
  d.selected = code;
}

UnitInfo Workspace::unit() {
  auto& d = *impl_;
  UnitInfo info;
  info.code = d.unit();
  info.is_store_unit = d.own_unit();
  if (d.own_unit()) {
    info.name = d.store.meta("unit_name").value_or("");
  } else if (const Unit* u = d.units().find(d.unit())) {
    info.name = u->name;
  }
  if (const Unit* u = d.units().find(d.unit())) info.description = describe(d.units(), *u);
  if (info.description.empty()) info.description = info.name;
  info.template_id = d.tpl.id();
  info.template_version = d.tpl.version();
  const auto lvl = d.level();
  info.level = std::string(level_name(lvl));
  if (const auto* l = d.tpl.level(lvl)) info.level_label = l->name;
  info.author = d.author_override.empty() ? d.store.meta("author").value_or("") : d.author_override;
  info.department = d.department_key();
  return info;
}

void Workspace::set_author(const std::string& author) {
  impl_->author_override = author;
}
std::string Workspace::role() {
  return impl_->role();
}

std::string Workspace::resolve_indicator(const std::string& code) {
  return impl_->find_indicator(code).code;
}

std::vector<std::string> Workspace::closest_codes(const std::string& code, std::size_t n) {
  return impl_->closest_codes(code, n);
}

std::vector<Problem> Workspace::validate() {
  return impl_->validate_stored(impl_->unit(), impl_->level());
}

}  // namespace tongket::client
