#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Conformance test over the real third-party logs in ../shared/corpus/logs (netfilter, ufw).

For every file: runs `tracewall analyze --events` and `analyze --verbose`, prints lines, parsed
and skipped lines with reasons, and checks the parsed fields against the expected values the
corpus gives: CrowdSec parser.assert files, Elastic's expected JSON, and the expectations
restated in SOURCES.md (psad's and csirtg's test suites). Prints TAP; skips with a message
when the corpus is absent.
Usage: check-corpus.py BUILD_DIR [CORPUS_DIR]
"""
import datetime
import json
import os
import re
import subprocess
import sys

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = sys.argv[2] if len(sys.argv) > 2 else os.path.join(TOP, "..", "shared", "corpus", "logs")
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
    for m in notes:
        print("#   " + m)
    if ok:
        npass += 1
    else:
        nfail += 1


def events(path, stdin=None, extra=()):
    args = [TW, "analyze", "--events", "--year", "2026"] + list(extra) + [path]
    p = subprocess.run(args, input=stdin, capture_output=True, env=ENV)
    if p.returncode != 0:
        raise RuntimeError("exit %d: %s" % (p.returncode, p.stderr.decode(errors="replace")))
    return [json.loads(l) for l in p.stdout.decode().splitlines()]


def summary(path):
    p = subprocess.run([TW, "analyze", "--verbose", "--year", "2026", path],
                       capture_output=True, env=ENV)
    heads = [l for l in p.stdout.decode(errors="replace").splitlines() if " lines" in l or " line:" in l]
    if not heads:
        raise RuntimeError("no summary (exit %d): %s" % (p.returncode, p.stderr.decode(errors="replace")[-2000:]))
    head = heads[0]
    m = re.match(r"\d+ files?, ([\d,]+) lines?: ([\d,]+) firewall events? .*?([\d,]+) lines? skipped(?: \((.*)\))?", head)
    num = lambda s: int(s.replace(",", ""))
    return num(m.group(1)), num(m.group(2)), num(m.group(3)), m.group(4) or ""


def by_line(evs):
    d = {}
    for e in evs:
        d.setdefault(e["line"], e)
    return d


def syslog_stamp(ts):
    t = datetime.datetime.strptime(ts[:19], "%Y-%m-%dT%H:%M:%S")
    return "%s %2d %s" % (t.strftime("%b"), t.day, t.strftime("%H:%M:%S"))


def flags_letters(words):
    m = {"SYN": "S", "ACK": "A", "FIN": "F", "RST": "R", "PSH": "P", "URG": "U", "ECE": "E", "CWR": "C"}
    return "".join(sorted((m[w] for w in words), key="SAFRPUEC".index))


# Lines the CrowdSec tests mark Success == false because the line is broken (not because
# CrowdSec's scenario ignores accepted or outbound packets): these must give no event.
MUST_REJECT = {("crowdsec-iptables-logs.log", 3)}


def check_crowdsec(logname, assert_path, evs):
    notes, ok = [], True
    exp, raw = {}, {}
    for l in open(assert_path, encoding="utf-8"):
        m = re.match(r'results\["(s00-raw|s01-parse)"\]\["([^"]+)"\]\[(\d+)\]\.(Success == (true|false)|Evt\.Parsed\["(\w+)"\] == "(.*)")$', l.strip())
        if not m:
            continue
        stage, parser, idx = m.group(1), m.group(2), int(m.group(3))
        if stage == "s00-raw":
            # Only the syslog layer: used when a file has no parser-level expectations.
            if parser == "crowdsecurity/syslog-logs" and m.group(6) in ("timestamp8601", "program"):
                e = raw.setdefault(idx, {"parser": parser, "fields": {}, "success": True})
                if m.group(6) == "timestamp8601":
                    e["fields"]["timestamp8601"] = m.group(7)
                elif m.group(7) in ("filterlog", "kernel"):
                    e["fields"]["@program"] = m.group(7)
            continue
        if parser not in ("crowdsecurity/iptables-logs", "aderumier/proxmox-iptables-logs",
                          "firewallservices/pf-logs", "crowdsecurity/suricata-evelogs",
                          "a1ad/mikrotik-logs"):
            continue
        m = re.match(r'results\["s01-parse"\]\["([^"]+)"\]\[(\d+)\]\.(Success == (true|false)|Evt\.Parsed\["(\w+)"\] == "(.*)")$', l.strip())
        e = exp.setdefault(int(m.group(2)), {"parser": m.group(1), "fields": {}})
        if m.group(4):
            e["success"] = m.group(4) == "true"
        else:
            e["fields"][m.group(5)] = m.group(6)
    if not exp:
        exp = raw
    got = by_line(evs)
    checked = 0
    for idx, e in sorted(exp.items()):
        lineno = idx + 1
        ev = got.get(lineno)
        if not e.get("success"):
            if (logname, lineno) in MUST_REJECT:
                if ev:
                    ok = False
                    notes.append("line %d: malformed line was parsed" % lineno)
                else:
                    checked += 1
            elif ev:
                notes.append("line %d: parsed (%s %s); CrowdSec's parser drops it by policy"
                             % (lineno, ev.get("action", "no action"), ev.get("dir")))
            continue
        f = e["fields"]
        if e["parser"] == "a1ad/mikrotik-logs" and "dst_ip" not in f:
            # A RouterOS line that is not a firewall line (a login failure): no event.
            if ev:
                ok = False
                notes.append("line %d: non-firewall line parsed" % lineno)
            else:
                checked += 1
            continue
        if not ev:
            ok = False
            notes.append("line %d: expected an event, got none" % lineno)
            continue
        want = {}
        for k, v in f.items():
            if k == "src_ip": want["src"] = v
            elif k == "dst_ip": want["dst"] = v
            elif k == "src_port": want["sport"] = int(v)
            elif k == "dst_port": want["dport"] = int(v)
            elif k == "dest_ip": want["dst"] = v
            elif k == "dest_port": want["dport"] = int(v)
            elif k == "time": want["@ts"] = v[:19]
            elif k == "proto": want["proto"] = v.lower()
            elif k in ("int_eth", "iface") and not (k == "int_eth" and e["parser"].startswith("aderumier")):
                want["@iface"] = v
            elif k == "oface": want["out"] = v
            elif k == "ttl": want["ttl"] = int(v)
            elif k == "id": want["ip_id"] = int(v)
            elif k == "tcp_flags":
                want["flags"] = flags_letters(v.split()) if e["parser"].startswith("aderumier") else \
                    "".join(sorted(v.replace("W", "C"), key="SAFRPUEC".index))
            elif k == "data_length":
                # proxmox logs the UDP length (header included); filterlog the data alone
                want["payload_len"] = int(v) - (8 if e["parser"].startswith("aderumier") else 0)
            elif k == "action":
                low = v.lower()
                want["action"] = ({"d": "drop", "a": "accept", "r": "reject", "block": "drop",
                                   "pass": "accept"}.get(low) or
                                  next(a for a in ("reject", "drop", "accept") if a in low))
            elif k == "timestamp" and re.match(r"\d{4}-", v):
                t = datetime.datetime.fromisoformat(v).astimezone(datetime.timezone.utc)
                want["@ts"] = t.strftime("%Y-%m-%dT%H:%M:%S")
            elif k == "timestamp": want["@stamp"] = v
            elif k == "source_ip": want["src"] = v
            elif k == "if_in": want["in"] = v
            elif k == "if_out": want["out"] = None if v.startswith("(unknown") else v
            # src_mac: kept in the event, not yet written by --events (no key in the contract)
            elif k == "tag": want["prefix"] = v
            elif k == "chain":
                want["dir"] = {"input": "in", "forward": "forward", "output": "out"}.get(v)
            elif k == "logdate":
                t = datetime.datetime.strptime(v, "%d/%b/%Y:%H:%M:%S %z").astimezone(datetime.timezone.utc)
                want["ts"] = t.strftime("%Y-%m-%dT%H:%M:%SZ")
            elif k == "length":
                want["@length"] = int(v)
            elif k == "direction": want["dir"] = v
            elif k in ("ip4_ttl", "ip6_hop_limit"): want["ttl"] = int(v)
            elif k == "ip4_id": want["ip_id"] = int(v)
            elif k in ("ip4_proto_id", "ip6_proto_id"):
                want["proto"] = {"6": "tcp", "17": "udp", "1": "icmp", "58": "ipv6-icmp"}.get(v, v)
            elif k == "@program":
                want["format"] = {"kernel": "netfilter"}.get(v, v)
            elif k == "timestamp8601":
                t = datetime.datetime.fromisoformat(v).astimezone(datetime.timezone.utc)
                want["@ts"] = t.strftime("%Y-%m-%dT%H:%M:%S")
        for k, v in want.items():
            if k == "@stamp":
                g = syslog_stamp(ev["ts"]) if "ts" in ev else None
            elif k == "@length":   # CrowdSec's "length" is the last LEN= (UDP length for UDP)
                if ev.get("format") == "filterlog":
                    g = ev.get("len")   # filterlog's length is the IP packet's
                else:
                    g = ev["payload_len"] + 8 if "payload_len" in ev else ev.get("len")
            elif k == "@iface":    # the interface the packet came in on, or went out of
                g = ev.get("in") if ev.get("dir") != "out" else ev.get("out")
            elif k == "@ts":
                g = ev["ts"][:19] if "ts" in ev else None
            else:
                g = ev.get(k)
            if g != v:
                ok = False
                notes.append("line %d: %s = %r, expected %r" % (lineno, k, g, v))
            else:
                checked += 1
    notes.insert(0, "%d expected values matched" % checked)
    return ok and checked > 0, notes


def check_elastic(path, expected_path):
    src = json.load(open(path, encoding="utf-8"))
    exp = json.load(open(expected_path, encoding="utf-8"))["expected"]
    msgs = "".join(e["message"].replace("\n", " ") + "\n" for e in src["events"])
    evs = events("-", stdin=msgs.encode())
    notes, ok, checked = [], len(evs) == len(exp), 0
    if not ok:
        notes.append("%d events, expected %d" % (len(evs), len(exp)))
    for ev, x in zip(evs, exp):
        ipt = x.get("iptables", {})
        want = {"src": x["source"]["ip"], "dst": x["destination"]["ip"],
                "proto": x.get("network", {}).get("transport"),
                "ttl": ipt.get("ttl"), "ip_id": ipt.get("id"), "len": ipt.get("length"),
                "in": ipt.get("input_device"), "out": ipt.get("output_device")}
        if "port" in x["source"]:
            want["sport"], want["dport"] = x["source"]["port"], x["destination"]["port"]
        if "tcp" in ipt and "flags" in ipt["tcp"]:
            want["flags"] = flags_letters(ipt["tcp"]["flags"])
        for k, v in want.items():
            if v is None:
                continue
            if ev.get(k) != v:
                ok = False
                notes.append("%s = %r, expected %r" % (k, ev.get(k), v))
            else:
                checked += 1
    notes.insert(0, "%d expected values matched (messages of Filebeat's journald test events)" % checked)
    return ok, notes


ASA_IDS = re.compile(r"%(?:ASA|PIX|FWSM|FTD)-(?:\w+-)?\d-(1060(?:01|06|07|10|11|14|15|21|22|23)|106100|71000[35]):")
ASA_PLACEHOLDER = re.compile(r"\*\*\*|<[^>]*>|\bDeny protocol (?:reverse|connection)|(?:^|[ :])\d+\.\d+\.\d+/|(?: dst| to| src \S+)$")


def check_asa_lines(lines, evs):
    """Every probe message (the IDs of issue 3) gives an event, unless the sample masked or
    cut it (***, <placeholder>, 'protocol' for a protocol, three-octet address, no dst)."""
    bl, bad, n = by_line(evs), [], 0
    for i, l in enumerate(lines, 1):
        if not ASA_IDS.search(l):
            continue
        n += 1
        want = not ASA_PLACEHOLDER.search(l.rstrip())
        if want != (i in bl):
            bad.append("line %d %s: %s" % (i, "not parsed" if want else "parsed", l.strip()[:120]))
    return n, bad


def check_elastic_asa(path, expected_path):
    exp = json.load(open(expected_path))["expected"]
    evs = by_line(events(path))
    bad, checked = [], 0
    for i, x in enumerate(exp, 1):
        e = evs.get(i)
        if not e:
            bad.append("line %d: no event" % i)
            continue
        want = {"src": x["source"]["ip"], "dst": x["destination"]["ip"], "proto": x["network"]["transport"],
                "in": x["observer"]["ingress"]["interface"]["name"],
                "out": x["observer"]["egress"]["interface"]["name"],
                "prefix": x["cisco"]["asa"]["rule_name"], "host": x["host"]["name"]}
        if "port" in x["source"] and "port" in x["destination"]:
            want.update(sport=x["source"]["port"], dport=x["destination"]["port"])
        for k, v in want.items():
            checked += 1
            if e.get(k) != v:
                bad.append("line %d: %s = %r, expected %r" % (i, k, e.get(k), v))
    return not bad, bad[:5] + ["%d expected values matched (Elastic's cisco_asa pipeline test)" % checked]


def expect_all(evs, **want):
    bad = []
    for e in evs:
        for k, v in want.items():
            if callable(v):
                if not v(e.get(k)):
                    bad.append("line %d: %s = %r" % (e["line"], k, e.get(k)))
            elif e.get(k) != v:
                bad.append("line %d: %s = %r, expected %r" % (e["line"], k, e.get(k), v))
    return bad[:5]


PSAD = {
    "syn_scan_1000_1500": dict(src="192.168.10.55", proto="tcp", flags="S", dport=lambda p: 1000 <= p <= 1500),
    "udp_scan_1000_1150": dict(src="192.168.10.55", proto="udp", dport=lambda p: 1000 <= p <= 1150),
    "fin_scan_1000_1150": dict(src="192.168.10.55", proto="tcp", flags="F", dport=lambda p: 1000 <= p <= 1150),
    "ms_sql_server_sig_match": dict(src="192.168.10.55", proto="tcp", dport=1433),
    "ipv6_ping_scan": dict(src="2001:db8:0:f101::2", proto="ipv6-icmp", icmp={"type": 135, "code": 0}),
    "invalid_icmp_type_code": dict(src="192.168.10.55", proto="icmp", icmp={"type": 8, "code": 2}),
    "ipv4_igmp": dict(src="192.168.10.55", proto="igmp"),
    "syslog_time_fmt1.log": dict(host="servername", ts=lambda t: t is not None and t.startswith("2015-03-0")),
    "fwknop_spa_pkt": dict(src="192.168.10.55", proto="udp", dport=62201),
    # SOURCES.md: no upstream expectation; by construction one source, TCP SYN, 1100-1500.
    "psad-pf-syn_scan_1100_1500.log": dict(src="192.168.56.1", dst="192.168.56.101", proto="tcp",
                                           flags="S", format="pf-tcpdump",
                                           dport=lambda p: 1100 <= p <= 1500),
}


# What psad's tests expect of the scans (SOURCES.md of the corpus): attacker, kind, type, ports.
PSAD_SCANS = {
    "syn_scan_1000_1500": ("192.168.10.55", "portscan", "SYN", [1000, 1500]),
    "fin_scan_1000_1150": ("192.168.10.55", "portscan", "FIN", [1000, 1150]),
    "udp_scan_1000_1150": ("192.168.10.55", "portscan", "UDP", [1000, 1150]),
    "psad-pf-syn_scan_1100_1500.log": ("192.168.56.1", "portscan", "SYN", [1100, 1500]),
}


def main():
    if not os.path.isdir(CORPUS):
        tap(True, "corpus", skip="../shared/corpus/logs not present")
        return
    print("# %-48s %7s %7s %7s  %s" % ("file", "lines", "parsed", "skipped", "reasons"))
    files = []
    for sub in ("netfilter", "ufw", "pfsense-filterlog", "pf-tcpdump", "suricata-eve",
                "windows-pfirewall", "zonealarm", "cisco-asa", "fortigate", "checkpoint-sophos",
                "mikrotik", "juniper-srx", "zeek", "windows-wfp-events"):
        d = os.path.join(CORPUS, sub)
        for root, _, names in os.walk(d):
            for nm in sorted(names):
                if nm.endswith((".assert", ".yaml", "-expected.json")):
                    continue
                files.append(os.path.join(root, nm))
    for path in sorted(files):
        rel = os.path.relpath(path, CORPUS)
        name = os.path.basename(path)
        try:
            lines, parsed, skipped, reasons = summary(path)
            print("# %-48s %7d %7d %7d  %s" % (rel, lines, parsed, skipped, reasons))
            evs = events(path)
        except RuntimeError as e:
            tap(False, rel, [str(e)])
            continue
        notes, ok = ["%d lines, %d events, %d skipped (%s)" % (lines, parsed, skipped, reasons or "none")], True
        assert_path = os.path.splitext(path)[0] + ".parser.assert"
        if os.path.exists(assert_path):
            o, nts = check_crowdsec(name, assert_path, evs)
            ok, notes = ok and o, notes + nts
        elif name == "elastic-iptables-test-journald.json":
            o, nts = check_elastic(path, path + "-expected.json")
            ok, notes = ok and o, notes + nts
        elif name in PSAD:
            bad = expect_all(evs, **PSAD[name])
            full = len(evs) == lines
            ok = not bad and full and len(evs) > 0
            notes += bad + ([] if full else ["%d of %d lines parsed" % (len(evs), lines)])
            if name in PSAD_SCANS:
                # psad's own expectations (SOURCES.md): the source, scan type and port range.
                p = subprocess.run([TW, "analyze", "--json", "--year", "2026", path], capture_output=True, env=ENV)
                srcs = [json.loads(l) for l in p.stdout.decode().splitlines()]
                sc = srcs[0].get("scan", {}) if len(srcs) == 1 else {}
                got = (srcs[0]["src"] if srcs else None, sc.get("kind"), sc.get("type"), sc.get("ports"))
                if got != PSAD_SCANS[name]:
                    ok = False
                    notes.append("scan: got %r, expected %r" % (got, PSAD_SCANS[name]))
                else:
                    notes.append("scan named as psad does: %s %s scan, ports %d-%d" % (got[0], got[2], *got[3]))
        elif name == "csirtg-ufw.log":
            ok = len(evs) == lines and evs[0]["src"] == "114.33.197.193"
            notes.append("first source %s (expected 114.33.197.193)" % (evs[0]["src"] if evs else None))
        elif name == "csirtg-ufw_ubuntu16.log":
            ok = len(evs) == lines and [e["src"] for e in evs[:2]] == ["10.0.2.2", "61.7.190.140"]
            notes.append("first sources %s (expected 10.0.2.2, 61.7.190.140)" % [e["src"] for e in evs[:2]])
        elif name == "wazuh-pfsense.ini":
            # Wazuh's decoder test: every "log N pass|fail = <line>" is a filterlog line.
            logs = [l.split(" = ", 1)[1] for l in open(path, encoding="utf-8") if re.match(r"log \d+ \w+ = ", l)]
            got = events("-", stdin="".join(x if x.endswith("\n") else x + "\n" for x in logs).encode())
            ok = len(got) == len(logs) and len(logs) > 0
            notes.append("%d of %d Wazuh test lines parsed as filterlog events" % (len(got), len(logs)))
        elif name == "plaso-firewall.log":
            # plaso's test expectations (log-formats.md §2): 15 records, the 08:06:26 one and
            # the ICMP one; the lost-events record is no packet.
            bl = by_line(evs)
            tcp, icmp = bl.get(12, {}), bl.get(14, {})
            want = [(len(evs), 14), (reasons, "no-packet 5"),
                    ((tcp.get("ts"), tcp.get("proto"), tcp.get("src"), tcp.get("sport"), tcp.get("dst"),
                      tcp.get("dport"), tcp.get("len"), tcp.get("flags"), tcp.get("dir"), tcp.get("action")),
                     ("2005-04-11T08:06:26Z", "tcp", "123.45.78.90", 80, "123.156.78.90", 1774, 576, "A",
                      "in", "drop")),
                    (icmp.get("icmp"), {"type": 8, "code": 0})]
            bad = ["got %r, expected %r" % (g, w) for g, w in want if g != w]
            ok = not bad
            notes += bad or ["plaso's expected values matched (14 packets + 1 lost-events record, "
                             "TCP 08:06:26, ICMP 8/0)"]
        elif name == "ossec-docs-zalog-excerpt.txt":
            # OSSEC's sample (log-formats.md §1): 9 FWOUT and 3 FWROUTE records are packets; the
            # banner, system, 6 schema, 12 PE, 46 ACCESS and 2 ZLUpdate lines are not.
            bl = by_line(evs)
            r69, out = bl.get(69, {}), [e for e in evs if e.get("dir") == "out"]
            first_out = out[0] if out else {}
            want = [(len(evs), 12), (reasons, "no-packet 68"),
                    ((r69.get("ts"), r69.get("src"), r69.get("sport"), r69.get("dst"), r69.get("dport"),
                      r69.get("proto"), r69.get("dir"), r69.get("action"), r69.get("len")),
                     ("2006-09-10T03:26:58Z", "172.16.70.135", 137, "172.16.100.204", 137, "udp",
                      "forward", "drop", None)),
                    (len(out), 9),
                    ((first_out.get("src"), first_out.get("sport"), first_out.get("dst"),
                      first_out.get("dport"), first_out.get("flags")),
                     ("172.16.70.135", 1134, "172.16.100.195", 445, "S"))]
            bad = ["got %r, expected %r" % (g, w) for g, w in want if g != w]
            ok = not bad
            notes += bad or ["the documented records matched: FWROUTE 22:26:58 -5:00 = 03:26:58Z, "
                             "FWOUT TCP (flags:S) to 445, no length invented"]
        elif name == "elastic-test-106023-iface-with-prefix.log":
            o, nts = check_elastic_asa(path, path + "-expected.json")
            ok, notes = ok and o, notes + nts
        elif name in ("ossec-docs-pix.log", "wazuh-cisco_asa.ini", "wazuh-pix.ini"):
            raw = open(path, encoding="utf-8", errors="replace").read().splitlines()
            if name.endswith(".ini"):
                # Wazuh's decoder tests: "log N pass = <line>" lines; feed those alone.
                raw = [l.split(" = ", 1)[1] for l in raw if re.match(r"log \d+ \w+ = ", l)]
                evs = events("-", stdin="".join(l + "\n" for l in raw).encode())
            n, bad = check_asa_lines(raw, evs)
            ok = not bad and n > 0
            notes += bad[:5] + ["%d probe messages (106001-106100, 710003/5): each parsed unless the "
                                "sample masked it" % n]
        elif name == "wazuh-fortigate.ini":
            raw = [l.split(" = ", 1)[1] for l in open(path, encoding="utf-8") if re.match(r"log \d+ \w+ = ", l)]
            evs = events("-", stdin="".join(l if l.endswith("\n") else l + "\n" for l in raw).encode())
            # Traffic, anomaly and IPS records are packets; every one must parse.
            pk = [i for i, l in enumerate(raw, 1)
                  if re.search(r'\btype="?(traffic|anomaly)\b', l) or re.search(r'\bsubtype="?(ips|anomaly)\b', l)]
            bl = by_line(evs)
            bad = ["line %d not parsed" % i for i in pk if i not in bl]
            deny = [e for e in evs if e.get("src") == "7.3.8.5"]
            d = deny[0] if deny else {}
            got = (d.get("ts"), d.get("sport"), d.get("dst"), d.get("dport"), d.get("proto"),
                   d.get("action"), d.get("in"), d.get("out"), d.get("host"))
            want = ("2016-06-16T10:19:23Z", 57727, "7.8.9.81", 80, "tcp", "drop", "internal1", "wan1", "Device_Name")
            if got != want:
                bad.append("7.3.8.5 deny: got %r, expected %r" % (got, want))
            ok = not bad and len(evs) == len(pk)
            notes += bad[:5] + ["%d traffic/anomaly/IPS records of %d Wazuh test lines parsed; the "
                                "FortiOS 5 deny matched field by field" % (len(evs), len(raw))]
        elif name == "wazuh-sophos_fw.ini":
            raw = [l.split(" = ", 1)[1] for l in open(path, encoding="utf-8") if re.match(r"log \d+ \w+ = ", l)]
            evs = events("-", stdin="".join(l if l.endswith("\n") else l + "\n" for l in raw).encode())
            bad = expect_all(evs, ts="2019-10-09T09:19:06Z", src="11.22.33.44", dst="44.33.22.11", proto="tcp",
                             sport=52667, dport=10051, host="XG210", format="sophos")
            ok = not bad and len(evs) == len(raw) == 10
            notes += bad + ["%d of %d Wazuh test lines parsed; 17:19:06 at +08 = 09:19:06Z" % (len(evs), len(raw))]
        elif name in ("wazuh-junos.ini", "wazuh-checkpoint_smart1.ini"):
            raw = [l.split(" = ", 1)[1] for l in open(path, encoding="utf-8") if re.match(r"log \d+ \w+ = ", l)]
            evs = events("-", stdin="".join(l if l.endswith("\n") else l + "\n" for l in raw).encode())
            bl = by_line(evs)
            if name == "wazuh-junos.ini":
                # The session deny and the screen drop are packets; the RPF failure is not.
                want = [(sorted(bl), [1, 2]),
                        (tuple(bl.get(2, {}).get(k) for k in ("ts", "src", "sport", "dst", "dport", "proto",
                                                              "action", "in", "prefix", "host")),
                         ("2017-09-23T13:54:54.803000Z", "192.168.1.1", 1080, "192.168.1.2", 8010, "udp", "drop",
                          "intf2.302", "Local-Default-Deny", "sis-srx-mic-01")),
                        (bl.get(1, {}).get("prefix"), "IP spoofing!")]
            else:
                # Only two of the 18 records name a packet (src, dst, proto); the rest are VPN,
                # login and identity records.
                want = [(sorted(bl), [1, 4]),
                        (tuple(bl.get(1, {}).get(k) for k in ("ts", "src", "sport", "dst", "dport", "proto",
                                                              "action", "dir", "in", "prefix")),
                         ("2019-05-15T16:25:50Z", "11.22.33.77", 55036, "11.22.33.55", 1514, "udp", "drop", "in",
                          "eth2", "CleanUp Rule"))]
            bad = ["got %r, expected %r" % (g, w) for g, w in want if g != w]
            ok = not bad
            notes += bad or ["%d of %d Wazuh test lines are packets; their values matched" % (len(evs), len(raw))]
        elif name == "zeek-btest-teredo-conn.log":
            # Zeek's own test baseline (log-formats.md §14): every record a connection, the
            # NetBIOS broadcast and the Teredo-tunnelled IPv6 HTTP connection as documented.
            bl = by_line(evs)
            rec = [i for i, l in enumerate(open(path, encoding="utf-8"), 1) if not l.startswith("#")]
            nb = [e for e in evs if e.get("ts", "").startswith("2008-05-16T15:50:58.577231")]
            v6 = [e for e in evs if e.get("src") == "2001:0:4137:9e50:8000:f12a:b9c8:2815" and e.get("proto") == "tcp"]
            want = [(sorted(bl), rec), (reasons, "no-packet 9"),
                    (tuple((nb or [{}])[0].get(k) for k in ("src", "sport", "dst", "dport", "proto", "prefix")),
                     ("192.168.2.16", 137, "192.168.2.255", 137, "udp", "S0")),
                    (tuple((v6 or [{}])[0].get(k) for k in ("ts", "sport", "dst", "dport", "prefix")),
                     ("2008-05-16T15:51:01.312379Z", 1286, "2001:4860:0:2001::68", 80, "S1"))]
            bad = ["got %r, expected %r" % (g, w) for g, w in want if g != w]
            ok = not bad
            notes += bad or ["%d connection records, the documented NetBIOS and Teredo ones matched" % len(rec)]
        elif name == "ms-docs-event-5157.xml.txt":
            # Microsoft's 5157 sample: an inbound connection to listener.exe on 3333 blocked;
            # its Source is the local end, so the event's source is the peer 10.0.0.100.
            e = evs[0] if len(evs) == 1 else {}
            got = tuple(e.get(k) for k in ("ts", "src", "sport", "dst", "dport", "proto", "action", "dir", "host"))
            want = ("2015-09-22T03:46:51.662750Z", "10.0.0.100", 49218, "10.0.0.10", 3333, "tcp", "drop", "in",
                    "DC01.contoso.local")
            ok = got == want and e.get("prefix", "").endswith("listener.exe")
            notes.append("one event: %r" % (got,) if not ok else
                         "the documented 5157 event matched, turned round to the remote peer")
        elif name in ("ossec-docs-kernel-non-LOG-lines.log", "wazuh-firewalld-daemon.ini"):
            ok = len(evs) == 0
            notes.append("kernel/daemon lines that are not LOG output: expected no event")
        else:
            ok = True
            notes.append("no expected values in the corpus for this file: parsed without error")
        tap(ok, rel, notes)


main()
print("1..%d" % n)
print("# %d passed, %d failed, %d skipped" % (npass, nfail, nskip))
sys.exit(1 if nfail else 0)
