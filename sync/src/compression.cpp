#include "tongket/sync/compression.hpp"

#include <zlib.h>

#include <string>

#include "tongket/error.hpp"

namespace tongket::sync {

namespace {
constexpr int kGzipWindowBits = 15 + 16;  // 32 KiB window, gzip header and trailer
constexpr std::size_t kChunk = 64 * 1024;
}  // namespace

Bytes gzip(std::span<const std::uint8_t> data, int level) {
  z_stream zs{};
  if (deflateInit2(&zs, level, Z_DEFLATED, kGzipWindowBits, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw Error(Errc::internal, "zlib deflateInit2 failed");
  Bytes out(deflateBound(&zs, static_cast<uLong>(data.size())) + 32);
  zs.next_in = const_cast<Bytef*>(data.data());  // zlib's API is not const-correct
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = out.data();
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  std::size_t produced = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw Error(Errc::internal, "zlib deflate failed");
  out.resize(produced);
  return out;
}

Bytes gunzip(std::span<const std::uint8_t> data, std::size_t max_output) {
  z_stream zs{};
  if (inflateInit2(&zs, kGzipWindowBits) != Z_OK)
    throw Error(Errc::internal, "zlib inflateInit2 failed");
  zs.next_in = const_cast<Bytef*>(data.data());
  zs.avail_in = static_cast<uInt>(data.size());
  Bytes out;
  std::uint8_t chunk[kChunk];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = chunk;
    zs.avail_out = sizeof chunk;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      throw Error(Errc::protocol, std::string("gzip body is corrupt or truncated (") +
                                      (zs.msg ? zs.msg : "zlib error " + std::to_string(rc)) + ")");
    }
    std::size_t got = sizeof chunk - zs.avail_out;
    if (out.size() + got > max_output) {
      inflateEnd(&zs);
      throw Error(Errc::too_large,
                  "gzip body expands beyond the limit of " + std::to_string(max_output) + " bytes");
    }
    out.insert(out.end(), chunk, chunk + got);
    if (rc == Z_OK && got == 0 && zs.avail_in == 0) {
      inflateEnd(&zs);
      throw Error(Errc::protocol, "gzip body is truncated");
    }
  }
  bool trailing = zs.avail_in != 0;
  inflateEnd(&zs);
  if (trailing) throw Error(Errc::protocol, "gzip body has trailing bytes");
  return out;
}

}  // namespace tongket::sync
