// Benchmarks over HTTPS against the real tongket-server process: many clients pushing full
// reports at once, bytes and time on a slow link (through tongket-fault-proxy), and the first
// sync (pull) of a district and a province.
#pragma once

#include <filesystem>

#include "bench_env.hpp"

namespace tongket::bench {

// Concurrent full-report pushes, the trivial-request baseline, and the wire benchmarks
// (full report push, one-value edit round trip) on a fresh server of its own.
void run_end_to_end(BenchEnv& env, std::size_t first_commune);

// First sync of kBenchDistrict and kBenchProvince with the real `tongket` client, against a
// server on the ingest benchmark's data directory.
void run_pull(BenchEnv& env, const std::filesystem::path& ingest_dir);

}  // namespace tongket::bench
