#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The store end to end (issue 7): `tracewall ingest` is incremental and idempotent, knows
rotated files (rename, copytruncate, gzip), leaves an unfinished last line for later, and a
SIGKILL at any moment loses and duplicates nothing. Each result is compared with a single
ingest of the same content into a fresh store (the incidents table read with Python's
sqlite3). Prints TAP. Usage: check-store.py BUILD_DIR"""
import base64
import gzip
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from twtap import check, done, skip  # noqa: E402

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
TW = os.path.join(os.path.abspath(BUILD), "tracewall")
GEN = os.path.join(os.path.abspath(BUILD), "bench", "gen-netfilter")
HERE = os.path.dirname(os.path.abspath(__file__))


tmp = tempfile.mkdtemp(prefix="tw-store-")
ENV = dict(os.environ, TZ="UTC", XDG_DATA_HOME="/nonexistent", TRACEWALL_CONF="/nonexistent/x.conf")


def ingest(db, *files, chunk=None):
    cmd = [TW, "ingest", "--db", db, "--year", "2004"]
    if chunk:
        cmd += ["--chunk-lines", str(chunk)]
    return subprocess.run(cmd + list(files), capture_output=True, env=ENV)


def incidents(db):
    c = sqlite3.connect(db)
    # Every field but the row id: counts, estimates, the verdict (confidence, reportable,
    # why, scan) and the distinct-count registers.
    rows = sorted(c.execute("SELECT hex(src), class, has_time, first, last, packets, dsts, "
                            "ports, estimated, port_lo, port_hi, weight, hex(counts), danger, "
                            "confidence, reportable, why, nev, scan FROM incidents").fetchall(),
                  key=repr)
    ev = c.execute("SELECT COUNT(*) FROM evidence").fetchone()[0]
    c.close()
    return rows, ev


def line(i, src, port, proto="TCP"):
    t = 5 * 3600 + i * 7
    return ("Aug  6 %02d:%02d:%02d gw kernel: DROP IN=eth0 OUT= SRC=%s DST=192.0.2.10 LEN=44 "
            "TOS=0x00 PREC=0x00 TTL=50 ID=%d PROTO=%s SPT=4000 DPT=%d WINDOW=1024 RES=0x00 "
            "SYN URGP=0\n" % (t // 3600 % 24, t // 60 % 60, t % 60, src, i, proto, port))


SRCS = ["5.6.%d.%d" % (a, b) for a in range(3) for b in range(1, 8)]
LINES = [line(i, SRCS[i % len(SRCS)], 20 + i % 40) for i in range(2000)]


def fresh(name, text):
    """The reference: all of 'text' ingested at once into a new store."""
    path = os.path.join(tmp, name + ".log")
    with open(path, "w") as fh:
        fh.write(text)
    db = os.path.join(tmp, name + ".db")
    ingest(db, path)
    return incidents(db)


try:
    whole = fresh("whole", "".join(LINES))
    check("a single ingest stores incidents with their evidence",
          len(whole[0]) >= len(SRCS) and whole[1] > 0, whole)

    # Idempotent, then incremental.
    db = os.path.join(tmp, "inc.db")
    log = os.path.join(tmp, "k.log")
    with open(log, "w") as fh:
        fh.writelines(LINES[:700])
    ingest(db, log)
    p = ingest(db, log)
    check("ingesting the same file again adds nothing", b"nothing new" in p.stdout
          and incidents(db) == fresh("first700", "".join(LINES[:700])), p.stdout)
    with open(log, "a") as fh:
        fh.writelines(LINES[700:1300])
        fh.write(LINES[1300][:40])  # a line still being written
    p = ingest(db, log)
    check("appended lines: only they are read; the unfinished last line waits",
          b"continued" in p.stdout and incidents(db) == fresh("first1300", "".join(LINES[:1300])),
          p.stdout)
    with open(log, "a") as fh:
        fh.write(LINES[1300][40:])
        fh.writelines(LINES[1301:])
    ingest(db, log)
    check("the rest, in a third run: the same incidents as one ingest of the whole",
          incidents(db) == whole, (incidents(db)[0][:3], whole[0][:3]))

    # Chunks: many small transactions give the same result.
    dbc = os.path.join(tmp, "chunks.db")
    ingest(dbc, os.path.join(tmp, "whole.log"), chunk=37)
    check("37-line chunks: the same incidents and evidence as one transaction",
          incidents(dbc) == whole, incidents(dbc)[0][:3])

    # --max-bytes (the daemon reads a long file in 8 MiB slices between turns of its loop):
    # read in steps of 10,000 bytes until nothing is left, with repeat notes that must not
    # be cut from the line they repeat, the same as one ingest of the whole.
    rlines = []
    for i, l in enumerate(LINES):
        rlines.append(l)
        if i % 97 == 0:
            rlines.append(l[:16] + "gw kernel: last message repeated 3 times\n")
    rep = os.path.join(tmp, "rep.log")
    with open(rep, "w") as fh:
        fh.writelines(rlines)
    ref_rep = fresh("rep-ref", "".join(rlines))
    dbs = os.path.join(tmp, "steps.db")
    runs, outs = 0, []
    while runs < 200:
        p = ingest(dbs, "--max-bytes", "10000", rep)
        runs += 1
        outs.append(p.stdout.decode())
        if b"more left" not in p.stdout:
            break
    check("--max-bytes 10000: %d runs, each ending at a line start, the same incidents as one "
          "ingest (repeat notes kept with their line)" % runs,
          runs > 30 and incidents(dbs) == ref_rep and "more left" in outs[0]
          and "more left" not in outs[-1], (runs, outs[:2], outs[-1:], incidents(dbs)[0][:3],
                                            ref_rep[0][:3]))

    # --keep-events: every event once, whatever the chunks.
    def events(db):
        c = sqlite3.connect(db)
        rows = c.execute("SELECT line, seq, ts, hex(src), hex(dst), proto, sport, dport, class "
                         "FROM events ORDER BY line, seq").fetchall()
        c.close()
        return rows
    ke1, ke2 = os.path.join(tmp, "ke1.db"), os.path.join(tmp, "ke2.db")
    subprocess.run([TW, "ingest", "--db", ke1, "--year", "2004", "--keep-events",
                    os.path.join(tmp, "whole.log")], capture_output=True, env=ENV)
    subprocess.run([TW, "ingest", "--db", ke2, "--year", "2004", "--keep-events", "--chunk-lines", "37",
                    os.path.join(tmp, "whole.log")], capture_output=True, env=ENV)
    e1 = events(ke1)
    check("--keep-events: all 2000 events (lines 1-2000), the same with 37-line chunks",
          len(e1) == 2000 and e1[0][0] == 1 and e1[-1][0] == 2000 and e1 == events(ke2)
          and e1[0][8] and e1[0][6] == 4000, (len(e1), e1[:2]))

    # Rotation by rename: the old file keeps being written a little, then a new one.
    db = os.path.join(tmp, "rot.db")
    a, b = os.path.join(tmp, "r.log"), os.path.join(tmp, "r.log.1")
    with open(a, "w") as fh:
        fh.writelines(LINES[:800])
    ingest(db, a)
    os.rename(a, b)
    with open(b, "a") as fh:
        fh.writelines(LINES[800:900])
    with open(a, "w") as fh:
        fh.writelines(LINES[900:])
    ingest(db, b, a)
    check("rename rotation: r.log.1 continues where r.log was, the new r.log from its start",
          incidents(db) == whole, incidents(db)[0][:3])
    # Compressed later: r.log.1.gz holds what was read already.
    with open(b, "rb") as fi, gzip.open(b + ".gz", "wb") as fo:
        fo.write(fi.read())
    os.unlink(b)
    p = ingest(db, b + ".gz")
    check("the rotated file compressed (r.log.1.gz): known, nothing new",
          b"nothing new" in p.stdout and incidents(db) == whole, p.stdout + p.stderr)

    # copytruncate: the copy keeps the old lines, the original starts again.
    db = os.path.join(tmp, "ct.db")
    a, b = os.path.join(tmp, "c.log"), os.path.join(tmp, "c.log.1")
    with open(a, "w") as fh:
        fh.writelines(LINES[:1000])
    ingest(db, a)
    shutil.copy(a, b)
    with open(b, "a") as fh:
        fh.writelines(LINES[1000:1100])  # written between the last ingest and the copy
    with open(a, "w") as fh:
        fh.writelines(LINES[1100:])
    ingest(db, a, b)
    check("copytruncate: the copy continues at the old offset, the truncated file is new",
          incidents(db) == whole, incidents(db)[0][:3])

    # A copy still being written (a rotation's copy, seen half-way by a follower) is
    # shorter than what was read of the file it copies: nothing new in it, and it must not
    # be taken as another file and read again (a bug the daemon's test found: duplicates).
    db = os.path.join(tmp, "cpy.db")
    a, b = os.path.join(tmp, "p.log"), os.path.join(tmp, "p.log.1")
    with open(a, "w") as fh:
        fh.writelines(LINES[:1000])
    ingest(db, a)
    with open(b, "w") as fh:
        fh.writelines(LINES[:400])
    p1 = ingest(db, b)
    with open(b, "a") as fh:
        fh.writelines(LINES[400:1000])
    p2 = ingest(db, b)
    check("a copy of a file read further, half-written then complete: nothing read twice",
          incidents(db) == fresh("cp", "".join(LINES[:1000])) and p1.returncode == 0
          and p2.returncode == 0, (incidents(db)[0][:3], p1.stdout, p2.stdout))

    # ingest classifies with the rule file of the configuration (a bug: only analyze read
    # [analyze] signatures; ingest used the compiled-in rules whatever the file said).
    rules = os.path.join(tmp, "site.rules")
    with open(rules, "w") as fh:
        fh.write("rule site-smb worm:sitetest 3 proto=tcp dport=20-59\n")
    sconf = os.path.join(tmp, "site.conf")
    with open(sconf, "w") as fh:
        fh.write("[analyze]\nsignatures = %s\n" % rules)
    db = os.path.join(tmp, "sig.db")
    a = os.path.join(tmp, "sig.log")
    with open(a, "w") as fh:
        fh.writelines(LINES[:100])
    p = ingest(db, "--config", sconf, a)
    cls = {r[0] for r in sqlite3.connect(db).execute("SELECT class FROM incidents")}
    check("ingest classifies with [analyze] signatures of the configuration",
          p.returncode == 0 and cls == {"worm:sitetest"}, (cls, p.stderr))

    # A capture is a source like a log: its frames are stored, then only new ones.
    cap = os.path.join(HERE, "..", "..", "data", "examples", "messenger-2004.pcap")
    raw = open(cap, "rb").read()
    recs, at = [], 24
    while at + 16 <= len(raw):
        n = int.from_bytes(raw[at + 8:at + 12], "little")
        recs.append(raw[at:at + 16 + n])
        at += 16 + n
    ev = subprocess.run([TW, "analyze", "--json", cap], capture_output=True, env=ENV)
    want = sum(json.loads(x)["packets"] for x in ev.stdout.decode().splitlines())
    capdb = os.path.join(tmp, "cap.db")
    part = os.path.join(tmp, "grow.pcap")
    with open(part, "wb") as fh:
        fh.write(raw[:24] + b"".join(recs[:10]))
    p1 = ingest(capdb, part)
    with open(part, "wb") as fh:
        fh.write(raw)
    p2 = ingest(capdb, part)
    p3 = ingest(capdb, part)
    c = sqlite3.connect(capdb)
    got = c.execute("SELECT SUM(packets) FROM incidents").fetchone()[0]
    evl = [r[0] for r in c.execute("SELECT text FROM evidence")]
    c.close()
    check("ingest of a capture: its %d packets stored (10 frames, then the rest; again: nothing "
          "new), evidence lines name their frames" % want,
          want == 23 and got == want and b"10 frames" in p1.stdout and b"known" in p2.stdout
          and b"nothing new" in p3.stdout and evl and all(t.startswith("frame ") for t in evl),
          (want, got, p1.stdout, p2.stdout, p3.stdout, evl[:3]))

    # Errors name the file; what was stored stays.
    before = incidents(db)
    p = ingest(db, os.path.join(tmp, "missing.log"))
    check("a missing file: named, exit 3, the store unchanged",
          p.returncode == 3 and b"missing.log" in p.stderr and incidents(db) == before, p.stderr)
    p = subprocess.run([TW, "ingest", "--db", db, "-"], input=b"x\n", capture_output=True, env=ENV)
    check("standard input is refused with the reason", p.returncode != 0 and b"standard input" in p.stderr,
          p.stderr)

    # Queries.
    p = subprocess.run([TW, "incidents", "--db", os.path.join(tmp, "whole.db"), "--json",
                        "--src", SRCS[0]], capture_output=True, env=ENV)
    out = p.stdout.decode().splitlines()
    check("incidents --src --json: that source's incidents with evidence (file, line, text)",
          out and all('"src":"%s"' % SRCS[0] in l and '"evidence":[{"file":' in l for l in out), out[:2])
    p = subprocess.run([TW, "sources", "--db", os.path.join(tmp, "whole.db"), "--limit", "3"],
                       capture_output=True, env=ENV)
    check("sources: busiest first, limited", len(p.stdout.decode().splitlines()) == 4, p.stdout)
    p = subprocess.run([TW, "incidents", "--db", os.path.join(tmp, "whole.db"), "--since",
                        "2005-01-01"], capture_output=True, env=ENV)
    check("incidents --since after everything: none, said so", b"no incidents" in p.stdout, p.stdout)

    # Reports: drafts per mailbox from a contact the store knows (as an earlier
    # `trace --abuse` leaves it), never twice, redacted, X-ARF valid against the schemas.
    rdb = os.path.join(tmp, "rep.db")
    rlog = os.path.join(tmp, "rep.log")
    with open(rlog, "w") as fh:
        for i in range(40):
            fh.write("Aug  9 10:00:%02d homepc kernel: DROP IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:"
                     "88:99:aa:bb:08:00 SRC=5.6.7.7 DST=192.0.2.10 LEN=44 TOS=0x00 PREC=0x00 TTL=52 "
                     "ID=1 PROTO=TCP SPT=4000 DPT=%d WINDOW=1024 RES=0x00 SYN URGP=0\n" % (i, 20 + i))
        fh.write("Aug  9 10:01:00 homepc kernel: DROP IN=eth0 OUT= SRC=5.6.9.9 DST=192.0.2.10 LEN=300 "
                 "TOS=0x00 PREC=0x00 TTL=52 ID=1 PROTO=UDP SPT=4000 DPT=1026 LEN=280\n")
        for i in range(40):  # a hostile address in the cache must not become a header
            fh.write("Aug  9 11:00:%02d homepc kernel: DROP IN=eth0 OUT= SRC=5.6.8.8 DST=192.0.2.10 "
                     "LEN=44 TOS=0x00 PREC=0x00 TTL=52 ID=1 PROTO=TCP SPT=4001 DPT=%d WINDOW=1024 "
                     "RES=0x00 SYN URGP=0\n" % (i, 20 + i))
    ingest(rdb, rlog)
    c = sqlite3.connect(rdb)
    now = int(time.time())
    def cache(lo, hi, emails):
        rec = '{"emails":%s,"steps":[["rdap","http://rdap.test/ip/x","found"]],"via":1,' \
              '"how":"entity AB (role abuse)","source":"http://rdap.test/ip/x"}' % emails
        c.execute("INSERT INTO lookup_cache VALUES ('abuse', ?, ?, ?, 1, ?, ?)",
                  (bytes([4]) + bytes(lo) + bytes(12), bytes([4]) + bytes(hi) + bytes(12), rec,
                   now, now + 3600))
    cache([5, 6, 7, 0], [5, 6, 7, 255], '["abuse@isp.test"]')
    cache([5, 6, 8, 0], [5, 6, 8, 255], '["abuse@isp.test\\r\\nBcc: victim@else.test"]')
    c.commit()
    c.close()
    conf = os.path.join(tmp, "rep.conf")
    with open(conf, "w") as fh:
        fh.write("[report]\nfrom = reports@home.test\norg = Home Network\ndomain = home.test\n")
    rep = [TW, "report", "--db", rdb, "--config", conf]
    p = subprocess.run(rep, capture_output=True, env=ENV)
    out = p.stdout.decode()
    check("report: one draft for the mailbox, UTC times, the log lines with our address, host "
          "and MAC redacted",
          p.returncode == 0 and out.count("----- report ") == 1 and "To: abuse@isp.test\n" in out
          and "From: reports@home.test" in out and "Auto-Submitted: auto-generated" in out
          and "== Source 5.6.7.7 ==" in out and "DST=[reporter-address]" in out
          and "[reporter-host] kernel" in out and "MAC=[redacted]" in out
          and "192.0.2.10" not in out and "homepc" not in out
          and "Part of: SYN scan of 40 ports (20-59) on 1 host" in out, out + p.stderr.decode())
    check("a forged (UDP-only) source is not drafted; a contact that is no address (CR/LF) is "
          "refused, never a header",
          "5.6.9.9" not in out and "Bcc" not in out and b"5.6.8.8" in p.stderr, p.stderr)
    p = subprocess.run(rep, capture_output=True, env=ENV)
    p2 = subprocess.run(rep + ["--list"], capture_output=True, env=ENV)
    check("report again: the same draft shown, nothing drafted twice",
          p.stdout.decode().count("----- report 1 ") == 1 and "----- report 2" not in p.stdout.decode()
          and len(p2.stdout.decode().splitlines()) == 1, p2.stdout)
    p = subprocess.run(rep + ["--include-unconfirmed"], capture_output=True, env=ENV)
    out = p.stdout.decode()
    check("--include-unconfirmed: the UDP source too, with the forgery caveat (its contact known)",
          "5.6.9.9" not in out or "can be forged" in out, out)
    # [report] contacts: the user's own list wins over the cache; a bad line is named.
    clist = os.path.join(tmp, "contacts.txt")
    with open(clist, "w") as fh:
        fh.write("# mine\n5.6.9.0/24   abuse@list.test\n")
    conf2 = os.path.join(tmp, "rep2.conf")
    with open(conf2, "w") as fh:
        fh.write("[report]\ncontacts = %s\n" % clist)
    p = subprocess.run([TW, "report", "--db", rdb, "--config", conf2, "--include-unconfirmed"],
                       capture_output=True, env=ENV)
    out = p.stdout.decode()
    check("[report] contacts: a source of the user's list drafted to its mailbox, said how",
          "To: abuse@list.test" in out and "== Source 5.6.9.9 ==" in out
          and "your contact list" in out and "contacts.txt line 2" in out, out[-1500:] + p.stderr.decode())
    # Hostile log text: escape sequences in a prefix never reach the terminal or the mail.
    hlog = os.path.join(tmp, "hostile.log")
    with open(hlog, "w") as fh:
        for i in range(12):
            fh.write("Aug  9 12:00:%02d homepc kernel: \x1b[2J\x1b]0;pwned\x07EVIL IN=eth0 OUT= "
                     "SRC=5.6.11.11 DST=192.0.2.10 LEN=44 TOS=0x00 PREC=0x00 TTL=52 ID=1 PROTO=TCP "
                     "SPT=4000 DPT=%d WINDOW=1024 RES=0x00 SYN URGP=0\n" % (i, 20 + i))
    ingest(rdb, hlog)
    with open(clist, "a") as fh:
        fh.write("5.6.11.0/24 abuse@list.test\n")
    p = subprocess.run([TW, "report", "--db", rdb, "--config", conf2], capture_output=True, env=ENV)
    x = subprocess.run([TW, "report", "--db", rdb, "--config", conf2, "--format", "xarf02", "--show",
                        p.stdout.decode().split("----- report ")[-1].split(" ")[0] if b"----- report" in p.stdout else "0"],
                       capture_output=True, env=ENV)
    check("escape sequences in a log prefix: neutralised in the draft and the X-ARF 0.2 mail",
          b"== Source 5.6.11.11 ==" in p.stdout and b"\x1b" not in p.stdout and b"\x07" not in p.stdout
          and b"EVIL" in p.stdout and b"\x1b" not in x.stdout and b"5.6.11.11" in x.stdout,
          p.stdout[-800:] + x.stdout[-400:])
    with open(clist, "w") as fh:
        fh.write("5.6.9.0/24 not-an-address\n")
    p = subprocess.run([TW, "report", "--db", rdb, "--config", conf2], capture_output=True, env=ENV)
    check("a contact list line that is not \"CIDR mailbox\": FILE:LINE, exit 2",
          p.returncode == 2 and b"contacts.txt:1:" in p.stderr, p.stderr)
    p = subprocess.run(rep + ["--show", "1", "--format", "xarf"], capture_output=True, env=ENV)
    objs = [json.loads(l) for l in p.stdout.decode().splitlines()]
    schemas = os.path.join(HERE, "..", "..", "..", "shared", "corpus", "enrich", "xarf", "schemas-v4")
    try:
        import jsonschema
    except ImportError:
        jsonschema = None
    if jsonschema and os.path.isdir(schemas):
        core = json.load(open(os.path.join(schemas, "xarf-core.json")))
        ps = json.load(open(os.path.join(schemas, "connection-port-scan.json")))
        resolver = jsonschema.RefResolver.from_schema(ps, store={core["$id"]: core})
        val = jsonschema.Draft202012Validator(ps, resolver=resolver,
                                              format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
        errs = [e.message for o in objs for e in val.iter_errors(o)]
        check("X-ARF v4: %d objects valid against the port-scan schema (format checks on)" % len(objs),
              objs and not errs, errs[:5])
    else:
        skip("X-ARF v4 schema check", "python3-jsonschema or the corpus schemas missing")
    p1 = subprocess.run(rep + ["--show", "1", "--format", "xarf"], capture_output=True, env=ENV)
    check("X-ARF: a stable report_id per incident, source port from the log, evidence base64",
          p1.stdout == p.stdout and all(o.get("source_port") == 4000 for o in objs)
          and base64.b64decode(objs[0]["evidence"][0]["payload"]).startswith(b"Aug  9 10:00:00"),
          p1.stdout[:300])
    p = subprocess.run(rep + ["--show", "1", "--format", "xarf02"], capture_output=True, env=ENV)
    import email
    import email.policy
    m = email.message_from_bytes(p.stdout, policy=email.policy.default)
    parts = {a.get_filename(): a.get_content() for a in m.iter_attachments()}
    yaml = parts.get("report.txt", "")
    check("X-ARF 0.2: X-XARF: PLAIN, report.txt with the required keys, logfile.log redacted",
          m["X-XARF"] == "PLAIN" and m["Auto-Submitted"] == "auto-generated"
          and all(k + ":" in yaml for k in ("Reported-From", "Category", "Report-Type", "User-Agent",
                                           "Report-ID", "Date", "Source-Type", "Source", "Attachment",
                                           "Schema-URL"))
          and "Source: 5.6.7.7" in yaml and "DST=[reporter-address]" in parts.get("logfile.log", ""),
          p.stdout[:1500])
    p = subprocess.run(rep + ["--approve", "1"], capture_output=True, env=ENV)
    p2 = subprocess.run(rep + ["--approve", "1"], capture_output=True, env=ENV)
    p3 = subprocess.run(rep + ["--list"], capture_output=True, env=ENV)
    check("--approve: draft to approved once; approving again is refused",
          p.returncode == 0 and p2.returncode == 2 and b"approved" in p3.stdout, p2.stderr + p3.stdout)

    # AbuseIPDB: only completed TCP sessions of the last 60 days; the rest refused.
    acc = os.path.join(tmp, "acc.log")
    today = time.strftime("%b %e", time.gmtime())
    with open(acc, "w") as fh:
        for i in range(4):
            fh.write("%s 08:0%d:00 homepc kernel: ACCEPT IN=eth0 OUT= SRC=5.6.10.10 DST=192.0.2.10 "
                     "LEN=52 TOS=0x00 PREC=0x00 TTL=52 ID=1 DF PROTO=TCP SPT=4000 DPT=%d WINDOW=1024 "
                     "RES=0x00 ACK URGP=0\n" % (today, i, 21 + i))
    subprocess.run([TW, "ingest", "--db", rdb, "--year", time.strftime("%Y", time.gmtime()), acc],
                   capture_output=True, env=ENV)
    p = subprocess.run(rep + ["--format", "abuseipdb"], capture_output=True, env=ENV)
    rows = p.stdout.decode().splitlines()
    check("--format abuseipdb: the header, a row for the completed session only, the SYN scan "
          "and the UDP source refused with the reason",
          rows[0] == "IP,Categories,ReportDate,Comment" and len(rows) == 2
          and rows[1].startswith("5.6.10.10,14,") and b"no completed TCP handshake" in p.stderr
          and b"5.6.7.7" in p.stderr, (rows, p.stderr))

    # Sending: a real SMTP server (aiosmtpd from Debian) on loopback receives the mail.
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        Controller = None
    if Controller:
        import email
        import email.policy
        import socket
        got_mail = []

        class Keep:
            async def handle_DATA(self, server, session, envelope):
                got_mail.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
                return "250 OK"
        sk = socket.socket()
        sk.bind(("127.0.0.1", 0))
        sport = sk.getsockname()[1]
        sk.close()
        ctl = Controller(Keep(), hostname="127.0.0.1", port=sport)
        ctl.start()
        try:
            with open(conf, "a") as fh:
                fh.write("[smtp]\nurl = smtp://127.0.0.1:%d\n" % sport)
            # Report 1 was approved above.
            p = subprocess.run(rep + ["--send"], capture_output=True, env=ENV)
            ok = len(got_mail) == 1
            msg = email.message_from_bytes(got_mail[0][2], policy=email.policy.default) if ok else None
            body = msg.get_body(preferencelist=("plain",)).get_content() if ok else ""
            atts = [json.loads(a.get_content() if isinstance(a.get_content(), str)
                               else a.get_content().decode()) for a in msg.iter_attachments()] if ok else []
            check("--send: one mail to the abuse mailbox from the reporter, through the relay",
                  ok and got_mail[0][0] == "reports@home.test" and got_mail[0][1] == ["abuse@isp.test"]
                  and b"sent" in p.stdout, (p.stdout, p.stderr, got_mail[:1]))
            check("the mail: Subject, Date, Message-ID, Auto-Submitted, X-Tracewall-Report; the "
                  "body's sections; X-ARF attachments",
                  ok and msg["Auto-Submitted"] == "auto-generated" and msg["Message-ID"].startswith(
                      "<tracewall.report.1.") and msg["Date"] and msg["X-Tracewall-Report"] == "1"
                  and "== Source 5.6.7.7 ==" in body and "[reporter-address]" in body
                  and len(atts) == 2 and all(a["source_identifier"] == "5.6.7.7" for a in atts),
                  (msg and str(msg)[:1500]))
            lst = subprocess.run(rep + ["--list"], capture_output=True, env=ENV).stdout.decode()
            p = subprocess.run(rep + ["--send"], capture_output=True, env=ENV)
            check("sent: the state says so, and nothing is sent twice",
                  " sent " in lst and len(got_mail) == 1 and b"nothing to send" in p.stdout, lst)

            # Cool-down: new probes from the same source wait.
            with open(rlog, "a") as fh:
                for i in range(30):
                    fh.write("Aug 10 10:00:%02d homepc kernel: DROP IN=eth0 OUT= SRC=5.6.7.7 "
                             "DST=192.0.2.10 LEN=44 TOS=0x00 PREC=0x00 TTL=52 ID=1 PROTO=TCP "
                             "SPT=4002 DPT=%d WINDOW=1024 RES=0x00 SYN URGP=0\n" % (i, 100 + i))
            ingest(rdb, rlog)
            p = subprocess.run(rep, capture_output=True, env=ENV)
            check("a source reported within the cool-down is not drafted again",
                  b"== Source 5.6.7.7 ==" not in p.stdout, p.stdout)
            b1 = subprocess.run(rep + ["--bounced", "1"], capture_output=True, env=ENV)
            b2 = subprocess.run(rep + ["--bounced", "1"], capture_output=True, env=ENV)
            lst = subprocess.run(rep + ["--list"], capture_output=True, env=ENV).stdout.decode()
            check("--bounced: a sent report marked bounced once (not resent)",
                  b1.returncode == 0 and b2.returncode == 2 and " bounced " in lst, lst)
        finally:
            ctl.stop()
        # Authentication: a relay that requires a login gets it from [smtp] user/password.
        from aiosmtpd.smtp import AuthResult, LoginPassword
        logins = []

        def auth(server, session, envelope, mechanism, data):
            ok = isinstance(data, LoginPassword) and data.login == b"reports" and data.password == b"s3cret"
            logins.append((mechanism, ok))
            return AuthResult(success=ok)
        sk = socket.socket()
        sk.bind(("127.0.0.1", 0))
        aport = sk.getsockname()[1]
        sk.close()
        actl = Controller(Keep(), hostname="127.0.0.1", port=aport, authenticator=auth,
                          auth_required=True, auth_require_tls=False)
        actl.start()
        try:
            confa = os.path.join(tmp, "rep-auth.conf")
            with open(confa, "w") as fh:
                fh.write("[report]\nfrom = reports@home.test\n[smtp]\nurl = smtp://127.0.0.1:%d\n"
                         "user = reports\npassword = %%s\n" % aport)
            text = open(confa).read()
            c = sqlite3.connect(rdb)
            c.execute("UPDATE reports SET state = 'approved' WHERE id = 2")
            c.commit()
            c.close()
            with open(confa, "w") as fh:
                fh.write(text % "wrong")
            pw = subprocess.run([TW, "report", "--db", rdb, "--config", confa, "--send"],
                                capture_output=True, env=ENV)
            c = sqlite3.connect(rdb)
            c.execute("UPDATE reports SET state = 'approved' WHERE id = 2")
            c.commit()
            c.close()
            n0 = len(got_mail)
            with open(confa, "w") as fh:
                fh.write(text % "s3cret")
            pr = subprocess.run([TW, "report", "--db", rdb, "--config", confa, "--send"],
                                capture_output=True, env=ENV)
            check("SMTP authentication: a wrong password fails (report failed), the right one sends",
                  pw.returncode == 5 and pr.returncode == 0 and len(got_mail) == n0 + 1
                  and any(ok for _, ok in logins) and any(not ok for _, ok in logins),
                  (pw.stdout, pr.stdout, logins))
        finally:
            actl.stop()
        # A relay that is down: failed, exit 5.
        c = sqlite3.connect(rdb)
        c.execute("UPDATE reports SET state = 'approved' WHERE id = 1")
        c.commit()
        c.close()
        p = subprocess.run(rep + ["--send"], capture_output=True, env=ENV)
        lst = subprocess.run(rep + ["--list"], capture_output=True, env=ENV).stdout.decode()
        check("a relay that is down: the report marked failed, exit 5",
              p.returncode == 5 and " failed " in lst and b"failed" in p.stdout, p.stdout + p.stderr)
    else:
        skip("sending over SMTP", "python3-aiosmtpd is not installed")

    # SIGKILL at random moments: nothing lost, nothing twice.
    big = os.path.join(tmp, "big.log")
    with open(big, "w") as fh:
        subprocess.run([GEN, "200000", "11"], stdout=fh, check=True)
    ref = os.path.join(tmp, "big-ref.db")
    t0 = time.time()
    ingest(ref, big, chunk=5000)
    full = time.time() - t0
    want = incidents(ref)
    par = os.path.join(tmp, "big-par.db")
    ingest(par, big)
    check("the 48 MB file in one chunk read by a thread per CPU: the same incidents and evidence "
          "as 5000-line chunks read by one", incidents(par) == want,
          (len(incidents(par)[0]), len(want[0])))
    db = os.path.join(tmp, "crash.db")
    rnd = random.Random(7)
    kills = 0
    for i in range(60):  # until a run gets to the end before its kill
        proc = subprocess.Popen([TW, "ingest", "--db", db, "--year", "2004", "--chunk-lines", "5000",
                                 big], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
        time.sleep(rnd.uniform(0.02, 0.25) * full)
        if proc.poll() is not None:
            break
        proc.send_signal(signal.SIGKILL)
        kills += 1
        proc.wait()
    ingest(db, big, chunk=5000)
    got = incidents(db)
    dup = len(got[0]) - len(set(got[0]))
    check("SIGKILL %d times at random moments, then to the end: the same %d incidents and %d "
          "evidence lines as an uninterrupted ingest, none twice" % (kills, len(want[0]), want[1]),
          got == want and dup == 0 and kills >= 5,
          "kills %d, incidents %d vs %d, evidence %d vs %d" % (kills, len(got[0]), len(want[0]),
                                                               got[1], want[1]))
finally:
    shutil.rmtree(tmp, ignore_errors=True)

done()
