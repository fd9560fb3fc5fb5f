#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Abuse contacts end to end (issue 6): a real HTTP server (nginx from Debian) on loopback
serves RDAP answers, with a test-made IANA bootstrap pointed at it; whois fixture servers
on loopback ports (one per registry name, reached through --whois-connect) serve port-43
answers. When ../shared/corpus/enrich exists, the real RDAP and whois answers of all five
registries are served and each address must yield the right abuse address. Bad answers:
malformed and huge JSON, HTTP 429 with Retry-After, a redirect, slow servers (timeouts),
referral loops, rate-limit texts, non-ASCII. Only 127.0.0.1 is ever contacted.
Prints TAP. Usage: check-abuse.py BUILD_DIR"""
import json
import os
import shutil
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from twtap import check, done, free_port, skip  # noqa: E402

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
TW = os.path.join(os.path.abspath(BUILD), "tracewall")
HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "..", "..", "shared", "corpus", "enrich")


nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
if not nginx:
    skip("abuse contacts against nginx", "nginx is not installed (nginx-light)")
    done()

tmp = tempfile.mkdtemp(prefix="tw-abuse-")
os.chmod(tmp, 0o755)
www = os.path.join(tmp, "www")
RIRS = ["arin", "ripe", "apnic", "lacnic", "afrinic"]
# The corpus answers: file name → (registry, address).
corpus = []
if os.path.isdir(os.path.join(CORPUS, "rdap")):
    for f in sorted(os.listdir(os.path.join(CORPUS, "rdap"))):
        rir, rest = f[:-5].split("_", 1)
        addr = rest.replace("_", ":") if "_" in rest else rest
        corpus.append((rir, addr, f[:-5]))


def put(path, data, mode="wb"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, mode) as fh:
        fh.write(data)


for rir, addr, stem in corpus:
    with open(os.path.join(CORPUS, "rdap", stem + ".json"), "rb") as fh:
        put(os.path.join(www, rir, "ip", addr), fh.read())

# Team-made answers: .test domains, and 5.6.7.0/24, a range the tests treat as fictional
# (documentation ranges would stop the search before any query, as they must); every
# query for it goes to the loopback servers named by the test bootstrap and mapping.
def net(handle, start, end, entities, port43="whois.test.example"):
    return json.dumps({"objectClassName": "ip network", "handle": handle, "startAddress": start,
                       "endAddress": end, "ipVersion": "v4", "name": handle, "country": "ZZ",
                       "port43": port43, "entities": entities}).encode()


def ent(handle, roles, emails, children=()):
    props = [["version", {}, "text", "4.0"], ["fn", {}, "text", handle]]
    for e, typ in emails:
        props.append(["email", {"type": typ} if typ else {}, "text", e])
    o = {"objectClassName": "entity", "handle": handle, "roles": roles,
         "vcardArray": ["vcard", props]}
    if children:
        o["entities"] = list(children)
    return o


# Modern style: abuse e-mail typed, non-abuse contacts around it; nested three deep.
put(os.path.join(www, "test", "ip", "5.6.7.7"),
    net("FICT-NET", "5.6.7.0", "5.6.7.15",
        [ent("ORG-T", ["registrant"], [("info@isp.test", None)],
             [ent("NOC-T", ["technical"], [("noc@isp.test", None)],
                  [ent("AB-T", ["abuse"], [("other@isp.test", None),
                                           ("abuse@isp.test", "abuse")])])])]))
# Placeholder only: refused, so whois is asked (which says the real one).
put(os.path.join(www, "test", "ip", "5.6.7.20"),
    net("REDACTED-NET", "5.6.7.16", "5.6.7.31",
        [ent("AB-R", ["abuse"], [("DATA REDACTED", None)])], port43="whois.test.example"))
# Malformed JSON, a huge answer, non-ASCII.
put(os.path.join(www, "test", "ip", "5.6.7.40"), b'{"handle": "X", "entities": [', )
put(os.path.join(www, "test", "ip", "5.6.7.41"),
    b'{"handle":"HUGE","remarks":[' + b'"x",' * (5 << 20 >> 2) + b'"x"]}')
put(os.path.join(www, "test", "ip", "5.6.7.42"),
    net("N\u00e4t-\u00fc", "5.6.7.42", "5.6.7.42",
        [ent("AB-\u00e9", ["abuse"], [("abuse@xn--mller-kva.test", "abuse")])]))
# An error object.
put(os.path.join(www, "test", "ip", "5.6.7.43"),
    b'{"errorCode":404,"title":"Not Found","description":["no such network"]}')
# No abuse entity in the network, a link "up" to its parent, which has one.
put(os.path.join(www, "test", "ip", "5.6.7.60"),
    json.dumps({"objectClassName": "ip network", "handle": "CHILD", "startAddress": "5.6.7.56",
                "endAddress": "5.6.7.63", "entities": [],
                "links": [{"rel": "self", "href": "x"},
                          {"rel": "up", "href": "http://127.0.0.1:%d/test/parent/5.6.7.0-63" % 0}]}).encode())
put(os.path.join(www, "test", "parent", "5.6.7.0-63"),
    net("PARENT", "5.6.7.0", "5.6.7.63", [ent("AB-P", ["abuse"], [("abuse@parent.test", "abuse")])]))
with open(os.path.join(tmp, "www", "test", "ip", "5.6.7.41"), "rb") as fh:
    huge_size = len(fh.read())

port = free_port()
conf = os.path.join(tmp, "nginx.conf")
with open(conf, "w") as fh:
    fh.write("""
