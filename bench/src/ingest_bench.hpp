// Server ingest through the real path: handle_push in process (gunzip, request signature,
// counter, change set signature, chain, scope, template, conflict rules, SQLite write) against
// a real SQLite store, beside a raw SQLite insert of the same rows.
#pragma once

#include <filesystem>

#include "bench_env.hpp"

namespace tongket::bench {

// Ingests the communes' full reports into DATA_DIR (made here); the store then serves the
// pull benchmark. Returns how many communes were ingested.
std::size_t run_ingest(BenchEnv& env, const std::filesystem::path& data_dir);

}  // namespace tongket::bench
