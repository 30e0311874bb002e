# A reply cut short (the connection dropped mid-reply): the sessions that
# were read must not count, the router is unreadable, the file:line named.
fr_expect "truncated reply" 3 '^router cr1-eqiad: unreadable: .*cr1-eqiad-truncated\.xml:[0-9]+: ' -- \
  --config "$FR_REPLAY/config.yaml" check --node kubernetes1003 --now "$FR_NOW" \
  --replay "cr1-eqiad=$FR_REPLAY/cr1-eqiad-truncated.xml" --replay "cr2-eqiad=$FR_REPLAY/cr2-eqiad-up.xml"
fr_note "partial reply: Unknown"
