// collector/gate/run.hpp: the chain every gate command shares (ARCHITECTURE
// "How data flows"): options -> config -> Inventory.resolve(node) ->
// expected sessions -> a state source -> bgp::evaluate -> GateReport. The
// commands differ only in the loop around poll_and_judge and the renderer.
#pragma once

#include "bgp/readiness.hpp"
#include "collector/base/invocation.hpp"
#include "collector/config/config.hpp"
#include "collector/base/exit_code.hpp"
#include "collector/gate/options.hpp"
#include "collector/render/model.hpp"
#include "collector/sources/state_source.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bgpwatch::collector {

// Why a gate command could not even start: exit code and one message line.
struct GateFailure
{
  ExitCode code = ExitCode::usage;
  std::string message;
};

struct GateContext
{
  GateCommand command = GateCommand::check;
  GateCommandLine line;
  Config config;
  std::optional<std::string> node_name; // FQDN when the inventory resolved it
  std::optional<std::string> site;
  std::vector<bgp::ExpectedSession> expected;
  std::vector<RouterConfig> routers; // the routers serving the node
  bgp::WallClock::time_point started{};   // wall clock when the command started
  std::optional<bgp::WallClock::time_point> fixed_now; // --now
  bgp::GateOptions options;
  // Which --since is used and where it came from, for the output: "--since
  // -2m", "auto: Kubernetes: pod kube-system/calico-node-x7k2p, container
  // calico-node running since ...", "none (...)"; empty without --since.
  std::string since_from;
  std::unique_ptr<StateSource> source;
  // NETCONF sessions opened so far, when the source is live NETCONF.
  std::function<std::uint64_t()> sessions_opened;
  // The live NETCONF source (owned by `source`), for closing idle sessions
  // on Ctrl-C while a hung router still holds the poll; null otherwise.
  class GateNetconfSource* netconf = nullptr;
  std::vector<std::string> warnings; // printed once by the command (stderr)

  // --source bird|wire without router bgp_addresses: the expected sessions
  // are every session the node has, rebuilt from each poll.
  bool expected_from_seen = false;
  class NodeViewSource* node_view = nullptr;
  // --source router,bird: the node's view too, with its own expected
  // sessions (the routers' bgp_addresses); both views must agree.
  std::unique_ptr<StateSource> second_source;
  std::vector<bgp::ExpectedSession> second_expected;
};

// Loads the configuration, resolves the node and its expected sessions and
// builds the state source. `deadline` bounds inventory look-ups.
Expected<GateContext, GateFailure> prepare_gate(GateCommand command, const GlobalOptions& global,
                                                GateCommandLine line, bgp::WallClock::time_point started,
                                                SteadyClock::time_point deadline);

// router,bird: the graceful-restart facts both views state - restart
// negotiated, End-of-RIB received (as sets of families) and the restart time
// (the router's received = the node's announced) - compared only where both
// give a value (BIRD 1.6 states few). One line per difference; empty: agree.
std::vector<std::string> gr_disagreements(const bgp::Session& router, const bgp::Session& bird);

// router,bird: adds the node's verdict to the router's report. A readiness or
// graceful-restart disagreement between the views is a note and never ready.
void merge_node_view(GateReport& r, const bgp::Verdict& node);

// One poll of the source and the verdict on it. `now` is read after the
// poll (or is --now).
GateReport poll_and_judge(GateContext& context, SteadyClock::time_point deadline);

// How long one poll may take: the NETCONF connect + RPC timeouts (bounded by
// the overall deadline by the caller).
std::chrono::milliseconds poll_budget(const GateContext& context);

} // namespace bgpwatch::collector
