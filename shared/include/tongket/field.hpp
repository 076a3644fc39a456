// A field is one thing a unit's report holds and sync moves: a value of an indicator for a
// period, a narrative section's text, an appendix 8 assessment, or a repeating row.
// Its key is one string so that the outbox, change sets, conflicts and history treat all
// kinds alike; the domain layer checks what each kind may hold. The review kind ("w:report")
// carries the report's workflow transitions (submit, accept, return, finalise) so that they
// are signed, chained and audited like every edit.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tongket {

enum class FieldKind { value, text, assessment, row, review };

// The key's first letter: v, t, g, r, w.
char field_kind_letter(FieldKind kind);

struct FieldKey {
  FieldKind kind = FieldKind::value;
  std::string item;    // indicator code, section id, goal id, or table id
  std::string detail;  // period id (value) or row id (row); empty otherwise

  // "v:PL3.5.a.1:2016", "t:P1.II.2.1.a", "g:PL8.3", "r:PL4.III:<row id>", "w:report"
  std::string str() const;
  static std::optional<FieldKey> parse(std::string_view key);

  static FieldKey value(std::string indicator, std::string period) {
    return {FieldKind::value, std::move(indicator), std::move(period)};
  }
  static FieldKey text(std::string section) { return {FieldKind::text, std::move(section), {}}; }
  static FieldKey assessment(std::string goal) {
    return {FieldKind::assessment, std::move(goal), {}};
  }
  static FieldKey row(std::string table, std::string row_id) {
    return {FieldKind::row, std::move(table), std::move(row_id)};
  }
  static FieldKey review() { return {FieldKind::review, "report", {}}; }
  bool operator==(const FieldKey&) const = default;
};

}  // namespace tongket
