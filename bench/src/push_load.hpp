// The end-to-end load, as the e2e and national parts run it: `clients` threads, each with its own
// keep-alive HTTPS connection to https://127.0.0.1:port, take the next replica and push it with
// the real sync::ClientSession until every one is pushed.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include "bench_env.hpp"
#include "memory_replica.hpp"

namespace tongket::bench {

struct PushLoad {
  double wall = 0;                // seconds, from the first push to the last reply
  std::size_t applied = 0;        // change sets the server applied
  std::vector<double> latencies;  // seconds, one per request
};

// `replica(i)` is the i-th of `count` replicas to push; each is pushed once, by one thread. The
// first failure stops every thread and is rethrown. Progress goes to stderr every 1,000 pushes.
PushLoad push_concurrently(const BenchEnv& env, int port, std::size_t count,
                           const std::function<MemoryReplica&(std::size_t)>& replica);

}  // namespace tongket::bench
