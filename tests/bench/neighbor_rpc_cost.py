# tests/bench/neighbor_rpc_cost.py: per-poll cost of the gate's extra
# <get-bgp-neighbor-information> RPCs against the simulator on stdin/stdout (no SSH).
# usage: /usr/bin/python3 tests/bench/neighbor_rpc_cost.py SIM SCENARIO ROUTER ADDR[,ADDR...]
import subprocess, sys, time, statistics
sim, scen, router, peers = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(",")
hello = ('<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities>'
         '<capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>]]>]]>')
def run(n, with_detail):
    p = subprocess.Popen([sim, "--scenario", scen, "--router", router, "--start", "0", "--now", "100000"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    p.stdin.write(hello.encode()); p.stdin.flush()
    buf = b""
    def read_msg():
        nonlocal buf
        while b"]]>]]>" not in buf:
            chunk = p.stdout.read1(65536)
            if not chunk: raise SystemExit("eof")
            buf += chunk
        m, buf = buf.split(b"]]>]]>", 1)
        return m
    read_msg()
    times, sizes = [], []
    mid = 0
    for i in range(n):
        t = time.perf_counter(); size = 0
        mid += 1
        p.stdin.write(b'<rpc message-id="%d"><get-bgp-summary-information/></rpc>]]>]]>' % mid); p.stdin.flush()
        size += len(read_msg())
        if with_detail:
            for a in peers:
                mid += 1
                p.stdin.write(b'<rpc message-id="%d"><get-bgp-neighbor-information><neighbor-address>%s</neighbor-address></get-bgp-neighbor-information></rpc>]]>]]>' % (mid, a.encode()))
                p.stdin.flush()
                size += len(read_msg())
        times.append((time.perf_counter() - t) * 1000); sizes.append(size)
    p.stdin.write(b'<rpc message-id="0"><close-session/></rpc>]]>]]>'); p.stdin.close(); p.wait()
    return statistics.median(times), sizes[0]
for wd in (False, True):
    ms, size = run(21, wd)
    print("%s: median %.2f ms per poll, %d bytes" % ("summary + %d neighbor RPCs" % len(peers) if wd else "summary only", ms, size))
