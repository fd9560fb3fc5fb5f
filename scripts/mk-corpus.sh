#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Seeds the fuzz corpora from the team's own example and golden inputs: one file per line.
# Usage: scripts/mk-corpus.sh   (run from the top of the tree; idempotent)
set -eu

# seed TARGET: writes each line of standard input to tests/fuzz/corpus/TARGET/seed-NNN.
seed() {
	d=tests/fuzz/corpus/$1
	mkdir -p "$d"
	i=0
	while IFS= read -r line; do
		i=$((i + 1))
		printf '%s' "$line" >"$d/seed-$(printf %03d $i)"
	done
}

# Every 7th line of the example log, all lines of the golden inputs but the huge one.
{ awk 'NR % 7 == 1' data/examples/kern-2004.log
  cat tests/golden/inputs/local-time.log
  awk 'length($0) < 4000' tests/golden/inputs/hostile.log
} | seed in-netfilter
seed in-journal-json <data/examples/journal-2004.json
seed in-filterlog <tests/golden/inputs/mixed-filterlog.log
seed in-pftcpdump <tests/golden/inputs/pf-tcpdump.log
seed in-suricata-eve <tests/golden/inputs/suricata-eve.json
# Header-driven formats: each line alone, and the whole file as one input (the harness
# parses an input's lines in order with one context, as the reader does).
whole() { cp "$2" "tests/fuzz/corpus/$1/seed-whole"; }
seed in-pfirewall <tests/golden/inputs/pfirewall.log
whole in-pfirewall tests/golden/inputs/pfirewall.log
printf '{"__REALTIME_TIMESTAMP":"1","MESSAGE":[73,78,61,101,32,79,85,84,61,32,83,82,67,61,49,46,50,46,51,46,52,32,68,83,84,61,53,46,54,46,55,46,56,32,76,69,78,61,50,48,32,80,82,79,84,79,61,50]}' \
	>tests/fuzz/corpus/in-journal-json/seed-bytes
seed in-zonealarm <tests/golden/inputs/zonealarm.txt
whole in-zonealarm tests/golden/inputs/zonealarm.txt
seed in-cisco-asa <tests/golden/inputs/cisco-asa.log
grep -v '^device=' tests/golden/inputs/kv-firewalls.log | seed in-fortigate
grep '^device=' tests/golden/inputs/kv-firewalls.log | seed in-sophos
seed in-mikrotik <tests/golden/inputs/mikrotik.log
grep -v CheckPoint tests/golden/inputs/sd-firewalls.log | seed in-juniper
grep CheckPoint tests/golden/inputs/sd-firewalls.log | seed in-checkpoint
seed in-zeek <tests/golden/inputs/zeek-conn.log
whole in-zeek tests/golden/inputs/zeek-conn.log
seed in-ulogd-json <tests/golden/inputs/ulogd.json
mkdir -p tests/fuzz/corpus/in-wfp && whole in-wfp tests/golden/inputs/wfp-events.xml
mkdir -p tests/fuzz/corpus/in-fastlog && seed in-fastlog <tests/golden/inputs/fastlog.log
mkdir -p tests/fuzz/corpus/in-wfp && cp tests/golden/inputs/wfp-events.txt tests/fuzz/corpus/in-wfp/seed-text
head -c 3000 tests/golden/inputs/wfp-events.xml | seed in-wfp
/usr/bin/python3 scripts/pcap-seeds.py
mkdir -p tests/fuzz/corpus/sigs && cp data/signatures.rules tests/fuzz/corpus/sigs/seed-default
mkdir -p tests/fuzz/corpus/conf && cp doc/tracewall.conf.example tests/fuzz/corpus/conf/seed-example &&
	cp tests/golden/inputs/windows.conf tests/fuzz/corpus/conf/seed-windows &&
	cp tests/golden/inputs/bad.conf tests/fuzz/corpus/conf/seed-bad
