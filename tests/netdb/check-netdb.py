#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The offline network index end to end (issue 6): `tracewall db import`, `db info` and
`trace` on the team's fixtures (tests/netdb/), then, when ../shared/corpus/enrich exists,
on the real data there: the ip-location-db ASN samples (each good test address must give
the row of the CSV that holds it), the MaxMind test databases read through libmaxminddb
(every network of GeoLite2-ASN-Test.source.json must give its AS and organisation), and
the RIR statistics sample. Prints TAP. Usage: check-netdb.py BUILD_DIR"""
import ipaddress
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from twtap import check, done, skip  # noqa: E402

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
TW = os.path.join(os.path.abspath(BUILD), "tracewall")
HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "..", "..", "shared", "corpus", "enrich")
tmp = tempfile.mkdtemp(prefix="tw-netdb-")


def tw(*args):
    p = subprocess.run([TW] + list(args), capture_output=True, env=dict(os.environ, TZ="UTC"))
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def trace(db, *addrs):
    rc, out, err = tw("trace", "--netdb", db, "--json", *addrs)
    return rc, {o["addr"]: o for o in map(json.loads, out.splitlines())}, err


# ---- team fixtures ----------------------------------------------------------------------
db = os.path.join(tmp, "fixture.idx")
f = lambda name: os.path.join(HERE, name)
rc, out, err = tw("db", "import", "--netdb", db, f("asn.csv"), f("ip2asn.tsv"), f("delegated.txt"))
check("db import of the team's fixtures", rc == 0 and "wrote" in out, out + err)
rc, got, err = trace(db, "192.0.2.9", "198.51.100.200", "203.0.113.70", "203.0.113.5",
                     "2001:db8::1", "10.1.2.3")
want = {
    "192.0.2.9": dict(asn=64496, org="Example Documentation Networks, Ltd.", country="ZZ",
                      allocation="allocated", prefix="192.0.2.0/24"),
    "198.51.100.200": dict(asn=64498, org='Quote "Test" AS', prefix="198.51.100.128/25",
                           allocation="assigned"),
    "203.0.113.70": dict(asn=64510, prefix="203.0.113.64/26"),  # the more specific range wins
    "203.0.113.5": dict(asn=64499, allocation="available"),
    "2001:db8::1": dict(asn=64500, country="ZZ", prefix="2001:db8::/32"),
    "10.1.2.3": dict(special="private use"),
}
for addr, exp in want.items():
    o = got.get(addr, {})
    bad = {k: (o.get(k), v) for k, v in exp.items() if o.get(k) != v}
    check("trace %s: %s" % (addr, ", ".join("%s %s" % kv for kv in exp.items())), not bad,
          json.dumps(o) + "\n" + repr(bad))
o = got.get("203.0.113.70", {})
check("trace says which file and line answered",
      o.get("how", {}).get("asn", {}).get("line") == 1
      and o["how"]["asn"]["file"].endswith("ip2asn.tsv")
      and o["how"]["country"]["file"].endswith("ip2asn.tsv")  # its /26 is more specific
      and o["how"]["country"]["line"] == 1, json.dumps(o))
o = got.get("203.0.113.5", {})
check("... and the /24 of the RIR statistics around it",
      o.get("how", {}).get("country", {}).get("line") == 6
      and o["how"]["country"]["file"].endswith("delegated.txt"), json.dumps(o))
rc, out, err = tw("trace", "--netdb", db, "203.0.113.5")
check("trace text marks unallocated space as a bogon", "unallocated: a bogon" in out, out)
rc, out, err = tw("db", "info", "--netdb", db)
check("db info lists the three files and the table sizes",
      rc == 0 and out.count("ranges, data of") == 3 and "AS ranges:      7 IPv4, 1 IPv6" in out,  # the /24 split around the /26
      out + err)
# A bad line stops the import with FILE:LINE, and the index in place stays.
rc, out, err = tw("db", "import", "--netdb", db, f("bad.csv"))
check("a bad line: FILE:LINE and the reason, exit 2",
      rc == 2 and "bad.csv:2: not an AS number: 'AS64497'" in err, err)
rc, got, err = trace(db, "192.0.2.9")
check("... and the index built before is still there", got.get("192.0.2.9", {}).get("asn") == 64496,
      err)
rc, out, err = tw("trace", "--netdb", db, "not-an-address")
check("trace refuses what is not an address (exit 2)", rc == 2 and "not an address" in err, err)
with open(os.path.join(tmp, "junk.idx"), "wb") as j:
    j.write(b"TWNETDB1" + b"\xff" * 300)
rc, out, err = tw("trace", "--netdb", os.path.join(tmp, "junk.idx"), "192.0.2.1")
check("a damaged index is refused with a reason (exit 3)", rc == 3 and "junk.idx:" in err, err)

# analyze enriches from the index: AS, organisation, country; a bogon is never reportable.
db = os.path.join(tmp, "fixture.idx")
rc, out, err = tw("db", "import", "--netdb", db, f("asn.csv"), f("ip2asn.tsv"), f("delegated.txt"))
log = os.path.join(tmp, "scan.log")
with open(log, "w") as fh:
    for src in ("5.6.8.9", "5.6.7.9"):
        for i in range(12):
            fh.write("Aug  9 10:00:%02d gw kernel: DROP IN=eth0 OUT= SRC=%s DST=192.0.2.10 LEN=44 "
                     "TOS=0x00 PREC=0x00 TTL=52 ID=1 PROTO=TCP SPT=40000 DPT=%d WINDOW=1024 "
                     "RES=0x00 SYN URGP=0\n" % (i, src, 1000 + i))
rc, out, err = tw("analyze", "--json", "--year", "2004", "--netdb", db, log)
got = {o["src"]: o for o in map(json.loads, out.splitlines())}
o = got.get("5.6.8.9", {})
check("analyze --json: AS, organisation, country and allocation from the index; reportable",
      o.get("asn") == 64501 and o.get("org") == "EXAMPLE-SCANNER-NET" and o.get("country") == "ZZ"
      and o.get("allocation") == "allocated" and o.get("reportable") is True, json.dumps(o))
o = got.get("5.6.7.9", {})
check("analyze --json: a scan from unallocated space (a bogon) is not reportable, and says why",
      o.get("reportable") is False and o.get("confidence") == 0.0
      and any("unallocated" in w for w in o.get("why", [])), json.dumps(o))
rc, out, err = tw("analyze", "--year", "2004", "--netdb", db, log)
check("analyze text: the NETWORK column", "NETWORK" in out and "AS64501 ZZ" in out, out)
rc, out, err = tw("analyze", "--year", "2004", "--netdb", os.path.join(tmp, "none.idx"), log)
check("a named index that is missing: a warning, the analysis still runs",
      rc == 0 and "warning" in err and "5.6.8.9" in out, err)

# ---- real data of the corpus --------------------------------------------------------------
if not os.path.isdir(CORPUS):
    skip("corpus: ip-location-db, MaxMind test databases, RIR statistics",
         "../shared/corpus/enrich not present")
else:
    off = os.path.join(CORPUS, "offline")
    v4, v6 = (os.path.join(off, "ip-location-db-asn-ipv%d.sample.csv" % v) for v in (4, 6))
    db = os.path.join(tmp, "corpus.idx")
    rc, out, err = tw("db", "import", "--netdb", db, v4, v6)
    check("db import of the ip-location-db samples", rc == 0, out + err)
    rows = []
    import csv
    for path in (v4, v6):
        with open(path, newline="") as fh:
            for i, r in enumerate(csv.reader(fh), 1):
                rows.append((ipaddress.ip_address(r[0]), ipaddress.ip_address(r[1]), int(r[2]),
                             r[3], os.path.basename(path), i))
    good = ("1.1.1.1 8.8.8.8 62.239.237.1 74.125.225.229 196.11.240.215 200.57.141.161 "
            "210.107.73.73 193.0.6.139 2001:4860:4860::8888 2a00:2381:ffff::1 "
            "2001:240:10c:1::ca20:9d1d 2801:10:c000:: 2001:43f8:7b0::").split()
    rc, got, err = trace(db, *good)
    for addr in good:
        ip = ipaddress.ip_address(addr)
        row = [r for r in rows if r[0].version == ip.version and r[0] <= ip <= r[1]]
        o = got.get(str(ip), {})
        if not row:
            check("%s: not in the sample, not found" % addr, "asn" not in o, json.dumps(o))
            continue
        lo, hi, asn, org, fname, line = row[-1]
        check("%s: AS%d %s (%s line %d)" % (addr, asn, org, fname, line),
              o.get("asn") == asn and o.get("org") == org
              and o.get("how", {}).get("asn", {}).get("line") == line, json.dumps(o))
    rc, got, err = trace(db, "10.1.2.3", "203.0.113.5", "100.64.0.1")
    check("the expected negatives are not found",
          all("asn" not in o for o in got.values()) and len(got) == 3, json.dumps(got))
    # MaxMind test databases through libmaxminddb.
    mm = os.path.join(CORPUS, "mmdb")
    db = os.path.join(tmp, "mmdb.idx")
    rc, out, err = tw("db", "import", "--netdb", db, os.path.join(mm, "GeoLite2-ASN-Test.mmdb"),
                      os.path.join(mm, "GeoLite2-Country-Test.mmdb"))
    check("db import of GeoLite2-ASN-Test.mmdb and GeoLite2-Country-Test.mmdb", rc == 0, out + err)
    src = json.load(open(os.path.join(mm, "GeoLite2-ASN-Test.source.json")))
    nets = []
    for entry in src:
        for net, data in entry.items():
            nets.append((ipaddress.ip_network(net), data))
    addrs = [str(net.network_address) for net, _ in nets] + [str(net[-1]) for net, _ in nets]
    rc, got, err = trace(db, *addrs)
    wrong = []
    for net, data in nets:
        for a in (net.network_address, net[-1]):
            o = got.get(str(a), {})
            if o.get("asn") != data.get("autonomous_system_number") or \
               o.get("org", "") != data.get("autonomous_system_organization", ""):
                wrong.append("%s (%s): got AS%s %r, want AS%s %r" % (
                    a, net, o.get("asn"), o.get("org"), data.get("autonomous_system_number"),
                    data.get("autonomous_system_organization")))
    check("every network of GeoLite2-ASN-Test (%d, first and last address) gives its AS and "
          "organisation" % len(nets), not wrong, "\n".join(wrong[:10]))
    rc, got, err = trace(db, "81.2.69.160", "2001:218::1")
    check("GeoLite2-Country-Test: 81.2.69.160 is GB, 2001:218:: is JP",
          got.get("81.2.69.160", {}).get("country") == "GB"
          and got.get("2001:218::1", {}).get("country") == "JP", json.dumps(got))
    # RIR statistics sample.
    db = os.path.join(tmp, "rir.idx")
    rc, out, err = tw("db", "import", "--netdb", db,
                      os.path.join(CORPUS, "synthetic", "delegated-extended.sample"))
    rc2, got, err2 = trace(db, "198.51.100.200", "192.0.2.1")
    check("delegated-extended.sample: available space is a bogon, allocated space has its "
          "country", rc == 0 and got.get("198.51.100.200", {}).get("allocation") == "available"
          and got.get("192.0.2.1", {}).get("country") == "ZZ", out + err + json.dumps(got))

done()
