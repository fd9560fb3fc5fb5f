#!/bin/sh
# Seeds the fuzz corpora from the team's own example and golden inputs: one file per line.
# Usage: scripts/mk-corpus.sh   (run from the top of the tree; idempotent)
set -eu
nf=tests/fuzz/corpus/in-netfilter
nj=tests/fuzz/corpus/in-journal-json
mkdir -p "$nf" "$nj"
i=0
# Every 7th line of the example log, all lines of the golden inputs but the huge one.
{ awk 'NR % 7 == 1' data/examples/kern-2004.log
  cat tests/golden/inputs/local-time.log
  awk 'length($0) < 4000' tests/golden/inputs/hostile.log
} | while IFS= read -r line; do
	i=$((i + 1))
	printf '%s' "$line" >"$nf/seed-$(printf %03d $i)"
done
j=0
while IFS= read -r line; do
	j=$((j + 1))
	printf '%s' "$line" >"$nj/seed-$(printf %03d $j)"
done <data/examples/journal-2004.json
nl=tests/fuzz/corpus/in-filterlog
mkdir -p "$nl"
k=0
while IFS= read -r line; do
	k=$((k + 1))
	printf '%s' "$line" >"$nl/seed-$(printf %03d $k)"
done <tests/golden/inputs/mixed-filterlog.log
np=tests/fuzz/corpus/in-pftcpdump
mkdir -p "$np"
k=0
while IFS= read -r line; do
	k=$((k + 1))
	printf '%s' "$line" >"$np/seed-$(printf %03d $k)"
done <tests/golden/inputs/pf-tcpdump.log
ns=tests/fuzz/corpus/in-suricata-eve
mkdir -p "$ns"
k=0
while IFS= read -r line; do
	k=$((k + 1))
	printf '%s' "$line" >"$ns/seed-$(printf %03d $k)"
done <tests/golden/inputs/suricata-eve.json
printf '{"__REALTIME_TIMESTAMP":"1","MESSAGE":[73,78,61,101,32,79,85,84,61,32,83,82,67,61,49,46,50,46,51,46,52,32,68,83,84,61,53,46,54,46,55,46,56,32,76,69,78,61,50,48,32,80,82,79,84,79,61,50]}' >"$nj/seed-bytes"
