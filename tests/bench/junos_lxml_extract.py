#!/usr/bin/python3
"""tests/bench/junos_lxml_extract.py: the Python lxml baselines for
junos_parse_compare.sh (issue 17): the same fields as `bgpwatch --format json
parse` (parse_junos_xml + the SPEC "Session JSON" object), each variant
written to be as fast as lxml allows while giving the same answer.

Variants (--variant, default "children", the fastest measured here;
junos_parse_compare.sh times all of them and checks each one's answer):
  children   etree.parse, then one pass over each <bgp-peer>'s children with a
             dict dispatch on the (namespace-resolved) tag
  iterparse  etree.iterparse with a tag filter on <bgp-peer> and the three
             counters, elem.clear() and the finished siblings deleted
  findtext   etree.parse, then peer.findtext() per field
  xpath      etree.parse, then compiled XPath string() expressions per field
  target     etree.XMLParser(target=...): start/end/data callbacks, no tree
  naive      the first baseline (every attribute scanned for its local name,
             local names by string splitting): kept to show what it cost

All variants write compact JSON (json.dumps with the C encoder: indent=None
is the only mode CPython encodes in C; bgpwatch pretty-prints, which is more
work, so this favours Python). Semantics follow bgp/junos_xml.cpp for the
fields bgpwatch reads; namespace prefixes are resolved once from the root,
not per element.

usage: junos_lxml_extract.py [--variant NAME] FILE.xml > out.json
"""
import json
import sys

from lxml import etree

STATES = {"Establ": "Established", "Established": "Established", "Idle": "Idle", "Connect": "Connect",
          "Active": "Active", "OpenSent": "OpenSent", "OpenConfirm": "OpenConfirm"}


def table_instance(name):
    # "frontend.inet.0" -> "frontend"; "inet.0", "bgp.l3vpn.0" -> master (None)
    parts = name.split(".")
    if len(parts) < 3 or parts[0] == "bgp":
        return None
    return parts[0]


def common_instance(names):
    common = None
    for n in names:
        i = table_instance(n)
        if i is None or (common is not None and common != i):
            return None
        common = i
    return common


def address_of(text):
    a = text.strip()
    plus = a.rfind("+")
    if plus >= 0:
        a = a[:plus]
    return a


def new_session():
    return {"router": None, "site": None, "instance": None, "address": None, "family": None, "peer_as": None,
            "state": None, "uptime_seconds": None, "flaps": None, "input_messages": None,
            "output_messages": None, "output_queue": None, "description": None, "node": None, "ribs": [],
            "source": "replay",  # a saved reply read from a file (docs/json.md)
            # The neighbor-detail keys (issue 14): bgpwatch writes them, null
            # for a summary reply; so must a baseline that gives its answer.
            "last_state": None, "last_error": None, "peer_flags": None, "options": None,
            "restart_time_received": None, "stale_route_time": None, "restart_negotiated": None,
            "end_of_rib_received": None, "end_of_rib_sent": None, "restart_flags_received": None,
            "stale_routes_expire_at": None,
            # Source-specific keys bgpwatch writes for every session (null
            # for a Junos summary).
            "protocol": None, "local_address": None, "local_as": None}


def finish(out, reply_tables):
    reply_instance = common_instance(reply_tables)
    for s in out["sessions"]:
        ribs = s["ribs"]
        s["instance"] = common_instance([r["name"] for r in ribs]) if ribs else reply_instance
    return out


def namespace_of(tag):
    return tag[:tag.index("}") + 1] if tag.startswith("{") else ""


def find_info(root):
    ns = namespace_of(root.tag)
    if root.tag == ns + "bgp-information":
        return root
    for e in root.iter():
        if isinstance(e.tag, str) and e.tag.endswith("}bgp-information") or e.tag == "bgp-information":
            return e
    raise SystemExit("no <bgp-information>")


def seconds_attr(el):
    v = el.get("seconds")
    if v is None:
        for k, val in el.attrib.items():
            if k.endswith("}seconds"):
                return int(val)
        return None
    return int(v)


# --- children: parse + one pass over children, dict dispatch --------------

