#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The shield in network namespaces the test creates (issue 8): two namespaces joined by a
veth pair, documentation addresses, no route elsewhere. The shield is applied in one; from
the other come pings, TCP SYNs to SMB, UDP to the Messenger port and a connection to an
allowed service. Checked: nothing answers (no reply, no RST, no ICMP unreachable), the
probes reach their log chains, the allowed service works, a ban blocks it until unban or
expiry, bans survive a re-apply, a load that fails leaves the ruleset as it was, and
`shield remove` restores the namespace's ruleset exactly, a foreign table untouched.
Skips with the reason where the kernel refuses namespaces. Prints TAP."""
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from twtap import check, done, netns_add  # noqa: E402

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
TW = os.path.join(os.path.abspath(BUILD), "tracewall")


A, B = "twshA%d" % os.getpid(), "twshB%d" % os.getpid()
ENV = dict(os.environ, TRACEWALL_CONF="/nonexistent/x.conf", XDG_DATA_HOME="/nonexistent")
# A session over SSH would make `shield apply` refuse (it would lock the session out).
ENV.pop("SSH_CONNECTION", None)


def sh(*cmd, ns=None, check_rc=False, timeout=20):
    full = (["ip", "netns", "exec", ns] if ns else []) + list(cmd)
    p = subprocess.run(full, capture_output=True, env=ENV, timeout=timeout)
    if check_rc and p.returncode:
        raise RuntimeError("%s: %s" % (" ".join(full), p.stderr.decode()))
    return p


ip = netns_add("shield in network namespaces", A)
tmp = tempfile.mkdtemp(prefix="tw-shield-")
try:
    sh(ip, "netns", "add", B, check_rc=True)
    sh(ip, "link", "add", "vA", "netns", A, "type", "veth", "peer", "name", "vB", "netns", B,
       check_rc=True)
    for ns, dev, a4, a6 in ((A, "vA", "192.0.2.1/24", "2001:db8::1/64"),
                            (B, "vB", "192.0.2.2/24", "2001:db8::2/64")):
        sh(ip, "addr", "add", a4, "dev", dev, ns=ns, check_rc=True)
        sh(ip, "addr", "add", a6, "dev", dev, "nodad", ns=ns, check_rc=True)
        sh(ip, "link", "set", dev, "up", ns=ns, check_rc=True)
        sh(ip, "link", "set", "lo", "up", ns=ns, check_rc=True)
    # A foreign table (ufw, firewalld …) that must survive everything.
    sh("nft", "add table inet other; add chain inet other c { type filter hook input priority 0; "
       "policy accept; }", ns=A, check_rc=True)
    before = sh("nft", "list", "ruleset", ns=A).stdout
    conf = os.path.join(tmp, "tw.conf")
    with open(conf, "w") as fh:
        fh.write("[shield]\nallow = tcp/2222\nnflog-group = 7\n")
    # A listener for the allowed service and one on SMB (which must stay unreachable).
    srv = subprocess.Popen(["ip", "netns", "exec", A, "/usr/bin/python3", "-c", """
import socket, threading, time

def serve(port, fam, addr):
    s = socket.socket(fam, socket.SOCK_STREAM); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((addr, port)); s.listen(16)
    while True:
        c, _ = s.accept(); c.sendall(b"hello\\n"); c.close()
for port in (2222, 445):
    threading.Thread(target=serve, args=(port, socket.AF_INET, "0.0.0.0"), daemon=True).start()
    threading.Thread(target=serve, args=(port, socket.AF_INET6, "::"), daemon=True).start()
