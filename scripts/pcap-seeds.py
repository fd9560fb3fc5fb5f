#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Fuzz seeds from the team's golden captures (tests/golden/inputs/pcap): for each decoder
harness the payloads it is offered (one per seed, and all of a port's payloads in one seed,
so that reassembly is reached), and for the frame harness each frame and each whole
capture. Formats: see tests/fuzz/fuzz-dec.c and fuzz-pkt.c.
Usage: scripts/pcap-seeds.py   (from the top of the tree)"""
import glob
import os
import struct

LINKSEL = {1: 0, 113: 1, 276: 2, 101: 3, 0: 4, 108: 5, 228: 6, 229: 7}
DEC = {"dec-dcerpc": (17, (135, 1026, 1027, 1028, 1029)), "dec-nbns": (17, (137,)),
       "dec-nbdgm": (17, (138,)), "dec-nbss": (6, (139,))}


def frames(path):
    raw = open(path, "rb").read()
    link = struct.unpack("<I", raw[20:24])[0]
    off = 24
    while off + 16 <= len(raw):
        cap = struct.unpack("<I", raw[off + 8:off + 12])[0]
        yield link, raw[off + 16:off + 16 + cap]
        off += 16 + cap


def l3(link, fr):
    return {1: fr[14:], 113: fr[16:], 276: fr[20:], 101: fr, 0: fr[4:]}.get(link)


def transport(ip):
    """(proto, dport, payload) of an unfragmented IPv4 packet, else None."""
    if not ip or ip[0] >> 4 != 4:
        return None
    hl = (ip[0] & 15) * 4
    if struct.unpack("!H", ip[6:8])[0] & 0x3fff:
        return None
    proto, t = ip[9], ip[hl:]
    if proto == 17 and len(t) >= 8:
        return 17, struct.unpack("!H", t[2:4])[0], t[8:]
    if proto == 6 and len(t) >= 20:
        return 6, struct.unpack("!H", t[2:4])[0], t[(t[12] >> 4) * 4:]
    return None


def rec(b, sel=0):
    return struct.pack("<HB", len(b), sel) + b


def write(target, name, data):
    d = os.path.join("tests/fuzz/corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


caps = sorted(glob.glob("tests/golden/inputs/pcap/*.pcap"))
for cap in caps:
    write("pcapfile", "seed-" + os.path.basename(cap), open(cap, "rb").read())
    base = os.path.basename(cap)[:-5]
    allf = b""
    for i, (link, fr) in enumerate(frames(cap)):
        write("pkt", "seed-%s-%02d" % (base, i), rec(fr, LINKSEL[link]))
        allf += rec(fr, LINKSEL[link])
        t = transport(l3(link, fr))
        if not t:
            continue
        for target, (proto, ports) in DEC.items():
            if t[0] == proto and t[1] in ports:
                write(target, "seed-%s-%02d" % (base, i), rec(t[2]))
    write("pkt", "seed-%s-all" % base, allf)
    for target, (proto, ports) in DEC.items():
        seq = b"".join(rec(t[2]) for t in (transport(l3(l, f)) for l, f in frames(cap))
                       if t and t[0] == proto and t[1] in ports)
        if seq:
            write(target, "seed-%s-all" % base, seq)
