// The wire decoders of /v1/enroll, /v1/push and /v1/pull (and gzip bodies) on arbitrary bytes,
// the first byte choosing which. Each must throw tongket::Error or return a message that
// encodes and decodes back to itself.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "tongket/error.hpp"
#include "tongket/sync/messages.hpp"

namespace {

using namespace tongket::sync;

template <typename Decode, typename Encode>
void round_trip(std::span<const std::uint8_t> in, Decode decode_fn, Encode encode_fn,
                const char* what) {
  decltype(decode_fn(in)) message;
  try {
    message = decode_fn(in);
  } catch (const tongket::Error&) {
    return;
  }
  if (decode_fn(encode_fn(message)) != message) {
    std::fprintf(stderr, "fuzz_messages: %s: encode(decode(x)) decodes to a different message\n",
                 what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::span<const std::uint8_t> in(data + 1, size - 1);
  switch (data[0] % 8) {
    case 0:
      round_trip(in, decode_push_request, encode_push_request, "push request");
      break;
    case 1:
      round_trip(in, decode_push_reply, encode_push_reply, "push reply");
      break;
    case 2:
      round_trip(in, decode_pull_request, encode_pull_request, "pull request");
      break;
    case 3:
      round_trip(in, decode_pull_page, encode_pull_page, "pull page");
      break;
    case 4:
      round_trip(in, decode_enroll_request, encode_enroll_request, "enroll request");
      break;
    case 5:
      round_trip(in, decode_enroll_reply, encode_enroll_reply, "enroll reply");
      break;
    case 6:
      round_trip(in, decode_error, encode_error, "error");
      break;
    default:
      // A small limit so that a zip bomb is found cheaply; the limit must hold exactly.
      try {
        constexpr std::size_t kLimit = 64 * 1024;
        if (open_body("gzip", in, kLimit).size() > kLimit) {
          std::fprintf(stderr, "fuzz_messages: open_body went over its max_output\n");
          std::abort();
        }
      } catch (const tongket::Error&) {
      }
      break;
  }
  return 0;
}
