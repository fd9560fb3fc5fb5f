#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tracewalld in network namespaces the test creates (issue 8): two namespaces joined by a
veth pair, documentation addresses, no route elsewhere. The shield is applied in one, the
daemon runs there under a notify socket of the test's (as systemd would run it) and reads
the NFLOG group, a followed log file (as ufw writes it) and a journal directory (written by
systemd-journal-remote, the real journal file format). From the other namespace come
Messenger spam, SYN probes and UDP-only probes. Checked: readiness and watchdog, the
capabilities kept (CAP_NET_ADMIN alone, no_new_privs), the Messenger text decoded live and
stored, the incidents of all three sources stored, the auto-ban (threshold, expiry,
escalation kept across a restart, the never-ban list, no ban on UDP alone), a reload by
SIGHUP (and a bad configuration refused), log rotation by rename and by copytruncate (every
line stored exactly once), a clean stop by SIGTERM, and a restart that loses and repeats
nothing. Skips with the reason where the kernel refuses namespaces. Prints TAP."""
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from twtap import check, done, netns_add, skip  # noqa: E402

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
TW = os.path.join(os.path.abspath(BUILD), "tracewall")
TWD = os.path.join(os.path.abspath(BUILD), "tracewalld")
JREMOTE = "/lib/systemd/systemd-journal-remote"


A, B = "twdA%d" % os.getpid(), "twdB%d" % os.getpid()
ENV = dict(os.environ, TRACEWALL_CONF="/nonexistent/x.conf", XDG_DATA_HOME="/nonexistent",
           TZ="UTC")
# A session over SSH would make `shield apply` refuse (it would lock the session out).
ENV.pop("SSH_CONNECTION", None)
# The unit of contrib/ is one systemd accepts (with this build's paths), and the example
# configuration documents keys that exist.
HERE = os.path.dirname(os.path.abspath(__file__))
unit_src = open(os.path.join(HERE, "..", "..", "contrib", "systemd", "tracewalld.service")).read()
if shutil.which("systemd-analyze"):
    udir = tempfile.mkdtemp(prefix="tw-unit-")
    with open(os.path.join(udir, "tracewalld.service"), "w") as fh:
        fh.write(unit_src.replace("/usr/local/bin/tracewall", TW)
                 .replace("/usr/local/sbin/tracewalld", TWD))
    p = subprocess.run(["systemd-analyze", "verify", "--man=no",
                        os.path.join(udir, "tracewalld.service")], capture_output=True)
    shutil.rmtree(udir, ignore_errors=True)
    check("contrib/systemd/tracewalld.service: systemd-analyze verify, no complaint",
          p.returncode == 0 and not p.stdout.strip() and not p.stderr.strip(),
          p.stdout + p.stderr)
else:
    skip("contrib/systemd/tracewalld.service verified", "systemd-analyze is not installed")
p = subprocess.run([TW, "shield", "print", "--config",
                    os.path.join(HERE, "..", "..", "doc", "tracewall.conf.example")],
                   capture_output=True, env=ENV)
check("doc/tracewall.conf.example ([ban], [daemon] included) is accepted", p.returncode == 0,
      p.stderr)
if not os.path.exists(JREMOTE):
    skip("tracewalld in network namespaces", "systemd-journal-remote is not installed")
    done()
ip = netns_add("tracewalld in network namespaces", A)


def sh(*cmd, ns=None, check_rc=False, timeout=30, env=ENV):
    full = (["ip", "netns", "exec", ns] if ns else []) + list(cmd)
    p = subprocess.run(full, capture_output=True, env=env, timeout=timeout)
    if check_rc and p.returncode:
        raise RuntimeError("%s: %s" % (" ".join(full), p.stderr.decode()))
    return p


def tcp(host, port, t=0.5, src=None):
    """'open', 'refused' or 'timeout' as seen from B (optionally from a given address)."""
    code = ("import socket\nf=socket.AF_INET6 if ':' in '%s' else socket.AF_INET\n"
            "s=socket.socket(f);s.settimeout(%s)\n%s"
            "try:\n s.connect(('%s',%d));print('open')\n"
            "except ConnectionRefusedError: print('refused')\nexcept OSError: print('timeout')"
            % (host, t, "s.bind(('%s',0))\n" % src if src else "", host, port))
    return sh("/usr/bin/python3", "-c", code, ns=B).stdout.decode().strip()


def syns(host, ports, src=None):
    """Several SYN probes at once (each connect() times out after 0.2 s: nothing answers)."""
    code = ("import socket,threading\nf=socket.AF_INET6 if ':' in '%s' else socket.AF_INET\n"
            "def go(p):\n s=socket.socket(f);s.settimeout(0.2)\n%s"
            " try: s.connect(('%s',p))\n except OSError: pass\n"
            "ts=[threading.Thread(target=go,args=(p,)) for p in %r]\n"
            "[t.start() for t in ts];[t.join() for t in ts]"
            % (host, " s.bind(('%s',0))\n" % src if src else "", host, list(ports)))
    sh("/usr/bin/python3", "-c", code, ns=B)


class Notify:
    """The notify socket systemd would give the daemon: every datagram, with its time."""

    def __init__(self, path):
        self.path = path
        self.msgs = []
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.s.bind(path)
        self.s.settimeout(0.2)
        self.stop = False
        self.t = threading.Thread(target=self.run, daemon=True)
        self.t.start()

    def run(self):
        while not self.stop:
            try:
                self.msgs.append((time.monotonic(), self.s.recv(4096).decode()))
            except socket.timeout:
                pass
            except OSError:
                return

    def wait(self, what, since=0, timeout=10.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for i, (t, m) in enumerate(self.msgs[since:]):
                if what in m.split("\n"):
                    return since + i + 1
            time.sleep(0.05)
        return 0

    def close(self):
        self.stop = True
        self.t.join()
        self.s.close()


class Daemon:
    def __init__(self, conf, db, notify, extra=()):
        env = dict(ENV, NOTIFY_SOCKET=notify.path, WATCHDOG_USEC="600000")
        self.errf = tempfile.TemporaryFile()
        self.p = subprocess.Popen(["ip", "netns", "exec", A, TWD, "--config", conf, "--db", db]
                                  + list(extra), stdout=subprocess.DEVNULL, stderr=self.errf,
                                  env=env)

    def err(self):
        self.errf.seek(0)
        return self.errf.read().decode(errors="replace")

    def stop(self, sig=15):
        self.p.send_signal(sig)
        try:
            return self.p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.p.kill()
            return -999


def wait_for(pred, timeout=30.0):
    """Waits for an event (a loaded machine is slow, never a fixed short sleep): true once
    pred() holds, false when 'timeout' seconds pass first."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.1)
    return pred()


