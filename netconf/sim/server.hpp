// netconf/sim/server.hpp: the simulator's NETCONF server loop over two
// file descriptors (stdin/stdout when run as an sshd subsystem). It
// behaves like Junos: comment lines before a base:1.0 hello without
// module capabilities, request namespaces ignored, "]]>]]>\n" framing
// (chunked when the router is set to it and the client offers base:1.1),
// and scripted faults.
#pragma once

#include "bgp/expected.hpp"
#include "netconf/framing.hpp"
#include "netconf/sim/scenario.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace bgpwatch::netconf::sim {

// Where get-bgp-summary-information answers come from: the scenario, or
// (bird helper) a live routing daemon. Returns the <bgp-information>
// element, or an error message the server sends as an <rpc-error>.
class ReplySource
{
public:
  virtual ~ReplySource() = default;
  virtual Expected<std::string, std::string> bgp_summary(double t) = 0;
  // <get-bgp-neighbor-information> (issue 14): every peer, or `only`. A
  // source that cannot tell answers with an error.
  virtual Expected<std::string, std::string> bgp_neighbors(double t, const std::optional<bgp::Address>& only)
  {
    (void)t;
    (void)only;
    return Unexpected(std::string("get-bgp-neighbor-information is not available from this source"));
  }
};

// Answers from a scenario router's timeline.
class ScenarioReplySource final : public ReplySource
{
public:
  explicit ScenarioReplySource(const RouterSpec& router) : m_router(router)
  {
  }
  Expected<std::string, std::string> bgp_summary(double t) override;
  Expected<std::string, std::string> bgp_neighbors(double t, const std::optional<bgp::Address>& only) override;

private:
  const RouterSpec& m_router;
};

struct ServerOptions
{
  std::string router_name = "sim";
  Framing framing = Framing::eom; // chunked: offer base:1.1 as well
  std::string release = "21.4R3-S4.9";
  std::uint32_t session_id = 1;
  std::vector<Fault> faults;
  std::function<double()> clock; // seconds since the scenario start
};

// Runs until <close-session>, EOF on in_fd, or a fault that ends the
// session. Returns the process exit status.
int serve(int in_fd, int out_fd, ReplySource& source, const ServerOptions& options);

} // namespace bgpwatch::netconf::sim
