#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Reverse DNS end to end (issue 6): a real DNS server (dnsmasq from Debian) started on
loopback with test records, `tracewall trace --rdns` against it: forward-confirmed names,
a PTR whose name does not lead back, no PTR, IPv6, a server that never answers (the
timeout), a server list that is not one, and 2,000 addresses at once (all answered, all
confirmed). Only 127.0.0.1 is ever queried. Prints TAP. Usage: check-rdns.py BUILD_DIR"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from twtap import check, done, free_port, skip  # noqa: E402

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
TW = os.path.join(os.path.abspath(BUILD), "tracewall")


def trace(server, *addrs, timeout=1000, db=None):
    extra = ["--db", db] if db else []
    p = subprocess.run([TW, "trace", "--json", "--rdns", "--dns-server", server, "--timeout",
                        str(timeout)] + extra + list(addrs), capture_output=True,
                       env=dict(os.environ, TZ="UTC", XDG_DATA_HOME="/nonexistent"))
    got = {}
    for line in p.stdout.decode().splitlines():
        o = json.loads(line)
        got[o["addr"]] = o
    return p.returncode, got, p.stderr.decode()


dnsmasq = shutil.which("dnsmasq") or ("/usr/sbin/dnsmasq" if os.path.exists("/usr/sbin/dnsmasq") else None)
if not dnsmasq:
    skip("reverse DNS against dnsmasq", "dnsmasq is not installed (dnsmasq-base)")
    done()

