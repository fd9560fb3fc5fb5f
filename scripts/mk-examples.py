#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the example logs in data/examples/ (team-made, reproducible: fixed seed).

A home PC's kern.log from August 2004, the Messenger-spam era: pop-up spam to UDP 1026-1029
and 135 from several senders sweeping the ISP's /24, NetBIOS name probes, worm traffic to
TCP 135/139/445, one SYN scan, an ICMP error quoting our own packet, an IPv6 probe, other
programs' lines, a syslog repeat note, a truncated line and a prefix with an escape sequence.
All addresses are documentation ranges (RFC 5737, RFC 3849).
Usage: scripts/mk-examples.py OUTDIR
"""
import gzip
import json
import random
import sys

rnd = random.Random(2004)
out = sys.argv[1] if len(sys.argv) > 1 else "data/examples"
ME = "192.0.2.10"
MAC = "00:0d:61:2a:7b:11:00:30:48:5c:aa:01:08:00"


def stamp(t):
    # t: seconds since 2004-08-06 00:00:00
    d, s = divmod(t, 86400)
    return "Aug %2d %02d:%02d:%02d" % (6 + d, s // 3600, s // 60 % 60, s % 60)


def line(t, prefix, src, dst, proto, ttl, ipid, tail, ln):
    return ("%s homepc kernel: [%d.%06d] %sIN=eth0 OUT= MAC=%s SRC=%s DST=%s LEN=%d "
            "TOS=0x00 PREC=0x00 TTL=%d ID=%d PROTO=%s %s\n" %
            (stamp(t), 3600 + t, (t * 7919) % 1000000, prefix, MAC, src, dst, ln, ttl,
             ipid, proto, tail))


def udp(t, src, dst, sport, dport, payload, ttl=113, prefix="DROP "):
    return line(t, prefix, src, dst, "UDP", ttl, rnd.randint(1, 65535),
                "SPT=%d DPT=%d LEN=%d " % (sport, dport, payload + 8), payload + 28)


def syn(t, src, dst, sport, dport, ttl=116, prefix="DROP "):
    return line(t, prefix, src, dst, "TCP", ttl, rnd.randint(1, 65535),
                "SPT=%d DPT=%d WINDOW=64240 RES=0x00 SYN URGP=0 " % (sport, dport), 48)


events = []
# Messenger spam: three senders sweep the /24 on the dynamic Messenger ports and 135.
for n, src in enumerate(["203.0.113.45", "203.0.113.46", "198.51.100.200"]):
    t0 = 3600 * (9 + 3 * n)
    for i in range(20):
        port = [1026, 1027, 1028, 1029, 135][i % 5]
        events.append((t0 + i, udp(t0 + i, src, ME, 1024 + n, port, rnd.randint(380, 690))))
# NetBIOS name service probes (NBSTAT, 50-byte payload) from one host.
for i in range(12):
    t = 5 * 3600 + 37 * i
    events.append((t, udp(t, "198.51.100.23", ME, 137, 137, 50, ttl=110)))
# Worm traffic to TCP 135, 139 and 445 from an infected machine.
for i in range(15):
    t = 7 * 3600 + 11 * i
    events.append((t, syn(t, "198.51.100.77", ME, 3000 + i, [135, 445, 139][i % 3])))
# A SYN scan of ports 1000-1059.
for i in range(60):
    t = 20 * 3600 + i // 10
    events.append((t, syn(t, "192.0.2.200", ME, 40000, 1000 + i, ttl=49)))
# A small UDP 135 datagram: RPC, but too short for a message.
events.append((22 * 3600, udp(22 * 3600, "198.51.100.9", ME, 2000, 135, 40)))
# An ICMP port-unreachable quoting the packet we sent.
t = 23 * 3600
events.append((t, "%s homepc kernel: [%d.000001] DROP IN=eth0 OUT= MAC=%s SRC=192.0.2.1 "
                  "DST=%s LEN=56 TOS=0x00 PREC=0xC0 TTL=254 ID=4711 PROTO=ICMP TYPE=3 CODE=3 "
                  "[SRC=%s DST=198.51.100.53 LEN=28 TOS=0x00 PREC=0x00 TTL=1 ID=9 PROTO=UDP "
                  "SPT=33000 DPT=33434 LEN=8 ] \n" % (stamp(t), 3600 + t, MAC, ME, ME)))
# IPv6: a probe of SMB over the tunnel.
t = 23 * 3600 + 60
events.append((t, "%s homepc kernel: [%d.000002] DROP IN=sixxs OUT= "
                  "SRC=2001:0db8:0bad:0000:0000:0000:0000:0007 DST=2001:0db8:0001:0000:0000:0000:0000:0010 "
                  "LEN=80 TC=0 HOPLIMIT=57 FLOWLBL=0 PROTO=TCP SPT=51515 DPT=445 WINDOW=5760 "
                  "RES=0x00 SYN URGP=0 \n" % (stamp(t), 3600 + t)))
# A UFW-style prefix and a hostile prefix carrying a terminal escape sequence.
t = 23 * 3600 + 120
events.append((t, syn(t, "203.0.113.99", ME, 4444, 139, prefix="[UFW BLOCK] ")))
events.append((t + 1, syn(t + 1, "203.0.113.99", ME, 4444, 139, prefix="\x1b[2J\x1b]0;owned\x07 ")))
events.sort(key=lambda e: e[0])

lines = []
for i, (t, l) in enumerate(events):
    lines.append(l)
    if i == 3:
        lines.append("%s homepc sshd[812]: Accepted password for anna from 192.0.2.5 port 1042 ssh2\n" % stamp(t))
    if i == 7:
        lines.append("%s homepc last message repeated 4 times\n" % stamp(t + 1))
    if i == 30:
        lines.append("%s homepc CRON[901]: (root) CMD (run-parts /etc/cron.hourly)\n" % stamp(t))
    if i == 40:
        # Cut in transit: the tail of the line is missing.
        lines.append(l[:l.index(" DPT=")] + "\n")

with open("%s/kern-2004.log" % out, "w") as f:
    f.writelines(lines)

# The same probes as journalctl -o json would print them (a second host, a day later).
with open("%s/journal-2004.json" % out, "w") as f:
    base = 1091836800 + 86400  # 2004-08-07T00:00:00Z
    for i in range(8):
        msg = ("DROP IN=eth0 OUT= MAC=%s SRC=203.0.113.45 DST=192.0.2.11 LEN=%d TOS=0x00 "
               "PREC=0x00 TTL=113 ID=%d PROTO=UDP SPT=1024 DPT=%d LEN=%d " %
               (MAC, 428 + i, 100 + i, 1026 + i % 4, 408 + i))
        f.write(json.dumps({"__REALTIME_TIMESTAMP": str((base + 60 * i) * 1000000),
                            "_HOSTNAME": "office", "_TRANSPORT": "kernel",
                            "SYSLOG_IDENTIFIER": "kernel", "PRIORITY": "4",
                            "MESSAGE": msg}) + "\n")
    f.write(json.dumps({"__REALTIME_TIMESTAMP": str(base * 1000000), "_HOSTNAME": "office",
                        "MESSAGE": "systemd[1]: Started Daily apt download activities."}) + "\n")

# An older, rotated and compressed log: the same format, gzip-compressed.
with gzip.GzipFile("%s/kern-2004.log.1.gz" % out, "wb", mtime=0) as gz:
    f = __import__("io").TextIOWrapper(gz, encoding="ascii")
    for i in range(10):
        t = 3600 * 12 + i * 30   # written as Aug 5, a day before the other log
        f.write(udp(t, "198.51.100.200", ME, 1030, 1026 + i % 4, 500)
                .replace("Aug  6", "Aug  5"))
    f.flush()
    f.detach()

# The family's Windows XP laptop on the same /24 (192.0.2.12), the same evening: Windows
# Firewall's pfirewall.log (local time, US Eastern: 4 hours behind UTC in August) and the
# ZoneAlarm log of the desktop beside it (192.0.2.13), which writes its offset in each stamp.
# The same spam senders reach them: one campaign, seen by three firewalls in three formats.
LAPTOP, DESKTOP = "192.0.2.12", "192.0.2.13"
with open("%s/pfirewall-2004.log" % out, "w", newline="\r\n") as f:
    f.write("#Version: 1.5\n#Software: Microsoft Windows Firewall\n#Time Format: Local\n"
            "#Fields: date time action protocol src-ip dst-ip src-port dst-port size tcpflags "
            "tcpsyn tcpack tcpwin icmptype icmpcode info path\n\n")
    for n, src in enumerate(["203.0.113.45", "203.0.113.46", "198.51.100.200"]):
        for i in range(6):
            h, m = 5 + 3 * n, i   # 09:00Z + 3 h n, in local time (UTC-4)
            f.write("2004-08-06 %02d:%02d:%02d DROP UDP %s %s %d %d %d - - - - - - - RECEIVE\n" %
                    (h, m, 10 + i, src, LAPTOP, 1024 + n, [1026, 1027, 1028, 135][i % 4],
                     rnd.randint(420, 700)))
    for i in range(6):
        f.write("2004-08-06 03:%02d:%02d DROP TCP 198.51.100.77 %s %d %d 48 S %d 0 64240 - - - "
                "RECEIVE\n" % (i, 5 * i, LAPTOP, 3100 + i, [135, 445, 139][i % 3],
                               rnd.randint(1, 2**31)))
    f.write("2004-08-06 04:10:00 DROP UDP 198.51.100.23 %s 137 137 78 - - - - - - - RECEIVE\n" % LAPTOP)
    f.write("2004-08-06 18:30:00 OPEN TCP %s 198.51.100.80 1100 80 - - - - - - - - -\n" % LAPTOP)
    f.write("2004-08-06 19:00:00 INFO-EVENTS-LOST - - - - - - - - - - - - 12 -\n")
with open("%s/ZAlog-2004.txt" % out, "w", newline="\r\n") as f:
    f.write("ZoneAlarm Logging Client v5.5.062.011\nWindows XP-5.1.2600-Service Pack 1-SP\n"
            "type,date,time,source,destination,transport (Security)\n")
    for n, src in enumerate(["203.0.113.45", "203.0.113.46"]):
        for i in range(5):
            f.write("FWIN,2004/08/06,%d:%02d:%02d -4:00 GMT,%s:%d,%s:%d,UDP\n" %
                    (5 + 3 * n, i, 20 + i, src, 1024 + n, DESKTOP, [1026, 1027, 1028, 1029, 135][i]))
    f.write("FWIN,2004/08/06,3:10:00 -4:00 GMT,198.51.100.77:3200,%s:445,TCP (flags:S)\n" % DESKTOP)
    f.write("PE,2004/08/06,18:29:58 -4:00 GMT,Internet Explorer,C:\\Program Files\\Internet "
            "Explorer\\IEXPLORE.EXE,198.51.100.80:80,N/A\n")
    f.write("ACCESS,2004/08/06,19:00:00 -4:00 GMT,Messenger was blocked from accepting a "
            "connection from the Internet (203.0.113.46:Port 1025).,N/A,N/A\n")
