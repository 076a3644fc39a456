// Wire messages of /v1/enroll, /v1/push and /v1/pull, their encoders and strict decoders.
// Every decoder validates types and sizes and throws Error(protocol, "<message>: <path>: ...").
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "tongket/sync/bytes.hpp"
#include "tongket/sync/changeset.hpp"

namespace tongket::sync {

inline constexpr const char* kPathEnroll = "/v1/enroll";
inline constexpr const char* kPathPush = "/v1/push";
inline constexpr const char* kPathPull = "/v1/pull";

inline constexpr std::size_t kMaxBatchChangeSets = 64;
inline constexpr std::size_t kMaxBatchBytes = 1024 * 1024;      // sum of cs + sig bytes
inline constexpr std::size_t kMaxPullLimit = 5000;              // events per page
inline constexpr std::size_t kGzipThreshold = 1024;             // bodies over this are gzipped
inline constexpr std::size_t kMaxBodyBytes = 16 * 1024 * 1024;  // any body, decompressed

// ---- bodies: gzip when over kGzipThreshold ----
struct Body {
  Bytes bytes;
  bool gzipped = false;  // send "Content-Encoding: gzip"
};
Body make_body(Bytes plain);
// content_encoding: the header's value ("" or "identity" or "gzip"); others -> Error(protocol).
Bytes open_body(std::string_view content_encoding, std::span<const std::uint8_t> body,
                std::size_t max_output = kMaxBodyBytes);

// ---- errors: {"error": {"code", "message", "expected_seq"?, "last_counter"?}} ----
// Codes: malformed, unauthorized, bad_signature, stale_counter, revoked, forbidden, gap, fork,
// cursor_reset, too_large, length_required, request_timeout, not_found, method_not_allowed,
// unavailable, internal.
struct WireError {
  std::string code;
  std::string message;
  std::optional<std::uint64_t> expected_seq;  // gap
  std::optional<std::uint64_t> last_counter;  // stale_counter
  bool operator==(const WireError&) const = default;
};
int http_status(std::string_view code);  // the HTTP status that goes with an error code
nlohmann::json to_json(const WireError& e);
WireError wire_error_from_json(const nlohmann::json& j, const std::string& where);
Bytes encode_error(const WireError& e);  // JSON body
WireError decode_error(std::span<const std::uint8_t> body);

// ---- pull ----
struct Cursor {
  std::uint64_t seq = 0;
  Hash hash{};  // the server log's running hash at seq; zeros at seq 0
  bool operator==(const Cursor&) const = default;
};

inline constexpr std::uint32_t kDefaultPullLimit = 1000;

struct PullRequest {
  std::string server_id;  // empty = not known yet (first pull); not checked in a push's pull
  Cursor cursor;
  std::uint32_t limit = kDefaultPullLimit;
  // A push's pull only (protocol 1.4): leave the value events this push wrote out of the page,
  // listed in PullPage::own instead (the client has them in its outbox). Not sent when false.
  bool skip_own = false;
  bool operator==(const PullRequest&) const = default;
};
Bytes encode_pull_request(const PullRequest& r);  // JSON; hash as hex
PullRequest decode_pull_request(std::span<const std::uint8_t> json);

// One server log entry as a device sees it. Kinds: "value" (an accepted write; current or the
// merged text), "conflict" (incoming value kept aside; extra = conflict details), "resolved"
// (extra = {"conflict": id}). Unknown kinds must be skipped by clients.
struct PullEvent {
  std::string kind;
  std::uint64_t seq = 0;  // server log seq
  std::string unit;
  std::string field;
  nlohmann::json value;
  std::uint64_t version = 0;
  std::string device;
  std::string author;
  std::uint64_t hlc = 0;
  nlohmann::json extra;  // null when absent
  bool operator==(const PullEvent&) const = default;
};
// Canonical bytes of one event (CBOR map, keys k seq u f v ver dev a t [x]): the bytes the
// running hash covers.
Bytes encode_event(const PullEvent& e);
// The definition above, by building the JSON map: for tests of encode_event.
Bytes encode_event_reference(const PullEvent& e);
// hash_n = sha256(hash_{n-1} || encode_event(event_n)), hash_0 = 32 zero bytes.
Hash next_log_hash(const Hash& prev, std::span<const std::uint8_t> event_bytes);

// One of the requesting device's own "value" events (kind value, no extra: written exactly as
// the operation said) that a push reply's page leaves out (protocol 1.4): the event's seq and the
// operation's id. The client rebuilds the event from its outbox: unit, field, value, HLC and
// author of that operation, version = seq, device = itself.
struct OwnEvent {
  std::uint64_t seq = 0;
  std::uint64_t op = 0;
  bool operator==(const OwnEvent&) const = default;
};

struct PullPage {
  std::string server_id;
  std::vector<PullEvent> events;
  Cursor cursor;  // the cursor to save after applying the events
  bool more = false;
  // Only in a push reply to a pull with skip_own: the events left out of `events`, ascending
  // seq. On the wire "own": [[seq, op], [seq delta, op delta], ...] (the first absolute).
  std::vector<OwnEvent> own{};
  bool operator==(const PullPage&) const = default;
};
Bytes encode_pull_page(const PullPage& p);  // CBOR (not gzipped)
PullPage decode_pull_page(std::span<const std::uint8_t> cbor);

// ---- push ----
Bytes encode_push_request(const std::vector<SignedChangeSet>& batch);  // CBOR (not gzipped)
std::vector<SignedChangeSet> decode_push_request(std::span<const std::uint8_t> cbor);

enum class PushStatus { applied, duplicate, refused };
const char* push_status_name(PushStatus s);

// One operation the server refused while it judged the others of its change set on their own
// (protocol 1.2): the operation's id and why.
struct OpRefusal {
  std::uint64_t op = 0;
  std::string reason;
  bool operator==(const OpRefusal&) const = default;
};

struct PushResult {
  std::uint64_t seq = 0;
  PushStatus status = PushStatus::applied;  // refused = no operation applied
  std::string reason;                       // refused: why (a user can act on it)
  std::vector<std::uint64_t> conflicts;     // conflict ids opened by this change set
  std::uint64_t server_seq = 0;             // server log seq after this change set
  // Operations refused one by one ("refused_ops"); the others were applied. Empty from a
  // server before 1.2 (a refused change set then refused all its operations with `reason`).
  std::vector<OpRefusal> refused_ops;
  bool operator==(const PushResult&) const = default;
};
// One result as a JSON object, as in the push reply (and as the stores keep it).
nlohmann::json to_json(const PushResult& r);
PushResult push_result_from_json(const nlohmann::json& j, const std::string& where);

// A push that also pulls (protocol 1.1): the batch, and the pull the server answers after
// applying it, so that an edit and its echo are one request. An older server ignores "pull".
struct PushRequest {
  std::vector<SignedChangeSet> batch;
  std::optional<PullRequest> pull;
  bool operator==(const PushRequest&) const = default;
};
Bytes encode_push_pull_request(const PushRequest& r);  // CBOR (not gzipped); cursor hash bstr
PushRequest decode_push_pull_request(std::span<const std::uint8_t> cbor);

struct PushReply {
  std::vector<PushResult> results;
  std::optional<WireError> error;  // a failure in checks 1-4 that ended the batch
  // The page after the batch, when the request asked for one and its cursor is valid; absent
  // otherwise (the client then pulls as usual, and meets a cursor_reset there). Its server_id
  // is empty (left out on the wire) unless the request's cursor was at seq 0.
  std::optional<PullPage> page;
  bool operator==(const PushReply&) const = default;
};
// JSON without a page (as protocol 1.0); CBOR with one. decode_push_reply reads both.
Bytes encode_push_reply(const PushReply& r);
PushReply decode_push_reply(std::span<const std::uint8_t> body);

// ---- enroll (unsigned; the token authenticates) ----
struct EnrollRequest {
  std::string token;
  Bytes public_key;   // raw 32 bytes; base64 on the wire
  std::string label;  // e.g. host name, for the admin's device list
  // The unit the enrolling store reports for (since 1.2): a token for another unit is refused
  // before it is spent. Empty = not checked (a client before 1.2).
  std::string unit;
  bool operator==(const EnrollRequest&) const = default;
};
struct EnrollReply {
  std::string device_id;
  std::string unit;
  std::string role;  // clerk, district_reviewer, province_reviewer, admin
  std::string server_id;
  bool operator==(const EnrollReply&) const = default;
};
Bytes encode_enroll_request(const EnrollRequest& r);
EnrollRequest decode_enroll_request(std::span<const std::uint8_t> json);
Bytes encode_enroll_reply(const EnrollReply& r);
EnrollReply decode_enroll_reply(std::span<const std::uint8_t> json);

}  // namespace tongket::sync
