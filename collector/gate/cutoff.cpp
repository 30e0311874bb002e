// collector/gate/cutoff.cpp: the deadline cut-off rule (see gate_cutoff.hpp).
#include "collector/gate/cutoff.hpp"

namespace bgpwatch::collector {

SettledPoll settle_poll(const GateReport* previous, GateReport polled, SteadyClock::time_point finished,
                        SteadyClock::time_point deadline)
{
  const bool cut_off = finished + k_cutoff_margin >= deadline;
  if (cut_off && previous != nullptr && polled.verdict.overall == bgp::Readiness::unknown
      && previous->verdict.overall != bgp::Readiness::ready) {
    return SettledPoll{*previous, true};
  }
  return SettledPoll{std::move(polled), false};
}

} // namespace bgpwatch::collector
