# A collector whose clock runs an hour ahead: its polled_at and up_since stamps passed --since and the age check. Now clock_skew (Unknown).
. "$BGPWATCH_SOURCE_DIR/tests/lib/false_ready_collector.sh"
fc_start
fc_control --since -5m
fc_template 'doc["now"] = "@now+3600"; [r.update(polled_at="@now+3598") for r in doc["routers"]]; [s.update(up_since="@now+3538") for s in doc["sessions"]]'
fr_expect "collector-clock-ahead" 3 'clock_skew' -- "${FC_ARGS[@]}" --since -5m
fr_note "collector clock 1 h ahead: clock_skew"
