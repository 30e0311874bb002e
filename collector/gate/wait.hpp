// collector/gate/wait.hpp: the wait loop of wait-established and gate. Polls
// at --interval (start to start, with +-5 % jitter so many operators' waits
// do not synchronise), under one overall deadline (--timeout), until the
// verdict is ready. Unknown is retried until the deadline. SIGINT/SIGTERM
// stop it cleanly with exit 130/143 and a report naming every session not
// ready; a signal wins over a ready verdict.
#pragma once

#include "collector/gate/run.hpp"
#include "collector/gate/progress.hpp"

#include <functional>
#include <ostream>

namespace bgpwatch::collector {

// Runs the loop; returns the final report (exit_code set: 0 ready, 1 not
// ready, 3 unknown at the deadline, 130/143 interrupted by SIGINT/SIGTERM). Progress goes to
// `progress`; the caller renders the final report. If a stop signal comes
// while a poll is blocked in I/O for more than 2 s, render_final is called
// with the report and the process exits 130/143 at once (joining would wait out
// the RPC timeout). With live NETCONF, the sessions of the routers that are
// not hung are closed with <close-session/> within those 2 s.
GateReport wait_until_ready(GateContext& context, SteadyClock::time_point deadline, Progress& progress,
                            const std::function<void(const GateReport&)>& render_final);

// check / status: one poll on a worker thread while listening for
// SIGINT/SIGTERM. Interrupted: exit_code 130/143 and `stopped` says so (the
// poll gets 2 s to finish; if it does not, render_final is called and the
// process exits at once, as in the wait).
GateReport poll_once(GateContext& context, SteadyClock::time_point deadline,
                     const std::function<void(const GateReport&)>& render_final);

// The final report of a wait in the command's format.
void render_wait_result(const GateReport& report, OutputFormat format, std::ostream& out);

// live on a TTY, log off a TTY, json with --format json.
ProgressMode progress_mode(OutputFormat format, int fd);

} // namespace bgpwatch::collector
