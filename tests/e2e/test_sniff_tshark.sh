#!/usr/bin/env bash
# tests/e2e/test_sniff_tshark.sh: `bgpwatch --format json sniff --read` agrees
# with Wireshark's BGP dissector (tshark) on every capture under
# fixtures/pcap/ (and any extra files given as arguments): the number of
# messages of each type, and every NOTIFICATION's code, subcode and RFC 8203
# shutdown communication, in order.
set -euo pipefail
: "${BGPWATCH:?path to the bgpwatch binary}"
ROOT=${BGPWATCH_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
FIXTURES=${BGPWATCH_FIXTURES:-$ROOT/fixtures}
command -v tshark >/dev/null || { echo "SKIP: tshark not installed"; exit 77; }

files=("$@")
[ ${#files[@]} -gt 0 ] || files=("$FIXTURES"/pcap/*.pcap)
[ -e "${files[0]}" ] || { echo "FAIL: no captures in $FIXTURES/pcap"; exit 1; }

/usr/bin/python3 - "$BGPWATCH" "${files[@]}" <<'EOF'
import collections
import json
import subprocess
import sys

TYPES = {"1": "OPEN", "2": "UPDATE", "3": "NOTIFICATION", "4": "KEEPALIVE", "5": "ROUTE-REFRESH"}
MINOR = ["bgp.notify.minor_error", "bgp.notify.minor_error_open", "bgp.notify.minor_error_update",
         "bgp.notify.minor_error_expired", "bgp.notify.minor_error_state", "bgp.notify.minor_error_cease",
         "bgp.notify.minor_error_capability", "bgp.notify.minor_error_unknown"]
FIELDS = ["bgp.type", "bgp.notify.major_error"] + MINOR + ["bgp.notify.communication"]


def tshark(path):
    cmd = ["tshark", "-n", "-r", path, "-Y", "bgp", "-T", "fields", "-E", "occurrence=a",
           "-E", "separator=\t", "-E", "aggregator=\x1f"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    counts = collections.Counter()
    notes = []
    for line in out.splitlines():
        cols = (line.split("\t") + [""] * len(FIELDS))[:len(FIELDS)]
        row = dict(zip(FIELDS, [c.split("\x1f") if c else [] for c in cols]))
        for t in row["bgp.type"]:
            counts[TYPES.get(t, t)] += 1
        majors = row["bgp.notify.major_error"]
        minors = [m for f in MINOR for m in row[f]]
        comms = row["bgp.notify.communication"]
        for i, m in enumerate(majors):
            notes.append((int(m, 0), int(minors[i], 0) if i < len(minors) else None,
                          comms[i] if i < len(comms) and comms[i] else None))
    return counts, notes


def bgpwatch(binary, path):
    p = subprocess.run([binary, "--format", "json", "sniff", "--read", path], capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"FAIL {path}: bgpwatch exit {p.returncode}: {p.stderr.strip()}")
    counts = collections.Counter()
    notes = []
    events = [json.loads(l) for l in p.stdout.splitlines()]
    for e in events:
        if e["event"] in ("message", "malformed") and e.get("type"):
            counts[e["type"]] += 1
        if e["event"] == "message" and e["type"] == "NOTIFICATION":
            notes.append((e["code"], e["subcode"], e["shutdown_communication"]))
    if events[-1]["event"] != "summary":
        raise SystemExit(f"FAIL {path}: last line is not the summary")
    summary_total = sum(events[-1]["messages"].values())
    if summary_total != sum(counts.values()):
        raise SystemExit(f"FAIL {path}: summary counts {summary_total} != events {sum(counts.values())}")
    return counts, notes


failed = 0
binary = sys.argv[1]
for path in sys.argv[2:]:
    t_counts, t_notes = tshark(path)
    b_counts, b_notes = bgpwatch(binary, path)
    name = path.rsplit("/", 1)[-1]
    if t_counts != b_counts or t_notes != b_notes:
        failed += 1
        print(f"FAIL {name}: tshark {dict(t_counts)} {t_notes}\n      bgpwatch {dict(b_counts)} {b_notes}")
    else:
        total = sum(t_counts.values())
        print(f"ok   {name}: {total} messages {dict(sorted(t_counts.items()))} notifications {t_notes}")
if failed:
    sys.exit(1)
EOF
