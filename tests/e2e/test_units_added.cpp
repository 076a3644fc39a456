// Issue 10, with real processes behind nginx: an administrator adds one of the province's other
// departments (`tongket-server units add`), it reaches the province's clients by sync, enrolls,
// writes its narrative parts (and no appendix figures), submits, and the province takes its
// narrative in. A deadline the administrator sets (`deadline set`) is the one every client
// (commune, district, province, department) shows after its next sync, before anyone
// submits. Bad input to `units add` exits 2 naming what was wrong and changes nothing.
#include <catch2/catch.hpp>

#include "process.hpp"
#include "round.hpp"
#include "server_process.hpp"
#include "tongket/server/pull_log.hpp"
#include "tongket/server/store_factory.hpp"

using namespace tongket;
using namespace tongket::test;
using Catch::Contains;

namespace {

constexpr const char* kTinh = "72";
constexpr const char* kHuyen = "705";
constexpr const char* kXa = "25489";  // Xã Tân Lập, Huyện Tân Biên
constexpr const char* kSyt = "72-SYT";
constexpr const char* kSytName = "Sở Y tế tỉnh Tây Ninh";

void require_ok(const ProcessResult& r) {
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
}

std::int64_t added_units(const SyncClient& c) {
  return c.count("SELECT count(*) FROM added_unit WHERE code = '72-SYT'");
}

}  // namespace

TEST_CASE("an added department enrolls, writes its narrative, and the province takes it in",
          "[e2e][units]") {
  Round round("tongket-units");
  SyncServer& server = round.server;
  auto& p = round.enrolled("tinh", kTinh, "Văn phòng UBND tỉnh", "province_reviewer");
  auto& h = round.enrolled("huyen", kHuyen, "Phòng Nội vụ huyện", "district_reviewer");
  p.sync_ok();
  h.sync_ok();

  require_ok(server.admin(
      {"units", "add", "--code", kSyt, "--name", kSytName, "--parent", kTinh, "--type", "Sở"}));
  auto listed = server.admin({"units", "list", "--parent", kTinh});
  require_ok(listed);
  CHECK_THAT(listed.out, Contains("72-SYT  Sở Y tế tỉnh Tây Ninh  department  (added"));

  // The new department's laptop: its store is made by the code before the unit reached it.
  auto& syt = round.enrolled("so-y-te", kSyt, "Cán bộ Sở Y tế", "clerk");
  syt.sync_ok();
  CHECK(syt.meta("unit_name") == kSytName);
  CHECK(added_units(syt) == 1);
  // It writes the narrative sections; the appendices stay the named departments'.
  auto parts = syt.run_ok({"parts"});
  CHECK_THAT(parts.out, Contains(kSytName) && Contains("P1.II.2.1.a"));
  auto figure = syt.run({"set", "PL1.4", "2016", "3"});
  CHECK(figure.exit_code != 0);
  CHECK_THAT(figure.err, Contains("72-SYT does not answer PL1.4"));
  const std::string narrative = "Sở Y tế: 100% thủ tục y tế được tiếp nhận qua một cửa.";
  syt.text("P1.II.2.1.d", narrative);
  auto submitted = syt.run_ok({"submit", "--override", "Sở Y tế báo cáo phần nội dung"});
  CHECK_THAT(submitted.out, Contains("2020-04-02"));  // the department level's deadline
  syt.sync_ok();

  // The province learns the unit by sync: it is in its hierarchy (completeness, the
  // contributions, accepting its report).
  p.sync_ok();
  CHECK(added_units(p) == 1);
  auto completeness = p.run_ok({"completeness"});
  CHECK_THAT(completeness.out, Contains("1 submitted"));
  CHECK_THAT(completeness.out, !Contains("72-SYT"));  // not missing: it submitted
  auto seen = p.run_ok({"contributions", "P1.II.2.1.d"});
  CHECK_THAT(seen.out, Contains(kSytName) && Contains(narrative) && Contains("chưa đưa vào"));
  p.run_ok({"review", "accept", "--unit", kSyt});
  p.run_ok({"take-in", "P1.II.2.1.d", "--from", kSyt});
  CHECK_THAT(p.run_ok({"contributions", "P1.II.2.1.d"}).out, Contains("đã đưa vào"));
  CHECK_THAT(p.run_ok({"text", "get", "P1.II.2.1.d"}).out, Contains(narrative));
  p.sync_ok();
  // The server holds the province's taken-in text and the department's accepted report.
  const auto held = server_values(server.data(), kTinh);
  auto text = held.find({kTinh, "t:P1.II.2.1.d"});
  REQUIRE(text != held.end());
  CHECK_THAT(text->second.get<std::string>(), Contains(narrative));
  CHECK(server_count(server.data(),
                     "SELECT count(*) FROM review WHERE unit = ?1 AND action = 'accept'",
                     kSyt) == 1);
  auto list = server.admin({"review", "list", "--unit", kTinh});
  require_ok(list);
  CHECK_THAT(list.out, Contains("72-SYT  Sở Y tế tỉnh Tây Ninh  accepted"));

  // A district's devices do not hold the province's departments (not in their scope).
  h.sync_ok();
  CHECK(added_units(h) == 0);
}