def variant_children(path):
    return extract_children(etree.parse(path).getroot())


def extract_children(root):
    """The fastest extraction, from an already parsed tree (poll_ncclient.py
    uses it on the root ncclient parsed)."""
    info = find_info(root)
    ns = namespace_of(info.tag)
    T = {ns + k: k for k in ("peer-address", "peer-as", "peer-state", "elapsed-time", "flap-count",
                             "input-messages", "output-messages", "route-queue-count", "description",
                             "bgp-rib")}
    R = {ns + "name": "name", ns + "active-prefix-count": "active", ns + "received-prefix-count": "received",
         ns + "accepted-prefix-count": "accepted", ns + "damped-prefix-count": "damped"}
    PEER, RIB = ns + "bgp-peer", ns + "bgp-rib"
    INTS = {"peer-as": "peer_as", "flap-count": "flaps", "input-messages": "input_messages",
            "output-messages": "output_messages", "route-queue-count": "output_queue"}
    out = {"format": "junos-xml", "groups": None, "peers": None, "down_peers": None, "sessions": []}
    sessions = out["sessions"]
    reply_tables = []
    counters = {ns + "group-count": "groups", ns + "peer-count": "peers", ns + "down-peer-count": "down_peers"}
    for c in info:
        tag = c.tag
        if tag == PEER:
            s = new_session()
            for f in c:
                k = T.get(f.tag)
                if k is None:
                    continue
                if k in INTS:
                    s[INTS[k]] = int(f.text)
                elif k == "peer-address":
                    a = address_of(f.text)
                    s["address"] = a
                    s["family"] = "ipv6" if ":" in a else "ipv4"
                elif k == "peer-state":
                    s["state"] = STATES[f.text.strip()]
                elif k == "elapsed-time":
                    s["uptime_seconds"] = seconds_attr(f)
                elif k == "description":
                    s["description"] = f.text.strip()
                else:  # bgp-rib
                    rib = {"name": None, "active": None, "received": None, "accepted": None, "damped": None, "state": None}
                    for r in f:
                        rk = R.get(r.tag)
                        if rk == "name":
                            rib["name"] = r.text.strip()
                        elif rk is not None:
                            rib[rk] = int(r.text)
                    s["ribs"].append(rib)
            sessions.append(s)
        elif tag == RIB:
            reply_tables.append(c.findtext(ns + "name").strip())
        elif tag in counters:
            out[counters[tag]] = int(c.text)
    return finish(out, reply_tables)


# --- iterparse: tag filter, clear() ---------------------------------------

def variant_iterparse(path):
    # The namespace is not known before the first event: read the root's
    # start tag first (cheap: the start event of the first element).
    ns = ""
    for _, el in etree.iterparse(path, events=("start",)):
        ns = namespace_of(el.tag)
        if el.tag == ns + "rpc-reply":
            continue
        break
    PEER, RIB, NAME = ns + "bgp-peer", ns + "bgp-rib", ns + "name"
    T = {ns + k: k for k in ("peer-address", "peer-as", "peer-state", "elapsed-time", "flap-count",
                             "input-messages", "output-messages", "route-queue-count", "description",
                             "bgp-rib")}
    R = {NAME: "name", ns + "active-prefix-count": "active", ns + "received-prefix-count": "received",
         ns + "accepted-prefix-count": "accepted", ns + "damped-prefix-count": "damped"}
    INTS = {"peer-as": "peer_as", "flap-count": "flaps", "input-messages": "input_messages",
            "output-messages": "output_messages", "route-queue-count": "output_queue"}
    counters = {ns + "group-count": "groups", ns + "peer-count": "peers", ns + "down-peer-count": "down_peers"}
    out = {"format": "junos-xml", "groups": None, "peers": None, "down_peers": None, "sessions": []}
    sessions = out["sessions"]
    reply_tables = []
    tags = [PEER, RIB] + list(counters)
    for _, el in etree.iterparse(path, events=("end",), tag=tags):
        tag = el.tag
        if tag == PEER:
            s = new_session()
            for f in el:
                k = T.get(f.tag)
                if k is None:
                    continue
                if k in INTS:
                    s[INTS[k]] = int(f.text)
                elif k == "peer-address":
                    a = address_of(f.text)
                    s["address"] = a
                    s["family"] = "ipv6" if ":" in a else "ipv4"
                elif k == "peer-state":
                    s["state"] = STATES[f.text.strip()]
                elif k == "elapsed-time":
                    s["uptime_seconds"] = seconds_attr(f)
                elif k == "description":
                    s["description"] = f.text.strip()
                else:
                    rib = {"name": None, "active": None, "received": None, "accepted": None, "damped": None, "state": None}
                    for r in f:
                        rk = R.get(r.tag)
                        if rk == "name":
                            rib["name"] = r.text.strip()
                        elif rk is not None:
                            rib[rk] = int(r.text)
                    s["ribs"].append(rib)
            sessions.append(s)
        elif tag == RIB:
            parent = el.getparent()
            if parent is None or parent.tag == PEER:
                continue  # a peer's rib: read with its peer, cleared with it
            reply_tables.append(el.findtext(NAME).strip())
        else:
            out[counters[tag]] = int(el.text)
        if tag != RIB or el.getparent().tag != PEER:
            el.clear()
            prev = el.getprevious()
            while prev is not None:
                parent = el.getparent()
                del parent[0]
                prev = el.getprevious()
    return finish(out, reply_tables)


