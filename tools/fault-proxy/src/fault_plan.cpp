#include "fault_proxy/fault_plan.hpp"

#include <string>

#include "tongket/error.hpp"

namespace tongket::fault_proxy {

namespace {
void check_rate(double rate, std::string_view name) {
  if (!(rate >= 0.0 && rate <= 1.0)) {
    throw Error(Errc::invalid_argument,
                "--" + std::string(name) + " must be a probability between 0 and 1");
  }
}
}  // namespace

std::string_view fate_name(Fate fate) {
  switch (fate) {
    case Fate::pass:
      return "pass";
    case Fate::reset_on_accept:
      return "reset-on-accept";
    case Fate::reset_midstream:
      return "reset-midstream";
    case Fate::truncate:
      return "truncate";
    case Fate::blackhole:
      return "blackhole";
  }
  return "unknown";
}

FaultPlan::FaultPlan(FaultRates rates, std::uint64_t seed) : rates_(rates), rng_(seed) {
  check_rate(rates_.reset_rate, "reset-rate");
  check_rate(rates_.truncate_rate, "truncate-rate");
  check_rate(rates_.drop_rate, "drop-rate");
}

double FaultPlan::uniform() {
  // The top 53 bits make an exact double in [0, 1) on every platform.
  return static_cast<double>(rng_() >> 11) * 0x1.0p-53;
}

ConnectionFate FaultPlan::next() {
  const double drop = uniform();
  const double reset = uniform();
  const double mode = uniform();
  const double truncate = uniform();
  const std::uint64_t cut = rng_() % (rates_.cut_max_bytes + 1);

  if (drop < rates_.drop_rate) return {Fate::blackhole, 0};
  if (reset < rates_.reset_rate) {
    const bool on_accept = rates_.reset_mode == ResetMode::accept ||
                           (rates_.reset_mode == ResetMode::both && mode < 0.5);
    if (on_accept) return {Fate::reset_on_accept, 0};
    return {Fate::reset_midstream, cut};
  }
  if (truncate < rates_.truncate_rate) return {Fate::truncate, cut};
  return {Fate::pass, 0};
}

}  // namespace tongket::fault_proxy
