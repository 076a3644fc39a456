#include "io_counter.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <stdexcept>

namespace tongket::bench {

namespace {

std::atomic<std::uint64_t> g_wal{0}, g_db{0}, g_syncs{0};

enum class Kind { wal, db, other };

// The file as SQLite sees it through this VFS: our header, then the real VFS's file.
struct CountingFile {
  sqlite3_file base;
  Kind kind;
  sqlite3_file* real;
};

sqlite3_file* real(sqlite3_file* f) {
  return reinterpret_cast<CountingFile*>(f)->real;
}

int x_close(sqlite3_file* f) {
  return real(f)->pMethods->xClose(real(f));
}
int x_read(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  return real(f)->pMethods->xRead(real(f), buf, n, off);
}
int x_write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  const int rc = real(f)->pMethods->xWrite(real(f), buf, n, off);
  if (rc == SQLITE_OK) {
    const Kind k = reinterpret_cast<CountingFile*>(f)->kind;
    if (k == Kind::wal) g_wal.fetch_add(static_cast<std::uint64_t>(n), std::memory_order_relaxed);
    if (k == Kind::db) g_db.fetch_add(static_cast<std::uint64_t>(n), std::memory_order_relaxed);
  }
  return rc;
}
int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
  return real(f)->pMethods->xTruncate(real(f), size);
}
int x_sync(sqlite3_file* f, int flags) {
  g_syncs.fetch_add(1, std::memory_order_relaxed);
  return real(f)->pMethods->xSync(real(f), flags);
}
int x_file_size(sqlite3_file* f, sqlite3_int64* size) {
  return real(f)->pMethods->xFileSize(real(f), size);
}
int x_lock(sqlite3_file* f, int lock) {
  return real(f)->pMethods->xLock(real(f), lock);
}
int x_unlock(sqlite3_file* f, int lock) {
  return real(f)->pMethods->xUnlock(real(f), lock);
}
int x_check_reserved(sqlite3_file* f, int* out) {
  return real(f)->pMethods->xCheckReservedLock(real(f), out);
}
int x_file_control(sqlite3_file* f, int op, void* arg) {
  return real(f)->pMethods->xFileControl(real(f), op, arg);
}
int x_sector_size(sqlite3_file* f) {
  return real(f)->pMethods->xSectorSize(real(f));
}
int x_device_characteristics(sqlite3_file* f) {
  return real(f)->pMethods->xDeviceCharacteristics(real(f));
}
int x_shm_map(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  return real(f)->pMethods->xShmMap(real(f), region, size, extend, out);
}
int x_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  return real(f)->pMethods->xShmLock(real(f), offset, n, flags);
}
void x_shm_barrier(sqlite3_file* f) {
  real(f)->pMethods->xShmBarrier(real(f));
}
int x_shm_unmap(sqlite3_file* f, int del) {
  return real(f)->pMethods->xShmUnmap(real(f), del);
}
int x_fetch(sqlite3_file* f, sqlite3_int64 off, int n, void** out) {
  return real(f)->pMethods->xFetch(real(f), off, n, out);
}
int x_unfetch(sqlite3_file* f, sqlite3_int64 off, void* p) {
  return real(f)->pMethods->xUnfetch(real(f), off, p);
}

// One table per io_methods version, so a method the real file lacks is never called.
sqlite3_io_methods methods(int version) {
  return {version,
          x_close,
          x_read,
          x_write,
          x_truncate,
          x_sync,
          x_file_size,
          x_lock,
          x_unlock,
          x_check_reserved,
          x_file_control,
          x_sector_size,
          x_device_characteristics,
          x_shm_map,
          x_shm_lock,
          x_shm_barrier,
          x_shm_unmap,
          x_fetch,
          x_unfetch};
}
const sqlite3_io_methods kMethods[3] = {methods(1), methods(2), methods(3)};

sqlite3_vfs* root() {
  static sqlite3_vfs* r = sqlite3_vfs_find(nullptr);
  return r;
}