# --- findtext: one findtext per field --------------------------------------

def variant_findtext(path):
    root = etree.parse(path).getroot()
    info = find_info(root)
    ns = namespace_of(info.tag)
    out = {"format": "junos-xml", "groups": None, "peers": None, "down_peers": None, "sessions": []}
    for k, key in (("group-count", "groups"), ("peer-count", "peers"), ("down-peer-count", "down_peers")):
        t = info.findtext(ns + k)
        out[key] = int(t) if t is not None else None
    reply_tables = [r.findtext(ns + "name").strip() for r in info.iterchildren(ns + "bgp-rib")]

    def num(el, name):
        t = el.findtext(name)
        return int(t) if t is not None else None

    A, AS, ST, EL, FL = ns + "peer-address", ns + "peer-as", ns + "peer-state", ns + "elapsed-time", ns + "flap-count"
    IN, OUT, Q, D, RIB, NAME = (ns + "input-messages", ns + "output-messages", ns + "route-queue-count",
                                ns + "description", ns + "bgp-rib", ns + "name")
    AP, RP, CP, DP = (ns + "active-prefix-count", ns + "received-prefix-count", ns + "accepted-prefix-count",
                      ns + "damped-prefix-count")
    sessions = out["sessions"]
    for p in info.iterchildren(ns + "bgp-peer"):
        s = new_session()
        a = address_of(p.findtext(A))
        s["address"] = a
        s["family"] = "ipv6" if ":" in a else "ipv4"
        s["peer_as"] = num(p, AS)
        s["state"] = STATES[p.findtext(ST).strip()]
        e = p.find(EL)
        s["uptime_seconds"] = seconds_attr(e) if e is not None else None
        s["flaps"] = num(p, FL)
        s["input_messages"] = num(p, IN)
        s["output_messages"] = num(p, OUT)
        s["output_queue"] = num(p, Q)
        d = p.findtext(D)
        s["description"] = d.strip() if d is not None else None
        s["ribs"] = [{"name": r.findtext(NAME).strip(), "active": num(r, AP), "received": num(r, RP),
                      "accepted": num(r, CP), "damped": num(r, DP), "state": None} for r in p.iterchildren(RIB)]
        sessions.append(s)
    return finish(out, reply_tables)


# --- xpath: compiled string() expressions ---------------------------------

