# Issue 13 trap 2: --since (or --now) beyond the nanosecond clock's range
# wrapped around to 1677 and every session "came up after" it: READY. A
# --since in the future was accepted too (then never ready). Now both are
# usage errors (exit 2) that say why.
args=(--config "$FR_REPLAY/config.yaml" check --node kubernetes1003
      --replay "cr1-eqiad=$FR_REPLAY/cr1-eqiad-up.xml" --replay "cr2-eqiad=$FR_REPLAY/cr2-eqiad-up.xml")
for since in 2263-01-01T00:00:00Z 9999-12-31T23:59:59Z @9999999999; do
  fr_expect "--since $since" 2 "--since: bad time '$since': outside the clock's range \(1970-01-01T00:00:00.000Z to 2262-04-11T23:47:16.854Z\)" -- \
    "${args[@]}" --since "$since"
done
fr_expect "--since in the future" 2 '--since: 2030-01-01T00:00:00.000Z is in the future \(now is 2026-11-29T03:00:00.000Z\)' -- \
  "${args[@]}" --now "$FR_NOW" --since 2030-01-01T00:00:00Z
fr_expect "--since in the future, live clock" 2 '--since: 2200-01-01T00:00:00.000Z is in the future' -- \
  "${args[@]}" --since 2200-01-01T00:00:00Z
fr_expect "--now beyond the clock" 2 "--now: bad time '@9999999999': outside the clock's range" -- \
  "${args[@]}" --now @9999999999 --since -30s
fr_expect "--since -D reaching before 1970" 2 "100000w before .* is outside the clock's range" -- \
  "${args[@]}" --since -100000w
fr_note "--since/--now out of range or in the future: exit 2, named"