int x_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  auto* f = reinterpret_cast<CountingFile*>(file);
  f->base.pMethods = nullptr;
  f->kind = (flags & SQLITE_OPEN_WAL)       ? Kind::wal
            : (flags & SQLITE_OPEN_MAIN_DB) ? Kind::db
                                            : Kind::other;
  f->real = reinterpret_cast<sqlite3_file*>(f + 1);
  const int rc = root()->xOpen(root(), name, f->real, flags, out_flags);
  if (f->real->pMethods) {
    const int v = std::min(std::max(f->real->pMethods->iVersion, 1), 3);
    f->base.pMethods = &kMethods[v - 1];
  }
  return rc;
}
int x_delete(sqlite3_vfs*, const char* name, int sync_dir) {
  return root()->xDelete(root(), name, sync_dir);
}
int x_access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return root()->xAccess(root(), name, flags, out);
}
int x_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return root()->xFullPathname(root(), name, n, out);
}
void* x_dl_open(sqlite3_vfs*, const char* name) {
  return root()->xDlOpen(root(), name);
}
void x_dl_error(sqlite3_vfs*, int n, char* out) {
  root()->xDlError(root(), n, out);
}
void (*x_dl_sym(sqlite3_vfs*, void* h, const char* sym))(void) {
  return root()->xDlSym(root(), h, sym);
}
void x_dl_close(sqlite3_vfs*, void* h) {
  root()->xDlClose(root(), h);
}
int x_randomness(sqlite3_vfs*, int n, char* out) {
  return root()->xRandomness(root(), n, out);
}
int x_sleep(sqlite3_vfs*, int us) {
  return root()->xSleep(root(), us);
}
int x_current_time(sqlite3_vfs*, double* out) {
  return root()->xCurrentTime(root(), out);
}
int x_get_last_error(sqlite3_vfs*, int n, char* out) {
  return root()->xGetLastError(root(), n, out);
}
int x_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) {
  return root()->xCurrentTimeInt64(root(), out);
}

void check(sqlite3* db, int rc, const std::string& what) {
  if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) return;
  std::string msg = "io counter: " + what + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  throw std::runtime_error(msg);
}

struct Connection {
  sqlite3* db = nullptr;
  explicit Connection(const std::filesystem::path& file) {
    check(db, sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
          "open " + file.string());
  }
  ~Connection() { sqlite3_close_v2(db); }
  // Runs a query, calling row(stmt) per row.
  template <typename F>
  void each(const char* sql, F&& row) {
    sqlite3_stmt* s = nullptr;
    check(db, sqlite3_prepare_v2(db, sql, -1, &s, nullptr), sql);
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(s, sqlite3_finalize);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) row(s);
    check(db, rc, sql);
  }
};

}  // namespace

IoCounts operator-(const IoCounts& a, const IoCounts& b) {
  return {a.wal_bytes - b.wal_bytes, a.db_bytes - b.db_bytes, a.syncs - b.syncs};
}

IoCounts& operator+=(IoCounts& a, const IoCounts& b) {
  a.wal_bytes += b.wal_bytes;
  a.db_bytes += b.db_bytes;
  a.syncs += b.syncs;
  return a;
}

void install_io_counter() {
  static sqlite3_vfs vfs = [] {
    sqlite3_vfs* r = root();
    if (!r) throw std::runtime_error("io counter: SQLite has no default VFS");
    sqlite3_vfs v{};
    v.iVersion = 2;
    v.szOsFile = static_cast<int>(sizeof(CountingFile)) + r->szOsFile;
    v.mxPathname = r->mxPathname;
    v.zName = "tongket-bench-counting";
    v.xOpen = x_open;
    v.xDelete = x_delete;
    v.xAccess = x_access;
    v.xFullPathname = x_full_pathname;
    v.xDlOpen = x_dl_open;
    v.xDlError = x_dl_error;
    v.xDlSym = x_dl_sym;
    v.xDlClose = x_dl_close;
    v.xRandomness = x_randomness;
    v.xSleep = x_sleep;
    v.xCurrentTime = x_current_time;
    v.xGetLastError = x_get_last_error;
    v.xCurrentTimeInt64 = x_current_time_int64;
    return v;
  }();
  static const bool registered = [] {
    check(nullptr, sqlite3_vfs_register(&vfs, 1), "register the counting VFS");
    return true;
  }();
  (void)registered;
}

IoCounts io_counts() {
  return {g_wal.load(std::memory_order_relaxed), g_db.load(std::memory_order_relaxed),
          g_syncs.load(std::memory_order_relaxed)};
}

std::uint64_t database_bytes(const std::filesystem::path& file) {
  Connection c(file);
  std::uint64_t pages = 0, size = 0;
  c.each("PRAGMA page_count", [&](sqlite3_stmt* s) { pages = sqlite3_column_int64(s, 0); });
  c.each("PRAGMA page_size", [&](sqlite3_stmt* s) { size = sqlite3_column_int64(s, 0); });
  return pages * size;
}

std::vector<ObjectBytes> database_objects(const std::filesystem::path& file) {
  Connection c(file);
  std::vector<ObjectBytes> out;
  c.each("SELECT name, sum(pgsize) AS b FROM dbstat GROUP BY name ORDER BY b DESC",
         [&](sqlite3_stmt* s) {
           out.push_back({reinterpret_cast<const char*>(sqlite3_column_text(s, 0)),
                          static_cast<std::uint64_t>(sqlite3_column_int64(s, 1))});
         });
  return out;
}

}  // namespace tongket::bench
