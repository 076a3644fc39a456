// The administrative document's frame (Nghị định 30/2020/NĐ-CP) travels with a unit's report
// as text fields "t:VB.<name>" (issuing body, number, place, date, recipients, signer), so it
// is synced, signed and audited like the narrative. Any level sets its own.
#pragma once

#include <array>
#include <string_view>

namespace tongket {

// Their labels, in English and Vietnamese, are the client's catalogue's
// "document.field.<name>" (client/src/core/messages.inc), shown by the CLI and the web app.
struct DocumentField {
  std::string_view name;  // after "VB."
  // A date: typed and shown day/month/year, stored ISO (tongket/calendar_date.hpp).
  bool date = false;
};

inline constexpr std::array<DocumentField, 9> kDocumentFields{{
    {"co_quan_chu_quan"},
    {"co_quan"},
    {"so_ky_hieu"},
    {"dia_danh"},
    {"ngay", true},
    {"noi_nhan"},
    {"tham_quyen"},
    {"chuc_vu"},
    {"nguoi_ky"},
}};

inline constexpr std::string_view kDocumentFieldPrefix = "VB.";

// The frame's field `item` (a text field's section id, "VB.ngay"), or null.
inline const DocumentField* document_field(std::string_view item) {
  if (!item.starts_with(kDocumentFieldPrefix)) return nullptr;
  for (const auto& f : kDocumentFields)
    if (item.substr(kDocumentFieldPrefix.size()) == f.name) return &f;
  return nullptr;
}

// Whether `item` is one of the frame's fields.
inline bool is_document_field(std::string_view item) {
  return document_field(item) != nullptr;
}

}  // namespace tongket
