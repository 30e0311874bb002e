# A router that cannot be read (an rpc-error reply, or no data at all) is
# Unknown for every session it serves; the other router being fine does not
# make up for it.
up2=cr2-eqiad=$FR_REPLAY/cr2-eqiad-up.xml
fr_expect "rpc-error reply" 3 '^router cr1-eqiad: unreadable: .*BGP is not running' -- \
  --config "$FR_REPLAY/config.yaml" check --node kubernetes1003 --now "$FR_NOW" \
  --replay "cr1-eqiad=$FR_REPLAY/cr1-eqiad-rpc-error.xml" --replay "$up2"
fr_expect "no data for one router" 3 'cr1-eqiad ipv4 10\.64\.32\.23 Unknown: router unreadable' -- \
  --config "$FR_REPLAY/config.yaml" check --node kubernetes1003 --now "$FR_NOW" --replay "$up2"
fr_note "router down / rpc-error: Unknown"
