# The collector's own now 30 s ahead of ours while polled_at looks fresh: its up_since stamps would be 30 s late. Now clock_skew.
. "$BGPWATCH_SOURCE_DIR/tests/lib/false_ready_collector.sh"
fc_start
fc_control --since -5m
fc_template 'doc["now"] = "@now+30"'
fr_expect "collector-now-ahead" 3 'clock_skew' -- "${FC_ARGS[@]}" --since -5m
fr_note "collector now 30 s ahead: clock_skew"
