# The router was read but does not list the node at all: Unknown, never
# "nothing wrong".
fr_expect "peer absent" 3 "Unknown: not in cr1-eqiad's BGP peer list" -- \
  --config "$FR_REPLAY/config.yaml" check --node kubernetes1003 --now "$FR_NOW" \
  --replay "cr1-eqiad=$FR_REPLAY/cr1-eqiad-absent.xml" --replay "cr2-eqiad=$FR_REPLAY/cr2-eqiad-up.xml"
fr_note "peer absent: Unknown"
