// Decides, from a seeded generator, what happens to each accepted connection, so a failing
// run can be replayed with the same seed.
#pragma once

#include <cstdint>
#include <random>
#include <string_view>

namespace tongket::fault_proxy {

enum class ResetMode { accept, midstream, both };

struct FaultRates {
  double reset_rate = 0;     // probability a connection is reset (RST)
  double truncate_rate = 0;  // probability the server->client stream is cut with a FIN
  double drop_rate = 0;      // probability the connection is black-holed
  ResetMode reset_mode = ResetMode::both;
  // Midstream resets and truncations happen after a uniform 0..cut_max_bytes of the
  // server->client stream.
  std::uint64_t cut_max_bytes = 65536;
};

enum class Fate { pass, reset_on_accept, reset_midstream, truncate, blackhole };

struct ConnectionFate {
  Fate fate = Fate::pass;
  // For reset_midstream and truncate: server->client bytes forwarded before the cut.
  std::uint64_t cut_after = 0;
};

std::string_view fate_name(Fate fate);

class FaultPlan {
 public:
  // Throws tongket::Error(invalid_argument) if a rate is outside 0..1.
  FaultPlan(FaultRates rates, std::uint64_t seed);

  // The fate of the next accepted connection. Every call draws the same number of values,
  // so the n-th connection's fate depends only on the seed, the rates and n.
  ConnectionFate next();

 private:
  double uniform();  // in [0, 1)

  FaultRates rates_;
  std::mt19937_64 rng_;  // its output sequence is fixed by the standard, unlike distributions
};

}  // namespace tongket::fault_proxy