def q(db, sql, *args):
    c = sqlite3.connect(db, timeout=10)
    try:
        return c.execute(sql, args).fetchall()
    finally:
        c.close()


def key(a):
    fam = 4 if ":" not in a else 6
    raw = socket.inet_pton(socket.AF_INET if fam == 4 else socket.AF_INET6, a)
    return bytes([fam]) + raw + bytes(16 - len(raw))


def packets(db, src, file_like=None):
    sql = "SELECT COALESCE(SUM(packets), 0) FROM incidents WHERE src = ?"
    return q(db, sql, key(src))[0][0]


def bans():
    """The ban sets as `tracewall bans` prints them: {address: "expires in Ns"}."""
    out = sh(TW, "bans", ns=A).stdout.decode()
    return {l.split()[0]: l.split(None, 1)[1] for l in out.splitlines()
            if l.strip() and l != "no bans" and len(l.split()) > 1}


def ufw_line(src, dport, proto="TCP", when=None, seq=0):
    t = time.gmtime(when if when is not None else time.time())
    stamp = time.strftime("%b %e %H:%M:%S", t)
    flags = " WINDOW=1024 RES=0x00 SYN URGP=0" if proto == "TCP" else " LEN=20"
    return ("%s gw kernel: [%d.%06d] [UFW BLOCK] IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:88:99:"
            "aa:bb:08:00 SRC=%s DST=192.0.2.1 LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=%d PROTO=%s "
            "SPT=40000 DPT=%d%s\n" % (stamp, 1000 + seq, seq, src, seq % 65536, proto, dport,
                                      flags))


