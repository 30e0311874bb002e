#!/usr/bin/env bash
# The Poller against simulated routers behind sshd (hidden [.sshd] Catch2
# cases in tests/collector/sources/test_poller.cpp): persistent sessions reused
# across polls (sessions_opened), a slow router not delaying the others,
# a poll deadline shorter than a reply, reconnect with backoff.
set -euo pipefail
. "$BGPWATCH_SOURCE_DIR/tests/lib/sshd.sh"
SC=$BGPWATCH_FIXTURES/scenarios/poller.json
sshd_init
for r in cr1-eqiad cr2-eqiad cr-slow cr-flaky; do sshd_start_router "$r" "$SC"; done
sshd_write_config "$SSHD_DIR/config.yaml" "$SC"
# -w NoTests: a renamed tag must fail, not pass with 0 test cases run.
BGPWATCH_POLLER_CONFIG=$SSHD_DIR/config.yaml timeout 300 "$BGPWATCH_BUILD_DIR/tests/test_collector_sources" -w NoTests "[.sshd]"
echo PASS
