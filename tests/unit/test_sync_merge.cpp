// Three-way text merge and the conflict rule.
#include <catch2/catch.hpp>

#include "tongket/sync/conflict.hpp"
#include "tongket/sync/merge.hpp"

using namespace tongket::sync;
using tongket::FieldKind;
using json = nlohmann::json;
using Outcome = Decision::Outcome;

namespace {
const std::string kBase =
    "1. Kết quả rà soát thủ tục hành chính.\n"
    "2. Cơ chế một cửa, một cửa liên thông.\n"
    "3. Cải cách tổ chức bộ máy.\n"
    "4. Hiện đại hóa hành chính.\n"
    "5. Tồn tại, hạn chế.\n";

std::string replace_line(const std::string& text, int line, const std::string& with) {
  std::string out;
  int n = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    std::string l = text.substr(start, end - start);
    out += (++n == line ? with : l) + "\n";
    start = end + 1;
  }
  return out;
}
}  // namespace

TEST_CASE("text merge: separate lines merge, the same line does not", "[sync][merge]") {
  std::string ours = replace_line(kBase, 1, "1. Đã rà soát 45 thủ tục, đơn giản hóa 12.");
  std::string theirs = replace_line(kBase, 4, "4. Ứng dụng công nghệ thông tin: đạt mức độ 3.");
  TextMerge m = merge_text(kBase, ours, theirs);
  REQUIRE(m.clean);
  CHECK(m.text == replace_line(ours, 4, "4. Ứng dụng công nghệ thông tin: đạt mức độ 3."));

  TextMerge same = merge_text(kBase, ours, ours);
  CHECK(same.clean);
  CHECK(same.text == ours);

  std::string rival = replace_line(kBase, 1, "1. Rà soát xong 50 thủ tục.");
  TextMerge overlap = merge_text(kBase, ours, rival);
  CHECK_FALSE(overlap.clean);

  // Bytes that are not line-structured or include combining marks survive exactly.
  std::string nfd = "Vie\xcc\xa3\xcc\x82t Nam\n";  // "Việt" with combining marks
  TextMerge exact = merge_text(kBase, kBase + nfd, kBase);
  CHECK(exact.clean);
  CHECK(exact.text == kBase + nfd);
  TextMerge from_empty = merge_text("", "", "Xã Tân Lập\n");
  CHECK(from_empty.clean);
  CHECK(from_empty.text == "Xã Tân Lập\n");
}

TEST_CASE("conflict rule", "[sync][conflict]") {
  ConflictInput in;
  in.kind = FieldKind::value;
  in.device = "A";
  in.incoming = 12;
  in.base = 5;
  in.base_value = 10;
  in.current = 10;

  SECTION("nothing written since the base: apply") {
    Decision d = decide(in);
    CHECK(d.outcome == Outcome::apply);
    CHECK(d.value_to_store_as_current == 12);
  }
  SECTION("same device's sequential edits are not a conflict (base not yet refreshed)") {
    in.writes_after_base = {{6, "A", 11}, {9, "A", 13}};
    in.current = 13;
    Decision d = decide(in);
    CHECK(d.outcome == Outcome::apply);
    CHECK(d.value_to_store_as_current == 12);
  }
  SECTION("another device wrote after the base: conflict, current stays") {
    in.writes_after_base = {{6, "B", 20}};
    in.current = 20;
    Decision d = decide(in);
    CHECK(d.outcome == Outcome::conflict);
    CHECK(d.value_to_store_as_current == 20);
    CHECK(std::string(outcome_name(d.outcome)) == "conflict");
  }
  SECTION("another device's write at or before the base is not concurrent") {
    in.writes_after_base = {{5, "B", 10}, {3, "B", 9}};
    CHECK(decide(in).outcome == Outcome::apply);
  }
  SECTION("both devices typed the same value: apply, no conflict") {
    in.writes_after_base = {{6, "B", 12}};
    in.current = 12;
    Decision d = decide(in);
    CHECK(d.outcome == Outcome::apply);
    CHECK(d.value_to_store_as_current == 12);
  }
  SECTION("assessments and rows are not merged") {
    in.kind = FieldKind::assessment;
    in.incoming = "dat";
    in.current = "khong_dat";
    in.writes_after_base = {{6, "B", "khong_dat"}};
    CHECK(decide(in).outcome == Outcome::conflict);
    in.kind = FieldKind::row;
    in.incoming = json{{"so", 1}};
    in.current = json{{"so", 2}};
    CHECK(decide(in).outcome == Outcome::conflict);
  }
  SECTION("concurrent narrative text: clean merge is applied") {
    in.kind = FieldKind::text;
    in.base_value = kBase;
    in.current = replace_line(kBase, 1, "1. Đã rà soát 45 thủ tục.");
    in.incoming = replace_line(kBase, 5, "5. Tồn tại: thiếu kinh phí.");
    in.writes_after_base = {{6, "B", in.current}};
    Decision d = decide(in);
    CHECK(d.outcome == Outcome::merge_applied);
    CHECK(d.value_to_store_as_current ==
          replace_line(in.current.get<std::string>(), 5, "5. Tồn tại: thiếu kinh phí."));
  }
  SECTION("concurrent narrative text: overlapping edits conflict, current stays") {
    in.kind = FieldKind::text;
    in.base_value = kBase;
    in.current = replace_line(kBase, 2, "2. Một cửa: 100% thủ tục.");
    in.incoming = replace_line(kBase, 2, "2. Một cửa liên thông: 95%.");
    in.writes_after_base = {{6, "B", in.current}};
    Decision d = decide(in);
    CHECK(d.outcome == Outcome::conflict);
    CHECK(d.value_to_store_as_current == in.current);
  }
  SECTION("text cleared by one side while the other edited: conflict") {
    in.kind = FieldKind::text;
    in.base_value = kBase;
    in.current = nullptr;
    in.incoming = replace_line(kBase, 3, "3. Bộ máy: giảm 2 phòng.");
    in.writes_after_base = {{6, "B", nullptr}};
    CHECK(decide(in).outcome == Outcome::conflict);
  }
  SECTION("first write of a text by two devices (base 0): both added text, conflict") {
    in.kind = FieldKind::text;
    in.base = 0;
    in.base_value = nullptr;
    in.current = "Báo cáo của xã.\n";
    in.incoming = "Báo cáo của huyện.\n";
    in.writes_after_base = {{2, "B", in.current}};
    CHECK(decide(in).outcome == Outcome::conflict);
  }
}
