#!/usr/bin/env python3
"""Rewrite lab captures (Ethernet) into the other link types sniff reads, so
that each is tested on real BGP traffic: fixtures/pcap/linktype-*.pcap.
  linktype-vlan       802.1Q tag 64 (DLT_EN10MB)
  linktype-qinq       802.1ad 100 + 802.1Q 64 (DLT_EN10MB)
  linktype-sll        Linux cooked v1 (DLT_LINUX_SLL 113)
  linktype-sll2-v6    Linux cooked v2, what `tcpdump -i any` writes (DLT_LINUX_SLL2 276), IPv6
  linktype-raw        raw IP (LINKTYPE_RAW 101)
The IP packets and timestamps are the originals; only the link header changes.
Usage: /usr/bin/python3 tests/lab/make-linktypes.py"""
import os
import struct

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PCAP = os.path.join(ROOT, "fixtures", "pcap")


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    assert magic in (0xa1b2c3d4, 0xa1b23c4d), "classic little-endian pcap expected"
    linktype = struct.unpack("<I", data[20:24])[0]
    assert linktype == 1, "Ethernet expected"
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, orig = struct.unpack("<IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        yield sec, frac, magic, frame


def write_pcap(path, linktype, magic, packets):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", magic, 2, 4, 0, 0, 65535, linktype))
        for sec, frac, frame in packets:
            f.write(struct.pack("<IIII", sec, frac, len(frame), len(frame)) + frame)


def convert(src, dst, linktype, relink):
    pkts = []
    magic = None
    for sec, frac, magic, frame in read_pcap(os.path.join(PCAP, src)):
        macs, ethertype, ip = frame[:12], struct.unpack("!H", frame[12:14])[0], frame[14:]
        pkts.append((sec, frac, relink(macs, ethertype, ip)))
    write_pcap(os.path.join(PCAP, dst), linktype, magic, pkts)
    print(dst, len(pkts), "frames")


def vlan(macs, et, ip):
    return macs + struct.pack("!HHH", 0x8100, 64, et) + ip


def qinq(macs, et, ip):
    return macs + struct.pack("!HHHHH", 0x88a8, 100, 0x8100, 64, et) + ip


def sll(macs, et, ip):
    # packet type 0 (to us), ARPHRD_ETHER, address length 6, address (8 bytes padded), protocol
    return struct.pack("!HHH", 0, 1, 6) + macs[6:12] + b"\x00\x00" + struct.pack("!H", et) + ip


def sll2(macs, et, ip):
    # protocol, reserved, interface index 2, ARPHRD_ETHER, packet type 4 (outgoing), addr len 6, addr
    return struct.pack("!HHIHBB", et, 0, 2, 1, 4, 6) + macs[6:12] + b"\x00\x00" + ip


def raw(macs, et, ip):
    return ip


convert("bird-restart.pcap", "linktype-vlan.pcap", 1, vlan)
convert("hold-expiry.pcap", "linktype-qinq.pcap", 1, qinq)
convert("establish-v4.pcap", "linktype-sll.pcap", 113, sll)
convert("establish-v6.pcap", "linktype-sll2-v6.pcap", 276, sll2)
convert("admin-shutdown.pcap", "linktype-raw.pcap", 101, raw)


def corrupt_origin(macs, et, ip):
    # RFC 4271 §6.3: ORIGIN 3 is an Invalid ORIGIN Attribute (3/6); the TCP
    # checksum is left as is (sniff and tshark do not check it).
    return macs + struct.pack("!H", et) + ip.replace(b"\x40\x01\x01\x00", b"\x40\x01\x01\x03", 1)


# A malformed UPDATE (invalid ORIGIN) in real traffic: tshark still counts an
# UPDATE; sniff reports a "malformed" event of type UPDATE.
convert("establish-v4.pcap", "malformed-origin.pcap", 1, corrupt_origin)
