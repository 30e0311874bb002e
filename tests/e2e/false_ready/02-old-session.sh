# The restart race with --since given: the router still shows the session
# that was up before calico-node restarted (1 h old). Not ready, named.
fr_expect "old session, --since -30s" 1 \
  'cr1-eqiad ipv4 10\.64\.32\.23 Established for 1h, up since .*not after --since .*has not restarted yet' -- \
  --config "$FR_REPLAY/config.yaml" check --node kubernetes1003 --now "$FR_NOW" --since -30s \
  --replay "cr1-eqiad=$FR_REPLAY/cr1-eqiad-old-session.xml" --replay "cr2-eqiad=$FR_REPLAY/cr2-eqiad-up.xml"
fr_note "old session before --since: not ready (before_since)"
