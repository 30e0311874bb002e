// collector/roll/runner.hpp: the roll itself (SPEC "Additions", issue 15).
// For each batch of --max-unavailable nodes, in order:
//   1. pre-flight, site-wide: every node of the site except the batch is ready
//      (one poll of every router of the site, each node judged by the gate's
//      own verdict); otherwise wait (bounded by --preflight-timeout) naming the
//      node that blocks;
//   2. --drain: cordon, evict (drain.hpp);
//   3. record the instant, run CMD per node ({node}, {fqdn}), output streamed
//      with a "[node]" prefix, exit status checked;
//   4. wait for each node with --since = that instant: the gate's own wait loop
//      (wait_until_ready), the same rules and timeout options as wait-established;
//   5. --settle D: the node must stay ready, without a flap, for D;
//   6. --drain: uncordon.
// The first failure (CMD fails, a wait times out, a flap while settling, the
// lock is lost, a signal) stops the roll: the remaining nodes are untouched,
// the summary says what was done and what was not. Every step goes to the
// audit (--state) durably before the next starts.
#pragma once

#include "collector/base/invocation.hpp"
#include "collector/roll/options.hpp"

namespace bgpwatch::collector {

// Exit: 0 all done, 1 a node failed or pre-flight did not clear, 2 usage or the
// lock is held, 3 the inventory/API could not be read, 130/143 SIGINT/SIGTERM.
int run_roll(const GlobalOptions& global, const RollOptions& options);

} // namespace bgpwatch::collector
