# A collector whose last poll of a router is old (the router stopped
# answering, or the collector's worker is stuck): the data is Unknown, even
# though it said Established.
old=$(fr_iso_ago 3600)
now=$(fr_iso_ago 0)
cat > "$FR_WORK/reply.json" <<JSON
{"now":"$now","routers":[{"name":"cr1-eqiad","polled":true,"ok":true,"error":null,"polled_at":"$old"},
 {"name":"cr2-eqiad","polled":true,"ok":true,"error":null,"polled_at":"$now"}],
 "sessions":[$(fr_session_json cr1-eqiad 10.64.32.23 Established 100),
 $(fr_session_json cr1-eqiad 2620:0:861:103:10:64:32:23 Established 100),
 $(fr_session_json cr2-eqiad 10.64.32.23 Established 100),
 $(fr_session_json cr2-eqiad 2620:0:861:103:10:64:32:23 Established 100)]}
JSON
fr_collector "$FR_WORK/reply.json"
fr_expect "collector data 1h old" 3 'collector data for cr1-eqiad is 1h[0-9s]* old \(max 15s\)' -- \
  --config "$FR_REPLAY/config.yaml" check --node kubernetes1003 --collector "$FR_COLLECTOR"
fr_note "stale collector data: Unknown"
