#!/usr/bin/python3
"""tests/bench/junos_lxml_extract.py: the same field extraction as
parse_junos_xml + session JSON, done the way ncclient/PyEZ users do it
(lxml.etree, local-name matching), for junos_parse_compare.sh.

usage: junos_lxml_extract.py FILE.xml > out.json
"""
import json
import sys

from lxml import etree


def local(tag):
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def attr(el, name):
    for k, v in el.attrib.items():
        if local(k) == name:
            return v
    return None


def num(text):
    return int(text.strip()) if text is not None else None


STATES = {"Establ": "Established", "Established": "Established", "Idle": "Idle", "Connect": "Connect",
          "Active": "Active", "OpenSent": "OpenSent", "OpenConfirm": "OpenConfirm"}


def peer(el):
    s = {"router": None, "site": None, "instance": None, "address": None, "family": None, "peer_as": None,
         "state": None, "uptime_seconds": None, "flaps": None, "input_messages": None, "output_messages": None,
         "output_queue": None, "description": None, "node": None, "ribs": [], "source": "router"}
    for c in el:
        n = local(c.tag)
        if n == "peer-address":
            a = c.text.strip().rsplit("+", 1)[0] if "+" in c.text else c.text.strip()
            s["address"] = a
            s["family"] = "ipv6" if ":" in a else "ipv4"
        elif n == "peer-as":
            s["peer_as"] = num(c.text)
        elif n == "peer-state":
            s["state"] = STATES[c.text.strip()]
        elif n == "elapsed-time":
            s["uptime_seconds"] = int(attr(c, "seconds"))
        elif n == "flap-count":
            s["flaps"] = num(c.text)
        elif n == "input-messages":
            s["input_messages"] = num(c.text)
        elif n == "output-messages":
            s["output_messages"] = num(c.text)
        elif n == "route-queue-count":
            s["output_queue"] = num(c.text)
        elif n == "description":
            s["description"] = c.text.strip()
        elif n == "bgp-rib":
            rib = {"name": None, "active": None, "received": None, "accepted": None, "damped": None}
            for r in c:
                rn = local(r.tag)
                if rn == "name":
                    rib["name"] = r.text.strip()
                elif rn == "active-prefix-count":
                    rib["active"] = num(r.text)
                elif rn == "received-prefix-count":
                    rib["received"] = num(r.text)
                elif rn == "accepted-prefix-count":
                    rib["accepted"] = num(r.text)
            s["ribs"].append(rib)
    return s


def main():
    root = etree.parse(sys.argv[1]).getroot()
    info = root if local(root.tag) == "bgp-information" else next(
        e for e in root.iter() if local(e.tag) == "bgp-information")
    out = {"format": "junos-xml", "groups": None, "peers": None, "down_peers": None, "sessions": []}
    for c in info:
        n = local(c.tag)
        if n == "group-count":
            out["groups"] = num(c.text)
        elif n == "peer-count":
            out["peers"] = num(c.text)
        elif n == "down-peer-count":
            out["down_peers"] = num(c.text)
        elif n == "bgp-peer":
            out["sessions"].append(peer(c))
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
