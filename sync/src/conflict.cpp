#include "tongket/sync/conflict.hpp"

#include <optional>

#include "tongket/sync/merge.hpp"

namespace tongket::sync {

namespace {

// Narrative text as a merge input: a cleared section is empty text.
std::optional<std::string> as_text(const nlohmann::json& v) {
  if (v.is_null()) return std::string();
  if (v.is_string()) return v.get<std::string>();
  return std::nullopt;
}

}  // namespace

const char* outcome_name(Decision::Outcome o) {
  switch (o) {
    case Decision::Outcome::apply:
      return "apply";
    case Decision::Outcome::merge_applied:
      return "merge_applied";
    case Decision::Outcome::conflict:
      return "conflict";
  }
  return "conflict";
}

Decision decide(const ConflictInput& in) {
  bool concurrent = false;
  for (const auto& w : in.writes_after_base)
    concurrent = concurrent || (w.version > in.base && w.device != in.device);
  if (!concurrent) return {Decision::Outcome::apply, in.incoming};
  // Both sides wrote the same thing: nothing to choose between.
  if (in.incoming == in.current) return {Decision::Outcome::apply, in.incoming};

  if (in.kind == FieldKind::text) {
    auto base = as_text(in.base_value), ours = as_text(in.current), theirs = as_text(in.incoming);
    if (base && ours && theirs) {
      TextMerge m = merge_text(*base, *ours, *theirs);
      if (m.clean) return {Decision::Outcome::merge_applied, std::move(m.text)};
    }
  }
  return {Decision::Outcome::conflict, in.current};
}

nlohmann::json conflict_extra(const ConflictDetails& d) {
  return {{"conflict", d.id},
          {"current_version", d.current_version},
          {"current_value", d.current_value},
          {"current_device", d.current_device},
          {"current_author", d.current_author},
          {"current_hlc", d.current_hlc},
          {"current_ms", d.current_ms},
          {"incoming_ms", d.incoming_ms}};
}

std::optional<ConflictDetails> conflict_details(const nlohmann::json& x) {
  if (!x.is_object() || !x.contains("conflict") || !x["conflict"].is_number_unsigned())
    return std::nullopt;
  auto u64 = [&](const char* k) -> std::uint64_t {
    return x.contains(k) && x[k].is_number_unsigned() ? x[k].get<std::uint64_t>() : 0;
  };
  auto text = [&](const char* k) -> std::string {
    return x.contains(k) && x[k].is_string() ? x[k].get<std::string>() : std::string();
  };
  ConflictDetails d;
  d.id = u64("conflict");
  d.current_version = u64("current_version");
  d.current_value = x.contains("current_value") ? x["current_value"] : nlohmann::json();
  d.current_device = text("current_device");
  d.current_author = text("current_author");
  d.current_hlc = u64("current_hlc");
  d.current_ms = static_cast<std::int64_t>(u64("current_ms"));
  d.incoming_ms = static_cast<std::int64_t>(u64("incoming_ms"));
  return d;
}

}  // namespace tongket::sync
