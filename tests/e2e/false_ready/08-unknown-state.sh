# A state bgpwatch does not know is never a default: a Junos reply with an
# unknown <peer-state> is unparsable (Unknown), and a collector that says
# "Unknown" gives state_unknown.
fr_expect "unknown Junos peer-state" 3 "^router cr1-eqiad: unreadable: .*unknown BGP state 'Flapping'" -- \
  --config "$FR_REPLAY/config.yaml" check --node kubernetes1003 --now "$FR_NOW" \
  --replay "cr1-eqiad=$FR_FIXTURES/cr1-eqiad-unknown-state.xml" --replay "cr2-eqiad=$FR_REPLAY/cr2-eqiad-up.xml"
now=$(fr_iso_ago 0)
cat > "$FR_WORK/reply.json" <<JSON
{"now":"$now","routers":[{"name":"cr1-eqiad","polled":true,"ok":true,"error":null,"polled_at":"$now"},
 {"name":"cr2-eqiad","polled":true,"ok":true,"error":null,"polled_at":"$now"}],
 "sessions":[$(fr_session_json cr1-eqiad 10.64.32.23 Unknown 100),
 $(fr_session_json cr1-eqiad 2620:0:861:103:10:64:32:23 Established 100),
 $(fr_session_json cr2-eqiad 10.64.32.23 Established 100),
 $(fr_session_json cr2-eqiad 2620:0:861:103:10:64:32:23 Established 100)]}
JSON
fr_collector "$FR_WORK/reply.json"
fr_expect "collector says Unknown" 3 'cr1-eqiad ipv4 10\.64\.32\.23 Unknown state' -- \
  --config "$FR_REPLAY/config.yaml" check --node kubernetes1003 --collector "$FR_COLLECTOR"
fr_note "unknown state: Unknown"