def journal_write(jdir, entries):
    """Kernel messages into the journal directory, through systemd-journal-remote."""
    exp = b""
    for i, (when, msg) in enumerate(entries):
        exp += ("__REALTIME_TIMESTAMP=%d\n__MONOTONIC_TIMESTAMP=%d\n_BOOT_ID=%s\n"
                "_TRANSPORT=kernel\nSYSLOG_IDENTIFIER=kernel\n_HOSTNAME=gw\nMESSAGE=%s\n\n"
                % (int(when * 1e6), int(when * 1e6) % 10 ** 9 + i, "0123456789abcdef" * 2, msg)
                ).encode()
    p = subprocess.run([JREMOTE, "--output=" + os.path.join(jdir, "remote.journal"), "-"],
                       input=exp, capture_output=True)
    if p.returncode:
        raise RuntimeError(p.stderr.decode())


tmp = tempfile.mkdtemp(prefix="tw-daemon-")
d = None
notify = None
try:
    sh(ip, "netns", "add", B, check_rc=True)
    sh(ip, "link", "add", "vA", "netns", A, "type", "veth", "peer", "name", "vB", "netns", B,
       check_rc=True)
    for ns, dev, addrs in ((A, "vA", ("192.0.2.1/24", "2001:db8::1/64")),
                           (B, "vB", ("192.0.2.2/24", "192.0.2.3/24", "2001:db8::2/64"))):
        for a in addrs:
            sh(ip, "addr", "add", a, "dev", dev, *(["nodad"] if ":" in a else []), ns=ns,
               check_rc=True)
        sh(ip, "link", "set", dev, "up", ns=ns, check_rc=True)
        sh(ip, "link", "set", "lo", "up", ns=ns, check_rc=True)
    srv = subprocess.Popen(["ip", "netns", "exec", A, "/usr/bin/python3", "-c", """
import socket, threading, time

def serve(fam, addr):
    s = socket.socket(fam, socket.SOCK_STREAM); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((addr, 2222)); s.listen(16)
    while True:
        c, _ = s.accept(); c.close()
for f, a in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
    threading.Thread(target=serve, args=(f, a), daemon=True).start()
time.sleep(300)
"""], env=ENV)
    log = os.path.join(tmp, "ufw.log")
    jdir = os.path.join(tmp, "journal")
    os.mkdir(jdir)
    db = os.path.join(tmp, "tw.db")
    conf = os.path.join(tmp, "tw.conf")

    def write_conf(after=5, flush="1s", sigs=None):
        # Documentation addresses are never banned nor reported: for the test only, the
        # configuration takes them as ordinary.
        with open(conf, "w") as fh:
            fh.write("[analyze]\ndocumentation-is-public = yes\n"
                     + ("signatures = %s\n" % sigs if sigs else "") +
                     "[shield]\nallow = tcp/2222\nban-timeout = 6s\nlog-rate = 1000000\n"
                     "[ban]\nafter = %d\nwindow = 1m\nescalate = 5\nmax = 1h\n"
                     "never = 192.0.2.3\n"
                     "[daemon]\nflush = %s\nfollow = %s\njournal = yes\n"
                     "journal-directory = %s\n" % (after, flush, log, jdir))
    write_conf()
    open(log, "w").close()
    # Entries already in the journal before the daemon starts.
    t0 = time.time()
    journal_write(jdir, [(t0 - 30 + i, ufw_line("198.51.100.7", 135 + i, seq=i).split(
        "kernel: ", 1)[1].strip()) for i in range(4)] + [(t0 - 20, "usb 1-1: new device")])
    p = sh(TW, "shield", "apply", "--config", conf, ns=A)
    check("shield applied in the namespace", p.returncode == 0, p.stderr)

    notify = Notify(os.path.join(tmp, "notify"))
    d = Daemon(conf, db, notify)
    ready = notify.wait("READY=1", timeout=15)
    check("tracewalld: READY=1 on the notify socket once its sources are open",
          ready > 0, d.err())
    status = open("/proc/%d/status" % d.p.pid).read()
    caps = {l.split(":")[0]: l.split(":")[1].strip() for l in status.splitlines() if ":" in l}
    check("capabilities: only CAP_NET_ADMIN kept (effective, permitted, bounding), "
          "no_new_privs set",
          caps.get("CapEff") == "0000000000001000" and caps.get("CapPrm") == "0000000000001000"
          and caps.get("CapBnd") == "0000000000001000" and caps.get("NoNewPrivs") == "1",
          {k: caps.get(k) for k in ("CapEff", "CapPrm", "CapBnd", "NoNewPrivs")})
    mark = len(notify.msgs)
    t0 = time.monotonic()

    def pings():
        return sum(1 for _, m in notify.msgs[mark:] if "WATCHDOG=1" in m.split("\n"))
    wait_for(lambda: pings() >= 3, 20)
    check("watchdog: WATCHDOG=1 again and again (3 at 600 ms: %.1f s)" % (time.monotonic() - t0),
          pings() >= 3, notify.msgs[mark:])

    # 1. NFLOG: Messenger spam, decoded live down to its text, and stored.
    mk = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "mkpcap.py")
    g = {"__name__": "mkpcap_lib", "__file__": mk}
    exec(compile(open(mk).read().rsplit("\nmain()", 1)[0], mk, "exec"), g)
    spam = g["dcerpc"](g["netr_stub"](b"SECURITY", b"ALERT",
                                      b"Your computer is at risk.\x14Visit http://fix.example now"))
    sh("/usr/bin/python3", "-c", "import socket;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);"
       "s.bind(('192.0.2.2',1027));s.sendto(bytes.fromhex('%s'),('192.0.2.1',1026))" % spam.hex(),
       ns=B)
    # An NBSTAT probe (the NetBIOS "who are you"): no answer, decoded and stored.
    nb = sh("/usr/bin/python3", "-c", "import socket;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);"
            "s.settimeout(1);s.bind(('192.0.2.2',137));s.sendto(bytes.fromhex('%s'),('192.0.2.1',137))\n"
            "try: s.recv(100);print('answer')\nexcept OSError: print('silent')"
            % g["nbstat_request"]().hex(), ns=B).stdout.decode().strip()
    # 2. Five SYN probes from 192.0.2.2: the threshold ([ban] after = 5).
    syns("192.0.2.1", [445, 139, 135, 445, 139])
    wait_for(lambda: "banned 192.0.2.2 for" in d.err())
    closed = tcp("192.0.2.1", 2222, 0.5)
    # Stored at the next flush.
    wait_for(lambda: len(q(db, "SELECT DISTINCT class FROM incidents WHERE src = ?",
                           key("192.0.2.2"))) >= 5)
    ev = q(db, "SELECT e.text FROM evidence e JOIN incidents i ON i.id = e.incident "
               "WHERE i.src = ? AND i.class = 'messenger-spam'", key("192.0.2.2"))
    check("NFLOG: the Messenger datagram decoded live and stored with its text "
          "(From, To, message) as evidence",
          any('messenger from "SECURITY" to "ALERT": Your computer is at risk.' in r[0]
              for r in ev), (ev, d.err()))
    ev = q(db, "SELECT e.text FROM evidence e JOIN incidents i ON i.id = e.incident "
               "WHERE i.src = ? AND i.class = 'netbios-ns'", key("192.0.2.2"))
    check("NFLOG: the NBSTAT probe got no answer, was decoded and stored as such",
          nb == "silent" and any("[NBSTAT node status request" in r[0] for r in ev), (nb, ev))
    cls = {r[0] for r in q(db, "SELECT class FROM incidents WHERE src = ?", key("192.0.2.2"))}
    check("NFLOG: the SYN probes stored (smb, netbios-ssn, msrpc)",
          cls >= {"smb", "netbios-ssn", "msrpc", "messenger-spam", "netbios-ns"}, cls)
    b = bans()
    check("auto-ban: 192.0.2.2 banned at its 5th TCP probe — the allowed service is closed "
          "to it, the ban in the set", closed == "timeout" and "192.0.2.2" in b
          and "banned 192.0.2.2 for 6s (offense 1" in d.err(), (closed, b, d.err()))
    row = q(db, "SELECT offenses, until - last, probes FROM bans WHERE src = ?", key("192.0.2.2"))
    check("the offense recorded in the store (1st, 6 s, 5 probes)",
          row == [(1, 6 * 10 ** 9, 5)], row)
    # 3. The ban expires by itself (6 s).
    check("the ban expires by itself",
          wait_for(lambda: tcp("192.0.2.1", 2222) == "open", 40), bans())
    # 4. Never banned: the never-ban list, and a source that sent UDP only (forgeable).
    syns("192.0.2.1", [445] * 7, src="192.0.2.3")
    sh("/usr/bin/python3", "-c", "import socket;s=socket.socket(socket.AF_INET6,socket.SOCK_DGRAM)\n"
       "for i in range(9): s.sendto(b'x'*64,('2001:db8::1',1026))", ns=B)
    # Read and judged by the daemon (stored at its next flush) before the look.
    wait_for(lambda: packets(db, "192.0.2.3") >= 7 and packets(db, "2001:db8::2") >= 9)
    check("never banned: 192.0.2.3 (never-ban list, 7 SYNs) and 2001:db8::2 (9 UDP datagrams "
          "only: forgeable)", tcp("192.0.2.1", 2222, src="192.0.2.3") == "open"
          and tcp("2001:db8::1", 2222) == "open" and "2001:db8::2" not in bans(), d.err())

    # A packet NFLOG delivers that is no IP packet (ARP, logged by a netdev rule of the
    # test's): counted, reported with the reason, skipped; the daemon goes on.
    sh("nft", "add table netdev twtest; add chain netdev twtest c { type filter hook ingress "
       "device vA priority 0; }; add rule netdev twtest c meta protocol arp log group 7",
       ns=A, check_rc=True)
    sh(ip, "neigh", "flush", "dev", "vB", ns=B)
    tcp("192.0.2.1", 2222)
    sh("nft", "delete table netdev twtest", ns=A)
    wait_for(lambda: "packets skipped so far" in d.err())
    check("a packet that is not IP (ARP through NFLOG): reported with the reason, skipped, the "
          "daemon goes on", "packets skipped so far" in d.err() and "(the last: " in d.err()
          and d.p.poll() is None and tcp("192.0.2.1", 2222) == "open", d.err()[-600:])

    # NFLOG buffer overruns: the daemon stopped (SIGSTOP) while 400,000 probes are logged
    # (from the never-ban address, by the benchmark's sender): the kernel's queue overflows;
    # after SIGCONT the loss is counted and reported, and the daemon goes on.
    d.p.send_signal(19)
    flood = sh(os.path.join(os.path.abspath(BUILD), "bench", "send-probes"), "192.0.2.1", "1027",
               "200000", "2", "192.0.2.3", ns=B).stdout.decode().strip()
    d.p.send_signal(18)
    wait_for(lambda: "NFLOG: buffer overruns, " in d.err())
    check("NFLOG buffer overruns (the daemon stopped under a flood): counted and reported, "
          "the daemon goes on", "NFLOG: buffer overruns, " in d.err() and "dropped what did not fit" in d.err()
          and d.p.poll() is None, (flood, d.err()[-600:]))

    # 5. The journal: entries from before the start, and new ones.
    journal_write(jdir, [(time.time(), ufw_line("198.51.100.7", 445, seq=10 + i).split(
        "kernel: ", 1)[1].strip()) for i in range(3)])
    wait_for(lambda: packets(db, "198.51.100.7") >= 7)
    jp = packets(db, "198.51.100.7")
    jfile = q(db, "SELECT cursor IS NOT NULL FROM files WHERE path = 'journal'")
    check("journal: the 4 kernel firewall messages from before the start and 3 new ones stored "
          "(the USB message skipped), with the cursor", jp == 7 and jfile == [(1,)],
          (jp, jfile, d.err()))

    # 6. A followed file (ufw writing through syslog), with rotations.
    lines_written = 0

    def append(path, n_lines, src="203.0.113.9", port=23):
        global lines_written
        with open(path, "a") as fh:
            for i in range(n_lines):
                fh.write(ufw_line(src, port, seq=lines_written))
                lines_written += 1
    append(log, 4)
    wait_for(lambda: packets(db, "203.0.113.9") >= 4)
    check("follow: 4 lines appended to the file stored", packets(db, "203.0.113.9") == 4,
          (packets(db, "203.0.113.9"), d.err()))
    b = bans()
    check("auto-ban from a followed file: not before the threshold", "203.0.113.9" not in b, b)
    append(log, 2)
    # Rotation by rename while lines are still being written to the old file.
    os.rename(log, log + ".1")
    append(log + ".1", 3)
    append(log, 5)
    wait_for(lambda: packets(db, "203.0.113.9") >= 14)
    fp = packets(db, "203.0.113.9")
    check("rotation by rename: the lines written to the old file after the rename and the new "
          "file's, each stored once (14)", fp == 14, (fp, d.err()))
    check("auto-ban from the followed file's lines (203.0.113.9, TCP, within the window)",
          "203.0.113.9" in bans(), (bans(), d.err()))
    # Rotation by copytruncate (logrotate's copytruncate: copy, then truncate in place).
    os.rename(log + ".1", log + ".2")
    append(log, 3)
    shutil.copyfile(log, log + ".1")
    with open(log, "r+") as fh:
        fh.truncate(0)
    append(log, 2)
    wait_for(lambda: packets(db, "203.0.113.9") >= 19)
    fp = packets(db, "203.0.113.9")
    check("rotation by copytruncate: the lines before the copy read from the copy, the new "
          "ones from the file, each stored once (19)", fp == 19, (fp, d.err()))

    # Copytruncate again and again while lines are written (a file emptied under the
    # daemon's mapping once killed it with SIGBUS): every line stored once, the daemon alive.
    base = packets(db, "203.0.113.77")
    n77 = 0
    for rnd_i in range(40):
        for k in range(5):  # each append wakes the daemon: it reads while the next come
            with open(log, "a") as fh:
                fh.write("".join(ufw_line("203.0.113.77", 1026, proto="UDP", seq=n77 + i)
                                 for i in range(200)))
            n77 += 200
        if os.path.exists(log + ".1"):
            os.rename(log + ".1", log + ".2")
        shutil.copyfile(log, log + ".1")
        with open(log, "r+") as fh:
            fh.truncate(0)
        time.sleep(0.15)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and packets(db, "203.0.113.77") - base < n77:
        time.sleep(0.3)
    got = packets(db, "203.0.113.77") - base
    check("copytruncate 40 times while 40,000 lines were written: each stored once, the daemon "
          "alive", got == n77 and d.p.poll() is None, (got, n77, d.p.poll(), d.err()[-700:]))

    # 7. SIGHUP: the new configuration in force; a bad one refused, the old kept.
    write_conf(after=2)
    mark = len(notify.msgs)
    d.p.send_signal(1)
    reloaded = notify.wait("RELOADING=1", since=mark) and notify.wait("READY=1", since=mark)
    time.sleep(0.3)
    syns("192.0.2.1", [139, 139])
    wait_for(lambda: "banned 192.0.2.2 for 30s (offense 2" in d.err())
    b = bans()
    check("SIGHUP: RELOADING=1 then READY=1, and the new threshold (2 probes) in force: "
          "192.0.2.2 banned again, its 2nd offense for 5 × 6 s",
          reloaded and "reloaded: ban after 2 probes" in d.err() and "192.0.2.2" in b
          and "banned 192.0.2.2 for 30s (offense 2" in d.err(), (b, d.err()[-1500:]))
    sh(TW, "unban", "192.0.2.2", ns=A)
    check("unban by command: open again at once", tcp("192.0.2.1", 2222) == "open")
    with open(conf, "a") as fh:
        fh.write("[ban]\nafter = lots\n")
    mark = len(notify.msgs)
    d.p.send_signal(1)
    notify.wait("READY=1", since=mark)
    wait_for(lambda: "reload refused" in d.err())
    check("a bad configuration on SIGHUP: refused with its file and line, the daemon runs on",
          "tw.conf:" in d.err() and "reload refused" in d.err() and d.p.poll() is None,
          d.err()[-800:])
    # The rule file of the configuration ([analyze] signatures) is reloaded too; a bad one
    # refuses the reload, the rules in force kept.
    rules = os.path.join(tmp, "site.rules")
    with open(rules, "w") as fh:
        fh.write("rule site-worm worm:sitetest 3 proto=tcp dport=4899\n"
                 + open(os.path.join(HERE, "..", "..", "data", "signatures.rules")).read())
    write_conf(after=5, sigs=rules)
    mark = len(notify.msgs)
    d.p.send_signal(1)
    notify.wait("READY=1", since=mark)
    syns("192.0.2.1", [4899], src="192.0.2.3")
    with open(rules, "a") as fh:
        fh.write("rule broken nosuchclass 1 proto=tcp\n")
    mark = len(notify.msgs)
    d.p.send_signal(1)
    notify.wait("READY=1", since=mark)
    syns("192.0.2.1", [4899], src="192.0.2.3")

    def site():
        return q(db, "SELECT COALESCE(SUM(packets), 0) FROM incidents WHERE src = ? AND "
                     "class = 'worm:sitetest'", key("192.0.2.3"))[0][0]
    wait_for(lambda: site() >= 2)
    n_site = q(db, "SELECT COALESCE(SUM(packets), 0) FROM incidents WHERE src = ? AND class = "
                   "'worm:sitetest'", key("192.0.2.3"))[0][0]
    check("SIGHUP reloads the rule file of the configuration (a site rule classes TCP 4899); a "
          "broken rule file refuses the reload with FILE:LINE, the rules in force kept",
          n_site == 2 and "site.rules:" in d.err() and d.p.poll() is None,
          (n_site, d.err()[-500:]))

    # 8. SIGTERM: what is pending committed, a clean stop. (Commits an hour apart now, so
    # that only the stop can commit the last probe.)
    write_conf(after=5, flush="1h")
    mark = len(notify.msgs)
    d.p.send_signal(1)
    notify.wait("READY=1", since=mark)
    syns("192.0.2.1", [135], src="192.0.2.3")
    time.sleep(0.5)
    before_stop = packets(db, "192.0.2.3")
    mark = len(notify.msgs)
    rc = d.stop()
    stopping = notify.wait("STOPPING=1", since=mark, timeout=2)
    after_stop = packets(db, "192.0.2.3")
    check("SIGTERM: STOPPING=1, exit 0, the last probe committed before the exit",
          rc == 0 and stopping and after_stop == before_stop + 1 and "stopping:" in d.err(),
          (rc, before_stop, after_stop, d.err()[-600:]))

    # 9. A restart: nothing lost, nothing twice; what came while it was down is read.
    write_conf(after=5)
    counts = {a: packets(db, a) for a in ("192.0.2.2", "198.51.100.7", "203.0.113.9")}
    journal_write(jdir, [(time.time(), ufw_line("198.51.100.7", 139, seq=40).split(
        "kernel: ", 1)[1].strip())])
    append(log, 2)
    # And a backlog longer than one slice (8 MiB): 60,000 lines, read in steps.
    with open(log, "a") as fh:
        fh.write("".join(ufw_line("203.0.113.60", 1026, proto="UDP", seq=i)
                         for i in range(60000)))
    d = Daemon(conf, db, notify)
    ready = notify.wait("READY=1", since=len(notify.msgs) - 1 if notify.msgs else 0)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and packets(db, "203.0.113.60") < 60000:
        time.sleep(0.3)
    check("restart with a backlog of 60,000 lines (13 MB, read in 8 MiB slices): each stored "
          "once", packets(db, "203.0.113.60") == 60000, (packets(db, "203.0.113.60"),
                                                         d.err()[-400:]))
    after = {a: packets(db, a) for a in counts}
    check("restart: the journal goes on from its cursor and the file from its offset — only "
          "what came while the daemon was down is added (1 journal line, 2 file lines)",
          after == {"192.0.2.2": counts["192.0.2.2"], "198.51.100.7": counts["198.51.100.7"] + 1,
                    "203.0.113.9": counts["203.0.113.9"] + 2}, (counts, after, d.err()))
    # The escalation is remembered across the restart: the third offense is 5 × 5 × 6 s.
    syns("192.0.2.1", [445, 139, 135, 445, 139])
    check("escalation kept across the restart: the 3rd offense banned for 150 s",
          wait_for(lambda: "banned 192.0.2.2 for 150s (offense 3" in d.err()), d.err()[-800:])
    bl = sh(TW, "bans", "--db", db, ns=A).stdout.decode()
    check("tracewall bans --db: the ban with why (offense 3, its probes and window)",
          any(l.startswith("192.0.2.2 ") and "(offense 3, " in l and "5 probes within 60s" in l
              for l in bl.splitlines()), bl)
    rc = d.stop()
    check("stopped cleanly again", rc == 0, d.err()[-400:])
    # 10. Killed (SIGKILL) while a file grows, three times, restarted each time: every line
    # stored exactly once (the offset is committed with the incidents).
    import random
    rnd = random.Random(os.getpid())
    base = packets(db, "203.0.113.50")
    total = 0
    for k in range(3):
        d = Daemon(conf, db, notify)
        for j in range(20):
            with open(log, "a") as fh:
                for i in range(500):
                    fh.write(ufw_line("203.0.113.50", 1026, proto="UDP", seq=total))
                    total += 1
            time.sleep(rnd.random() * 0.05)
        time.sleep(rnd.random() * 0.3)
        d.p.kill()
        d.p.wait()
    d = Daemon(conf, db, notify)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and packets(db, "203.0.113.50") - base < total:
        time.sleep(0.3)
    got = packets(db, "203.0.113.50") - base
    check("killed with SIGKILL three times while the file grew (30,000 lines), restarted: "
          "every line stored exactly once", got == total, (got, total, d.err()[-500:]))
    d.stop()
    d = None
    p = sh(TWD, "--config", conf, "--db", db, "--no-nflog", "--follow", "relative.log", ns=A)
    check("a relative --follow path refused, naming it (exit 2... or 3)", p.returncode in (2, 3)
          and b"relative.log" in p.stderr and b"absolute" in p.stderr, p.stderr)
    p = sh(TWD, "--flush", "0", ns=A)
    check("--flush 0 refused (usage, exit 2)", p.returncode == 2, p.stderr)
    # More sources between two flushes than memory may hold (max-sources = 1024; the
    # journal brings 3000, each its own): stored as memory fills, none dropped.
    jdir2 = os.path.join(tmp, "journal2")
    os.mkdir(jdir2)
    t0 = time.time()
    journal_write(jdir2, [(t0 - 60 + i * 0.01, ufw_line("203.0.%d.%d" % (10 + i // 250,
                                                                      1 + i % 250), 445,
                                                         seq=i).split("kernel: ", 1)[1].strip())
                          for i in range(3000)])
    conf2 = os.path.join(tmp, "small.conf")
    with open(conf2, "w") as fh:
        fh.write("[analyze]\nmax-sources = 1024\ndocumentation-is-public = yes\n"
                 "[daemon]\nflush = 1h\njournal = yes\njournal-directory = %s\n" % jdir2)
    db2 = os.path.join(tmp, "small.db")
    d = Daemon(conf2, db2, notify, extra=("--no-nflog", "--no-ban"))
    wait_for(lambda: "ready" in d.err(), 30)
    rc = d.stop()
    d = None
    n2 = q(db2, "SELECT count(DISTINCT src), COALESCE(SUM(packets), 0) FROM incidents")
    check("3000 sources from the journal between two flushes, max-sources = 1024: every one "
          "stored (committed as memory filled)", rc == 0 and n2 == [(3000, 3000)], n2)
    srv.kill()
finally:
    if d is not None:
        d.p.kill()
    if notify is not None:
        notify.close()
    subprocess.run([ip, "netns", "del", A], capture_output=True)
    subprocess.run([ip, "netns", "del", B], capture_output=True)
    shutil.rmtree(tmp, ignore_errors=True)
done()
