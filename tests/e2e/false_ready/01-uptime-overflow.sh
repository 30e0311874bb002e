# Issue 13 trap 1: an uptime so large that polled_at - uptime overflows the
# nanosecond system_clock into the future, so the old session "came up after"
# any --since. Release builds said READY (exit 0); sanitizer builds died on the
# signed overflow. Now: the session is Unknown, reason uptime_implausible.
up1=cr1-eqiad=$FR_REPLAY/cr1-eqiad-up.xml
up2=cr2-eqiad=$FR_REPLAY/cr2-eqiad-up.xml
base=(--config "$FR_REPLAY/config.yaml" check --node kubernetes1003 --now "$FR_NOW" --since -60s)
fr_expect "XML elapsed-time seconds=15000000000" 3 \
  'cr1-eqiad ipv4 10\.64\.32\.23 .*uptime implausible' -- \
  "${base[@]}" --replay "cr1-eqiad=$FR_FIXTURES/cr1-eqiad-uptime-overflow.xml" --replay "$up2"
fr_expect "text paste Last Up/Dwn 24801w4d 2:40:00" 3 \
  'cr2-eqiad ipv4 10\.64\.32\.23 .*uptime implausible' -- \
  "${base[@]}" --replay "$up1" --replay "cr2-eqiad=$FR_FIXTURES/cr2-eqiad-uptime-overflow.txt"
fr_expect "JSON names the reason" 3 '"reason": *"uptime_implausible"' -- \
  --format json "${base[@]}" --replay "cr1-eqiad=$FR_FIXTURES/cr1-eqiad-uptime-overflow.xml" --replay "$up2"
fr_expect "no --since: still Unknown" 3 'uptime implausible' -- \
  --config "$FR_REPLAY/config.yaml" check --node kubernetes1003 --now "$FR_NOW" \
  --replay "cr1-eqiad=$FR_FIXTURES/cr1-eqiad-uptime-overflow.xml" --replay "$up2"
fr_note "uptime overflow: Unknown (uptime_implausible), XML and text"
