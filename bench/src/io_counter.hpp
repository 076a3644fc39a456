// What SQLite writes, counted at its VFS: bytes written to WAL files and to database files,
// and syncs, for every connection in this process (the server store's and the baseline's).
// The counting VFS forwards every call to the default one and becomes the default itself, so
// neither side opens its files differently; reading the counters around a call attributes
// the bytes to it (the bench is single-threaded while it measures).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tongket::bench {

struct IoCounts {
  std::uint64_t wal_bytes = 0;  // WAL frames (headers included) written
  std::uint64_t db_bytes = 0;   // pages written to database files (checkpoints)
  std::uint64_t syncs = 0;      // xSync calls on any file
};

IoCounts operator-(const IoCounts& a, const IoCounts& b);
IoCounts& operator+=(IoCounts& a, const IoCounts& b);

// Installs the counting VFS as SQLite's default (once; later calls do nothing). Must run
// before the connections to be counted are opened.
void install_io_counter();
// Totals since install_io_counter().
IoCounts io_counts();

// A database's size as SQLite sees it (page_count x page_size, WAL content included), read
// through a read-only connection of its own.
std::uint64_t database_bytes(const std::filesystem::path& file);

// Bytes per table or index (the dbstat virtual table), largest first.
struct ObjectBytes {
  std::string name;
  std::uint64_t bytes = 0;
};
std::vector<ObjectBytes> database_objects(const std::filesystem::path& file);

}  // namespace tongket::bench
