#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Conformance over the real captures in ../shared/corpus/pcap (messenger-protocol.md §3.4,
§6.3-6.5, §10.1): the real spam datagram decodes to From "SECURITY", To "ALERT" and its
text; the NBSTAT probes and answers and the Windows 98 <03> registrations decode as the
specification's annotated examples say; every frame of every capture is accounted for.
When tshark is installed, the decoded fields are compared with tshark's for the same files.
Prints TAP. Usage: check-pcap.py BUILD_DIR [CORPUS_DIR]"""
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = sys.argv[2] if len(sys.argv) > 2 else os.path.join(TOP, "..", "shared", "corpus", "pcap")
TW = os.path.join(os.path.abspath(BUILD), "tracewall")
ENV = dict(os.environ, TZ="UTC", LC_ALL="C")
n = npass = nfail = nskip = 0


def tap(ok, name, notes=(), skip=None):
    global n, npass, nfail, nskip
    n += 1
    if skip:
        print("ok %d - %s # SKIP %s" % (n, name, skip))
        nskip += 1
        return
    print("%s %d - %s" % ("ok" if ok else "not ok", n, name))
    for x in notes:
        print("#   " + x)
    if ok:
        npass += 1
    else:
        nfail += 1


def decode(path, *extra):
    p = subprocess.run([TW, "decode", "--json", "--all"] + list(extra) + [path],
                       capture_output=True, env=ENV)
    if p.returncode != 0:
        raise RuntimeError("exit %d: %s" % (p.returncode, p.stderr.decode(errors="replace")))
    return [json.loads(l) for l in p.stdout.decode().splitlines()]


def wrap_udp(payload, sport, dport):
    """A pcap with one Ethernet/IPv4/UDP frame around 'payload' (headers synthetic)."""
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 113, 17, 0,
                     bytes([198, 51, 100, 7]), bytes([192, 0, 2, 10])) + udp
    fr = b"\0" * 12 + b"\x08\x00" + ip
    return (struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1) +
            struct.pack("<IIII", 1091826842, 0, len(fr), len(fr)) + fr)


def by_frame(objs):
    return {o["frame"]: o for o in objs if "frame" in o}


def main():
    if not os.path.isdir(CORPUS):
        tap(True, "pcap corpus", skip="../shared/corpus/pcap not present")
        return
    tmp = tempfile.mkdtemp(prefix="tw-pcap-")
    try:
        spam = os.path.join(CORPUS, "msgsvc-netrsendmessage-swipespy.udp-payload.bin")
        if os.path.exists(spam):
            payload = open(spam, "rb").read()
            results = []
            for port in (135, 1026):
                pc = os.path.join(tmp, "swipespy-%d.pcap" % port)
                open(pc, "wb").write(wrap_udp(payload, 1024, port))
                objs = decode(pc)
                m = objs[0].get("msg", {}) if len(objs) == 1 else {}
                results.append((port, m))
            bad = ["UDP %d: got %r" % (p, (m.get("from"), m.get("to"), m.get("text", "")[:40]))
                   for p, m in results
                   if not (m.get("from") == "SECURITY" and m.get("to") == "ALERT" and
                           m.get("text", "").startswith("Microsoft Windows has detected") and
                           "http://SwipeSpy.com" in m.get("text", "") and
                           len(m.get("text", "")) == 289 and m.get("path") == "rpc")]
            tap(not bad, "real spam datagram (438 bytes) decodes to SECURITY/ALERT on 135 and 1026",
                bad or ["From SECURITY, To ALERT, 289-character text (290 with its NUL)"])
            # The same datagram cut by a snap length is truncated, not invalid.
            pc = os.path.join(tmp, "swipespy-cut.pcap")
            raw = wrap_udp(payload, 1024, 135)
            cut = 200
            raw = raw[:24] + struct.pack("<IIII", 1091826842, 0, 14 + 20 + 8 + cut,
                                         14 + 20 + 8 + len(payload)) + raw[40:40 + 14 + 20 + 8 + cut]
            open(pc, "wb").write(raw)
            objs = decode(pc)
            st = objs[0].get("status") if objs else None
            tap(st == "truncated", "the real datagram cut to 200 bytes is 'truncated'",
                ["got %r" % (objs,)] if st != "truncated" else [])
        else:
            tap(True, "real spam datagram", skip="payload file not in the corpus")

        nb = os.path.join(CORPUS, "ndpi-netbios.pcap")
        if os.path.exists(nb):
            f = by_frame(decode(nb))
            want = {
                54: ("NBSTAT node status request (NetBIOS probe)", "*", 0, None, None),
                55: ("NBSTAT node status response", "GUNNAR", 0, 4, "00:1c:c4:10:79:0f"),
                128: ("NBSTAT node status request (NetBIOS probe)", "*", 0, None, None),
                129: ("NBSTAT node status response", "GUNNAR", 0, 4, "00:1c:c4:10:79:0f"),
                173: ("NBSTAT node status request (NetBIOS probe)", "*", 0, None, None),
                174: ("NBSTAT node status response", None, None, None, None),
            }
            bad = []
            for fr, w in want.items():
                o = f.get(fr, {})
                got = (o.get("what"), o.get("name"), o.get("suffix"), o.get("names"), o.get("mac"))
                if any(x is not None and x != y for x, y in zip(w, got)):
                    bad.append("frame %d: got %r, expected %r" % (fr, got, w))
            tap(not bad, "ndpi-netbios.pcap: the NBSTAT probes and answers of §6.3-6.4", bad or
                ["frames 54/55, 128/129, 173/174: '*' probes; GUNNAR<00>, 4 names, MAC 00:1c:c4:10:79:0f"])
        else:
            tap(True, "ndpi-netbios.pcap", skip="not in the corpus")

        w98 = os.path.join(CORPUS, "ndpi-dos_win98_smb_netbeui.pcap")
        if os.path.exists(w98):
            objs = decode(w98)
            regs = {(o.get("name"), o.get("suffix")) for o in objs if o.get("what") == "NetBIOS name registration"}
            need = {("MDJR98", 3), ("MARTIN ROSENAU", 3)}
            ok = need <= regs
            tap(ok, "ndpi-dos_win98_smb_netbeui.pcap: the <03> Messenger names registered",
                ["registered: %s" % sorted("%s<%02x>" % r for r in regs if r[0])])
        else:
            tap(True, "ndpi-dos_win98_smb_netbeui.pcap", skip="not in the corpus")

        eap = os.path.join(CORPUS, "tcpdump-eapon1.pcap")
        if os.path.exists(eap):
            objs = decode(eap)
            browse = [o for o in objs if o.get("what", "").startswith("browser announcement")]
            f1 = by_frame(objs).get(1, {})
            ok = f1.get("what", "").startswith("browser announcement") and f1.get("name") == "ARBEITSGRUPPE"
            tap(ok, "tcpdump-eapon1.pcap: frame 1 is the §4.5 \\MAILSLOT\\BROWSE datagram to ARBEITSGRUPPE",
                ["frame 1: %r; %d browser datagrams" % ((f1.get("what"), f1.get("name")), len(browse))])
        else:
            tap(True, "tcpdump-eapon1.pcap", skip="not in the corpus")

        # Every frame accounted for: events plus skipped = frames.
        for name in sorted(os.listdir(CORPUS)):
            if not name.endswith(".pcap"):
                continue
            p = subprocess.run([TW, "analyze", os.path.join(CORPUS, name)], capture_output=True, env=ENV)
            head = p.stdout.decode().splitlines()[0] if p.stdout else ""
            import re
            m = re.match(r"1 file, ([\d,]+) frames: ([\d,]+) firewall events? .*?([\d,]+) frames? skipped", head)
            num = lambda s: int(s.replace(",", ""))
            ok = p.returncode == 0 and m and num(m.group(1)) == num(m.group(2)) + num(m.group(3))
            tap(bool(ok), "analyze %s: every frame an event or a counted skip" % name, [head])

        # tshark, when installed: the same Messenger fields for the same bytes.
        tshark = shutil.which("tshark")
        if not tshark:
            tap(True, "tshark comparison", skip="tshark is not installed")
        elif os.path.exists(spam):
            pc = os.path.join(tmp, "swipespy-135.pcap")
            t = subprocess.run([tshark, "-r", pc, "-T", "fields", "-e", "messenger.server",
                                "-e", "messenger.client"], capture_output=True, env=ENV)
            fields = t.stdout.decode().strip().split("\t")
            ours = decode(pc)[0].get("msg", {})
            ok = fields[:2] == [ours.get("from"), ours.get("to")]
            tap(ok, "tshark agrees on From/To of the real datagram",
                ["tshark %r, tracewall %r" % (fields[:2], [ours.get("from"), ours.get("to")])])
            # The team's capture of every path: each RPC message tshark decodes, we decode
            # alike (its reassembly of DCE/RPC and IP fragments included).
            team = os.path.join(TOP, "tests", "golden", "inputs", "pcap", "messenger-paths.pcap")
            t = subprocess.run([tshark, "-r", team, "-T", "fields", "-e", "frame.number",
                                "-e", "messenger.server", "-e", "messenger.client"],
                               capture_output=True, env=ENV)
            theirs = {}
            for line in t.stdout.decode().splitlines():
                f = line.split("\t")
                if len(f) == 3 and f[1]:
                    theirs[int(f[0])] = (f[1], f[2])
            ours = {o["frame"]: (o["msg"]["from"], o["msg"]["to"]) for o in decode(team)
                    if o.get("msg", {}).get("path") == "rpc"}
            ok = theirs == ours and len(ours) >= 4
            tap(ok, "tshark agrees on every DCE/RPC Messenger message of the team's capture",
                ["%d messages; tshark %r; tracewall %r" % (len(ours), theirs, ours)] if not ok else
                ["%d messages, frames %s" % (len(ours), sorted(ours))])
            nb = os.path.join(CORPUS, "ndpi-netbios.pcap")
            if os.path.exists(nb):
                t = subprocess.run([tshark, "-r", nb, "-Y", "nbns.unit_id", "-T", "fields",
                                    "-e", "frame.number", "-e", "nbns.unit_id"], capture_output=True, env=ENV)
                theirs = {int(l.split("\t")[0]): l.split("\t")[1] for l in t.stdout.decode().splitlines()
                          if "\t" in l}
                ours = {o["frame"]: o["mac"] for o in decode(nb) if "mac" in o}
                ok = theirs == ours and len(ours) > 0
                tap(ok, "tshark agrees on the MAC of every NBSTAT answer in ndpi-netbios.pcap",
                    ["tshark %r; tracewall %r" % (theirs, ours)])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


main()
print("1..%d" % n)
print("# %d passed, %d failed, %d skipped" % (npass, nfail, nskip))
sys.exit(1 if nfail else 0)
