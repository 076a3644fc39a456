#include "protocol/apply.hpp"

#include <functional>
#include <map>
#include <optional>

#include "review/deadlines.hpp"
#include "review/judge.hpp"
#include "tongket/error.hpp"
#include "tongket/field.hpp"
#include "tongket/server/pull_log.hpp"
#include "tongket/sync/conflict.hpp"
#include "tongket/sync/report_digest.hpp"
#include "tongket/sync/workflow.hpp"
#include "tongket/validation.hpp"

namespace tongket::server::detail {

namespace {

struct Target {
  UnitInfo unit;
  FieldKey key;
};

std::string op_name(std::size_t i, const sync::Operation& op, const std::string& unit) {
  return "operation " + std::to_string(i + 1) + " (" + op.field + " of unit " + unit + ")";
}

// Why one operation was refused: the refusal code for the security log, and the reason.
struct Refusal {
  std::string code;  // "forbidden" or "invalid"
  std::string reason;
};
using Verdicts = std::vector<std::optional<Refusal>>;  // per operation; empty = accepted

// Checks that need no transaction (units and template do not change under a push), operation
// by operation. Fills `targets` (one per operation; a refused one's may be partial). Returns a
// refusal of the whole change set when it is not this device's at all.
std::optional<Refusal> check_static(HandlerContext& ctx, const Device& device,
                                    const sync::ChangeSet& cs, std::vector<Target>& targets,
                                    Verdicts& verdicts) {
  auto own = ctx.store.unit(device.unit);
  if (!own)
    return Refusal{"forbidden", "this device's unit " + device.unit + " is no longer known"};
  if (cs.unit != device.unit)
    return Refusal{"forbidden", "the change set is for unit " + cs.unit +
                                    " but this device belongs to " + device.unit};
  std::map<std::string, UnitInfo> units;
  targets.assign(cs.ops.size(), Target{});
  verdicts.assign(cs.ops.size(), std::nullopt);
  for (std::size_t i = 0; i < cs.ops.size(); ++i) {
    const auto& op = cs.ops[i];
    const std::string& code = sync::unit_of(cs, op);
    auto it = units.find(code);
    if (it == units.end()) {
      auto u = ctx.store.unit(code);
      if (!u) {
        verdicts[i] = Refusal{"invalid", op_name(i, op, code) + ": unknown unit"};
        continue;
      }
      it = units.emplace(code, *u).first;
    }
    const UnitInfo& target = it->second;
    targets[i].unit = target;
    if (!may_write(device.role, *own, target)) {
      verdicts[i] =
          Refusal{"forbidden", op_name(i, op, code) + ": a " + std::string(role_name(device.role)) +
                                   " of " + device.unit + " may not write unit " + code};
      continue;
    }
    auto key = FieldKey::parse(op.field);
    if (!key) {
      verdicts[i] = Refusal{"invalid", op_name(i, op, code) + ": not a field key"};
      continue;
    }
    targets[i].key = *key;
    try {
      check_field(ctx.report_template, target.level, *key, op.value);
    } catch (const Error& e) {
      verdicts[i] = Refusal{"invalid", op_name(i, op, code) + ": " + e.what()};
    }
  }
  return std::nullopt;
}

using review::kSameSyncMs;  // review/judge.hpp: verify recomputes with the same window

// What judging a review transition needs, read once per change set that carries one.
struct ReviewContext {
  review::Deadlines deadlines;
  std::int64_t previous_received_ms = 0;  // the device's previous change set, 0 = none
};

// `packed` is pack_value(op.value), from prepare().
void apply_op(WriteTxn& t, PullLogWriter& log, const Device& device, const sync::ChangeSet& cs,
              const sync::Operation& op, const PackedValue& packed, const Target& target,
              std::int64_t now, const std::optional<ReviewContext>& review_ctx,
              std::vector<std::uint64_t>& conflicts, std::vector<sync::OwnEvent>& own) {
  const std::string& unit = target.unit.code;
  auto state = t.field(unit, op.field);
  std::optional<ConflictRecord> resolving;
  if (op.resolves) {
    auto c = t.conflict(*op.resolves);
    if (c && !c->resolved_version) resolving = c;  // already resolved: an ordinary write
  }

  sync::ConflictInput in;
  in.kind = target.key.kind;
  in.device = device.id;
  in.incoming = op.value;
  in.base = op.base;
  // The current value is the last current write (store.hpp): when the operation's base is at
  // or after it (the usual edit of what the device last saw), no current write follows the base
  // and the value at the base is the current one, with no history read.
  const bool base_is_current = state && op.base >= state->version;
  if (state && !base_is_current)
    for (auto& w : t.current_writes_after(unit, op.field, op.base))
      in.writes_after_base.push_back({w.version, w.device, w.value});
  if (op.base && state)  // with no current value there is no value at any version either
    in.base_value = base_is_current ? state->value : t.value_at(unit, op.field, op.base);
  in.current = state ? state->value : nlohmann::json();
  sync::Decision decision = sync::decide(in);
  // A review transition is not under the conflict rules: check_review decided it.
  bool is_conflict = decision.outcome == sync::Decision::Outcome::conflict && state.has_value() &&
                     target.key.kind != FieldKind::review;

  const std::uint64_t v = log.next_seq();
  HistoryEntry h;
  h.version = v;
  h.unit = unit;
  h.field = op.field;
  h.base = op.base;
  h.device = device.id;
  h.cs_seq = cs.seq;
  h.op_id = op.id;
  h.author = cs.author;
  h.hlc = op.hlc;
  h.received_ms = now;

  sync::PullEvent ev;
  ev.unit = unit;
  ev.field = op.field;
  ev.version = v;
  ev.device = device.id;
  ev.author = cs.author;
  ev.hlc = op.hlc;

  bool merged = false;
  if (is_conflict) {
    h.value = op.value;
    h.outcome = "conflict";
    h.conflict_id = v;
    ev.kind = "conflict";
    ev.value = op.value;
    ev.extra = sync::conflict_extra({v, state->version, state->value, state->device, state->author,
                                     state->hlc, state->received_ms, now});
  } else {
    merged = decision.outcome == sync::Decision::Outcome::merge_applied;
    h.value = merged ? decision.value_to_store_as_current : op.value;
    h.outcome = merged ? "merged" : resolving ? "resolved" : "applied";
    ev.kind = "value";
    ev.value = h.value;
    if (merged) ev.extra = {{"merged", true}};
  }
  // A merged value is not the operation's: packed here, not by prepare().
  const PackedValue* ev_packed = merged ? nullptr : &packed;
  log.append(ev, ev_packed);  // its seq is v
  if (ev.kind == "value" && ev.extra.is_null()) own.push_back({v, op.id});
  t.record_write(h, !is_conflict);

  if (is_conflict) {
    ConflictRecord c;
    c.id = v;
    c.unit = unit;
    c.field = op.field;
    c.current_version = state->version;
    c.incoming_version = v;
    c.current_value = state->value;
    c.incoming_value = op.value;
    c.current_device = state->device;
    c.incoming_device = device.id;
    c.current_author = state->author;
    c.incoming_author = cs.author;
    c.current_hlc = state->hlc;
    c.incoming_hlc = op.hlc;
    c.current_ms = state->received_ms;
    c.incoming_ms = now;
    t.open_conflict(c);
    conflicts.push_back(v);
    return;
  }
  if (target.key.kind == FieldKind::review && review_ctx) {
    // Beside the "value" event (which keeps the clients' field and lock logic as it was), the
    // transition as judged: its state, signed and receipt times, deadline, on time or late.
    review::JudgeInput judge;
    judge.deadline = review_ctx->deadlines.text(target.unit.level);
    judge.previous_received_ms = review_ctx->previous_received_ms;
    ReviewEntry r = review::judge_transition(h, op.value, judge);
    sync::PullEvent judged = ev;
    judged.kind = "review";
    judged.extra = review::event_extra(r);
    log.append(judged, ev_packed);
    r.event_seq = judged.seq;
    t.record_review(r);
  }
  if (resolving) {
    t.resolve_conflict(resolving->id, v, now, device.id);
    sync::PullEvent done = ev;
    done.kind = "resolved";
    done.extra = {{"conflict", resolving->id}};
    log.append(done, ev_packed);
  }
}

sync::ReviewState state_of(const nlohmann::json& transition) {
  if (transition.is_object() && transition.contains("action") && transition["action"].is_string())
    if (auto a = sync::parse_review_action(transition["action"].get<std::string>()))
      return sync::state_after(*a);
  return sync::ReviewState::draft;
}

std::string text_member(const nlohmann::json& v, const char* key) {
  return v.is_object() && v.contains(key) && v[key].is_string() ? v[key].get<std::string>()
                                                                : std::string();
}

// One operation of check_review: why it is refused, or nothing (then the state and data move
// on as it says). `state` and `data_of` give the unit's state and data so far.
using StateOf = std::function<sync::ReviewState&(const std::string&)>;
using DataOf = std::function<std::map<std::string, nlohmann::json>&(const std::string&)>;
std::optional<std::string> judge_review_op(std::size_t i, const sync::ChangeSet& cs,
                                           const Target& target, const Device& device,
                                           HandlerContext& ctx, const StateOf& state,
                                           const DataOf& data_of) {
  const auto& op = cs.ops[i];
  const UnitInfo& unit = target.unit;
  if (target.key.kind != FieldKind::review) {
    if (sync::is_locked(state(unit.code)))
      return op_name(i, op, unit.code) + ": " +
             sync::lock_message(state(unit.code), unit.code, "", "", unit.parent);
    data_of(unit.code)[op.field] = op.value;
    return std::nullopt;
  }
  auto action = sync::parse_review_action(text_member(op.value, "action"));
  if (!action) return op_name(i, op, unit.code) + ": not a review transition";
  const UnitLevel parent_level =
      unit.level == UnitLevel::commune ? UnitLevel::district : UnitLevel::province;
  if (auto why =
          sync::check_transition(state(unit.code), *action, role_name(device.role), device.unit,
                                 unit.code, unit.level, unit.parent, parent_level))
    return op_name(i, op, unit.code) + ": " + *why;
  if (*action != sync::ReviewAction::give_back) {
    const auto& fields = data_of(unit.code);
    std::vector<std::pair<std::string, nlohmann::json>> list(fields.begin(), fields.end());
    if (sync::report_digest(list) != text_member(op.value, "data_hash"))
      return op_name(i, op, unit.code) +
             ": the figures you submitted differ from the server's: sync, check, submit again";
    if (*action != sync::ReviewAction::accept) {
      auto lookup = [&](const std::string& ind,
                        const std::string& period) -> std::optional<double> {
        auto it = fields.find(FieldKey::value(ind, period).str());
        if (it == fields.end() || !it->second.is_number()) return std::nullopt;
        return it->second.get<double>();
      };
      for (const auto& v : validate_values(ctx.report_template, unit.level, lookup))
        if (v.severity == Severity::error)
          return op_name(i, op, unit.code) + ": not submitted: " + v.indicator + " " + v.period +
                 ": " + v.message;
    }
  }
  state(unit.code) = sync::state_after(*action);
  return std::nullopt;
}

// The review workflow (docs/protocol.md, "Review"), operation by operation in order: a data
// write to a submitted, accepted or finalised report is refused; a transition must be allowed
// from the unit's state for this device, and a submission, acceptance or finalisation must
// cover exactly the server's data after the preceding operations (its digest), and a
// submission must break no error-level rule.
// Each refused operation gets its verdict; a refused one changes neither the state nor the data
// the later ones are judged against.
void check_review(WriteTxn& t, HandlerContext& ctx, const Device& device, const sync::ChangeSet& cs,
                  const std::vector<Target>& targets, Verdicts& verdicts) {
  std::map<std::string, sync::ReviewState> states;
  std::map<std::string, std::map<std::string, nlohmann::json>> data;
  StateOf state = [&](const std::string& unit) -> sync::ReviewState& {
    auto it = states.find(unit);
    if (it == states.end()) {
      auto f = t.field(unit, "w:report");
      it = states.emplace(unit, f ? state_of(f->value) : sync::ReviewState::draft).first;
    }
    return it->second;
  };
  DataOf data_of = [&](const std::string& unit) -> std::map<std::string, nlohmann::json>& {
    auto it = data.find(unit);
    if (it == data.end()) {
      std::map<std::string, nlohmann::json> fields;
      for (auto& [k, v] : t.unit_fields(unit)) fields[k] = std::move(v);
      it = data.emplace(unit, std::move(fields)).first;
    }
    return it->second;
  };
  for (std::size_t i = 0; i < cs.ops.size(); ++i) {
    if (verdicts[i]) continue;
    auto refuse = [&](std::string why) { verdicts[i] = Refusal{"forbidden", std::move(why)}; };
    if (auto why = judge_review_op(i, cs, targets[i], device, ctx, state, data_of)) refuse(*why);
  }
}
// The fields the accepted operations write, asked of the store at once (store.hpp).
void prefetch(WriteTxn& t, const sync::ChangeSet& cs, const std::vector<Target>& targets,
              const Verdicts& verdicts) {
  std::map<std::string, std::vector<std::string>> fields;  // by unit
  for (std::size_t i = 0; i < cs.ops.size(); ++i)
    if (!verdicts[i]) fields[targets[i].unit.code].push_back(cs.ops[i].field);
  for (const auto& [unit, keys] : fields) t.prefetch_fields(unit, keys);
}

// A resolution must name a conflict of the same unit and field.
void check_resolutions(WriteTxn& t, const sync::ChangeSet& cs, const std::vector<Target>& targets,
                       Verdicts& verdicts) {
  for (std::size_t i = 0; i < cs.ops.size(); ++i) {
    const auto& op = cs.ops[i];
    if (!op.resolves || verdicts[i]) continue;
    auto c = t.conflict(*op.resolves);
    if (!c || c->unit != targets[i].unit.code || c->field != op.field)
      verdicts[i] = Refusal{"invalid", op_name(i, op, targets[i].unit.code) +
                                           ": resolves conflict " + std::to_string(*op.resolves) +
                                           ", which is not a conflict of this field"};
  }
}

}  // namespace

namespace {

// The verdicts as a result: applied when any operation is, with the refused ones listed;
// refused (with the first reason) when none is.
void judge_result(const sync::ChangeSet& cs, const Verdicts& verdicts, ApplyOutcome& out) {
  sync::PushResult& r = out.result;
  r.seq = cs.seq;
  for (std::size_t i = 0; i < verdicts.size(); ++i) {
    if (!verdicts[i]) continue;
    if (out.refusal_code.empty()) {
      out.refusal_code = verdicts[i]->code;
      r.reason = verdicts[i]->reason;
    }
    r.refused_ops.push_back({cs.ops[i].id, verdicts[i]->reason});
  }
  r.status =
      r.refused_ops.size() == cs.ops.size() ? sync::PushStatus::refused : sync::PushStatus::applied;
  // An applied change set's reason would read as a refusal to a client before 1.2.
  if (r.status == sync::PushStatus::applied) r.reason.clear();
}

}  // namespace

ApplyOutcome apply_change_set(HandlerContext& ctx, const Device& device,
                              const PreparedChangeSet& prepared, const sync::SignedChangeSet& scs,
                              std::optional<std::uint64_t> counter) {
  const sync::ChangeSet& cs = *prepared.cs;
  if (prepared.values.size() != cs.ops.size())
    throw Error(Errc::internal, "push: change set " + std::to_string(cs.seq) + " was not packed");
  std::vector<Target> targets;
  Verdicts static_verdicts;
  auto whole = check_static(ctx, device, cs, targets, static_verdicts);
  const std::int64_t now = ctx.now_ms();
  std::optional<ReviewContext> review_ctx;
  bool has_review = false;
  for (std::size_t i = 0; i < targets.size(); ++i)
    has_review |= !static_verdicts[i] && targets[i].key.kind == FieldKind::review;
  if (!whole && has_review) {
    review_ctx.emplace(
        ReviewContext{review::Deadlines(ctx.report_template, ctx.store.deadlines()), 0});
    // Change sets sent in the same sync (received within a minute of this one) were signed
    // offline together: only one received before that bounds this one's signed time.
    review_ctx->previous_received_ms =
        ctx.store.previous_receipt_ms(device.id, cs.seq, now - kSameSyncMs);
  }
  ApplyOutcome out;
  ctx.store.write([&](WriteTxn& t) {
    out = {};
    if (counter) {
      auto check = t.advance_counter(device.id, *counter);
      // Another request with this counter came first: this one is a replay, nothing applied.
      if (!check.accepted) {
        out.stale_counter = check.last;
        return;
      }
    }
    PullLogWriter log(t);
    sync::PushResult& r = out.result;
    if (whole) {
      // Not this device's change set at all: refused as a whole.
      r.seq = cs.seq;
      r.status = sync::PushStatus::refused;
      r.reason = whole->reason;
      out.refusal_code = whole->code;
    } else {
      // Each operation on its own: a refused one is listed with its reason and the others
      // apply. The chain advances either way, and a retry gets the same answer.
      Verdicts verdicts = static_verdicts;
      prefetch(t, cs, targets, verdicts);
      check_resolutions(t, cs, targets, verdicts);
      check_review(t, ctx, device, cs, targets, verdicts);
      judge_result(cs, verdicts, out);
      for (std::size_t i = 0; i < cs.ops.size(); ++i)
        if (!verdicts[i])
          apply_op(t, log, device, cs, cs.ops[i], prepared.values[i], targets[i], now, review_ctx,
                   r.conflicts, out.own);
    }
    r.server_seq = log.head().seq;

    StoredChangeSet rec;
    rec.device = device.id;
    rec.seq = cs.seq;
    rec.hash = prepared.hash;
    rec.bytes = scs.bytes;
    rec.packed = prepared.packed;
    rec.signature = scs.signature;
    rec.unit = cs.unit;
    rec.author = cs.author;
    rec.received_ms = now;
    rec.status = r.status == sync::PushStatus::refused ? "refused" : "applied";
    rec.result = r;
    t.record_change_set(rec);
  });
  return out;
}

}  // namespace tongket::server::detail
