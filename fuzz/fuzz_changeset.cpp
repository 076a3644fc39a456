// Change set decoder on arbitrary bytes: it must either throw tongket::Error or return a change
// set that encodes and decodes back to itself.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "tongket/error.hpp"
#include "tongket/sync/changeset.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tongket::sync;
  ChangeSet cs;
  try {
    cs = decode(std::span(data, size));
  } catch (const tongket::Error&) {
    return 0;  // rejected, as arbitrary bytes should mostly be
  }
  // What decode accepts, encode must accept too (a device re-encodes what it pulled).
  const Bytes again = encode(cs);
  if (decode(again) != cs) {
    std::fprintf(stderr, "fuzz_changeset: encode(decode(x)) decodes to a different change set\n");
    std::abort();
  }
  return 0;
}
