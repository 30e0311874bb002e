# A session with no state (partial data) in a collector reply: its router is Unknown, not judged on the rest.
. "$BGPWATCH_SOURCE_DIR/tests/lib/false_ready_collector.sh"
fc_start
fc_control 
fc_template 'del doc["sessions"][3]["state"]'
fr_expect "collector-partial-session" 3 'has no state' -- "${FC_ARGS[@]}" 
fr_note "partial collector data: Unknown"
