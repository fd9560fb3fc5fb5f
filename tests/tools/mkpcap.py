#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the team's test captures: every Messenger delivery path with chosen texts, the
NetBIOS probes around them, and malformed variants (messenger-protocol.md).

Usage: tests/tools/mkpcap.py OUTDIR

Everything is built from the specification's byte layouts, by hand, with documentation
addresses (RFC 5737, RFC 3849); nothing is copied from a real capture. Files:
  messenger-paths.pcap     A (RPC to 135, 1026, big-endian, fragmented out of order, IP
                           fragments out of order), B (mailslot), C (SMB 0xD0 and 0xD5-0xD7),
                           NBSTAT request and answer, a name registration of a <03> name
  messenger-malformed.pcap truncated stub (snap length), counts larger than the data, max
                           count below actual count, huge counts, wrong byte order, a PDU
                           length past the datagram, overlapping IP fragments that disagree,
                           a fragment set never completed
  links-*.pcap             one spam datagram per link type (VLAN, QinQ, SLL, SLL2, raw,
                           loopback), and messenger-paths.pcapng / .pcap.gz
"""
import gzip
import os
import struct
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else "tests/golden/inputs/pcap"
T0 = 1091826842  # 2004-08-06T21:14:02Z

ME, SPAMMER, SPAMMER2, LANPC = "192.0.2.10", "198.51.100.7", "203.0.113.44", "192.0.2.77"
MSGSVCSEND = bytes.fromhex("f8917b5a00ffd011a9b200c04fb6e6fc")  # little-endian wire form
MSGSVCSEND_BE = bytes.fromhex("5a7b91f8ff0011d0a9b200c04fb6e6fc")
EPMAPPER = bytes.fromhex("0883afe11f5dc91191a408002b14a0fa")


def ip4(a):
    return bytes(int(x) for x in a.split("."))


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def ipv4(src, dst, proto, payload, ident=0x1234, frag=0, ttl=113, total=None):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total or 20 + len(payload), ident, frag, ttl,
                      proto, 0, ip4(src), ip4(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def ip6(a):
    import ipaddress
    return ipaddress.IPv6Address(a).packed


def ipv6(src, dst, nh, payload, hop=64):
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), nh, hop, ip6(src), ip6(dst)) + payload


def udp(sport, dport, payload):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


SEQ = {}


def tcp(sport, dport, payload, flags=0x18, seq=None):
    """A TCP segment; without 'seq', the next one of its flow (streams are consecutive)."""
    if seq is None:
        seq = SEQ.get((sport, dport), 1000)
    SEQ[(sport, dport)] = seq + len(payload)
    return struct.pack("!HHIIBBHHH", sport, dport, seq, 1, 5 << 4, flags, 64240, 0, 0) + payload


def ether(l3, et=0x0800, tags=()):
    out = bytes.fromhex("00005e0053010000 5e005302".replace(" ", ""))
    for tpid, vid in tags:
        out += struct.pack("!HH", tpid, vid)
    return out + struct.pack("!H", et) + l3


def ndr_string(s, le=True, max_count=None, actual=None, offset=0):
    fmt = "<III" if le else ">III"
    act = len(s) if actual is None else actual
    b = struct.pack(fmt, len(s) if max_count is None else max_count, offset, act) + s
    return b + b"\0" * (-len(b) % 4)


def netr_stub(frm, to, text, le=True, **kw):
    return (ndr_string(frm + b"\0", le) + ndr_string(to + b"\0", le) +
            ndr_string(text + b"\0", le, **kw))


def dcerpc(stub, le=True, iface=None, flags1=0x28, fragnum=0, act=b"\x11" * 16, seq=0,
           plen=None, opnum=0):
    drep = b"\x10\x00\x00" if le else b"\x00\x00\x00"
    iface = iface or (MSGSVCSEND if le else MSGSVCSEND_BE)
    e = "<" if le else ">"
    return (bytes([4, 0, flags1, 0]) + drep + b"\0" + b"\0" * 16 + iface + act +
            struct.pack(e + "IIIHHHHH", 0, 1, seq, opnum, 0xffff, 0xffff,
                        len(stub) if plen is None else plen, fragnum) + b"\0\0" + stub)


def nbname(name, suffix):
    raw = name.encode().ljust(15)[:15] + bytes([suffix])
    enc = bytes(ord("A") + (c >> 4) for c in raw for _ in (0,))
    enc = b"".join(bytes([ord("A") + (c >> 4), ord("A") + (c & 15)]) for c in raw)
    return b"\x20" + enc + b"\0"


def smb_header(cmd, flags=0):
    return b"\xffSMB" + bytes([cmd]) + b"\0" * 4 + bytes([flags]) + b"\0" * 22


def mailslot(frm, to, text, slot=b"\\MAILSLOT\\MESSNGR"):
    data = frm + b"\0" + to + b"\0" + text + b"\0"
    name = slot + b"\0"
    doff = 32 + 1 + 17 * 2 + 2 + len(name)
    words = struct.pack("<HHHHBBHIHHHHHBBHHH", 0, len(data), 0, 0, 0, 0, 0, 1000, 0, 0, 0,
                        len(data), doff, 3, 0, 1, 1, 2)
    smb = smb_header(0x25) + bytes([17]) + words + struct.pack("<H", len(name) + len(data))
    smb += name + data
    body = nbname("SPAMHOST", 0) + nbname(to.decode(), 3) + smb
    return struct.pack("!BBH4sHHH", 0x10, 0x02, 7, ip4(LANPC), 138, len(body), 0) + body


def nbss(typ, trailer):
    return struct.pack("!BBH", typ, (len(trailer) >> 16) & 1, len(trailer) & 0xffff) + trailer


def smb_d0(frm, to, text):
    b = b"\x04" + frm + b"\0" + b"\x04" + to + b"\0" + b"\x01" + struct.pack("<H", len(text)) + text
    return nbss(0, smb_header(0xd0) + b"\0" + struct.pack("<H", len(b)) + b)


def smb_mb(cmd, payload, words=b""):
    return nbss(0, smb_header(cmd) + bytes([len(words) // 2]) + words +
                struct.pack("<H", len(payload)) + payload)


def nbstat_request(tid=0x20a8):
    return struct.pack("!HHHHHH", tid, 0, 1, 0, 0, 0) + b"\x20" + b"CK" + b"A" * 30 + b"\0" + \
        struct.pack("!HH", 0x21, 1)


def nbstat_response(names, mac, tid=0x20a8):
    rd = bytes([len(names)])
    for n, sfx, fl in names:
        rd += n.encode().ljust(15) + bytes([sfx]) + struct.pack("!H", fl)
    rd += mac + b"\0" * 40
    return (struct.pack("!HHHHHH", tid, 0x8400, 0, 1, 0, 0) + b"\x20" + b"CK" + b"A" * 30 + b"\0" +
            struct.pack("!HHIH", 0x21, 1, 0, len(rd)) + rd)


def registration(name, sfx, addr):
    return (struct.pack("!HHHHHH", 0x1234, 0x2910, 1, 0, 0, 1) + nbname(name, sfx) +
            struct.pack("!HH", 0x20, 1) + b"\xc0\x0c" + struct.pack("!HHIHH4s", 0x20, 1, 300000, 6, 0,
                                                                    ip4(addr)))


class Writer:
    def __init__(self, path, link=1, snap=65535):
        self.f = open(path, "wb")
        self.f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, snap, link))
        self.t = T0

    def add(self, frame, dt=1, caplen=None):
        self.t += dt
        cap = frame[:caplen] if caplen is not None else frame
        self.f.write(struct.pack("<IIII", self.t, 0, len(cap), len(frame)) + cap)

    def close(self):
        self.f.close()


def ipfrags(src, dst, proto, payload, ident, size=256):
    """IPv4 fragments of 'payload' (the transport header included), 'size' bytes each."""
    out, off = [], 0
    while off < len(payload):
        chunk = payload[off:off + size]
        more = off + size < len(payload)
        out.append(ipv4(src, dst, proto, chunk, ident=ident, frag=(0x2000 if more else 0) | off // 8))
        off += size
    return out


TEXT = (b"Dear Windows user,\r\nyour computer is not protected.\r\n"
        b"Visit http://www.example.com/fix now.\r\n\xa9 2004 \x93Security\x94 Center")


def paths(w):
    # A: RPC to 135 and to the dynamic port, little-endian and big-endian.
    w.add(ether(ipv4(SPAMMER, ME, 17, udp(1027, 135, dcerpc(netr_stub(b"SECURITY", b"ALERT", TEXT))))))
    w.add(ether(ipv4(SPAMMER, ME, 17, udp(1028, 1026, dcerpc(netr_stub(b"Admin", b"USER", b"Buy now!"))))))
    w.add(ether(ipv4(SPAMMER2, ME, 17, udp(1029, 1027, dcerpc(netr_stub(b"BigEndian", b"HOST", b"MSB first",
                                                                       le=False), le=False)))))
    # A, fragmented: three DCE/RPC fragments sent 2, 0, 1.
    stub = netr_stub(b"FRAG", b"ME", b"A" * 300 + b" (three fragments)")
    parts = [stub[0:128], stub[128:256], stub[256:]]
    for n in (2, 0, 1):
        fl = 0x28 | 0x04 | (0x02 if n == 2 else 0)
        w.add(ether(ipv4(SPAMMER2, ME, 17, udp(1030, 135, dcerpc(parts[n], flags1=fl, fragnum=n,
                                                                act=b"\x22" * 16, seq=5)))))
    # A, IP-fragmented: one 600-byte datagram in three IP fragments, the last one first.
    dg = udp(1031, 1026, dcerpc(netr_stub(b"IPFRAG", b"ME", b"B" * 500)))
    fr = ipfrags(SPAMMER, ME, 17, dg, ident=0x4242)
    for x in (fr[2], fr[0], fr[1]):
        w.add(ether(x))
    # A, over IPv6: behind a hop-by-hop options header, and in two IPv6 fragments.
    V6SRC, V6DST = "2001:db8:bad::7", "2001:db8:1::10"
    dg = udp(1040, 1026, dcerpc(netr_stub(b"V6HOP", b"ME", b"via IPv6 with a hop-by-hop header")))
    w.add(ether(ipv6(V6SRC, V6DST, 0, bytes([17, 0, 1, 4, 0, 0, 0, 0]) + dg), et=0x86dd))
    dg = udp(1041, 1026, dcerpc(netr_stub(b"V6FRAG", b"ME", b"F" * 200)))
    cut = 96
    w.add(ether(ipv6(V6SRC, V6DST, 44, struct.pack("!BBHI", 17, 0, cut | 0, 0x777) + dg[cut:]),
                et=0x86dd))
    w.add(ether(ipv6(V6SRC, V6DST, 44, struct.pack("!BBHI", 17, 0, 0 | 1, 0x777) + dg[:cut]),
                et=0x86dd))
    # Another DCE/RPC interface: an endpoint-mapper request.
    w.add(ether(ipv4(SPAMMER2, ME, 17, udp(1032, 135, dcerpc(b"\0" * 40, iface=EPMAPPER, opnum=2)))))
    # B: mailslot.
    w.add(ether(ipv4(LANPC, "192.0.2.255", 17, udp(138, 138, mailslot(b"LANPC", b"BOSS",
                                                                      b"Lunch at 12.")))))
    # C: session request to BOSS<03>, then 0xD0, then a multi-block message.
    w.add(ether(ipv4(LANPC, ME, 6, tcp(1100, 139, nbss(0x81, nbname("BOSS", 3) + nbname("LANPC", 0))))))
    w.add(ether(ipv4(LANPC, ME, 6, tcp(1100, 139, smb_d0(b"LANPC", b"BOSS", b"Meeting moved\x14to 3pm")))))
    long_text = b"C" * 128 + b"D" * 50
    w.add(ether(ipv4(LANPC, ME, 6, tcp(1101, 139, smb_mb(0xd5, b"\x04LANPC\0\x04BOSS\0")))))
    w.add(ether(ipv4(LANPC, ME, 6, tcp(1101, 139, smb_mb(0xd7, b"\x01" + struct.pack("<H", 128) +
                                                          long_text[:128], b"\x01\x00")))))
    w.add(ether(ipv4(LANPC, ME, 6, tcp(1101, 139, smb_mb(0xd7, b"\x01" + struct.pack("<H", 50) +
                                                          long_text[128:], b"\x01\x00")))))
    w.add(ether(ipv4(LANPC, ME, 6, tcp(1101, 139, smb_mb(0xd6, b"", b"\x01\x00")))))
    # C, one 0xD0 message split over two TCP segments, the second sent twice.
    whole = smb_d0(b"SPLIT", b"BOSS", b"This message crosses a segment boundary.")
    first = tcp(1102, 139, whole[:30])
    second_seq = SEQ[(1102, 139)]
    w.add(ether(ipv4(LANPC, ME, 6, first)))
    w.add(ether(ipv4(LANPC, ME, 6, tcp(1102, 139, whole[30:], seq=second_seq))))
    w.add(ether(ipv4(LANPC, ME, 6, tcp(1102, 139, whole[30:], seq=second_seq))))
    # D: an NBSTAT probe and its answer, and a <03> registration.
    w.add(ether(ipv4(SPAMMER, ME, 17, udp(1033, 137, nbstat_request()))))
    w.add(ether(ipv4(ME, SPAMMER, 17, udp(137, 1033, nbstat_response(
        [("HOMEPC", 0, 0x0400), ("WORKGROUP", 0, 0x8400), ("HOMEPC", 3, 0x0400), ("ANNA", 3, 0x0400)],
        bytes.fromhex("00005e005310"))))))
    w.add(ether(ipv4(LANPC, "192.0.2.255", 17, udp(137, 137, registration("LANPC", 3, LANPC)))))


def malformed(w):
    good = dcerpc(netr_stub(b"CUT", b"ME", b"E" * 300))
    w.add(ether(ipv4(SPAMMER, ME, 17, udp(2001, 135, good))), caplen=14 + 20 + 8 + 150)
    # actual_count of Text larger than the bytes there.
    w.add(ether(ipv4(SPAMMER, ME, 17, udp(2002, 135, dcerpc(netr_stub(b"BIG", b"ME", b"short",
                                                                     actual=400, max_count=400))))))
    # max_count below actual_count.
    w.add(ether(ipv4(SPAMMER, ME, 17, udp(2003, 135, dcerpc(netr_stub(b"MAX", b"ME", b"x" * 40,
                                                                     max_count=10))))))
    # Huge counts (the MS03-043 overflow shape).
    w.add(ether(ipv4(SPAMMER, ME, 17, udp(2004, 135, dcerpc(netr_stub(b"HUGE", b"ME", b"y" * 20,
                                                                     max_count=0xffffffff,
                                                                     actual=0xfffffff0))))))
    # Consistent counts, but a Text max_count of 5,000: the MS03-043 shape.
    w.add(ether(ipv4(SPAMMER, ME, 17, udp(2009, 135, dcerpc(netr_stub(b"MS03", b"043", b"x" * 30,
                                                                     max_count=5000))))))
    # Wrong byte order: drep says big-endian, the counts are little-endian.
    w.add(ether(ipv4(SPAMMER, ME, 17, udp(2005, 135, dcerpc(netr_stub(b"ORDER", b"ME", b"z" * 20),
                                                            le=False, iface=MSGSVCSEND_BE)))))
    # PDU length past the datagram.
    w.add(ether(ipv4(SPAMMER, ME, 17, udp(2006, 135, dcerpc(netr_stub(b"LEN", b"ME", b"w"),
                                                            plen=4000)))))
    # Overlapping IP fragments that disagree.
    dg = udp(2007, 1026, dcerpc(netr_stub(b"OVERLAP", b"ME", b"v" * 300)))
    fr = ipfrags(SPAMMER, ME, 17, dg, ident=0x5151)
    w.add(ether(fr[0]))
    evil = bytearray(fr[0])
    evil[40] ^= 0xff  # same offset, other bytes
    w.add(ether(bytes(evil)))
    # A fragment set that never completes.
    dg = udp(2008, 1026, dcerpc(netr_stub(b"LOST", b"ME", b"u" * 400)))
    w.add(ether(ipfrags(SPAMMER, ME, 17, dg, ident=0x6161)[0]))
    # A mailslot message without its final NUL.
    m = bytearray(mailslot(b"A", b"B", b"no end"))
    w.add(ether(ipv4(LANPC, ME, 17, udp(138, 138, bytes(m[:-1])))))


def main():
    os.makedirs(OUT, exist_ok=True)
    w = Writer(os.path.join(OUT, "messenger-paths.pcap"))
    paths(w)
    w.close()
    w = Writer(os.path.join(OUT, "messenger-malformed.pcap"))
    malformed(w)
    w.close()
    spam = udp(1027, 1026, dcerpc(netr_stub(b"LINK", b"ME", b"one datagram per link type")))
    l3 = ipv4(SPAMMER, ME, 17, spam)
    for name, link, frame in (
            ("vlan", 1, ether(l3, tags=((0x8100, 10),))),
            ("qinq", 1, ether(l3, tags=((0x88a8, 100), (0x8100, 10)))),
            ("sll", 113, struct.pack("!HHH8sH", 0, 1, 6, b"\0" * 8, 0x0800) + l3),
            ("sll2", 276, struct.pack("!HHIHBB8s", 0x0800, 0, 2, 1, 0, 6, b"\0" * 8) + l3),
            ("raw", 101, l3),
            ("loopback", 0, struct.pack("<I", 2) + l3)):
        w = Writer(os.path.join(OUT, "links-%s.pcap" % name), link=link)
        w.add(frame)
        w.close()
    # The same paths as pcapng, and gzip-compressed.
    with open(os.path.join(OUT, "messenger-paths.pcap"), "rb") as f:
        raw = f.read()
    with gzip.GzipFile(os.path.join(OUT, "messenger-paths.pcap.gz"), "wb", mtime=0) as g:
        g.write(raw)
    ng = open(os.path.join(OUT, "messenger-paths.pcapng"), "wb")
    shb_body = struct.pack("<IHHq", 0x1a2b3c4d, 1, 0, -1)
    ng.write(struct.pack("<II", 0x0a0d0d0a, 12 + len(shb_body)) + shb_body + struct.pack("<I", 12 + len(shb_body)))
    idb_body = struct.pack("<HHI", 1, 0, 65535)
    ng.write(struct.pack("<II", 1, 12 + len(idb_body)) + idb_body + struct.pack("<I", 12 + len(idb_body)))
    off = 24
    while off < len(raw):
        sec, usec, cap, orig = struct.unpack("<IIII", raw[off:off + 16])
        data = raw[off + 16:off + 16 + cap]
        off += 16 + cap
        ts = sec * 1000000 + usec
        body = struct.pack("<IIIII", 0, ts >> 32, ts & 0xffffffff, cap, orig) + data + b"\0" * (-cap % 4)
        ng.write(struct.pack("<II", 6, 12 + len(body)) + body + struct.pack("<I", 12 + len(body)))
    ng.close()


main()
