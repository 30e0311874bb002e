# up_since 10 minutes later than polled_at - uptime_seconds: the collector contradicts itself.
. "$BGPWATCH_SOURCE_DIR/tests/lib/false_ready_collector.sh"
fc_start
fc_control --since -5m
fc_template 'doc["sessions"][2]["up_since"] = "@now+538"'
fr_expect "collector-up-since-disagrees" 3 'disagrees with polled_at - uptime_seconds' -- "${FC_ARGS[@]}" --since -5m
fr_note "inconsistent up_since: Unknown"
