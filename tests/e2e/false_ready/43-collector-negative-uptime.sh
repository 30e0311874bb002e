# A negative uptime_seconds puts the session's start in the future and passed --since. Now a parse error: that router is Unknown.
. "$BGPWATCH_SOURCE_DIR/tests/lib/false_ready_collector.sh"
fc_start
fc_control --since -5m
fc_template 'doc["sessions"][0]["uptime_seconds"] = -100000; del doc["sessions"][0]["up_since"]'
fr_expect "collector-negative-uptime" 3 'field .uptime_seconds. is negative' -- "${FC_ARGS[@]}" --since -5m
fr_note "negative uptime from a collector: Unknown"
