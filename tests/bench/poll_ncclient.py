#!/usr/bin/python3
"""tests/bench/poll_ncclient.py: the ncclient + lxml baseline for a poll
(issue 17): the same <get-bgp-summary-information/> RPC to every router and
the same session fields bgpwatch reads, done the fastest way found with
Debian's python3-ncclient (0.6.13, paramiko):

- device handler "default": the "junos" handler runs an XSLT over every
  reply to strip namespaces (measured slower: --handler junos shows it);
- the reply tree ncclient already parsed (it parses every reply to look for
  <rpc-error>) is reused, not parsed a second time;
- fields extracted by junos_lxml_extract.extract_children (the fastest lxml
  variant of junos_parse_compare.sh);
- the sessions of every router are written as one compact JSON document
  (json's C encoder), as `bgpwatch --format json summary` writes its own.

Two modes:
  --polls N   one process, sessions kept open: N polls after one warm-up
              poll; prints one line per poll with its CPU time (user+sys of
              the whole process, all threads: getrusage) and wall time, and a
              median, on stderr; the last poll's JSON on stdout
  --polls 0   one poll, no timing: what a process costs end to end (start-up,
              SSH handshake, poll, exit) is for /usr/bin/time to measure

usage: poll_ncclient.py [--handler default|junos] [--polls N] KEY USER HOST:PORT[=NAME]...
"""
import json
import logging
import os
import resource
import statistics
import sys
import time

from ncclient import manager
from ncclient.xml_ import to_ele

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from junos_lxml_extract import extract_children  # noqa: E402


def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main():
    args = sys.argv[1:]
    handler, polls = "default", 0
    while args and args[0].startswith("--"):
        if args[0] == "--handler":
            handler = args[1]
        elif args[0] == "--polls":
            polls = int(args[1])
        else:
            sys.exit(__doc__)
        args = args[2:]
    if len(args) < 3:
        sys.exit(__doc__)
    key, user, targets = args[0], args[1], args[2:]
    logging.disable(logging.CRITICAL)
    routers = []
    for t in targets:
        hostport, _, name = t.partition("=")
        host, _, port = hostport.rpartition(":")
        m = manager.connect(host=host, port=int(port), username=user, key_filename=key, hostkey_verify=False,
                            allow_agent=False, look_for_keys=False, timeout=120,
                            device_params={"name": handler})
        routers.append((name or hostport, m))
    rpc = to_ele("<get-bgp-summary-information/>")

    def poll():
        sessions = []
        for name, m in routers:
            reply = m.dispatch(rpc)
            if handler == "default":
                if not reply.ok:
                    raise SystemExit("%s: rpc-error: %s" % (name, reply.error))
                root = reply._root  # parsed by ncclient already (reply.ok)
            else:
                # the namespace-free tree the handler's XSLT made
                doc = reply._NCElement__doc
                root = doc.getroot() if hasattr(doc, "getroot") else doc
            out = extract_children(root)
            for s in out["sessions"]:
                s["router"] = name
            sessions += out["sessions"]
        return sessions

    if polls == 0:
        sessions = poll()
    else:
        sessions = poll()  # warm-up, as bgpwatch's persistent sessions are
        cpus, walls = [], []
        for i in range(polls):
            c0, w0 = cpu(), time.monotonic()
            sessions = poll()
            cpus.append(cpu() - c0)
            walls.append(time.monotonic() - w0)
            sys.stderr.write("poll %d: %.1f ms cpu, %.1f ms wall, %d sessions\n"
                             % (i + 1, cpus[-1] * 1000, walls[-1] * 1000, len(sessions)))
        sys.stderr.write("ncclient+lxml (%s handler), kept sessions: median %.1f ms cpu, %.1f ms wall per poll "
                         "of %d routers\n" % (handler, statistics.median(cpus) * 1000,
                                              statistics.median(walls) * 1000, len(routers)))
    sys.stdout.write(json.dumps({"sessions": sessions}))
    sys.stdout.write("\n")
    for _, m in routers:
        m.close_session()


if __name__ == "__main__":
    main()