def variant_xpath(path):
    root = etree.parse(path).getroot()
    info = find_info(root)
    ns = namespace_of(info.tag)
    nsmap = {"j": ns[1:-1]} if ns else None
    p = "j:" if ns else ""

    def X(expr):
        return etree.XPath(expr, namespaces=nsmap) if nsmap else etree.XPath(expr)

    def S(name):
        return X(f"string({p}{name})")

    def N(name):
        e = X(f"{p}{name}/text()")

        def get(el):
            r = e(el)
            return int(r[0]) if r else None
        return get

    out = {"format": "junos-xml", "groups": N("group-count")(info), "peers": N("peer-count")(info),
           "down_peers": N("down-peer-count")(info), "sessions": []}
    reply_tables = [t.strip() for t in X(f"{p}bgp-rib/{p}name/text()")(info)]
    peers = X(f"{p}bgp-peer")(info)
    A, ST, D = S("peer-address"), S("peer-state"), X(f"{p}description/text()")
    SEC = X(f"{p}elapsed-time/@*[local-name()='seconds']")
    AS, FL, IN, OUT, Q = N("peer-as"), N("flap-count"), N("input-messages"), N("output-messages"), N("route-queue-count")
    RIBS, NAME = X(f"{p}bgp-rib"), S("name")
    AP, RP, CP, DP = N("active-prefix-count"), N("received-prefix-count"), N("accepted-prefix-count"), N("damped-prefix-count")
    sessions = out["sessions"]
    for el in peers:
        s = new_session()
        a = address_of(A(el))
        s["address"] = a
        s["family"] = "ipv6" if ":" in a else "ipv4"
        s["peer_as"] = AS(el)
        s["state"] = STATES[ST(el).strip()]
        sec = SEC(el)
        s["uptime_seconds"] = int(sec[0]) if sec else None
        s["flaps"] = FL(el)
        s["input_messages"] = IN(el)
        s["output_messages"] = OUT(el)
        s["output_queue"] = Q(el)
        d = D(el)
        s["description"] = d[0].strip() if d else None
        s["ribs"] = [{"name": NAME(r).strip(), "active": AP(r), "received": RP(r), "accepted": CP(r),
                      "damped": DP(r), "state": None} for r in RIBS(el)]
        sessions.append(s)
    return finish(out, reply_tables)


# --- target: parser target callbacks, no tree -----------------------------

class Target:
    INTS = {"peer-as": "peer_as", "flap-count": "flaps", "input-messages": "input_messages",
            "output-messages": "output_messages", "route-queue-count": "output_queue"}
    RIBS = {"active-prefix-count": "active", "received-prefix-count": "received",
            "accepted-prefix-count": "accepted", "damped-prefix-count": "damped"}
    COUNTERS = {"group-count": "groups", "peer-count": "peers", "down-peer-count": "down_peers"}

    def __init__(self):
        self.out = {"format": "junos-xml", "groups": None, "peers": None, "down_peers": None, "sessions": []}
        self.reply_tables = []
        self.depth = 0
        self.info_depth = -1
        self.session = None
        self.rib = None
        self.text = []

    def start(self, tag, attrib):
        self.depth += 1
        name = tag[tag.find("}") + 1:]
        self.text = []
        if name == "bgp-information" and self.info_depth < 0:
            self.info_depth = self.depth
        elif self.depth == self.info_depth + 1:
            if name == "bgp-peer":
                self.session = new_session()
            elif name == "bgp-rib":
                self.rib = {"name": None}
        elif self.session is not None and name == "bgp-rib":
            self.rib = {"name": None, "active": None, "received": None, "accepted": None, "damped": None, "state": None}
        elif self.session is not None and name == "elapsed-time":
            for k, v in attrib.items():
                if k == "seconds" or k.endswith("}seconds"):
                    self.session["uptime_seconds"] = int(v)

    def data(self, d):
        self.text.append(d)

    def end(self, tag):
        name = tag[tag.find("}") + 1:]
        depth = self.depth
        self.depth -= 1
        s = self.session
        if depth == self.info_depth + 1:
            if name == "bgp-peer":
                self.out["sessions"].append(s)
                self.session = None
            elif name == "bgp-rib":
                self.reply_tables.append(self.rib["name"])
                self.rib = None
            elif name in self.COUNTERS:
                self.out[self.COUNTERS[name]] = int("".join(self.text))
            return
        if self.rib is not None and depth >= self.info_depth + 2:
            if name == "bgp-rib":
                if s is not None:
                    s["ribs"].append(self.rib)
                self.rib = None
            elif name == "name":
                self.rib["name"] = "".join(self.text).strip()
            elif s is not None and name in self.RIBS:
                self.rib[self.RIBS[name]] = int("".join(self.text))
            return
        if s is None:
            return
        if name in self.INTS:
            s[self.INTS[name]] = int("".join(self.text))
        elif name == "peer-address":
            a = address_of("".join(self.text))
            s["address"] = a
            s["family"] = "ipv6" if ":" in a else "ipv4"
        elif name == "peer-state":
            s["state"] = STATES["".join(self.text).strip()]
        elif name == "description":
            s["description"] = "".join(self.text).strip()

    def close(self):
        return finish(self.out, self.reply_tables)


