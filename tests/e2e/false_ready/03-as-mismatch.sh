# The router has a session from the node's address but with another AS
# (a misconfigured or foreign speaker): not ready, both ASes named.
fr_expect "AS mismatch" 1 'AS mismatch: router has AS 64602, site expects 64601' -- \
  --config "$FR_REPLAY/config.yaml" check --node kubernetes1003 --now "$FR_NOW" \
  --replay "cr1-eqiad=$FR_REPLAY/cr1-eqiad-as-mismatch.xml" --replay "cr2-eqiad=$FR_REPLAY/cr2-eqiad-up.xml"
fr_note "AS mismatch: not ready"
