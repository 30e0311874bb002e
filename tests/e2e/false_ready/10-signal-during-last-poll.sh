# Issue 13 trap 5: a SIGTERM that lands while the last poll completes. gate
# checked "ready" before looking at signals, so CMD ran although the
# operator had said stop. gdb makes the race deterministic: it stops gate
# right after the poll that says ready (in Progress::on_poll, before the
# verdict is acted on), delivers SIGTERM there, and lets it go on; then the
# same at the end of the wait (~StopSignals: the wait has returned ready).
# Now: exit 143, CMD never runs.
command -v gdb > /dev/null || { echo "FAIL: gdb is needed (packaging/debian-packages.txt)"; exit 1; }
marker=$FR_WORK/cmd-ran
gate_under_gdb() { # NAME BREAKPOINT
  rm -f "$marker"
  # LeakSanitizer cannot run under ptrace: leak checks off for this run only.
  ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 timeout 300 gdb -q -batch -nx \
    -ex 'set confirm off' -ex 'set pagination off' -ex 'set startup-with-shell off' \
    -ex 'handle SIGTERM nostop noprint pass' \
    -ex "break $2" -ex run -ex 'delete' -ex 'signal SIGTERM' \
    -ex 'printf "gdb: exit code %d\n", $_exitcode' \
    --args "$BGPWATCH" --config "$FR_REPLAY/config.yaml" gate --node kubernetes1003 --now "$FR_NOW" --since -60s \
    --replay "cr1-eqiad=$FR_REPLAY/cr1-eqiad-up.xml" --replay "cr2-eqiad=$FR_REPLAY/cr2-eqiad-up.xml" \
    -- /usr/bin/touch "$marker" > "$FR_OUT" 2> "$FR_ERR" < /dev/null
  FR_RC=$(sed -n 's/^gdb: exit code \([0-9-]*\)$/\1/p' "$FR_OUT")
  [ -n "$FR_RC" ] || FR_RC="(gdb did not report an exit code)"
  if [ -e "$marker" ]; then
    FR_RC=0 # CMD ran: whatever gate exited with, that is the false READY
    echo "CMD ran after SIGTERM" >> "$FR_ERR"
  fi
  fr_check "$1" 143 "bgpwatch gate: not running '/usr/bin/touch': interrupted by SIGTERM"
}
gate_under_gdb "SIGTERM as the ready poll is reported" 'bgpwatch::collector::Progress::on_poll'
gate_under_gdb "SIGTERM as the wait returns ready" 'bgpwatch::collector::StopSignals::~StopSignals'
fr_note "signal during the last poll: exit 143, CMD not run"