TEST_CASE("bad input to units add exits 2 naming what was wrong and changes nothing",
          "[e2e][units]") {
  SyncServer server;
  const auto before = server_data(server.data());
  const auto units = server_count(server.data(), "SELECT count(*) FROM units");
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{"--code", "72-SGD", "--name", "Sở Giáo dục", "--parent", "99"}, "--parent 99"},
      {{"--code", "705-SGD", "--name", "Sở Giáo dục", "--parent", "705"}, "không phải tỉnh"},
      {{"--code", "72-sgd", "--name", "Sở Giáo dục", "--parent", "72"}, "--code 72-sgd"},
      {{"--code", "70-SGD", "--name", "Sở Giáo dục", "--parent", "72"}, "mã tỉnh 72-"},
      {{"--code", "72-SNV", "--name", "Sở Nội vụ", "--parent", "72"}, "mã đã có"},
      {{"--code", "72-SGD", "--name", "Sở Giáo dục", "--parent", "72", "--type", "Phòng"},
       "--type Phòng"},
      {{"--code", "72-SGD", "--parent", "72"}, "--name"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"units", "add"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto r = server.admin(args);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains(c.says));
  }
  CHECK(server_data(server.data()) == before);
  CHECK(server_count(server.data(), "SELECT count(*) FROM units") == units);
  auto list = server.admin({"units", "list", "--parent", "98"});
  CHECK(list.exit_code == 2);
  CHECK_THAT(list.err, Contains("--parent 98"));
}

TEST_CASE("a deadline set on the server is the one every client shows before any submission",
          "[e2e][units][deadline]") {
  Round round("tongket-deadline-sync");
  SyncServer& server = round.server;
  auto& x = round.enrolled("xa", kXa, "Cán bộ xã", "clerk");
  auto& h = round.enrolled("huyen", kHuyen, "Phòng Nội vụ huyện", "district_reviewer");
  auto& p = round.enrolled("tinh", kTinh, "Văn phòng UBND tỉnh", "province_reviewer");
  auto& snv = round.enrolled("snv", "72-SNV", "Sở Nội vụ", "clerk");
  for (const auto* c : {&x, &h, &p, &snv}) c->sync_ok();
  // Before: the template's deadlines.
  CHECK_THAT(x.run_ok({"status"}).out, Contains("deadline: 2020-03-10"));

  require_ok(server.admin({"deadline", "set", "--level", "commune", "--date", "2020-03-15"}));
  require_ok(
      server.admin({"deadline", "set", "--level", "department", "--date", "2020-04-15T17:00:00"}));
  for (const auto* c : {&x, &h, &p, &snv}) c->sync_ok();

  // Every device holds both settings (a server-wide event is in every scope).
  for (const auto* c : {&x, &h, &p, &snv}) {
    INFO(c->store());
    CHECK(c->count("SELECT count(*) FROM server_deadline") == 2);
  }
  // Each shows the same deadline for the same level, before anyone submitted.
  CHECK_THAT(x.run_ok({"status"}).out, Contains("deadline: 2020-03-15"));
  CHECK_THAT(snv.run_ok({"status"}).out, Contains("deadline: 2020-04-15T17:00:00"));
  CHECK_THAT(h.run_ok({"completeness"}).out, Contains("2020-03-15"));
  auto province = p.run_ok({"completeness"});
  CHECK_THAT(province.out, Contains("2020-04-15T17:00:00") && Contains("2020-03-15"));
  CHECK_THAT(province.out, Contains("2020-03-20"));  // the districts': the template's
  auto list = server.admin({"review", "list", "--unit", kTinh});
  require_ok(list);
  CHECK_THAT(list.out,
             Contains("deadline of every commune: 2020-03-15 (set by the administrator)"));
  CHECK_THAT(list.out, Contains("deadline of every department: 2020-04-15T17:00:00"));
  // And submit judges by it.
  auto submitted = x.run_ok({"submit", "--override", "Số liệu đã rà soát"});
  CHECK_THAT(submitted.out, Contains("2020-03-15"));
}

// What a client before 1.3 does with the "unit" and "deadline" events: it skips kinds it does
// not know. This client does the same with a kind newer than itself, server-wide (unit "") or
// its own unit's: nothing changes, the cursor moves past them, and syncing goes on.
TEST_CASE("a client skips event kinds it does not know and keeps syncing", "[e2e][units][compat]") {
  Round round("tongket-kinds");
  SyncServer& server = round.server;
  auto& x = round.enrolled("xa", kXa, "Cán bộ xã", "clerk");
  x.set("PL1.4", "2016", "3");
  x.sync_ok();
  {
    // Written as an admin command writes, while the server runs.
    auto store = server::open_data_store(server.data());
    store->write([&](server::WriteTxn& t) {
      server::PullLogWriter log(t);
      for (const std::string unit : {"", kXa}) {
        sync::PullEvent e;
        e.kind = "kind-of-a-later-version";
        e.unit = unit;
        e.value = {{"anything", 1}};
        log.append(e);
      }
    });
  }
  const auto head = server_count(server.data(), "SELECT max(seq) FROM pull_log");
  const auto before = x.values();
  x.sync_ok();
  CHECK(x.values() == before);
  CHECK(x.count("SELECT cursor_seq FROM sync_state") == head);
  CHECK(x.count("SELECT count(*) FROM added_unit") +
            x.count("SELECT count(*) FROM server_deadline") ==
        0);
  x.set("PL1.4", "2017", "4");
  x.sync_ok();
  CHECK(server_values(server.data(), kXa).at({kXa, "v:PL1.4:2017"}) == 4);
}
