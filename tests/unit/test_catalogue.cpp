// The one message catalogue as a whole (client/src/core/messages.inc), and the mapping of the
// server's and libcurl's English to catalogue sentences (tongket/server_messages.hpp).
#include <catch2/catch.hpp>
#include <regex>
#include <set>
#include <string>

#include "tongket/document_fields.hpp"
#include "tongket/error.hpp"
#include "tongket/messages.hpp"
#include "tongket/server_messages.hpp"

using namespace tongket;
using namespace tongket::client;
using Catch::Contains;
using Catch::StartsWith;

namespace {

// Entries whose Vietnamese is, on purpose, the English (codes, file formats). None today:
// add an id here with the reason beside it.
// Entries made only of placeholders and punctuation (a table row): the same in both languages.
const std::set<std::string_view> kSameInBothLanguages = {"cli.contributions.entry"};

std::set<std::string> placeholders(std::string_view text) {
  static const std::regex re(R"(\{[0-9]\})");
  std::set<std::string> out;
  const std::string s(text);
  for (auto it = std::sregex_iterator(s.begin(), s.end(), re); it != std::sregex_iterator(); ++it)
    out.insert(it->str());
  return out;
}

}  // namespace

TEST_CASE("every catalogue entry has its own Vietnamese text with the English placeholders",
          "[messages]") {
  const auto entries = catalogue_entries();
  REQUIRE(entries.size() > 200);
  std::string_view previous;
  for (const auto& e : entries) {
    INFO("id " << e.id);
    CHECK(e.id > previous);  // sorted and unique (messages.cpp looks ids up by bisection)
    previous = e.id;
    CHECK_FALSE(e.en.empty());
    CHECK_FALSE(e.vi.empty());
    if (!kSameInBothLanguages.count(e.id)) CHECK(e.vi != e.en);
    CHECK(placeholders(e.en) == placeholders(e.vi));
  }
}

TEST_CASE("libcurl's failures become a sentence naming the server, with the detail after it",
          "[messages][server]") {
  const std::string url = "https://tongket.example.vn:8443";
  auto vi = [&](Errc code, const std::string& what) {
    return explain_sync_error(Language::vi, Error(code, what), url);
  };
  const std::string refused = "no answer from " + url +
                              ": Failed to connect to 127.0.0.1 port 1 after 0 ms: Couldn't "
                              "connect to server";
  CHECK_THAT(vi(Errc::network, refused),
             StartsWith("Không kết nối được máy chủ " + url + ": hãy kiểm tra mạng") &&
                 Contains("(chi tiết: " + refused + ")"));
  CHECK_THAT(vi(Errc::network, "no answer from x: Could not resolve host: tongket.example.vn"),
             StartsWith("Không tìm thấy máy chủ"));
  CHECK_THAT(vi(Errc::network, "no answer from x: Connection timed out after 10001 milliseconds"),
             StartsWith("Máy chủ " + url + " không trả lời kịp"));
  CHECK_THAT(vi(Errc::network, "no answer from x: Recv failure: Connection reset by peer"),
             StartsWith("Kết nối tới máy chủ " + url + " bị ngắt giữa chừng"));
  CHECK_THAT(vi(Errc::tls,
                "cannot verify the server x: SSL certificate problem: unable to get "
                "local issuer certificate (is the CA file ...)"),
             StartsWith("Không xác minh được chứng chỉ của máy chủ " + url));
  // The English form keeps the old text as its detail (scripts grep for it).
  CHECK_THAT(explain_sync_error(Language::en, Error(Errc::network, refused), url),
             StartsWith("cannot connect to the server") && Contains(refused));
}

