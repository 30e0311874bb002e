# --collector http:// to a host that is not loopback: anyone on the path
# could answer READY. Refused before any network I/O, exit 2 (192.0.2.1 is
# TEST-NET-1: nothing answers there, so a regression would time out).
fr_expect "plain http to 192.0.2.1" 2 'plain http:// is only allowed to a loopback address' -- \
  --config "$FR_REPLAY/config.yaml" check --node kubernetes1003 --collector http://192.0.2.1:9179
fr_note "plain http:// to a non-loopback collector: refused (exit 2)"
