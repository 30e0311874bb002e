# shellcheck shell=bash
# tests/lib/nrpe.sh: a private NRPE daemon for the e2e tests (sourced).
# NRPE_PID is its pid once started (empty before): kill it in the test's cleanup.
NRPE=${NRPE:-/usr/sbin/nrpe}
NRPE_PID=

# nrpe_start CFG LOG PORT TRIES: nrpe -f in the background; returns once it
# accepts on 127.0.0.1:PORT (TRIES polls 50 ms apart); exits 1 if it died.
nrpe_start() {
  local _
  "$NRPE" -c "$1" -f > "$2" 2>&1 &
  NRPE_PID=$!
  for _ in $(seq 1 "$4"); do
    (exec 3<>"/dev/tcp/127.0.0.1/$3") 2>/dev/null && return 0
    kill -0 "$NRPE_PID" 2>/dev/null || { echo "FAIL: nrpe exited"; cat "$2"; exit 1; }
    sleep 0.05
  done
}
