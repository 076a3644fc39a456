#include "tongket/field.hpp"

namespace tongket {

char field_kind_letter(FieldKind kind) {
  switch (kind) {
    case FieldKind::value:
      return 'v';
    case FieldKind::text:
      return 't';
    case FieldKind::assessment:
      return 'g';
    case FieldKind::row:
      return 'r';
    case FieldKind::review:
      return 'w';
  }
  return '?';
}

std::string FieldKey::str() const {
  std::string out;
  out += field_kind_letter(kind);
  out += ':';
  out += item;
  if (kind == FieldKind::value || kind == FieldKind::row) {
    out += ':';
    out += detail;
  }
  return out;
}

std::optional<FieldKey> FieldKey::parse(std::string_view key) {
  if (key.size() < 3 || key[1] != ':') return std::nullopt;
  FieldKey f;
  switch (key[0]) {
    case 'v':
      f.kind = FieldKind::value;
      break;
    case 't':
      f.kind = FieldKind::text;
      break;
    case 'g':
      f.kind = FieldKind::assessment;
      break;
    case 'r':
      f.kind = FieldKind::row;
      break;
    case 'w':
      f.kind = FieldKind::review;
      break;
    default:
      return std::nullopt;
  }
  std::string_view rest = key.substr(2);
  if (f.kind == FieldKind::value || f.kind == FieldKind::row) {
    auto colon = rest.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == rest.size())
      return std::nullopt;
    f.item = std::string(rest.substr(0, colon));
    f.detail = std::string(rest.substr(colon + 1));
  } else {
    if (rest.find(':') != std::string_view::npos) return std::nullopt;
    f.item = std::string(rest);
  }
  if (f.item.empty()) return std::nullopt;
  if (f.kind == FieldKind::review && f.item != "report") return std::nullopt;
  return f;
}

}  // namespace tongket
