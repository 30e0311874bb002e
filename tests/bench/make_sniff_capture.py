#!/usr/bin/env python3
"""Build a large BGP capture for the sniff benchmark by replaying the BGP
flows of a lab fixture (default fixtures/pcap/two-nodes.pcap) over many
sessions with rewritten addresses.

usage: make_sniff_capture.py OUT.pcap [MESSAGES] [SESSIONS] [FIXTURE]
  MESSAGES  at least this many BGP messages (default 1000000)
  SESSIONS  address pairs (default 200; router 10.0.x.1 / node 10.1.x.y)

Each session gets a TCP handshake, the fixture's OPEN/KEEPALIVE/UPDATE
exchange (the real FRR and BIRD bytes), then a steady run of the fixture's
KEEPALIVEs and UPDATEs in both directions, interleaved across sessions, with
TCP sequence numbers advancing; about a third of the segments carry two
messages (as TCP does under load). Timestamps advance 50 us per packet.
The session count stays fixed, so a 2M-message capture tests that memory
does not grow with the capture. Written with struct, no scapy: fast."""
import struct
import sys

from scapy.all import IP, TCP, rdpcap  # Debian python3-scapy: only to read the fixture


def messages_by_direction(fixture):
    """BGP messages per direction of the fixture's first established IPv4 session."""
    streams = {}
    for pkt in rdpcap(fixture):
        if IP not in pkt or TCP not in pkt:
            continue
        key = (pkt[IP].src, pkt[TCP].sport, pkt[IP].dst, pkt[TCP].dport)
        streams.setdefault(key, b"")
        streams[key] += bytes(pkt[TCP].payload)
    out = {}
    for key, data in streams.items():
        msgs = []
        while len(data) >= 19:
            n = struct.unpack("!H", data[16:18])[0]
            msgs.append(data[:n])
            data = data[n:]
        if any(m[18] == 1 for m in msgs):
            out[key] = msgs
    # one connection: both directions with OPENs
    for (s, sp, d, dp), msgs in out.items():
        back = (d, dp, s, sp)
        if back in out:
            router, node = ((s, sp, d, dp), back) if sp == 179 else (back, (s, sp, d, dp))
            return out[router], out[node]
    raise SystemExit("no IPv4 session with OPENs in both directions in " + fixture)


def main():
    out_path = sys.argv[1]
    target = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    sessions = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    fixture = sys.argv[4] if len(sys.argv) > 4 else "fixtures/pcap/two-nodes.pcap"
    router_msgs, node_msgs = messages_by_direction(fixture)
    steady_r = [m for m in router_msgs if m[18] in (2, 4)]
    steady_n = [m for m in node_msgs if m[18] in (2, 4)]

    f = open(out_path, "wb")
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    t = 1_700_000_000 * 1_000_000
    eth = b"\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x08\x00"
    state = []
    for i in range(sessions):
        r = bytes([10, 0, i // 256, 1 + i % 256 % 254])
        n = bytes([10, 1, i // 256, 1 + i % 254])
        state.append({"r": r, "n": n, "rport": 179, "nport": 40000 + i, "rseq": 1000 + i, "nseq": 50000 + i})

    count = 0
    packets = 0

    def packet(s, from_router, flags, payload):
        nonlocal t, packets
        src, dst = (s["r"], s["n"]) if from_router else (s["n"], s["r"])
        sp, dp = (s["rport"], s["nport"]) if from_router else (s["nport"], s["rport"])
        seq_key, ack_key = ("rseq", "nseq") if from_router else ("nseq", "rseq")
        tcp = struct.pack("!HHIIBBHHH", sp, dp, s[seq_key], s[ack_key], 0x50, flags, 65535, 0, 0)
        total = 20 + len(tcp) + len(payload)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, 0, 0x4000, 64, 6, 0, src, dst)
        frame = eth + ip + tcp + payload
        f.write(struct.pack("<IIII", t // 1_000_000, t % 1_000_000, len(frame), len(frame)) + frame)
        s[seq_key] = (s[seq_key] + len(payload) + (1 if flags & 0x03 else 0)) & 0xffffffff
        t += 50
        packets += 1

    # handshakes and the fixture's exchange, as recorded
    for s in state:
        packet(s, False, 0x02, b"")  # SYN from the node (BIRD connects)
        packet(s, True, 0x12, b"")   # SYN-ACK
        for m in node_msgs:
            packet(s, False, 0x18, m)
            count += 1
        for m in router_msgs:
            packet(s, True, 0x18, m)
            count += 1
    # steady state
    k = 0
    while count < target:
        for s in state:
            from_router = (k % 2) == 0
            pool = steady_r if from_router else steady_n
            m = pool[k % len(pool)]
            if k % 3 == 0:
                m2 = pool[(k + 1) % len(pool)]
                packet(s, from_router, 0x18, m + m2)
                count += 2
            else:
                packet(s, from_router, 0x18, m)
                count += 1
        k += 1
    f.close()
    print(f"{out_path}: {packets} packets, {count} BGP messages, {sessions} sessions", file=sys.stderr)


if __name__ == "__main__":
    main()
