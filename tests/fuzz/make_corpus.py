#!/usr/bin/env python3
"""Seed the fuzz corpora from the fixtures (regenerate after adding captures):
  corpus/bgp_message/: every BGP message in fixtures/pcap/*.pcap and every
      fixtures/bgp/malformed/*.bin, each prefixed with a context byte;
  corpus/reassembly/: each capture's TCP segments as the fuzz_reassembly
      script ([flags][seq delta 2][dir][len][payload]).
Usage: /usr/bin/python3 tests/fuzz/make_corpus.py"""
import glob
import hashlib
import os
import struct

from scapy.all import IP, IPv6, TCP, rdpcap  # Debian python3-scapy

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "fuzz", "corpus")


def put(kind, data):
    d = os.path.join(OUT, kind)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)


for path in sorted(glob.glob(os.path.join(ROOT, "fixtures", "pcap", "*.pcap"))):
    streams = {}
    script = b""
    first = None
    last_seq = {}
    for pkt in rdpcap(path):
        ip = pkt[IP] if IP in pkt else pkt[IPv6] if IPv6 in pkt else None
        if ip is None or TCP not in pkt:
            continue
        tcp = pkt[TCP]
        key = (ip.src, tcp.sport, ip.dst, tcp.dport)
        if first is None:
            first = key
        direction = 0 if key == first else 1
        payload = bytes(tcp.payload)
        if len(payload) > 255:
            payload = payload[:255]
        prev = last_seq.get(direction)
        delta = 0 if prev is None else (tcp.seq - prev) & 0xffffffff
        if delta > 0x7fff:
            delta = 0
        last_seq[direction] = (tcp.seq + len(payload)) & 0xffffffff
        script += struct.pack("!BhBB", int(tcp.flags) & 0x3f, delta, direction, len(payload)) + payload
        streams.setdefault(key, b"")
        streams[key] += bytes(tcp.payload)
    put("reassembly", script[:4096])
    for data in streams.values():
        while len(data) >= 19:
            length = struct.unpack("!H", data[16:18])[0]
            if length < 19:
                break
            put("bgp_message", bytes([0x07]) + data[:length])  # 4-octet AS known, no add-path
            put("bgp_message", bytes([0x00]) + data[:length])  # unknown context
            data = data[length:]

for path in glob.glob(os.path.join(ROOT, "fixtures", "bgp", "malformed", "*.bin")):
    with open(path, "rb") as f:
        put("bgp_message", bytes([0x10]) + f.read())
print({k: len(os.listdir(os.path.join(OUT, k))) for k in ("bgp_message", "reassembly")})
