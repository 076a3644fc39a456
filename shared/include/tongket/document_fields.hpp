// The administrative document's frame (Nghị định 30/2020/NĐ-CP) travels with a unit's report
// as text fields "t:VB.<name>" (issuing body, number, place, date, recipients, signer), so it
// is synced, signed and audited like the narrative. Any level sets its own.
#pragma once

#include <array>
#include <string_view>

namespace tongket {

struct DocumentField {
  std::string_view name;   // after "VB."
  std::string_view label;  // Vietnamese, for listings and errors
};

inline constexpr std::array<DocumentField, 9> kDocumentFields{{
    {"co_quan_chu_quan", "Tên cơ quan, tổ chức chủ quản"},
    {"co_quan", "Tên cơ quan, tổ chức ban hành"},
    {"so_ky_hieu", "Số, ký hiệu (vd. 125/BC-UBND)"},
    {"dia_danh", "Địa danh"},
    {"ngay", "Ngày ban hành (YYYY-MM-DD)"},
    {"noi_nhan", "Nơi nhận (mỗi nơi một dòng)"},
    {"tham_quyen", "Quyền hạn ký (vd. TM. ỦY BAN NHÂN DÂN)"},
    {"chuc_vu", "Chức vụ người ký"},
    {"nguoi_ky", "Họ tên người ký"},
}};

inline constexpr std::string_view kDocumentFieldPrefix = "VB.";

// Whether `item` (a text field's section id) is one of the frame's fields.
inline bool is_document_field(std::string_view item) {
  if (!item.starts_with(kDocumentFieldPrefix)) return false;
  for (const auto& f : kDocumentFields)
    if (item.substr(kDocumentFieldPrefix.size()) == f.name) return true;
  return false;
}

}  // namespace tongket
