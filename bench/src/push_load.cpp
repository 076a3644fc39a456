#include "push_load.hpp"

#include <atomic>
#include <exception>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>

#include "counting_transport.hpp"
#include "timing.hpp"
#include "tongket/client/curl_transport.hpp"
#include "tongket/sync/client_session.hpp"

namespace tongket::bench {

PushLoad push_concurrently(const BenchEnv& env, int port, std::size_t count,
                           const std::function<MemoryReplica&(std::size_t)>& replica) {
  PushLoad load;
  std::atomic<std::size_t> next{0};
  std::mutex m;
  std::exception_ptr failure;
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (std::size_t c = 0; c < env.clients; ++c)
    threads.emplace_back([&] {
      try {
        net::TransportOptions o;
        o.server_url = "https://127.0.0.1:" + std::to_string(port);
        o.ca_file = env.certs / "ca.pem";
        net::CurlTransport transport(o);
        CountingTransport counting(transport);
        std::size_t mine = 0;
        for (std::size_t i = next++; i < count; i = next++) {
          sync::ClientSession session(counting, replica(i));
          mine += session.push().applied;
          if (i % 1000 == 999) std::cerr << "  " << i + 1 << " reports pushed\n";
        }
        std::lock_guard lock(m);
        load.latencies.insert(load.latencies.end(), counting.latencies_s.begin(),
                              counting.latencies_s.end());
        load.applied += mine;
      } catch (...) {
        std::lock_guard lock(m);
        if (!failure) failure = std::current_exception();
        next = count;  // the others stop too
      }
    });
  for (auto& t : threads) t.join();
  load.wall = since(start);
  if (failure) std::rethrow_exception(failure);
  return load;
}

}  // namespace tongket::bench
