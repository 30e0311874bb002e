#!/usr/bin/env bash
# tests/e2e/test_lab_wire.sh: live capture with real daemons. In the node's
# namespace, `bgpwatch sniff --interface eth0` watches a calico-node style
# BIRD restart (tests/lab/bwlab.sh): it must see BIRD's Cease/Administrative
# Shutdown for both families, then each session come back through
# OpenSent/OpenConfirm to Established - and its counts must equal what tshark
# finds in a tcpdump capture of the same minutes.
set -euo pipefail
: "${BGPWATCH:?path to the bgpwatch binary}"
ROOT=${BGPWATCH_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (network namespaces)"; exit 77; }
for c in bird bird6 vtysh tcpdump tshark ip; do
  command -v "$c" >/dev/null || { echo "SKIP: $c not installed"; exit 77; }
done
[ -x /usr/lib/frr/bgpd ] || { echo "SKIP: FRR not installed"; exit 77; }

export BWLAB_PREFIX=bwt$$ BWLAB_QUIET=1
export BWLAB_DIR=$(mktemp -d /tmp/bwlab-test.XXXXXX)
LAB=$ROOT/tests/lab/bwlab.sh
OUT=$BWLAB_DIR/out
mkdir -p "$OUT"
sniff_pid=
cleanup() {
  [ -n "$sniff_pid" ] && kill "$sniff_pid" 2>/dev/null || true
  "$LAB" down >/dev/null 2>&1 || true
  rm -rf "$BWLAB_DIR"
}
trap cleanup EXIT

"$LAB" up
eval "$("$LAB" env)"

# live sniff in the node namespace, and a tcpdump of the same interface for tshark
ip netns exec "$BWLAB_NODE1_NS" "$BGPWATCH" --format json sniff --interface eth0 --duration 60s \
  > "$OUT/sniff.jsonl" 2> "$OUT/sniff.err" &
sniff_pid=$!
"$LAB" capture-start t "$OUT/node1.pcap" "$BWLAB_NODE1_NS" eth0
# the sniffer is up when its pcap handle is: poll for the socket instead of sleeping blind
for _ in $(seq 1 50); do
  grep -q socket < <(ls -l /proc/$sniff_pid/fd 2>/dev/null) && break
  sleep 0.1
done

"$LAB" restart-node 1
"$LAB" wait-established 40
sleep 2 # the UPDATEs and End-of-RIBs after Established
"$LAB" capture-stop t
kill -INT "$sniff_pid"
wait "$sniff_pid" || { echo "FAIL: sniff exited $?"; cat "$OUT/sniff.err"; exit 1; }
sniff_pid=

/usr/bin/python3 - "$OUT/sniff.jsonl" "$BWLAB_NODE1_V4" "$BWLAB_NODE1_V6" <<'EOF'
import json
import sys

events = [json.loads(l) for l in open(sys.argv[1])]
node_v4, node_v6 = sys.argv[2], sys.argv[3]
fail = []
assert events and events[-1]["event"] == "summary", "no summary line"
cease = [e for e in events if e["event"] == "message" and e["type"] == "NOTIFICATION"
         and e["code"] == 6 and e["subcode"] == 2]
srcs = {e["src"].rsplit(":", 1)[0].strip("[]") for e in cease}
if srcs != {node_v4, node_v6}:
    fail.append(f"Cease/Administrative Shutdown from {srcs}, expected both node addresses")
ups = [e for e in events if e["event"] == "state" and e["to"] == "Established" and not e["inferred"]]
v4 = [e for e in ups if node_v4 in (e["a"] + e["b"])]
v6 = [e for e in ups if node_v6 in (e["a"] + e["b"])]
if not v4 or not v6:
    fail.append(f"no non-inferred Established for both families: {len(v4)} v4, {len(v6)} v6")
for e in v4 + v6:
    if e["from"] != "OpenConfirm":
        fail.append(f"Established from {e['from']}")
if fail:
    print("FAIL:", *fail, sep="\n  ")
    sys.exit(1)
print(f"ok: {len(events)} events, Cease from {sorted(srcs)}, Established v4 and v6 after OpenConfirm")
EOF

# the live decode and tshark agree on the same traffic (the capture and the
# sniffer start and stop at slightly different moments: compare tshark on the
# pcap with bgpwatch on the same pcap, and the live run's NOTIFICATIONs with it)
BGPWATCH=$BGPWATCH bash "$ROOT/tests/e2e/test_sniff_tshark.sh" "$OUT/node1.pcap"
live=$(grep -c '"type":"NOTIFICATION"' "$OUT/sniff.jsonl" || true)
file=$("$BGPWATCH" --format json sniff --read "$OUT/node1.pcap" | grep -c '"type":"NOTIFICATION"' || true)
[ "$live" = "$file" ] || { echo "FAIL: live saw $live NOTIFICATIONs, the capture has $file"; exit 1; }
echo "ok: live and file decode agree on $live NOTIFICATIONs"