daemon off; master_process off; worker_processes 1; pid %(t)s/nginx.pid;
error_log %(t)s/error.log warn;
events { worker_connections 64; }
http {
  access_log %(t)s/access.log;
  client_body_temp_path %(t)s/cb; proxy_temp_path %(t)s/px; fastcgi_temp_path %(t)s/fc;
  uwsgi_temp_path %(t)s/uw; scgi_temp_path %(t)s/sc;
  default_type application/rdap+json;
  server {
    listen 127.0.0.1:%(p)d;
    root %(w)s;
    location /limited/ { add_header Retry-After 120 always; return 429; }
    location /moved/ { rewrite ^/moved/(.*)$ /test/$1 permanent; }
    location / { try_files $uri =404; }
  }
}
""" % {"t": tmp, "p": port, "w": www})
for d in ("cb", "px", "fc", "uw", "sc"):
    os.makedirs(os.path.join(tmp, d), exist_ok=True)
ngx = subprocess.Popen([nginx, "-p", tmp, "-c", conf], stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)

with open(os.path.join(www, "test", "ip", "5.6.7.60")) as fh:
    child = fh.read().replace("127.0.0.1:0/", "127.0.0.1:%d/" % port)
put(os.path.join(www, "test", "ip", "5.6.7.60"), child, "w")
# A test-made bootstrap (RFC 9224 layout) pointing every registry at nginx.
base = "http://127.0.0.1:%d/" % port
v4 = {"version": "1.0", "publication": "2026-11-27T00:00:00Z", "services": [
    [["74.0.0.0/8"], [base + "arin/"]], [["62.0.0.0/8"], [base + "ripe/"]],
    [["210.0.0.0/8"], [base + "apnic/"]], [["200.0.0.0/8"], [base + "lacnic/"]],
    [["196.0.0.0/8"], [base + "afrinic/"]],
    [["5.6.7.0/26"], [base + "test/"]], [["5.6.7.64/28"], [base + "limited/"]],
    [["5.6.7.80/28"], [base + "moved/"]],
    [["5.6.7.96/28"], ["http://127.0.0.1:%d/" % 1]],  # nothing listens
]}
v6 = {"version": "1.0", "publication": "2026-11-27T00:00:00Z", "services": [
    [["2001:4860::/32"], [base + "arin/"]], [["2a00::/12"], [base + "ripe/"]],
    [["2001:240::/32"], [base + "apnic/"]], [["2801:10::/32"], [base + "lacnic/"]],
    [["2001:43f8::/32"], [base + "afrinic/"]]]}
bsdir = os.path.join(tmp, "bootstrap")
put(os.path.join(bsdir, "ipv4.json"), json.dumps(v4), "w")
put(os.path.join(bsdir, "ipv6.json"), json.dumps(v6), "w")
# The moved network's answer lives at /test/ip/5.6.7.85.
put(os.path.join(www, "test", "ip", "5.6.7.85"),
    net("MOVED", "5.6.7.80", "5.6.7.95", [ent("AB-M", ["abuse"], [("abuse@moved.test", None)])]))


# ---- whois fixture servers ---------------------------------------------------------------
whois_answers = {}  # server name → function(query) → bytes (or None: never answer)
queries = []


def corpus_whois(rir):
    def answer(q):
        addr = q.split()[-1]
        for r, a, stem in corpus:
            if r == rir and a == addr:
                with open(os.path.join(CORPUS, "whois", stem + ".txt"), "rb") as fh:
                    return fh.read()
        return b"% no entries found\n"
    return answer


RIR_OF = {"74.": "arin", "62.": "ripe", "210.": "apnic", "200.": "lacnic", "196.": "afrinic",
          "2001:4860": "arin", "2a00": "ripe", "2001:240": "apnic", "2801": "lacnic",
          "2001:43f8": "afrinic"}


def iana(q):
    addr = q.split()[-1]
    for pre, rir in RIR_OF.items():
        if addr.startswith(pre):
            return ("%% IANA WHOIS server\n\nrefer:        whois.%s.net\n\ninetnum:      x\n"
                    "organisation: registry\nwhois:        whois.%s.net\n" % (rir, rir)).encode()
    if addr.startswith("5.6.7."):
        return b"refer:        whois.test.example\n"
    return b"% IANA WHOIS server\n% This query returned 0 objects.\n"


def test_whois(q):
    addr = q.split()[-1]
    if addr == "5.6.7.20":
        return ("inetnum:        5.6.7.16 - 5.6.7.31\nnetname:        T\u00c9ST\n"
                "descr:          M\u00fcller Netz \u00a7\x1b[31m\n"
                "abuse-c:        AR1-TEST\n\nrole:           Abuse\nnic-hdl:        AR1-TEST\n"
                "abuse-mailbox:  abuse@redacted-net.test\n").encode("latin-1")
    return b"% no entries\n"


whois_answers.update({"whois.iana.org": iana, "whois.test.example": test_whois,
                      "loop-a.test": lambda q: b"ReferralServer: whois://loop-b.test\n",
                      "loop-b.test": lambda q: b"ReferralServer: whois://loop-a.test:43\n",
                      "limited.test": lambda q: b"%ERROR:201: access denied for 127.0.0.1\n"
                                                b"% Query rate limit exceeded\n",
                      "silent.test": None})
for rir in RIRS:
    whois_answers["whois.%s.net" % rir] = corpus_whois(rir)


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        name = self.server.name
        line = self.rfile.readline(512).decode("latin-1").strip()
        queries.append((name, line))
        fn = whois_answers[name]
        if fn is None:
            time.sleep(3)
            return
        self.wfile.write(fn(line))


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


servers, mapping = [], []
for name in whois_answers:
    s = Server(("127.0.0.1", 0), Handler)
    s.name = name
    threading.Thread(target=s.serve_forever, daemon=True).start()
    servers.append(s)
    mapping.append("%s=127.0.0.1:%d" % (name, s.server_address[1]))
WHOIS_MAP = ",".join(mapping)
ENV = dict(os.environ, TZ="UTC", XDG_DATA_HOME="/nonexistent", TRACEWALL_CONF="/nonexistent/tracewall.conf")


# A generous timeout (a loaded machine under ASan reads a 5 MB answer slowly); the tests of
# timeouts themselves give theirs.
def trace(*args, bootstrap=bsdir, timeout=15000):
    cmd = [TW, "trace", "--json", "--abuse", "--whois-connect", WHOIS_MAP, "--timeout", str(timeout)]
    if bootstrap:
        cmd += ["--bootstrap", bootstrap]
    p = subprocess.run(cmd + list(args), capture_output=True, env=ENV)
    got = {}
    for line in p.stdout.decode().splitlines():
        try:
            o = json.loads(line)
            got[o["addr"]] = o.get("abuse", {})
        except ValueError:
            got["bad-json"] = line
    return p, got


def hits():
    try:
        with open(os.path.join(tmp, "access.log")) as fh:
            return fh.read().count("\n")
    except OSError:
        return 0


try:
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)

    # ---- the corpus: the real answers of the five registries ---------------------------
    EXPECT = {  # address → (addresses, via, weak)
        "74.125.225.229": (["arin-contact@google.com"], "rdap", False),
        "2001:4860:4860::8888": (["arin-contact@google.com"], "rdap", False),
        "62.239.237.1": (["protect@bt.com"], "whois", False),
        "2a00:2381:ffff::1": (["protect@bt.com"], "whois", False),
        "210.107.73.73": (["hostmaster@nic.or.kr"], "rdap", False),
        "2001:240:10c:1::ca20:9d1d": ([], "none", False),
        "200.57.141.161": (["operacion.redes@TRIARA.COM"], "rdap", False),
        "2801:10:c000::": (["sistemas.red@UCO.EDU.CO"], "rdap", False),
        "196.11.240.215": (["abuse@mtnbusiness.co.za"], "whois", True),
        "2001:43f8:7b0::": ([], "none", False),
    }
    WHOIS_ONLY = {  # with --no-rdap, starting at IANA (no bootstrap)
        "74.125.225.229": "arin-contact@google.com", "2001:4860:4860::8888": "arin-contact@google.com",
        "62.239.237.1": "protect@bt.com", "2a00:2381:ffff::1": "protect@bt.com",
        "210.107.73.73": "hostmaster@nic.or.kr", "2001:240:10c:1::ca20:9d1d": None,
        "200.57.141.161": "operacion.redes@TRIARA.COM", "2801:10:c000::": "sistemas.red@UCO.EDU.CO",
        "196.11.240.215": "abuse@mtnbusiness.co.za", "2001:43f8:7b0::": None,
    }
    if corpus:
        p, got = trace(*[a for _, a, _ in corpus])
        table = []
        for rir, addr, stem in corpus:
            a = got.get(addr, {})
            want, via, weak = EXPECT[addr]
            table.append("%-8s %-26s %-28s %s%s" % (rir, addr, ",".join(a.get("emails", [])) or "-",
                                                     a.get("via"), " (weak)" if a.get("weak") else ""))
            check("corpus %s %s: %s via %s" % (rir, addr, ",".join(want) or "no contact", via),
                  a.get("emails") == want and a.get("via") == via and bool(a.get("weak")) == weak,
                  json.dumps(a, indent=1) + p.stderr.decode())
        print("# registry answers (RDAP first, then whois):")
        for t in table:
            print("#   " + t)
        o = got.get("62.239.237.1", {})
        check("RIPE: the old RDAP abuse role's plain e-mails are not taken; whois's comment is",
              any("abuse entity without a usable e-mail" in s["outcome"] for s in o.get("steps", []))
              and "Abuse contact for" in o.get("how", ""), json.dumps(o, indent=1))
        o = got.get("2001:43f8:7b0::", {})
        check("AFRINIC with nothing registered: says so, never a guess",
              o.get("emails") == [] and "no abuse contact registered" in json.dumps(o)
              and "never a guess" in o.get("stop", ""), json.dumps(o, indent=1))
        before = len(queries)
        p, got = trace(*[a for _, a, _ in corpus], "--no-rdap", bootstrap=None)
        ok = all((got.get(a, {}).get("emails") or [None])[0] == want for a, want in WHOIS_ONLY.items())
        check("whois alone, from IANA's referral to each registry: the right address for all 10",
              ok, json.dumps({a: got.get(a, {}).get("emails") for a in WHOIS_ONLY}, indent=1))
        qs = queries[before:]
        check("IANA asked first, then the registry it names, with each registry's query form",
              ("whois.iana.org", "62.239.237.1") in qs and ("whois.ripe.net", "-r 62.239.237.1") in qs
              and ("whois.arin.net", "n + 74.125.225.229") in qs
              and ("whois.lacnic.net", "200.57.141.161") in qs, qs)
        o = got.get("2001:4860:4860::8888", {})
        check("ARIN: the resource's abuse POC (RAbuseEmail) before the organisation's",
              o.get("how", "").startswith("RAbuseEmail:"), json.dumps(o))
        o = got.get("200.57.141.161", {})
        check("LACNIC: abuse-c handle followed to its person block's e-mail",
              o.get("how", "").startswith("abuse-c RYT2"), json.dumps(o))
        o = got.get("210.107.73.73", {})
        check("APNIC: mnt-irt followed to the irt object's abuse-mailbox",
              o.get("how", "").startswith("mnt-irt IRT-KRNIC-KR"), json.dumps(o))
        # Text output: the contact and every step.
        p = subprocess.run([TW, "trace", "--abuse", "--bootstrap", bsdir, "--whois-connect", WHOIS_MAP,
                            "62.239.237.1"], capture_output=True, env=ENV)
        out = p.stdout.decode()
        # Shown in the log (the closing notes quote it): three registries' answers as a
        # user sees them.
        p3 = subprocess.run([TW, "trace", "--abuse", "--no-cache", "--bootstrap", bsdir,
                             "--whois-connect", WHOIS_MAP, "210.107.73.73", "196.11.240.215",
                             "2001:4860:4860::8888"], capture_output=True, env=ENV)
        for line in p3.stdout.decode().splitlines():
            print("#   | " + line)
        check("trace text: the address, then each step (RDAP URL, whois server and line)",
              "abuse     protect@bt.com (whois)" in out and "1. rdap http://127.0.0.1" in out
              and "2. whois whois.ripe.net: found: % Abuse contact for" in out, out)
        # analyze --abuse: the reportable source (a TCP SYN scan) gets its contact; a
        # UDP-only source (forgeable, not reportable) is not looked up.
        log = os.path.join(tmp, "k.log")
        with open(log, "w") as fh:
            for i in range(40):
                fh.write("Aug  9 10:00:%02d gw kernel: DROP IN=eth0 OUT= SRC=74.125.225.229 "
                         "DST=192.0.2.10 LEN=44 TOS=0x00 PREC=0x00 TTL=52 ID=1 PROTO=TCP SPT=4000 "
                         "DPT=%d WINDOW=1024 RES=0x00 SYN URGP=0\n" % (i, 20 + i))
            fh.write("Aug  9 10:01:00 gw kernel: DROP IN=eth0 OUT= SRC=62.239.237.1 DST=192.0.2.10 "
                     "LEN=300 TOS=0x00 PREC=0x00 TTL=52 ID=1 PROTO=UDP SPT=4000 DPT=1026 LEN=280\n")
        h0 = hits()
        p = subprocess.run([TW, "analyze", "--json", "--year", "2004", "--abuse", "--bootstrap", bsdir,
                            "--whois-connect", WHOIS_MAP, log], capture_output=True, env=ENV)
        got = {o["src"]: o for o in map(json.loads, p.stdout.decode().splitlines())}
        a = got.get("74.125.225.229", {})
        check("analyze --json --abuse: the reportable source's contact; the UDP-only one not asked",
              a.get("reportable") is True and a.get("abuse", {}).get("emails") == ["arin-contact@google.com"]
              and "abuse" not in got.get("62.239.237.1", {"abuse": 1}) and hits() - h0 == 1,
              p.stdout.decode()[:1500] + p.stderr.decode())
        p = subprocess.run([TW, "analyze", "--year", "2004", "--abuse", "--bootstrap", bsdir,
                            "--whois-connect", WHOIS_MAP, log], capture_output=True, env=ENV)
        check("analyze text: the verdict names the address to report to",
              b"reportable: arin-contact@google.com" in p.stdout, p.stdout + p.stderr)
        p = subprocess.run([TW, "analyze", "--year", "2004", "--abuse", "--bootstrap", bsdir,
                            "--whois-connect", WHOIS_MAP, "--explain", "62.239.237.1", log],
                           capture_output=True, env=ENV)
        check("analyze --explain --abuse: the source's contact and each step, whatever its verdict",
              b"abuse     protect@bt.com (whois)" in p.stdout and b"2. whois whois.ripe.net" in p.stdout,
              p.stdout + p.stderr)
    else:
        skip("corpus RDAP and whois answers of the five registries", "../shared/corpus/enrich is absent")

    # ---- team-made answers and bad servers -------------------------------------------
    p, got = trace("5.6.7.7", "5.6.7.8", "5.6.7.20", "5.6.7.40",
                   "5.6.7.41", "5.6.7.42", "5.6.7.43")
    o = got.get("5.6.7.7", {})
    check("modern RDAP: the e-mail typed abuse of an abuse entity nested three deep",
          o.get("emails") == ["abuse@isp.test"] and o.get("via") == "rdap"
          and "AB-T" in o.get("how", ""), json.dumps(o))
    o = got.get("5.6.7.8", {})
    check("an address inside a range already answered: no second query",
          o.get("emails") == ["abuse@isp.test"] and o["steps"][-1]["what"] == "cache", json.dumps(o))
    o = got.get("5.6.7.20", {})
    check("a redaction placeholder is refused; whois's abuse-c then gives the address",
          o.get("emails") == ["abuse@redacted-net.test"] and o.get("via") == "whois"
          and "placeholder" in json.dumps(o["steps"]), json.dumps(o))
    o = got.get("5.6.7.40", {})
    check("malformed JSON: said so, then whois", any("bad answer" in s["outcome"] for s in o.get("steps", [])),
          json.dumps(o))
    o = got.get("5.6.7.41", {})
    check("a %d-byte answer is not read past 4 MiB" % huge_size,
          any("larger than 4 MiB" in s["outcome"] for s in o.get("steps", [])), json.dumps(o))
    o = got.get("5.6.7.42", {})
    check("non-ASCII names in an answer: valid JSON out, the address found",
          o.get("emails") == ["abuse@xn--mller-kva.test"] and "AB-\u00e9" in o.get("how", ""), json.dumps(o))
    o = got.get("5.6.7.43", {})
    check("an RDAP error object: no contact invented",
          any("error object 404" in s["outcome"] for s in o.get("steps", [])), json.dumps(o))
    p2 = subprocess.run([TW, "trace", "--abuse", "--bootstrap", bsdir, "--whois-connect", WHOIS_MAP,
                         "5.6.7.20"], capture_output=True, env=ENV)
    check("terminal output: escape sequences from an answer are neutralised",
          b"\x1b" not in p2.stdout, p2.stdout)

    p, got = trace("5.6.7.60")
    o = got.get("5.6.7.60", {})
    check("no abuse entity: the parent network (link rel up) asked once, and its contact used",
          o.get("emails") == ["abuse@parent.test"] and o.get("range") == "5.6.7.56 - 5.6.7.63"
          and "in the parent network" in o["steps"][-1]["outcome"] and len(o["steps"]) == 2,
          json.dumps(o, indent=1))
    h0 = hits()
    p, got = trace("5.6.7.70", "5.6.7.71")
    o1, o2 = got.get("5.6.7.70", {}), got.get("5.6.7.71", {})
    check("HTTP 429 with Retry-After: backs off (the second address does not ask that server)",
          o1.get("rate_limited") and "429" in json.dumps(o1["steps"])
          and "backing off" in o2["steps"][0]["outcome"] and hits() - h0 == 1,
          json.dumps([o1, o2], indent=1) + " hits %d" % (hits() - h0))
    p, got = trace("5.6.7.85")
    o = got.get("5.6.7.85", {})
    check("an HTTP redirect is followed (the final URL is the source)",
          o.get("emails") == ["abuse@moved.test"] and "/test/ip/5.6.7.85" in o.get("source", ""),
          json.dumps(o))
    t0 = time.time()
    p, got = trace("5.6.7.100", timeout=500)
    o = got.get("5.6.7.100", {})
    check("an RDAP server that is down: an error step, then whois",
          o.get("steps") and o["steps"][0]["what"] == "rdap" and o["steps"][1]["what"] == "whois",
          json.dumps(o))

    # The bootstrap update: fetched over HTTP, checked, installed where the look-ups find it.
    put(os.path.join(www, "bs", "ipv4.json"), json.dumps(v4), "w")
    put(os.path.join(www, "bs", "ipv6.json"), json.dumps(v6), "w")
    put(os.path.join(www, "badbs", "ipv4.json"), b'{"services": 3}')
    put(os.path.join(www, "badbs", "ipv6.json"), json.dumps(v6), "w")
    xdg = os.path.join(tmp, "xdg")
    env2 = dict(ENV, XDG_DATA_HOME=xdg)
    p = subprocess.run([TW, "db", "update-bootstrap", "--from", base + "bs/"], capture_output=True, env=env2)
    inst = os.path.join(xdg, "tracewall", "rdap", "ipv4.json")
    check("db update-bootstrap: fetched, checked and installed in $XDG_DATA_HOME/tracewall/rdap",
          p.returncode == 0 and b"published 2026-11-27T00:00:00Z" in p.stdout and os.path.exists(inst),
          p.stdout + p.stderr)
    p = subprocess.run([TW, "trace", "--json", "--abuse", "--whois-connect", WHOIS_MAP, "5.6.7.7"],
                       capture_output=True, env=env2)
    check("the installed bootstrap is the default for --abuse",
          b'"emails":["abuse@isp.test"]' in p.stdout, p.stdout + p.stderr)
    before = open(inst, "rb").read()
    p = subprocess.run([TW, "db", "update-bootstrap", "--from", base + "badbs"], capture_output=True, env=env2)
    check("a bad bootstrap file is refused and the copy in use kept",
          p.returncode == 5 and b"not a bootstrap file" in p.stderr and open(inst, "rb").read() == before,
          p.stdout + p.stderr)
    p = subprocess.run([TW, "db", "update-bootstrap", "--from", base + "nothing/"], capture_output=True, env=env2)
    check("a missing bootstrap file: HTTP 404 named", p.returncode == 5 and b"HTTP 404" in p.stderr,
          p.stderr)

    # The cache in the store: by the registry's range, found for days, nothing for hours,
    # failures never; a store of a newer schema is left alone.
    import sqlite3
    store = os.path.join(tmp, "store", "tw.db")
    os.makedirs(os.path.dirname(store))
    def ctrace(*args):
        return trace("--db", store, *args)
    h0 = hits()
    p, got = ctrace("5.6.7.7")
    h1 = hits()
    p, got2 = ctrace("5.6.7.7", "5.6.7.9")
    o, o2 = got2.get("5.6.7.7", {}), got2.get("5.6.7.9", {})
    check("a stored answer is used again: no query, the same address, a cache step",
          h1 - h0 == 1 and hits() == h1 and o.get("emails") == ["abuse@isp.test"]
          and "stored answer" in o["steps"][-1]["outcome"] and o2.get("emails") == ["abuse@isp.test"],
          json.dumps([got, got2], indent=1) + p.stderr.decode())
    p, got = ctrace("--no-cache", "5.6.7.7")
    check("--no-cache asks again", hits() == h1 + 1, hits() - h1)
    ctrace("5.6.7.100")  # the server is down: a failure, not an answer
    db = sqlite3.connect(store)
    rows = {bytes(lo)[1:5]: (pos, exp - fe) for lo, pos, fe, exp in
            db.execute("SELECT lo, positive, fetched, expires FROM lookup_cache WHERE kind='abuse'")}
    ver = db.execute("PRAGMA user_version").fetchone()[0]
    db.close()
    check("the store (migrated schema); found kept 7 days for its range, a failure not kept",
          ver >= 1 and rows.get(bytes([5, 6, 7, 0])) == (1, 7 * 86400)
          and bytes([5, 6, 7, 100]) not in rows and bytes([5, 6, 7, 96]) not in rows, rows)
    if corpus:
        ctrace("2001:43f8:7b0::")
        db = sqlite3.connect(store)
        neg = db.execute("SELECT positive, expires - fetched FROM lookup_cache WHERE kind='abuse' "
                         "AND positive = 0").fetchall()
        db.close()
        check("no contact found: kept 4 hours", neg == [(0, 4 * 3600)], neg)
    newer = os.path.join(tmp, "store", "newer.db")
    db = sqlite3.connect(newer)
    db.execute("PRAGMA user_version = 99")
    db.commit()
    db.close()
    before = open(newer, "rb").read()
    p, got = trace("--db", newer, "5.6.7.7")
    check("a store of a newer schema: refused with a warning, left unchanged, the look-up done",
          b"newer than this tracewall" in p.stderr and open(newer, "rb").read() == before
          and got.get("5.6.7.7", {}).get("emails") == ["abuse@isp.test"], p.stderr)
    # [enrich] of the configuration asks for analyze what --abuse would.
    conf = os.path.join(tmp, "tw.conf")
    with open(conf, "w") as fh:
        fh.write("[enrich]\nabuse = yes\nbootstrap = %s\nwhois-connect = %s\ntimeout = 2s\n"
                 "[store]\ndb = %s\n" % (bsdir, "\n   ".join(mapping), store))
    log2 = os.path.join(tmp, "k2.log")
    with open(log2, "w") as fh:
        for i in range(40):
            fh.write("Aug  9 10:00:%02d gw kernel: DROP IN=eth0 OUT= SRC=5.6.7.7 DST=192.0.2.10 LEN=44 "
                     "TOS=0x00 PREC=0x00 TTL=52 ID=1 PROTO=TCP SPT=4000 DPT=%d WINDOW=1024 RES=0x00 "
                     "SYN URGP=0\n" % (i, 20 + i))
    p = subprocess.run([TW, "analyze", "--json", "--year", "2004", "--config", conf, log2],
                       capture_output=True, env=ENV)
    got = {o["src"]: o for o in map(json.loads, p.stdout.decode().splitlines())}
    check("[enrich] abuse = yes in the configuration: analyze looks up without --abuse (cached)",
          got.get("5.6.7.7", {}).get("abuse", {}).get("emails") == ["abuse@isp.test"]
          and "stored answer" in json.dumps(got["5.6.7.7"]["abuse"]["steps"]),
          p.stdout.decode()[:800] + p.stderr.decode())

    # The Abusix zone, last and only when asked: a real dnsmasq on loopback answers TXT.
    dnsmasq = shutil.which("dnsmasq") or ("/usr/sbin/dnsmasq" if os.path.exists("/usr/sbin/dnsmasq") else None)
    if dnsmasq:
        dport = free_port()
        dns = subprocess.Popen([dnsmasq, "--keep-in-foreground", "--port=%d" % dport,
                                "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv",
                                "--no-hosts", "--conf-file=/dev/null", "--pid-file=",
                                "--local=/abuse-contacts.abusix.zone/",
                                # one string with commas inside, as the zone answers (raw RDATA: dnsmasq's
                                # --txt-record would split it at the commas)
                                "--dns-rr=50.7.6.5.abuse-contacts.abusix.zone,16,%02x%s" % (
                                    len(b"abuse@fict.test,noc@fict.test"),
                                    b"abuse@fict.test,noc@fict.test".hex()),
                                "--txt-record=51.7.6.5.abuse-contacts.abusix.zone,DATA REDACTED"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(0.3)
            p, got = trace("--abusix", "--no-cache", "--dns-server", "127.0.0.1:%d" % dport,
                           "5.6.7.50", "5.6.7.51", "5.6.7.52")
            a, b, c = (got.get(x, {}) for x in ("5.6.7.50", "5.6.7.51", "5.6.7.52"))
            check("Abusix TXT after RDAP and whois found nothing: both addresses, via abusix",
                  a.get("emails") == ["abuse@fict.test", "noc@fict.test"] and a.get("via") == "abusix"
                  and [st["what"] for st in a["steps"]] == ["rdap", "whois", "whois", "abusix"],
                  json.dumps(a, indent=1) + p.stderr.decode())
            check("Abusix: a placeholder is refused, no entry is said so",
                  b.get("emails") == [] and "placeholder" in json.dumps(b["steps"])
                  and c.get("emails") == [] and c["steps"][-1]["outcome"] == "no entry",
                  json.dumps([b, c], indent=1))
            p, got = trace("--no-cache", "--dns-server", "127.0.0.1:%d" % dport, "5.6.7.50")
            check("without --abusix the zone is not asked",
                  [st["what"] for st in got.get("5.6.7.50", {}).get("steps", [])] == ["rdap", "whois", "whois"],
                  json.dumps(got))
        finally:
            dns.terminate()
            dns.wait()
    else:
        skip("the Abusix zone against dnsmasq", "dnsmasq is not installed")

    # Stop rules before any query: unallocated space (from the index), own networks.
    idx = os.path.join(tmp, "nd.idx")
    subprocess.run([TW, "db", "import", "--netdb", idx, os.path.join(HERE, "delegated.txt")],
                   capture_output=True, env=ENV)
    h0 = hits()
    p, got = trace("--netdb", idx, "--no-cache", "5.6.7.7")
    o = got.get("5.6.7.7", {})
    check("unallocated space per the index (a bogon): no query, said why",
          "bogon" in o.get("stop", "") and not o.get("steps") and hits() == h0, json.dumps(o))
    own = os.path.join(tmp, "own.conf")
    with open(own, "w") as fh:
        fh.write("[analyze]\nown = 5.6.7.0/24\n")
    p, got = trace("--config", own, "--no-cache", "5.6.7.7")
    o = got.get("5.6.7.7", {})
    check("one of the user's own networks: no query, said why",
          "own networks" in o.get("stop", "") and not o.get("steps") and hits() == h0, json.dumps(o))

    # whois: loops, rate limits, silence.
    p, got = trace("203.0.113.9")
    o = got.get("203.0.113.9", {})
    check("a documentation address (special-purpose): stops before any query",
          o.get("emails") == [] and "special-purpose" in o.get("stop", "") and not o.get("steps"),
          json.dumps(o))
    for name, want in (("loop-a.test", "referral loop"), ("limited.test", "rate limited"),
                       ("silent.test", "no complete answer within 500 ms")):
        t0 = time.time()
        # The first mapping of a name wins: the test server stands in for IANA.
        cmd = [TW, "trace", "--json", "--abuse", "--no-rdap", "--timeout", "500", "--whois-connect",
               "whois.iana.org=" + dict(m.split("=") for m in mapping)[name] + "," + WHOIS_MAP]
        p = subprocess.run(cmd + ["8.8.4.4"], capture_output=True, env=ENV)
        dt = time.time() - t0
        try:
            o = json.loads(p.stdout.decode().splitlines()[0]).get("abuse", {})
        except (ValueError, IndexError):
            o = {}
        check("whois %s: '%s', no contact, %.1f s" % (name, want, dt),
              o.get("emails") == [] and want in json.dumps(o.get("steps")) and dt < 5,
              json.dumps(o, indent=1) + p.stderr.decode())
    p = subprocess.run([TW, "trace", "--abuse", "--whois-connect", "bad", "8.8.4.4"],
                       capture_output=True, env=ENV)
    check("a bad --whois-connect is a usage error naming it",
          p.returncode == 2 and b"whois-connect" in p.stderr, p.stderr)
    p = subprocess.run([TW, "trace", "--json", "8.8.4.4"], capture_output=True, env=ENV)
    check("without --abuse nothing is asked (privacy by default)",
          b'"abuse"' not in p.stdout and p.returncode == 0, p.stdout + p.stderr)
finally:
    ngx.terminate()
    ngx.wait()
    for s in servers:
        s.shutdown()
    shutil.rmtree(tmp, ignore_errors=True)

done()
