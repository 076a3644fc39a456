// tongket-bench: generates a full data set for the real hierarchy and runs every benchmark,
// printing one table (docs/benchmarks.md). Not under ctest: scripts/bench.sh runs it.
//
// Environment: BENCH_SCALE (default 1: every commune; 0.1 for a quick run), BENCH_CLIENTS
// (concurrent clients end to end, default 8), BENCH_INGEST_SECONDS (stop the ingest after
// this long and extrapolate, default 300), BENCH_WORK (where stores and logs go; default a
// new directory under /tmp, removed afterwards unless BENCH_KEEP=1), BENCH_ONLY (a comma
// list of rollup, ingest, pull, e2e, ui, national), BENCH_JSON (also write the figures there, one
// JSON object per line: name, value, unit, baseline, ratio, load_average), BENCH_DATABASE (a
// postgresql:// URL of an empty database: the end-to-end part's server stores there; default
// SQLite).
#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "bench_env.hpp"
#include "ingest_bench.hpp"
#include "national_bench.hpp"
#include "net_bench.hpp"
#include "processes.hpp"
#include "rollup_bench.hpp"
#include "tongket/paths.hpp"
#include "ui_bench.hpp"

using namespace tongket;
using namespace tongket::bench;

namespace {

double env_number(const char* name, double fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  return std::stod(v);
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown CPU";
}

template <typename F>
void phase(const char* name, F&& f) {
  auto start = std::chrono::steady_clock::now();
  std::cerr << "== " << name << "\n";
  f();
  std::cerr << "== " << name << " done in "
            << fmt_seconds(
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count())
            << "\n";
}

}  // namespace

int main() {
  try {
    BenchEnv env;
    env.scale = env_number("BENCH_SCALE", 1.0);
    env.clients = static_cast<std::size_t>(env_number("BENCH_CLIENTS", 8));
    env.ingest_budget_s = env_number("BENCH_INGEST_SECONDS", 300);
    if (const char* w = std::getenv("BENCH_WORK"); w && *w) {
      env.work = w;
      std::filesystem::remove_all(env.work);
      std::filesystem::create_directories(env.work);
    } else {
      std::string tmpl = (std::filesystem::temp_directory_path() / "tongket-bench-XXXXXX").string();
      if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
      env.work = tmpl;
    }
    env.certs = env.work / "certs";
    auto certs = run({"/bin/sh", std::string(TONGKET_BENCH_SOURCE_DIR) + "/certs/make-dev-certs.sh",
                      env.certs.string()});
    if (certs.exit_code != 0) throw std::runtime_error("make-dev-certs.sh: " + certs.err);

    env.template_json = read_file(template_file());
    env.tpl = ReportTemplate::parse(env.template_json, template_file().string());
    env.units = Hierarchy::load(units_dir());
    for (int pass = 0; pass < 2; ++pass)
      for (const auto& u : env.units.units())
        if (u.level == UnitLevel::commune &&
            env.units.within(u.code, kBenchProvince) == (pass == 0))
          env.communes.push_back(&u);
    ReportGenerator generator(env.tpl);
    env.generator = &generator;

    const Unit& sample = *env.communes.front();
    auto report = generator.full_report(sample, 1);
    std::size_t text_bytes = 0;
    for (const auto& t : generator.texts(sample)) text_bytes += t.text.size();

    // BENCH_ONLY=ingest,pull (pull needs ingest) runs a part, e.g. under perf.
    const std::string only = std::getenv("BENCH_ONLY") ? std::getenv("BENCH_ONLY") : "";
    auto wanted = [&](const char* name) {
      return only.empty() || only.find(name) != std::string::npos;
    };
    if (wanted("rollup")) phase("roll-up", [&] { run_rollup(env); });
    std::size_t ingested = 0;
    const auto ingest_dir = env.work / "ingest-data";
    if (wanted("ingest")) phase("ingest", [&] { ingested = run_ingest(env, ingest_dir); });
    if (wanted("ingest") && wanted("pull")) phase("pull", [&] { run_pull(env, ingest_dir); });
    if (wanted("e2e")) phase("end to end and wire", [&] { run_end_to_end(env, 0); });
    if (wanted("ui")) phase("web app", [&] { run_ui(env); });
    // Not in the default run (about 15 minutes at full scale on its own): BENCH_ONLY=national.
    if (!only.empty() && wanted("national"))
      phase("national (nginx, SQLite and PostgreSQL)", [&] { run_national(env); });

    utsname uts{};
    ::uname(&uts);
    std::time_t now = std::time(nullptr);
    char date[32];
    std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
    std::ostringstream load;
    load << std::ifstream("/proc/loadavg").rdbuf();
    std::cout << "\ntongket-bench, " << date << ": BENCH_SCALE=" << env.scale
              << " BENCH_CLIENTS=" << env.clients << ", " << std::thread::hardware_concurrency()
              << " cores (" << cpu_model() << "), " << uts.sysname << " " << uts.release
              << ", load average at the end " << load.str().substr(0, load.str().find(' ')) << "\n";
    std::cout << "A commune's full report: " << report.size() << " values ("
              << generator.commune_value_count() << " numbers: every indicator and period the "
              << "template lets a commune fill, and " << generator.commune_section_count()
              << " narrative sections with " << fmt_bytes(static_cast<double>(text_bytes))
              << " of text); " << ingested << " of " << env.communes.size()
              << " communes ingested.\n\n";
    env.results.print(std::cout);
    if (const char* json = std::getenv("BENCH_JSON"); json && *json)
      env.results.write_json(json, std::string("tongket-bench ") + date +
                                       " BENCH_SCALE=" + fmt(env.scale, 2) + " " + cpu_model());
    if (!std::getenv("BENCH_KEEP")) std::filesystem::remove_all(env.work);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "tongket-bench: " << e.what() << "\n";
    return 1;
  }
}
