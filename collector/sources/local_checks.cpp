// collector/sources/local_checks.cpp: see local_checks.hpp.
#include "collector/sources/local_checks.hpp"

#include "collector/base/secret_file.hpp"
#include "netconf/ssh_transport.hpp"

#include <cstdlib>
#include <sys/stat.h>

namespace bgpwatch::collector {

Expected<void, std::string> check_netconf_local(const NetconfConfig& config)
{
  const char* agent = std::getenv("SSH_AUTH_SOCK");
  const bool have_agent_env = agent != nullptr && *agent != '\0';
  struct stat st{};
  const bool agent_socket = have_agent_env && ::stat(agent, &st) == 0 && S_ISSOCK(st.st_mode);
  if (config.private_key) {
    BGPWATCH_TRY(check_secret_file(*config.private_key, "netconf.private_key"));
    switch (netconf::probe_private_key(*config.private_key)) {
    case netconf::PrivateKeyProbe::usable:
      break;
    case netconf::PrivateKeyProbe::encrypted:
      if (!agent_socket) {
        return Unexpected("netconf.private_key " + *config.private_key
                          + " is passphrase-protected and no ssh-agent is reachable ("
                          + (have_agent_env ? "SSH_AUTH_SOCK " + std::string(agent) + " is not a socket"
                                            : std::string("SSH_AUTH_SOCK unset"))
                          + "): bgpwatch never prompts; load the key with ssh-add, or use a key without a passphrase");
      }
      break;
    case netconf::PrivateKeyProbe::unusable:
      return Unexpected("netconf.private_key " + *config.private_key + " is not a private key libssh can read");
    }
  } else if (!agent_socket) {
    return Unexpected(std::string("no credential: netconf.private_key is not set and ")
                      + (have_agent_env ? "SSH_AUTH_SOCK " + std::string(agent) + " is not a socket"
                                        : std::string("no ssh-agent is reachable (SSH_AUTH_SOCK unset)")));
  }
  BGPWATCH_TRY(check_readable_file(config.known_hosts, "netconf.known_hosts"));
  return {};
}

} // namespace bgpwatch::collector
