// Writes valid inputs made by the real encoders into <corpus root>/<target>/ so that fuzzing
// starts from messages the code accepts. Usage: fuzz_make_corpus <corpus root>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tongket/sync/changeset.hpp"
#include "tongket/sync/compression.hpp"
#include "tongket/sync/crypto.hpp"
#include "tongket/sync/messages.hpp"

namespace {

using namespace tongket::sync;
namespace fs = std::filesystem;

fs::path root;

// prefix: the mode byte of fuzzers that choose by the first byte; -1 for none.
void write(const std::string& target, const std::string& name, const Bytes& bytes,
           int prefix = -1) {
  fs::create_directories(root / target);
  const fs::path file = root / target / ("gen-" + name);
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (prefix >= 0) out.put(static_cast<char>(prefix));
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    std::fprintf(stderr, "fuzz_make_corpus: cannot write %s\n", file.c_str());
    std::exit(1);
  }
}

Operation op(std::uint64_t id, std::string field, nlohmann::json value, std::uint64_t base = 0) {
  Operation o;
  o.id = id;
  o.field = std::move(field);
  o.value = std::move(value);
  o.base = base;
  o.hlc = (1'700'000'000'000ULL << 16) + id;
  return o;
}

std::vector<ChangeSet> change_sets() {
  ChangeSet one;
  one.device = "0123456789abcdef0123456789abcdef";
  one.unit = "25456";
  one.seq = 1;
  one.hlc = 1'700'000'000'000ULL << 16;
  one.author = "Nguyễn Văn A";
  one.ops = {op(1, "v:PL1.4:2016", 12)};

  ChangeSet many = one;
  many.seq = 2;
  many.prev = sha256(encode(one));
  many.ops = {op(2, "v:PL1.4:2017", 3, 7),
              op(3, "v:PL3.5.a.1:2020", 45.5),
              op(4, "t:KH.X.1.1", "Đã rà soát 12 thủ tục hành chính.\nKết quả: tốt."),
              op(5, "g:PL8.3", {{"result", "dat"}, {"note", ""}}),
              op(6, "r:PL4.III:row-1", {{"linh_vuc", "Giáo dục"}}),
              op(7, "v:PL1.4:2018", nullptr, 9)};

  ChangeSet anonymous = one;  // no author; ids far apart (the delta encoding)
  anonymous.seq = 3;
  anonymous.author.clear();
  anonymous.ops = {op(1000, "v:PL1.4:2019", 0), op(1'000'000'000'000, "v:PL1.4:2020", 1)};
  // Refused by the server (no such conflict, another commune), but well-formed.
  ChangeSet odd = one;
  odd.seq = 4;
  odd.ops = {op(1, "v:PL1.4:2016", 5, 3), op(2, "t:KH.X.1.1", "")};
  odd.ops[0].resolves = 42;
  odd.ops[1].unit = "25459";
  return {one, many, anonymous, odd};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_make_corpus <corpus root>\n");
    return 2;
  }
  root = argv[1];
  const auto key = SigningKey::generate();
  const auto sets = change_sets();

  std::vector<SignedChangeSet> batch;
  for (std::size_t i = 0; i < sets.size(); ++i) {
    const auto bytes = encode(sets[i]);
    write("fuzz_changeset", "cs" + std::to_string(i), bytes);
    write("fuzz_request", "cs" + std::to_string(i), bytes, 5);
    batch.push_back(sign_change_set(sets[i], key));
  }

  // fuzz_messages: the first byte picks the decoder (see fuzz_messages.cpp).
  const Bytes push = encode_push_request(batch);
  write("fuzz_messages", "push-request", push, 0);
  write("fuzz_messages", "push-request-empty", encode_push_request({}), 0);
  PushReply reply;
  reply.results = {{1, PushStatus::applied, "", {}, 10, {}},
                   {2, PushStatus::refused, "v:PL1.4:2017: a count cannot be negative", {}, 11, {}},
                   {3, PushStatus::duplicate, "", {11, 12}, 12, {}}};
  write("fuzz_messages", "push-reply", encode_push_reply(reply), 1);
  reply.error = WireError{"gap", "change set 5 came before 4", 4, {}};
  write("fuzz_messages", "push-reply-error", encode_push_reply(reply), 1);
  PullRequest pull{"fedcba9876543210fedcba9876543210", {12, sha256(push)}, 500};
  write("fuzz_messages", "pull-request", encode_pull_request(pull), 2);
  write("fuzz_messages", "pull-request-first", encode_pull_request({}), 2);
  PullPage page;
  page.server_id = pull.server_id;
  page.events = {
      {"value", 1, "25456", "v:PL1.4:2016", 12, 1, sets[0].device, "A", 5, nullptr},
      {"conflict",
       2,
       "25456",
       "t:KH.X.1.1",
       "văn bản",
       2,
       sets[0].device,
       "B",
       6,
       {{"current_version", 1}}},
      {"resolved", 3, "25456", "v:PL1.4:2016", 13, 3, sets[0].device, "C", 7, {{"conflict", 2}}}};
  page.cursor = {3, next_log_hash({}, encode_event(page.events[0]))};
  page.more = true;
  write("fuzz_messages", "pull-page", encode_pull_page(page), 3);
  const EnrollRequest enroll{"0123456789abcdef0123456789abcdef", key.public_key(), "laptop",
                             "25489"};
  write("fuzz_messages", "enroll-request", encode_enroll_request(enroll), 4);
  write("fuzz_messages", "enroll-reply",
        encode_enroll_reply({sets[0].device, "25456", "clerk", pull.server_id}), 5);
  write("fuzz_messages", "error",
        encode_error({"stale_counter", "counter 3 is not above the last accepted (5)", {}, 5}), 6);
  write("fuzz_messages", "gzip", gzip(encode_pull_page(page)), 7);

  // fuzz_request: the first byte picks the mode (see fuzz_request.cpp).
  write("fuzz_request", "enroll", encode_enroll_request(enroll), 0);
  write("fuzz_request", "push", push, 1);
  write("fuzz_request", "pull", encode_pull_request(pull), 2);
  write("fuzz_request", "pull-first", encode_pull_request({}), 2);
  write("fuzz_request", "pull-gzip", gzip(encode_pull_request({})), 3);
  write("fuzz_request", "push-gzipped", push, 4);
  write("fuzz_request", "auth-headers", Bytes{'1', '\n', 'A', 'A', 'A', 'A'}, 6);
  const std::string status = "/v1/status";
  write("fuzz_request", "status", Bytes(status.begin(), status.end()), 7);
  std::printf("fuzz_make_corpus: wrote seeds under %s\n", root.c_str());
  return 0;
}
