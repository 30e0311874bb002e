// tests/netconf/test_netconfd_interop.cpp: our client against netconfd
// (yuma123), a NETCONF server we did not write. Hidden ([.netconfd]): run
// by tests/e2e/test_netconf_netconfd.sh, which starts netconfd behind a
// private sshd and passes where it is through the environment.
#include "netconf/client.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

using namespace bgpwatch::netconf;

namespace {

std::string env(const char* name)
{
  const char* v = std::getenv(name);
  return v ? v : "";
}

} // namespace

TEST_CASE("netconfd: <get> over base:1.1 and base:1.0", "[.netconfd]")
{
  const std::string port = env("NETCONFD_PORT");
  REQUIRE_FALSE(port.empty());
  Endpoint endpoint{"netconfd", "127.0.0.1", static_cast<std::uint16_t>(std::stoi(port))};
  ClientOptions options;
  options.username = env("NETCONFD_USER");
  options.private_key = env("NETCONFD_KEY");
  options.known_hosts = env("NETCONFD_KNOWN_HOSTS");
  options.connect_timeout = std::chrono::seconds(10);
  options.rpc_timeout = std::chrono::seconds(60);

  for (const bool offer_1_1 : {true, false}) {
    CAPTURE(offer_1_1);
    options.offer_base_1_1 = offer_1_1;
    auto client = Client::connect(endpoint, options);
    REQUIRE(client);
    // netconfd offers base:1.1: chunked iff we offer it too.
    CHECK((*client)->framing() == (offer_1_1 ? Framing::chunked : Framing::eom));
    auto reply = (*client)->rpc("<get/>");
    REQUIRE(reply);
    CHECK(reply->find("<rpc-reply") != std::string::npos);
    CHECK(reply->find("data") != std::string::npos);
    // ietf-netconf-monitoring state lists the session we are in.
    CHECK(reply->find("netconf-state") != std::string::npos);
    // An unknown vendor RPC is an rpc-error from a real server, and the
    // session stays usable after it.
    auto bad = (*client)->rpc("<get-bgp-summary-information/>");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == NetconfErrc::rpc_error);
    CHECK(bad.error().message.starts_with("netconfd (127.0.0.1:" + port + "): <get-bgp-summary-information> failed on the router: "));
    CHECK((*client)->usable());
    auto again = (*client)->rpc("<get-config><source><running/></source></get-config>");
    REQUIRE(again);
    CHECK(again->find("<rpc-reply") != std::string::npos);
    (*client)->close();
  }
}
