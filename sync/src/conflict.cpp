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

}  // namespace tongket::sync
