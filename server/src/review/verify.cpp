#include "review/verify.hpp"

#include <map>

#include "review/judge.hpp"
#include "tongket/error.hpp"
#include "tongket/sync/changeset.hpp"
#include "tongket/sync/crypto.hpp"
#include "tongket/sync/hlc.hpp"
#include "tongket/sync/report_digest.hpp"
#include "tongket/sync/workflow.hpp"

namespace tongket::server::review {

namespace {

using Data = std::map<std::string, nlohmann::json>;

bool became_current(const HistoryEntry& h) {
  return h.outcome == "applied" || h.outcome == "merged" || h.outcome == "resolved";
}

// The unit's report data as of just before `version`, replayed from its history.
Data data_before(const std::vector<HistoryEntry>& history, std::uint64_t version) {
  Data d;
  for (const auto& h : history) {
    if (h.version >= version) break;
    if (!became_current(h) || !sync::is_report_field(h.field)) continue;
    if (h.value.is_null())
      d.erase(h.field);
    else
      d[h.field] = h.value;
  }
  return d;
}

std::string digest_of(const Data& d) {
  return sync::report_digest(
      std::vector<std::pair<std::string, nlohmann::json>>(d.begin(), d.end()));
}

std::string text_member(const nlohmann::json& v, const char* key) {
  return v.is_object() && v.contains(key) && v[key].is_string() ? v[key].get<std::string>()
                                                                : std::string();
}

// The change set that carried the write: stored hash, its device's signature, and the
// operation in it as the history has it (so the signed data_hash is the one compared).
std::string check_carrier(Store& store, const HistoryEntry& h, const std::string& unit) {
  auto cs = store.change_set(h.device, h.cs_seq);
  if (!cs)
    return "its change set (device " + h.device + " #" + std::to_string(h.cs_seq) +
           ") is not in the audit log";
  auto dev = store.device(h.device);
  if (!dev) return "device " + h.device + " is not known";
  if (sync::sha256(cs->bytes) != cs->hash) return "the stored change set does not match its hash";
  if (!sync::verify_change_set({cs->bytes, cs->signature}, dev->public_key))
    return "the change set's signature does not verify";
  sync::ChangeSet decoded;
  try {
    decoded = sync::decode(cs->bytes);
  } catch (const Error& e) {
    return std::string("the change set does not decode: ") + e.what();
  }
  for (const auto& op : decoded.ops) {
    if (op.id != h.op_id) continue;
    if (sync::unit_of(decoded, op) != unit || op.field != h.field || op.value != h.value ||
        op.hlc != h.hlc)
      return "the signed operation differs from the history's record of it";
    return {};
  }
  return "operation " + std::to_string(h.op_id) + " is not in its change set";
}

// Recomputes the judgement of a submission or finalisation from what was signed and received:
// the operation's signed time, the carrying change set's receipt time (audit log), the
// device's previous receipt, and the deadline recorded with the review.
void check_timeliness(Store& store, const std::vector<ReviewEntry>& reviews, CheckedTransition& t) {
  if (t.action != "submit" && t.action != "finalise") return;
  const ReviewEntry* r = nullptr;
  for (const auto& e : reviews)
    if (e.version == t.write.version) r = &e;
  if (!r) {
    t.timeliness_ok = false;
    t.problem +=
        std::string(t.problem.empty() ? "" : "; ") + "no timeliness record for this submission";
    return;
  }
  t.recorded_on_time = r->on_time;
  const auto received = t.write.received_ms;  // the history's, recorded with the review
  const auto signed_ms = sync::HybridClock::millis(t.write.hlc);
  const auto previous =
      store.previous_receipt_ms(t.write.device, t.write.cs_seq, received - kSameSyncMs);
  const auto deadline = sync::deadline_end_ms(r->deadline);
  const auto judged =
      sync::judge_submission(signed_ms, static_cast<std::uint64_t>(received),
                             static_cast<std::uint64_t>(previous), deadline.value_or(UINT64_MAX));
  t.recomputed_on_time = judged.on_time;
  std::string why;
  if (r->signed_ms != static_cast<std::int64_t>(signed_ms))
    why = "the recorded signed time differs from the signed operation's";
  else if (r->received_ms != received)
    why = "the recorded receipt time differs from the audit log's";
  else if (r->on_time != judged.on_time)
    why = std::string("the recorded judgement (") +
          (r->on_time && *r->on_time ? "on time" : "late") + ") does not follow from the signed " +
          "time and the deadline " + r->deadline + " (" + (judged.on_time ? "on time" : "late") +
          ")";
  if (!why.empty()) {
    t.timeliness_ok = false;
    t.problem += (t.problem.empty() ? "" : "; ") + why + ": the timeliness record was changed";
  }
}

}  // namespace

bool Verification::ok() const {
  for (const auto& t : transitions)
    if (!t.digest_ok || !t.signature_ok || !t.timeliness_ok) return false;
  return !changed_while_locked;
}

Verification verify_unit(Store& store, const std::string& unit) {
  if (!store.unit(unit)) throw Error(Errc::not_found, "unknown unit " + unit);
  const auto history = store.history(unit);
  const auto reviews = store.reviews(unit);
  Verification v;
  std::string last_state;
  for (const auto& h : history) {
    if (h.field != "w:report" || !became_current(h)) continue;
    const std::string action = text_member(h.value, "action");
    if (action == "return") last_state = "returned";
    if (action != "submit" && action != "accept" && action != "finalise") continue;
    last_state = action == "submit" ? "submitted" : action == "accept" ? "accepted" : "finalised";
    CheckedTransition t;
    t.write = h;
    t.action = action;
    t.signed_hash = text_member(h.value, "data_hash");
    t.recomputed = digest_of(data_before(history, h.version));
    t.digest_ok = t.recomputed == t.signed_hash;
    auto problem = check_carrier(store, h, unit);
    t.signature_ok = problem.empty();
    if (!t.digest_ok)
      t.problem = "the data as of v" + std::to_string(h.version) +
                  " does not match the signed digest: the history was changed";
    if (!problem.empty()) t.problem += (t.problem.empty() ? "" : "; ") + problem;
    check_timeliness(store, reviews, t);
    v.transitions.push_back(t);
  }
  // The baseline: the last acceptance (or finalisation), else the last submission.
  for (auto it = v.transitions.rbegin(); it != v.transitions.rend() && !v.baseline; ++it)
    if (it->action != "submit") v.baseline = *it;
  if (!v.baseline && !v.transitions.empty()) v.baseline = v.transitions.back();
  if (v.baseline) {
    Data before = data_before(history, v.baseline->write.version);
    Data now;
    for (auto& [k, val] : store.unit_fields(unit))
      if (sync::is_report_field(k) && !val.is_null()) now[k] = val;
    for (const auto& [k, val] : before) {
      auto it = now.find(k);
      if (it == now.end())
        v.changes.push_back({k, val, nullptr});
      else if (it->second != val)
        v.changes.push_back({k, val, it->second});
    }
    for (const auto& [k, val] : now)
      if (!before.count(k)) v.changes.push_back({k, nullptr, val});
    // Still locked by the last transition that fixed the data, yet the data moved.
    const bool locked =
        last_state == "submitted" || last_state == "accepted" || last_state == "finalised";
    if (locked && !v.changes.empty()) {
      const auto& last = v.transitions.back();
      Data fixed = data_before(history, last.write.version);
      v.changed_while_locked = fixed != now;
    }
  }
  return v;
}

}  // namespace tongket::server::review
