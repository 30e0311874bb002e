#!/usr/bin/python3
"""tests/bench/gen_junos_summary.py: write a large <get-bgp-summary-information/>
reply for benchmarks (issue 2 item 10).

Shape follows /work/shared/junos-format.md §2 (a `| display xml` capture:
rpc-reply, junos: attributes, release namespaces, heading on the first peer,
per-peer terse bgp-rib lists). Deterministic (fixed seed), so every run and
every parser sees the same bytes.

Default style "pyez": a bare <bgp-information> with plain style=/seconds=
attributes and 2-space indentation, as PyEZ/lxml saves a reply (~6.5 MB
for 10,000 peers). Style "display-xml": <rpc-reply>, junos: attributes,
4-space indentation, trailing <cli><banner> (~8.9 MB).

usage: gen_junos_summary.py [--peers N] [--seed S] [--style pyez|display-xml] OUT.xml
"""
import argparse
import random

HEADING = ("Peer                     AS      InPkt     OutPkt    OutQ   Flaps "
           "Last Up/Dwn State|#Active/Received/Accepted/Damped...")
STATES = [("Established", 88), ("Active", 6), ("Connect", 3), ("Idle", 2), ("OpenSent", 0.5), ("OpenConfirm", 0.5)]


def human(sec):
    w, r = divmod(sec, 604800)
    d, r = divmod(r, 86400)
    h, r = divmod(r, 3600)
    m, s = divmod(r, 60)
    if w >= 20:
        return f"{w}w{d}d{h}h"
    if w:
        return f"{w}w{d}d {h}:{m:02}:{s:02}"
    if d:
        return f"{d}d {h}:{m:02}:{s:02}"
    if h:
        return f"{h}:{m:02}:{s:02}"
    if m:
        return f"{m}:{s:02}"
    return str(s)


def address(rng, i, v6):
    if v6:
        return f"2620:0:861:{100 + i // 4096:x}:10:64:{(i // 256) % 256}:{i % 256}"
    return f"10.{64 + i // 65536}.{(i // 256) % 256}.{i % 256}"


def peer(rng, i, first):
    v6 = i % 2 == 1
    state = rng.choices([s for s, _ in STATES], weights=[w for _, w in STATES])[0]
    up = rng.randint(0, 30_000_000) if state == "Established" else rng.randint(0, 600)
    asn = rng.choice([64601, 64602, 64603, 4290029998, 4201065544, 14907])
    inp = rng.randint(0, 5_000_000_000)
    out = rng.randint(0, 5_000_000_000)
    heading = f' heading="{HEADING}"' if first else ""
    lines = [
        f'        <bgp-peer junos:style="terse"{heading}>',
        f"            <peer-address>{address(rng, i, v6)}</peer-address>",
        f"            <peer-as>{asn}</peer-as>",
        f"            <input-messages>{inp}</input-messages>",
        f"            <output-messages>{out}</output-messages>",
        f"            <route-queue-count>{rng.choice([0, 0, 0, 1])}</route-queue-count>",
        f"            <flap-count>{rng.randint(0, 40)}</flap-count>",
        f'            <elapsed-time junos:seconds="{up}">{human(up)}</elapsed-time>',
    ]
    if rng.random() < 0.3:
        lines.append(f"            <description>kubernetes{1000 + i // 2}.eqiad.wmnet</description>")
    if state == "Established":
        lines.append('            <peer-state junos:format="Establ">Established</peer-state>')
        tables = ["inet6.0"] if v6 else ["inet.0"]
        if rng.random() < 0.15:
            tables.append("inet.3" if not v6 else "inet6.3")
        for t in tables:
            rcv = rng.randint(0, 40)
            acc = rng.randint(0, rcv)
            lines += [
                '            <bgp-rib junos:style="terse">',
                f"                <name>{t}</name>",
                f"                <active-prefix-count>{rng.randint(0, acc)}</active-prefix-count>",
                f"                <received-prefix-count>{rcv}</received-prefix-count>",
                f"                <accepted-prefix-count>{acc}</accepted-prefix-count>",
                "                <suppressed-prefix-count>0</suppressed-prefix-count>",
                "            </bgp-rib>",
            ]
    else:
        lines.append(f"            <peer-state>{state}</peer-state>")
    lines.append("        </bgp-peer>")
    return lines, state != "Established"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--peers", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=64601)
    ap.add_argument("--style", choices=["pyez", "display-xml"], default="pyez")
    ap.add_argument("out")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    body = []
    down = 0
    for i in range(args.peers):
        lines, is_down = peer(rng, i, i == 0)
        body += lines
        down += is_down
    head = [
        '<rpc-reply xmlns:junos="http://xml.juniper.net/junos/21.4R3/junos">',
        '    <bgp-information xmlns="http://xml.juniper.net/junos/21.4R3/junos-routing">',
        "        <bgp-thread-mode>BGP I/O</bgp-thread-mode>",
        "        <thread-state></thread-state>",
        "        <group-count>4</group-count>",
        f"        <peer-count>{args.peers}</peer-count>",
        f"        <down-peer-count>{down}</down-peer-count>",
    ]
    for t in ("inet.0", "inet.3", "inet6.0", "inet6.3"):
        head += [
            '        <bgp-rib junos:style="brief">',
            f"            <name>{t}</name>",
            "            <total-prefix-count>0</total-prefix-count>",
            "            <active-prefix-count>0</active-prefix-count>",
            "            <bgp-rib-state>BGP restart is complete</bgp-rib-state>",
            "        </bgp-rib>",
        ]
    tail = ["    </bgp-information>", "    <cli>", "        <banner></banner>", "    </cli>", "</rpc-reply>"]
    lines = head + body + tail
    if args.style == "pyez":
        lines = [restyle(line) for line in lines[1:-4]]
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")


def restyle(line):
    """display-xml line -> PyEZ/lxml pretty_print line (one level less, 2 spaces)."""
    stripped = line.lstrip(" ")
    depth = (len(line) - len(stripped)) // 4 - 1
    stripped = stripped.replace("junos:", "").replace(' xmlns="http://xml.juniper.net/junos/21.4R3/junos-routing"', "")
    return "  " * max(depth, 0) + stripped


if __name__ == "__main__":
    main()
