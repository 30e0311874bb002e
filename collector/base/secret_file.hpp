// collector/base/secret_file.hpp: local files that hold secrets (SSH private
// keys, bearer tokens) and the other files a command needs before it asks
// anyone anything. Checked up front so a local mistake is a usage error
// (exit 2) in milliseconds, not a network retry until --timeout (issue 13).
#pragma once

#include "bgp/expected.hpp"

#include <string>
#include <string_view>

namespace bgpwatch::collector {

// `what` names the file's role in messages: "netconf.private_key".
// A secret must exist, be a regular file we can read, and not be readable
// or writable by group or others (like ssh's "UNPROTECTED PRIVATE KEY
// FILE"): "netconf.private_key /k is readable by group/others (mode 0644):
// run chmod 600 /k".
Expected<void, std::string> check_secret_file(const std::string& path, std::string_view what);

// check_secret_file, then its contents (at most 1 MiB), with one trailing
// newline (and surrounding blanks) removed: a token written by `echo`.
Expected<std::string, std::string> read_secret_file(const std::string& path, std::string_view what);

// A file that must exist and be readable (not a secret: CA bundles,
// known_hosts, kubeconfig): "netconf.known_hosts /x does not exist".
Expected<void, std::string> check_readable_file(const std::string& path, std::string_view what);

// check_readable_file, then its contents (at most 16 MiB).
Expected<std::string, std::string> read_readable_file(const std::string& path, std::string_view what);

} // namespace bgpwatch::collector
