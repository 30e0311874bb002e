// collector/sources/local_checks.hpp: the local half of talking to routers,
// checked before any network I/O (issue 13 item 7). A missing key or
// known_hosts file is not network trouble: retrying it until --timeout
// (10 min) and then saying "unknown" hides an operator's typo. Each check
// takes milliseconds and says exactly what to fix; callers exit 2.
#pragma once

#include "bgp/expected.hpp"
#include "collector/config/config.hpp"

#include <string>

namespace bgpwatch::collector {

// netconf.private_key: exists, is ours alone (mode 0600: the chmod to run
// otherwise), and is a key libssh reads without a passphrase, or a
// passphrase-protected one while an ssh-agent is reachable. Without
// private_key: SSH_AUTH_SOCK must name a socket. netconf.known_hosts must
// exist ("does not exist", not "host not in").
Expected<void, std::string> check_netconf_local(const NetconfConfig& config);

} // namespace bgpwatch::collector