def variant_target(path):
    parser = etree.XMLParser(target=Target())
    return etree.parse(path, parser)


# --- naive: the first baseline, unchanged in substance ---------------------

def variant_naive(path):
    def local(tag):
        return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""

    def attr(el, name):
        for k, v in el.attrib.items():
            if local(k) == name:
                return v
        return None

    def num(text):
        return int(text.strip()) if text is not None else None

    root = etree.parse(path).getroot()
    info = root if local(root.tag) == "bgp-information" else next(
        e for e in root.iter() if local(e.tag) == "bgp-information")
    out = {"format": "junos-xml", "groups": None, "peers": None, "down_peers": None, "sessions": []}
    reply_tables = []
    for c in info:
        n = local(c.tag)
        if n == "group-count":
            out["groups"] = num(c.text)
        elif n == "peer-count":
            out["peers"] = num(c.text)
        elif n == "down-peer-count":
            out["down_peers"] = num(c.text)
        elif n == "bgp-rib":
            for r in c:
                if local(r.tag) == "name":
                    reply_tables.append(r.text.strip())
        elif n == "bgp-peer":
            s = new_session()
            for f in c:
                n = local(f.tag)
                if n == "peer-address":
                    a = address_of(f.text)
                    s["address"] = a
                    s["family"] = "ipv6" if ":" in a else "ipv4"
                elif n == "peer-as":
                    s["peer_as"] = num(f.text)
                elif n == "peer-state":
                    s["state"] = STATES[f.text.strip()]
                elif n == "elapsed-time":
                    s["uptime_seconds"] = int(attr(f, "seconds"))
                elif n == "flap-count":
                    s["flaps"] = num(f.text)
                elif n == "input-messages":
                    s["input_messages"] = num(f.text)
                elif n == "output-messages":
                    s["output_messages"] = num(f.text)
                elif n == "route-queue-count":
                    s["output_queue"] = num(f.text)
                elif n == "description":
                    s["description"] = f.text.strip()
                elif n == "bgp-rib":
                    rib = {"name": None, "active": None, "received": None, "accepted": None, "damped": None, "state": None}
                    for r in f:
                        rn = local(r.tag)
                        if rn == "name":
                            rib["name"] = r.text.strip()
                        elif rn == "active-prefix-count":
                            rib["active"] = num(r.text)
                        elif rn == "received-prefix-count":
                            rib["received"] = num(r.text)
                        elif rn == "accepted-prefix-count":
                            rib["accepted"] = num(r.text)
                        elif rn == "damped-prefix-count":
                            rib["damped"] = num(r.text)
                    s["ribs"].append(rib)
            out["sessions"].append(s)
    return finish(out, reply_tables)


VARIANTS = {"children": variant_children, "iterparse": variant_iterparse, "findtext": variant_findtext,
            "xpath": variant_xpath, "target": variant_target, "naive": variant_naive}


def main():
    args = sys.argv[1:]
    variant = "children"
    if len(args) == 3 and args[0] == "--variant":
        variant = args[1]
        args = args[2:]
    if len(args) != 1 or variant not in VARIANTS:
        sys.stderr.write("usage: junos_lxml_extract.py [--variant %s] FILE.xml\n" % "|".join(VARIANTS))
        return 2
    out = VARIANTS[variant](args[0])
    sys.stdout.write(json.dumps(out))
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