tmp = tempfile.mkdtemp(prefix="tw-rdns-")
os.chmod(tmp, 0o755)  # dnsmasq reads its hosts file after dropping to "nobody"
hosts = os.path.join(tmp, "hosts")
with open(hosts, "w") as fh:
    for i in range(2000):
        fh.write("198.18.%d.%d h%d.bulk.example\n" % (i // 250, 1 + i % 250, i))
port = free_port(socket.SOCK_DGRAM)
proc = subprocess.Popen([dnsmasq, "--keep-in-foreground", "--port=%d" % port,
                         "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv",
                         "--no-hosts", "--conf-file=/dev/null", "--pid-file=",
                         "--addn-hosts=" + hosts, "--cache-size=10000",
                         "--local=/arpa/", "--local=/example/",  # NXDOMAIN, not REFUSED
                         "--host-record=scanner.example,198.51.100.7",
                         "--ptr-record=8.100.51.198.in-addr.arpa,liar.example",
                         "--host-record=v6.example,2001:db8::7", "--log-facility=-"],
                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
server = "127.0.0.1:%d" % port
try:
    for _ in range(50):  # until it answers
        rc, got, err = trace(server, "198.51.100.7", timeout=100)
        if got.get("198.51.100.7", {}).get("rdns"):
            break
        time.sleep(0.1)
    rc, got, err = trace(server, "198.51.100.7", "198.51.100.8", "198.51.100.9", "2001:db8::7")
    o = got.get("198.51.100.7", {})
    check("a PTR whose name leads back: forward-confirmed",
          o.get("rdns") == "scanner.example" and o.get("rdns_confirmed") is True, json.dumps(got))
    o = got.get("198.51.100.8", {})
    check("a PTR whose name does not lead back: shown, not confirmed",
          o.get("rdns") == "liar.example" and o.get("rdns_confirmed") is False, json.dumps(o))
    o = got.get("198.51.100.9", {})
    check("no PTR: no name", "rdns" not in o and o.get("rdns_status") == "no-name", json.dumps(o))
    o = got.get("2001:db8::7", {})
    check("IPv6: ip6.arpa, confirmed by AAAA",
          o.get("rdns") == "v6.example" and o.get("rdns_confirmed") is True, json.dumps(o))
    # Many at once.
    addrs = ["198.18.%d.%d" % (i // 250, 1 + i % 250) for i in range(2000)]
    t0 = time.time()
    rc, got, err = trace(server, *addrs)
    dt = time.time() - t0
    good = sum(1 for i, a in enumerate(addrs)
               if got.get(a, {}).get("rdns") == "h%d.bulk.example" % i
               and got[a].get("rdns_confirmed") is True)
    check("2,000 addresses at once: every one answered and confirmed (%.2f s)" % dt,
          good == 2000, "%d of 2000; %s; first: %s" % (good, err, json.dumps(got.get(addrs[0]))))
    # Text output says what confirmation means.
    p = subprocess.run([TW, "trace", "--rdns", "--dns-server", server, "198.51.100.8"],
                       capture_output=True, env=dict(os.environ, XDG_DATA_HOME="/nonexistent"))
    check("trace text warns that an unconfirmed name proves nothing",
          b"NOT forward-confirmed" in p.stdout, p.stdout)
    # analyze --rdns: once per source, in --json.
    log = os.path.join(tmp, "k.log")
    with open(log, "w") as fh:
        for src in ("198.51.100.7", "198.51.100.8", "198.51.100.9"):
            fh.write("Aug  9 10:00:00 gw kernel: DROP IN=eth0 OUT= SRC=%s DST=192.0.2.10 LEN=44 "
                     "TOS=0x00 PREC=0x00 TTL=52 ID=1 PROTO=TCP SPT=4000 DPT=445 WINDOW=1024 "
                     "RES=0x00 SYN URGP=0\n" % src)
    p = subprocess.run([TW, "analyze", "--json", "--year", "2004", "--rdns", "--dns-server", server,
                        log], capture_output=True,
                       env=dict(os.environ, XDG_DATA_HOME="/nonexistent",
                                TRACEWALL_CONF="/nonexistent/tracewall.conf"))
    got = {o["src"]: o for o in map(json.loads, p.stdout.decode().splitlines())}
    check("analyze --json --rdns: rdns and rdns_confirmed per source, none without a PTR",
          got.get("198.51.100.7", {}).get("rdns") == "scanner.example"
          and got["198.51.100.7"].get("rdns_confirmed") is True
          and got.get("198.51.100.8", {}).get("rdns_confirmed") is False
          and "rdns" not in got.get("198.51.100.9", {"rdns": 1}), p.stdout.decode() + p.stderr.decode())
    p = subprocess.run([TW, "analyze", "--json", "--year", "2004", log], capture_output=True,
                       env=dict(os.environ, XDG_DATA_HOME="/nonexistent",
                                TRACEWALL_CONF="/nonexistent/tracewall.conf"))
    check("without --rdns no name is looked up or shown (privacy by default)", b'"rdns"' not in p.stdout,
          p.stdout)
    # The store keeps names (and "no name") for the next run.
    store = os.path.join(tmp, "tw.db")
    trace(server, "198.51.100.7", "198.51.100.9", db=store)
finally:
    proc.terminate()
    proc.wait()

# A server that never answers: every lookup ends as a timeout, in bounded time.
silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
silent.bind(("127.0.0.1", 0))
sport = silent.getsockname()[1]
t0 = time.time()
rc, got, err = trace("127.0.0.1:%d" % sport, "198.51.100.7", "198.51.100.8", timeout=200)
dt = time.time() - t0
check("a silent server: timeouts, after about 2 tries x 200 ms (%.2f s)" % dt,
      all(o.get("rdns_status") == "timeout" for o in got.values()) and len(got) == 2 and dt < 5,
      json.dumps(got) + err)
t0 = time.time()
rc, got, err = trace("127.0.0.1:%d" % sport, "198.51.100.7", "198.51.100.9", timeout=200, db=store)
dt = time.time() - t0
check("cached in the store: the name and the no-name answer, the server not asked (%.2f s)" % dt,
      got.get("198.51.100.7", {}).get("rdns") == "scanner.example"
      and got["198.51.100.7"].get("rdns_cached") is True
      and got.get("198.51.100.9", {}).get("rdns_status") == "no-name" and dt < 0.3,
      json.dumps(got) + err)
silent.close()
rc, got, err = trace("not a server list", "198.51.100.7")
check("a DNS server list that is not one: refused (exit 2)", rc == 2 and "DNS server list" in err,
      err)
shutil.rmtree(tmp, ignore_errors=True)
done()