TEST_CASE("the wire's error codes and the enrolment refusals map to their own sentences",
          "[messages][server]") {
  const std::string url = "https://s";
  auto vi = [&](Errc code, const std::string& what) {
    return explain_sync_error(Language::vi, Error(code, what), url);
  };
  CHECK_THAT(vi(Errc::unauthorized, "push: revoked: device d1 was revoked"),
             StartsWith("Quản trị viên đã thu hồi quyền đồng bộ"));
  CHECK_THAT(vi(Errc::unauthorized, "push: bad_signature: the signature does not verify"),
             StartsWith("Máy chủ không nhận ra máy này"));
  CHECK_THAT(vi(Errc::forbidden, "pull: forbidden: out of scope"),
             StartsWith("Máy chủ không cho phép máy này"));
  CHECK_THAT(vi(Errc::unavailable, "push: rate_limited: slow down"),
             StartsWith("Máy chủ đang nhận quá nhiều yêu cầu"));
  CHECK_THAT(vi(Errc::unavailable, "push: unavailable: shutting down"),
             StartsWith("Máy chủ đang bận"));
  CHECK_THAT(vi(Errc::protocol, "push: fork: another history (the server holds ...)"),
             StartsWith("Máy chủ giữ lịch sử khác"));
  // The core's own sentences (already from the catalogue) pass unchanged.
  CHECK(vi(Errc::store_corrupt, "Tệp dữ liệu hỏng") == "Tệp dữ liệu hỏng");

  CHECK_THAT(
      explain_enroll_refusal(Language::vi, "unauthorized",
                             "unknown enrollment token: ask the administrator for a new one"),
      StartsWith("Máy chủ không nhận mã đăng ký này") &&
          Contains("(chi tiết: unknown enrollment token"));
  CHECK_THAT(explain_enroll_refusal(Language::vi, "unauthorized",
                                    "the enrollment token has expired: ask ..."),
             StartsWith("Mã đăng ký đã hết hạn"));
  CHECK_THAT(explain_enroll_refusal(Language::vi, "unauthorized",
                                    "the enrollment token was already used: a token ..."),
             StartsWith("Mã đăng ký này đã được dùng"));
  CHECK_THAT(explain_enroll_refusal(Language::vi, "rate_limited", "too many failed enrollments"),
             StartsWith("Đã nhập sai mã đăng ký quá nhiều lần"));
  CHECK_THAT(explain_enroll_refusal(Language::vi, "malformed", "enroll: public_key ..."),
             StartsWith("Máy chủ từ chối đăng ký (malformed)"));
}

TEST_CASE("a refused edit's reason becomes a sentence the clerk can act on", "[messages][server]") {
  const std::string locked =
      "operation 1 (v:PL3.6.c:2020 of unit 25489): locked: the report of 25489 was submitted; "
      "ask 705 to return it before editing";
  CHECK_THAT(explain_refusal(Language::vi, locked),
             StartsWith("Máy chủ không nhận thay đổi: báo cáo của 25489 ở trạng thái \"đã gửi\" "
                        "nên đang khóa") &&
                 Contains("(chi tiết: " + locked + ")"));
  CHECK_THAT(explain_refusal(Language::vi,
                             "operation 1 (v:PL1.4:2016 of unit 25492): locked: the report of "
                             "72 was finalised by P on 2026-01-01; it can no longer be edited"),
             Contains("\"hoàn tất\", không thể sửa nữa"));
  CHECK_THAT(explain_refusal(Language::vi,
                             "operation 2 (v:PL1.4:2016 of unit 25492): a clerk of "
                             "25489 may not write unit 25492"),
             StartsWith("Máy chủ không nhận thay đổi: máy này không được sửa số liệu"));
  CHECK_THAT(explain_refusal(Language::vi, "operation 1 (x of unit 25489): not a field key"),
             Contains("không khớp mẫu báo cáo"));
  CHECK_THAT(explain_refusal(Language::vi,
                             "operation 1 (w:report of unit 25489): the figures you submitted "
                             "differ from the server's: sync, check, submit again"),
             StartsWith("Máy chủ không nhận báo cáo: số liệu đã gửi khác"));
  CHECK_THAT(explain_refusal(Language::vi, "operation 1 (x of unit 1): locked: "),
             StartsWith("Máy chủ không nhận thay đổi này (chi tiết:"));  // a short text
  CHECK_THAT(explain_refusal(Language::vi, "something new"),
             StartsWith("Máy chủ không nhận thay đổi này (chi tiết: something new)"));
}

TEST_CASE("the sync session's progress lines in Vietnamese, English unchanged",
          "[messages][server]") {
  const std::string pulled = "pulled page 2 (37 events, up to seq 120)";
  CHECK(explain_progress(Language::vi, pulled) == "Đã nhận trang 2 (37 thay đổi)");
  CHECK(explain_progress(Language::en, pulled) == pulled);
  CHECK(explain_progress(Language::vi, "pushing 3 change set(s) from seq 9") ==
        "Đang gửi 3 gói thay đổi");
  CHECK_THAT(explain_progress(Language::vi,
                              "the server lost change sets from seq 4 (restored "
                              "from a backup?): sending them again"),
             StartsWith("Máy chủ thiếu các gói thay đổi từ số 4"));
  CHECK_THAT(explain_progress(Language::vi,
                              "the server's history changed (restored or "
                              "replaced): pulling again from the start"),
             StartsWith("Dữ liệu trên máy chủ đã thay đổi"));
}

TEST_CASE("every field of the document frame has its label in the catalogue", "[messages]") {
  for (const auto& f : kDocumentFields) {
    const std::string id = "document.field." + std::string(f.name);
    INFO(id);
    CHECK(has_message(id));
  }
  CHECK(message(Language::vi, "document.field.noi_nhan") == "Nơi nhận (mỗi nơi một dòng)");
}
