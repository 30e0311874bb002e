# An uptime of 15e9 s from a collector overflows polled_at - uptime (nanosecond system_clock) into the future. Now refused before any arithmetic.
. "$BGPWATCH_SOURCE_DIR/tests/lib/false_ready_collector.sh"
fc_start
fc_control --since -5m
fc_template 'doc["sessions"][1]["uptime_seconds"] = 15000000000; del doc["sessions"][1]["up_since"]'
fr_expect "collector-uptime-overflow" 3 'is longer than the time since 1970' -- "${FC_ARGS[@]}" --since -5m
fr_note "uptime overflow from a collector: Unknown"
