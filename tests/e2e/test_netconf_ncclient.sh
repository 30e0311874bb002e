#!/usr/bin/env bash
# Interop: python3-ncclient (Debian; device handlers "junos" and "default")
# as a client of the simulator behind real sshd, over EOM (cr1-eqiad) and
# chunked (cr2-eqiad) framing, gets the same sessions bgpwatch reads. The
# simulator clock is frozen (--now) so both see the same instant.
set -euo pipefail
. "$BGPWATCH_SOURCE_DIR/tests/lib/sshd.sh"
/usr/bin/python3 -c 'import ncclient' 2>/dev/null || { echo "SKIP: python3-ncclient missing"; exit 77; }
SC=$BGPWATCH_FIXTURES/scenarios/demo-eqiad.json
sshd_init
NOW=$((SSHD_START + 9))   # mid-restart: kubernetes1003 is Active on both routers
sshd_start_router cr1-eqiad "$SC" --now "$NOW"
sshd_start_router cr2-eqiad "$SC" --now "$NOW"
sshd_write_config "$SSHD_DIR/config.yaml" "$SC"
timeout 120 "$BGPWATCH" --config "$SSHD_DIR/config.yaml" --format json summary > "$SSHD_DIR/bgpwatch.json"

timeout 120 /usr/bin/python3 - "$SSHD_DIR" "${SSHD_PORTS[cr1-eqiad]}" "${SSHD_PORTS[cr2-eqiad]}" "$SSHD_USER" <<'PY'
import json, sys, logging
from ncclient import manager
from ncclient.xml_ import to_ele
from lxml import etree
d, p1, p2, user = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
logging.disable(logging.CRITICAL)

def local(el):
    return etree.QName(el).localname

def peers(xml_text):
    root = etree.fromstring(xml_text.encode())
    out = {}
    for p in root.iter():
        if not isinstance(p.tag, str) or local(p) != "bgp-peer":
            continue
        f = {local(c): c for c in p if isinstance(c.tag, str)}
        et = f["elapsed-time"]
        secs = [v for k, v in et.attrib.items() if k.endswith("seconds")]
        out[f["peer-address"].text] = (f["peer-state"].text, int(secs[0]), int(f["peer-as"].text), int(f["flap-count"].text))
    return out

bw = json.load(open(d + "/bgpwatch.json"))
fail = []
for router, port in (("cr1-eqiad", p1), ("cr2-eqiad", p2)):
    want = {s["address"]: (s["state"], s["uptime_seconds"], s["peer_as"], s["flaps"])
            for s in bw["sessions"] if s["router"] == router}
    if len(want) != 12:
        fail.append("%s: bgpwatch read %d sessions, want 12" % (router, len(want)))
    for handler in ("junos", "default"):
        with manager.connect(host="127.0.0.1", port=port, username=user, key_filename=d + "/id_ed25519",
                             hostkey_verify=False, allow_agent=False, look_for_keys=False, timeout=60,
                             device_params={"name": handler}) as m:
            reply = m.dispatch(to_ele("<get-bgp-summary-information/>"))
            got = peers(reply.xml if hasattr(reply, "xml") else str(reply))
            if got != want:
                fail.append("%s/%s: ncclient %r != bgpwatch %r" % (router, handler, got, want))
            g = m.get()
            gx = g.xml if hasattr(g, "xml") else str(g)
            if "<host-name>%s</host-name>" % router not in gx:
                fail.append("%s/%s: <get> reply lacks host-name: %s" % (router, handler, gx[:200]))
            framing = "chunked" if ":base:1.1" in " ".join(m.server_capabilities) else "eom"
            print("%s via ncclient %s (%s): %d peers, same as bgpwatch" % (router, handler, framing, len(got)))
    st = want.get("10.64.32.23")
    # Active since t=7 on cr1, t=8 on cr2; down sessions keep their flap count + 1.
    expect = ("Active", 2 if router == "cr1-eqiad" else 1, 64601, 3)
    if st != expect:
        fail.append("%s: kubernetes1003 v4 %r, want %r at t=9" % (router, st, expect))
if fail:
    print("FAIL:\n  " + "\n  ".join(fail)); sys.exit(1)
PY
echo PASS
