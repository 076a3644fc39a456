#include "cli_fixture.hpp"

#include <sqlite3.h>

#include <stdexcept>

namespace tongket::test {

namespace {

std::string dump_rows(sqlite3* db, const char* sql) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK)
    throw std::runtime_error(std::string("snapshot: ") + sqlite3_errmsg(db));
  std::string out;
  while (sqlite3_step(st) == SQLITE_ROW) {
    for (int c = 0; c < sqlite3_column_count(st); ++c) {
      auto* text = sqlite3_column_text(st, c);
      out += text ? reinterpret_cast<const char*>(text) : "NULL";
      out += '|';
    }
    out += '\n';
  }
  sqlite3_finalize(st);
  return out;
}

}  // namespace

CliFixture::CliFixture() = default;

ProcessResult CliFixture::tongket(std::vector<std::string> args, const std::string& stdin_text) {
  std::vector<std::string> argv = {TONGKET_CLIENT_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("--store");
  argv.push_back(store().string());
  ProcessOptions options;
  options.stdin_text = stdin_text;
  options.cwd = dir();
  options.env["COLUMNS"] = columns;
  options.env["TONGKET_DATA"] = std::string(TONGKET_SOURCE_DIR) + "/data";
  // The CLI's language follows the locale: English unless a test asks for Vietnamese.
  options.env["LANG"] = lang;
  options.unset_env = {"TONGKET_STORE", "LC_ALL", "LC_MESSAGES"};
  return run(argv, options);
}

void CliFixture::init(const std::string& unit) {
  auto r = tongket({"init", "--unit", unit, "--author", "Tester"});
  if (r.exit_code != 0) throw std::runtime_error("init failed: " + r.err);
}

std::string CliFixture::snapshot() const {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(store().c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    throw std::runtime_error("snapshot: cannot open " + store().string());
  }
  std::string out = dump_rows(db, "SELECT * FROM field ORDER BY unit, key");
  out += "--\n" + dump_rows(db, "SELECT * FROM outbox ORDER BY op_id");
  sqlite3_close(db);
  return out;
}

std::size_t CliFixture::outbox_count() const {
  sqlite3* db = nullptr;
  sqlite3_open_v2(store().c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  std::string rows = dump_rows(db, "SELECT count(*) FROM outbox");
  sqlite3_close(db);
  return std::stoul(rows);
}

}  // namespace tongket::test
