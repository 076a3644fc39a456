// What every benchmark shares: the template, the hierarchy, the generator, the scale and
// where to put files.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "report_generator.hpp"
#include "results.hpp"
#include "tongket/hierarchy.hpp"
#include "tongket/report_template.hpp"

namespace tongket::bench {

struct BenchEnv {
  double scale = 1.0;            // BENCH_SCALE
  double ingest_budget_s = 300;  // BENCH_INGEST_SECONDS: stop ingest after this, extrapolate
  std::size_t clients = 8;       // BENCH_CLIENTS: concurrent clients end to end
  std::filesystem::path work;    // temp dir for stores, certs, logs
  std::filesystem::path certs;   // ca.pem, server.pem, server-key.pem
  std::string template_json;
  ReportTemplate tpl;
  Hierarchy units;
  std::vector<const Unit*> communes;  // Tây Ninh's first, then the others in file order
  ReportGenerator* generator = nullptr;
  Results results;
};

// Tây Ninh, the province the pull benchmark syncs, and Huyện Tân Biên, the district.
inline constexpr const char* kBenchProvince = "72";
inline constexpr const char* kBenchDistrict = "705";

}  // namespace tongket::bench
