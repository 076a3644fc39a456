#include "review/review_log.hpp"

#include <algorithm>

#include "store/sqlite.hpp"
#include "store/store_access.hpp"
#include "tongket/error.hpp"
#include "tongket/sync/report_digest.hpp"

namespace tongket::client {

namespace {

using store::Statement;

nlohmann::json parse_json(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  auto j = nlohmann::json::parse(*text, nullptr, false);
  return j.is_discarded() ? nlohmann::json(nullptr) : j;
}

std::string str_of(const nlohmann::json& j, const char* key) {
  if (j.is_object() && j.contains(key) && j[key].is_string()) return j[key].get<std::string>();
  return {};
}

constexpr const char* kReviewColumns =
    "unit, action, state, data_hash, comment, override, device, author, hlc, seq, extra, "
    "snapshot";

ReviewRecord read_review(const Statement& st) {
  ReviewRecord r;
  r.unit = st.text(0);
  r.action = sync::parse_review_action(st.text(1)).value_or(sync::ReviewAction::submit);
  r.state = sync::parse_review_state(st.text(2)).value_or(sync::ReviewState::draft);
  r.data_hash = st.optional_text(3).value_or("");
  r.comment = st.optional_text(4).value_or("");
  r.override_reason = st.optional_text(5).value_or("");
  r.device = st.optional_text(6).value_or("");
  r.author = st.text(7);
  r.hlc = st.uint64(8);
  if (!st.is_null(9)) r.seq = st.uint64(9);
  r.extra = parse_json(st.optional_text(10));
  r.snapshot = parse_json(st.optional_text(11));
  return r;
}

// This device's transitions of `unit` not yet seen back from the server (refused ones are not
// transitions at all), oldest first.
std::vector<ReviewRecord> local_transitions(ClientStore& store, const std::string& unit,
                                            std::uint64_t after_hlc) {
  Statement st(StoreAccess::database(store),
               "SELECT value, hlc, author, state FROM outbox WHERE unit = ?1 AND key = 'w:report' "
               "AND state IN ('pending', 'packed', 'acked') AND hlc > ?2 AND value IS NOT NULL "
               "ORDER BY op_id");
  st.bind(1, unit).bind(2, after_hlc);
  std::vector<ReviewRecord> out;
  while (st.step()) {
    auto v = parse_json(st.optional_text(0));
    auto action = sync::parse_review_action(str_of(v, "action"));
    if (!action) continue;
    ReviewRecord r;
    r.unit = unit;
    r.action = *action;
    r.state = sync::state_after(*action);
    r.data_hash = str_of(v, "data_hash");
    r.comment = str_of(v, "comment");
    r.override_reason = str_of(v, "override");
    r.device = store.meta("device_id").value_or("");
    r.hlc = st.uint64(1);
    r.author = st.text(2);
    r.local_state = st.text(3);
    out.push_back(std::move(r));
  }
  return out;
}

std::optional<ReviewRecord> last_pulled(ClientStore& store, const std::string& unit) {
  Statement st(StoreAccess::database(store),
               std::string("SELECT ") + kReviewColumns +
                   " FROM review WHERE unit = ?1 ORDER BY seq DESC LIMIT 1");
  st.bind(1, unit);
  if (!st.step()) return std::nullopt;
  return read_review(st);
}

}  // namespace

std::optional<ReviewRecord> current_review(ClientStore& store, const std::string& unit) {
  auto pulled = last_pulled(store, unit);
  auto local = local_transitions(store, unit, pulled ? pulled->hlc : 0);
  if (!local.empty()) return local.back();
  return pulled;
}

sync::ReviewState current_state(ClientStore& store, const std::string& unit) {
  auto r = current_review(store, unit);
  return r ? r->state : sync::ReviewState::draft;
}

std::vector<ReviewRecord> review_history(ClientStore& store, const std::string& unit) {
  Statement st(StoreAccess::database(store), std::string("SELECT ") + kReviewColumns +
                                                 " FROM review WHERE unit = ?1 ORDER BY seq");
  st.bind(1, unit);
  std::vector<ReviewRecord> out;
  while (st.step()) out.push_back(read_review(st));
  auto local = local_transitions(store, unit, out.empty() ? 0 : out.back().hlc);
  out.insert(out.end(), local.begin(), local.end());
  return out;
}

std::vector<std::string> reviewed_units(ClientStore& store) {
  Statement st(StoreAccess::database(store),
               "SELECT unit FROM review UNION SELECT unit FROM outbox WHERE key = 'w:report' "
               "ORDER BY 1");
  std::vector<std::string> out;
  while (st.step()) out.push_back(st.text(0));
  return out;
}

std::vector<std::pair<std::string, nlohmann::json>> report_fields(ClientStore& store,
                                                                  const std::string& unit) {
  std::vector<std::pair<std::string, nlohmann::json>> out;
  for (auto kind : {FieldKind::value, FieldKind::text, FieldKind::assessment, FieldKind::row}) {
    for (auto& f : store.fields(unit, kind)) {
      if (f.value.is_null()) continue;
      out.emplace_back(f.key.str(), std::move(f.value));
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

bool is_review_event(const sync::PullEvent& e) {
  return e.kind == "review" || (e.kind == "value" && e.field == "w:report");
}

void apply_review_event(store::Database& db, const sync::PullEvent& e) {
  if (!is_review_event(e)) return;
  auto action = sync::parse_review_action(str_of(e.value, "action"));
  if (!action) return;  // a cleared or unknown transition changes nothing
  auto state = sync::state_after(*action);
  if (auto named = sync::parse_review_state(str_of(e.extra, "state"))) state = *named;
  // What the transition covers, as this store received it: the unit's server values so far.
  nlohmann::json snapshot = nlohmann::json::object();
  {
    Statement st(db,
                 "SELECT key, server_value FROM field WHERE unit = ?1 AND server_value IS NOT "
                 "NULL AND key GLOB '[vtgr]:*' ORDER BY key");
    st.bind(1, e.unit);
    while (st.step()) {
      auto v = parse_json(st.optional_text(1));
      if (!v.is_null()) snapshot[st.text(0)] = v;
    }
  }
  if (e.kind == "review" && e.version != e.seq) {
    // The server sends a transition twice: its "value" event (seq = version) and then this
    // judged one (seq = version + 1, version = the write's). Keep one row: the judged one.
    Statement drop(db, "DELETE FROM review WHERE seq = ?1 AND unit = ?2");
    drop.bind(1, e.version).bind(2, e.unit).run();
  }
  Statement ins(db,
                "INSERT INTO review (unit, action, state, data_hash, comment, override, device, "
                "author, hlc, seq, extra, snapshot) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                "?10, ?11, ?12) ON CONFLICT (seq) DO NOTHING");
  auto opt = [](std::string s) -> std::optional<std::string> {
    if (s.empty()) return std::nullopt;
    return s;
  };
  ins.bind(1, e.unit)
      .bind(2, std::string(sync::review_action_name(*action)))
      .bind(3, std::string(sync::review_state_name(state)))
      .bind(4, opt(str_of(e.value, "data_hash")))
      .bind(5, opt(str_of(e.value, "comment")))
      .bind(6, opt(str_of(e.value, "override")))
      .bind(7, opt(e.device))
      .bind(8, e.author)
      .bind(9, e.hlc)
      .bind(10, e.seq)
      .bind(11, e.extra.is_null() ? std::optional<std::string>() : e.extra.dump())
      .bind(12, snapshot.dump());
  ins.run();
}

}  // namespace tongket::client