time.sleep(60)
"""], env=ENV)
    time.sleep(0.5)

    def tcp(host, port, t=1.0):
        """'open', 'refused' or 'timeout' as seen from B."""
        code = ("import socket,sys\nf=socket.AF_INET6 if ':' in '%s' else socket.AF_INET\n"
                "s=socket.socket(f);s.settimeout(%s)\ntry:\n s.connect(('%s',%d));print('open')\n"
                "except ConnectionRefusedError: print('refused')\nexcept OSError: print('timeout')"
                % (host, t, host, port))
        return sh("/usr/bin/python3", "-c", code, ns=B).stdout.decode().strip()

    def udp_answered(host, port):
        code = ("import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.settimeout(1)\n"
                "s.connect(('%s',%d))\nfor i in range(3): s.send(b'x'*40)\ntry:\n s.recv(100);print('answer')\n"
                "except ConnectionRefusedError: print('unreachable')\nexcept OSError: print('silent')" % (host, port))
        return sh("/usr/bin/python3", "-c", code, ns=B).stdout.decode().strip()

    check("before the shield: the SMB port answers", tcp("192.0.2.1", 445) == "open")
    p = sh(TW, "shield", "apply", "--config", conf, ns=A)
    check("shield apply in the namespace", p.returncode == 0, p.stderr)
    ping = sh("ping", "-c", "2", "-W", "1", "192.0.2.1", ns=B)
    check("stealth: ping gets no reply", ping.returncode != 0, ping.stdout)
    r445, r6 = tcp("192.0.2.1", 445), tcp("2001:db8::1", 445)
    check("stealth: TCP SYN to SMB (IPv4 and IPv6): no answer at all, not even a reset",
          r445 == "timeout" and r6 == "timeout", (r445, r6))
    check("stealth: UDP to the Messenger port: no ICMP unreachable", udp_answered("192.0.2.1", 1026) == "silent")
    check("the allowed service (tcp/2222) works over IPv4 and IPv6",
          tcp("192.0.2.1", 2222) == "open" and tcp("2001:db8::1", 2222) == "open")
    # watch: the probes as NFLOG delivers them, decoded live down to the Messenger text.
    # The datagram is built by the team's capture tool (its functions, without its main).
    mk = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "mkpcap.py")
    g = {"__name__": "mkpcap_lib", "__file__": mk}
    exec(compile(open(mk).read().rsplit("\nmain()", 1)[0], mk, "exec"), g)
    spam = g["dcerpc"](g["netr_stub"](b"SECURITY", b"ALERT", b"Your computer is at risk.\x14Visit http://fix.example now"))
    watch = subprocess.Popen(["ip", "netns", "exec", A, TW, "watch", "--json", "--count", "2",
                              "--timeout", "10"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=ENV)
    time.sleep(1.0)
    sh("/usr/bin/python3", "-c", "import socket;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);"
       "s.bind(('0.0.0.0',1027));s.sendto(bytes.fromhex('%s'),('192.0.2.1',1026))" % spam.hex(), ns=B)
    tcp("192.0.2.1", 139, 0.3)
    wout, werr = watch.communicate(timeout=15)
    import json
    evs = [json.loads(l) for l in wout.decode().splitlines() if l.startswith("{")]
    msg = [e for e in evs if e.get("class") == "messenger-spam"]
    check("watch: the Messenger datagram from NFLOG decoded live (From, To, the text) with its "
          "prefix; the SYN to 139 classed netbios-ssn",
          msg and msg[0].get("msg", {}).get("from") == "SECURITY"
          and msg[0]["msg"].get("to") == "ALERT" and "Your computer is at risk." in msg[0]["msg"].get("text", "")
          and msg[0].get("prefix", "").startswith("tw:messenger") and msg[0].get("src") == "192.0.2.2"
          and any(e.get("class") == "netbios-ssn" and e.get("dport") == 139 for e in evs)
          and b"lost to buffer overruns" in werr,
          wout.decode()[:1500] + werr.decode())
    # watch --store --ban-after: incidents stored, the TCP prober banned at its 5th probe,
    # the UDP-only one (forgeable) not.
    wdb = os.path.join(tmp, "w.db")
    # The test addresses are documentation ranges, which are never banned: for the test
    # only, the configuration takes them as ordinary.
    wconf = os.path.join(tmp, "watch.conf")
    with open(wconf, "w") as fh:
        fh.write("[analyze]\ndocumentation-is-public = yes\n[shield]\nban-timeout = 1h\n")
    watch = subprocess.Popen(["ip", "netns", "exec", A, TW, "watch", "--config", wconf, "--quiet", "--db", wdb,
                              "--flush", "1", "--ban-after", "5", "--timeout", "6"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
    time.sleep(1.0)
    for port in (445, 139, 135, 445, 139, 445):
        tcp("192.0.2.1", port, 0.2)
    sh("/usr/bin/python3", "-c", "import socket;s=socket.socket(socket.AF_INET6,socket.SOCK_DGRAM)\n"
       "for i in range(8): s.sendto(b'x'*64,('2001:db8::1',1026))", ns=B)
    time.sleep(0.5)
    banned_v4 = tcp("192.0.2.1", 2222, 0.5)
    open_v6 = tcp("2001:db8::1", 2222, 0.5)
    wout, werr = watch.communicate(timeout=15)
    c = sqlite3.connect(wdb)
    rows = c.execute("SELECT class, packets FROM incidents WHERE src = ?",
                     (bytes([4, 192, 0, 2, 2]) + bytes(12),)).fetchall()
    c.close()
    check("watch --store --ban-after 5: the incidents stored (smb, netbios-ssn, msrpc), the TCP "
          "prober banned at its 5th probe, the UDP-only source not (forgeable)",
          banned_v4 == "timeout" and open_v6 == "open" and b"banned 192.0.2.2" in werr
          and b"2001:db8::2" not in werr and {r[0] for r in rows} >= {"smb", "netbios-ssn", "msrpc"},
          (banned_v4, open_v6, rows, werr.decode()))
    sh(TW, "unban", "192.0.2.2", ns=A)
    st = sh(TW, "shield", "status", ns=A).stdout.decode()

    def packets(chain):
        import re
        m = re.search(r"chain log_%s \{[^}]*counter packets (\d+)" % chain, st, re.S)
        return int(m.group(1)) if m else -1
    check("the probes reached their classes' log chains (smb, messenger)",
          packets("smb") >= 2 and packets("messenger") >= 3, st[:2000])
    # Bans.
    p = sh(TW, "ban", "192.0.2.2", "--for", "1h", ns=A)
    check("ban: the allowed service is closed to the banned address", p.returncode == 0
          and tcp("192.0.2.1", 2222) == "timeout", p.stdout + p.stderr)
    sh(TW, "shield", "apply", "--config", conf, ns=A)
    bans = sh(TW, "bans", ns=A).stdout.decode()
    check("bans survive a re-apply, with their time left", "192.0.2.2" in bans and "expires in" in bans
          and tcp("192.0.2.1", 2222) == "timeout", bans)
    sh(TW, "unban", "192.0.2.2", ns=A)
    check("unban: open again", tcp("192.0.2.1", 2222) == "open")
    def open_again(deadline_s=15):
        end = time.monotonic() + deadline_s
        while time.monotonic() < end:
            if tcp("192.0.2.1", 2222, 0.5) == "open":
                return True
            time.sleep(0.2)
        return False
    sh(TW, "ban", "192.0.2.2", "--for", "2s", ns=A)
    t1 = tcp("192.0.2.1", 2222, 0.5)
    check("a ban expires by itself", t1 == "timeout" and open_again(), t1)
    # A ban in its last second while the shield is applied again: nft reports whole
    # seconds (0 left), and such a ban once came back without a timeout, for ever.
    # Applied again and again until the ban is gone, so that applies fall in its last
    # second whatever the machine's load.
    sh(TW, "ban", "192.0.2.2", "--for", "5s", ns=A)
    listed = "192.0.2.2" in sh(TW, "bans", ns=A).stdout.decode()
    applies, end = 0, time.monotonic() + 60
    while time.monotonic() < end and "192.0.2.2" in sh(TW, "bans", ns=A).stdout.decode():
        sh(TW, "shield", "apply", "--config", conf, ns=A)
        applies += 1
    check("a ban re-applied %d times up to its last second still ends (never permanent)"
          % applies, listed and applies >= 2 and open_again()
          and "192.0.2.2" not in sh(TW, "bans", ns=A).stdout.decode(), (listed, applies))
    # Bans added while the shield is applied again and again: none lost.
    applier = subprocess.Popen(["ip", "netns", "exec", A, "/bin/sh", "-c",
                                "for i in $(seq 30); do %s shield apply --config %s || exit 1; "
                                "done" % (TW, conf)], env=ENV, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    added = []
    for i in range(1, 61):
        if sh(TW, "ban", "203.0.113.%d" % i, "--for", "1h", ns=A).returncode == 0:
            added.append("203.0.113.%d" % i)
    err = applier.communicate(timeout=300)[1]
    listed = sh(TW, "bans", ns=A).stdout.decode()
    lost = [a for a in added if a + " " not in listed and a + "\n" not in listed]
    check("60 bans added while the shield was applied 30 times: every one kept",
          applier.returncode == 0 and len(added) == 60 and not lost, (lost, err[-300:]))
    for a in added:
        sh(TW, "unban", a, ns=A)
    # Not locking the user out.
    mid = sh("nft", "list", "ruleset", ns=A).stdout
    ssh_env = dict(ENV, SSH_CONNECTION="192.0.2.2 50022 192.0.2.1 22")
    p = subprocess.run(["ip", "netns", "exec", A, TW, "shield", "apply", "--config", conf],
                       capture_output=True, env=ssh_env)
    check("shield apply over SSH with no rule admitting it: refused (exit 2), the rule to add "
          "named, nothing changed", p.returncode == 2 and b"allow = tcp/22" in p.stderr
          and sh("nft", "list", "ruleset", ns=A).stdout == mid, p.stderr)
    p = subprocess.run(["ip", "netns", "exec", A, TW, "shield", "apply", "--config", conf,
                        "--yes"], capture_output=True, env=ssh_env)
    check("... --yes applies it anyway", p.returncode == 0, p.stderr)
    sshconf = os.path.join(tmp, "ssh.conf")
    with open(sshconf, "w") as fh:
        fh.write("[shield]\nallow = tcp/2222, tcp/22\nnflog-group = 7\n")
    p = subprocess.run(["ip", "netns", "exec", A, TW, "shield", "apply", "--config", sshconf],
                       capture_output=True, env=ssh_env)
    check("... and with tcp/22 allowed it applies without asking", p.returncode == 0, p.stderr)
    # An sshd listening (a process named sshd) and not admitted.
    fake = subprocess.Popen(["ip", "netns", "exec", A, "/usr/bin/python3", "-c", """
import ctypes, socket, sys, time
ctypes.CDLL(None).prctl(15, b"sshd", 0, 0, 0)
s = socket.socket(socket.AF_INET6); s.bind(("::", 2022)); s.listen()
print("ready", flush=True)
time.sleep(120)
"""], stdout=subprocess.PIPE, env=ENV)
    ready = fake.stdout.readline()
    p = sh(TW, "shield", "apply", "--config", conf, ns=A)
    check("sshd listening on a port no rule admits (2022): apply refused, naming tcp/2022",
          ready.startswith(b"ready") and p.returncode == 2 and b"tcp/2022" in p.stderr, p.stderr)
    fake.kill()
    fake.wait()
    sh(TW, "shield", "apply", "--config", conf, ns=A, check_rc=True)
    p = sh(TW, "ban", "2001:db8::2", ns=A)
    check("IPv6 ban", tcp("2001:db8::1", 2222) == "timeout" and tcp("192.0.2.1", 2222) == "open", p.stderr)
    sh(TW, "unban", "2001:db8::2", ns=A)
    # A load that fails must leave the ruleset exactly as it was.
    mid = sh("nft", "list", "ruleset", ns=A).stdout
    p = subprocess.run(["ip", "netns", "exec", A, TW, "shield", "apply", "--config", conf],
                       capture_output=True, env=dict(ENV, TW_SHIELD_TEST_FAIL="1"))
    after_fail = sh("nft", "list", "ruleset", ns=A).stdout
    check("a load that fails on purpose: refused, the ruleset unchanged (atomic)",
          p.returncode != 0 and after_fail == mid and tcp("192.0.2.1", 445) == "timeout",
          p.stderr)
    p = sh(TW, "shield", "remove", ns=A)
    after = sh("nft", "list", "ruleset", ns=A).stdout
    check("shield remove: the namespace's ruleset exactly as before (the foreign table kept)",
          p.returncode == 0 and after == before, after.decode()[:800])
    check("after remove, SMB answers again", tcp("192.0.2.1", 445) == "open")
    p = sh(TW, "shield", "remove", ns=A)
    check("remove when nothing is loaded: fine, nothing changes", p.returncode == 0
          and sh("nft", "list", "ruleset", ns=A).stdout == before)
    bad = os.path.join(tmp, "bad.conf")
    with open(bad, "w") as fh:
        fh.write('[shield]\ntrusted-interfaces = eth0" accept; flush ruleset; "\n')
    p = sh(TW, "shield", "print", "--config", bad)
    check("a configuration that would inject nft statements is refused", p.returncode == 2
          and b"not an interface name" in p.stderr, p.stderr)
    srv.kill()
finally:
    subprocess.run([ip, "netns", "del", A], capture_output=True)
    subprocess.run([ip, "netns", "del", B], capture_output=True)
    shutil.rmtree(tmp, ignore_errors=True)
done()
