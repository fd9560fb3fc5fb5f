#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Integration checks on a generated 300,000-line log (72 MB, large enough for the thread
# split and the progress bar): the result must not depend on how the input is read or
# split. Prints TAP.   Usage: run-consistency.sh BUILD_DIR
set -u
BUILD=${1:-build}
TW=$BUILD/tracewall
tmp=$(mktemp -d /tmp/tw-consistency-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export TZ=UTC LC_ALL=C
n=0 pass=0 fail=0
check() { # name, then a command that succeeds when the check holds
	local name=$1
	shift
	n=$((n + 1))
	if "$@" >"$tmp/why" 2>&1; then
		echo "ok $n - $name"
		pass=$((pass + 1))
	else
		echo "not ok $n - $name"
		head -20 "$tmp/why" | sed 's/^/#   /'
		fail=$((fail + 1))
	fi
}
"$BUILD/bench/gen-netfilter" 300000 7 >"$tmp/big.log"
gzip -c "$tmp/big.log" >"$tmp/big.log.gz"
"$TW" analyze --json --year 2026 --threads 1 "$tmp/big.log" >"$tmp/t1.json"
same() { cmp "$tmp/t1.json" "$1" && [ -s "$1" ]; }
# Evidence names its file (and line): read another way, only those may differ.
unnamed() { sed -E 's/\{"file":"[^"]*",/{/g' "$1"; }
same_but_file() { cmp <(unnamed "$tmp/t1.json") <(unnamed "$1") && [ -s "$1" ]; }
same_but_place() {
	cmp <(unnamed "$tmp/t1.json" | sed -E 's/\{"line":[0-9]+,/{/g') \
		<(unnamed "$1" | sed -E 's/\{"line":[0-9]+,/{/g') && [ -s "$1" ]
}
for t in 2 3 7; do
	"$TW" analyze --json --year 2026 --threads $t "$tmp/big.log" >"$tmp/t$t.json"
	check "--threads $t gives the same JSON as --threads 1" same "$tmp/t$t.json"
done
"$TW" analyze --json --year 2026 "$tmp/big.log.gz" >"$tmp/gz.json"
check "gzip input gives the same JSON as plain (but the evidence's file name)" same_but_file "$tmp/gz.json"
"$TW" analyze --json --year 2026 - <"$tmp/big.log" >"$tmp/pipe.json"
check "standard input gives the same JSON as a mapped file (but the evidence's file name)" \
	same_but_file "$tmp/pipe.json"
"$TW" analyze --events --year 2026 "$tmp/big.log" | wc -l >"$tmp/nev"
check "--events writes one line per firewall line" test "$(cat "$tmp/nev")" = 300000
# Split the file in two (by lines) and analyse both together: same as the whole.
split -l 123457 "$tmp/big.log" "$tmp/part."
"$TW" analyze --json --year 2026 "$tmp"/part.* >"$tmp/parts.json"
check "two halves on one command line give the same JSON (but the evidence's file and line)" \
	same_but_place "$tmp/parts.json"
# A header-driven format split across threads: every part must use the "#Fields:" header in
# force where it starts (a reordered one for the first half, XP's order after a restart).
awk 'BEGIN {
	print "#Version: 1.5"; print "#Software: Microsoft Windows Firewall"
	print "#Fields: date time src-ip dst-ip action protocol dst-port src-port size path"
	for (i = 0; i < 150000; i++)
		printf "2004-08-06 %02d:%02d:%02d 198.51.%d.%d 192.0.2.10 DROP UDP %d 1027 %d RECEIVE\n",
			i / 3600 % 24, i / 60 % 60, i % 60, i % 7, i % 251, 1026 + i % 5, 400 + i % 300
	print "#Version: 1.5"
	print "#Fields: date time action protocol src-ip dst-ip src-port dst-port size tcpflags tcpsyn tcpack tcpwin icmptype icmpcode info path"
	for (i = 0; i < 150000; i++)
		printf "2004-08-07 %02d:%02d:%02d DROP TCP 203.0.113.%d 192.0.2.10 %d 445 48 S 1 0 64240 - - - RECEIVE\n",
			i / 3600 % 24, i / 60 % 60, i % 60, i % 13, 2000 + i % 3000
}' >"$tmp/pfw.log"
"$TW" analyze --json --threads 1 "$tmp/pfw.log" >"$tmp/pfw1.json"
"$TW" analyze --json --threads 3 "$tmp/pfw.log" >"$tmp/pfw3.json"
check "pfirewall.log split in 3 parts keeps each part's #Fields header" \
	cmp "$tmp/pfw1.json" "$tmp/pfw3.json"
"$TW" analyze --threads 3 "$tmp/pfw.log" >"$tmp/pfw3.txt"
check "pfirewall.log: 300,000 events, only the 5 header lines skipped" \
	grep -q '300,005 lines: 300,000 firewall events from 1,770 sources, 5 lines skipped (no-packet 5)' "$tmp/pfw3.txt"
# The progress bar: shown on a terminal for large input, erased at the end.
if command -v script >/dev/null; then
	script -qec "$TW analyze --threads 1 $tmp/big.log >/dev/null" /dev/null </dev/null >"$tmp/tty" 2>&1
	check "progress bar on a terminal" grep -q '%.*MB/s' "$tmp/tty"
fi
"$TW" analyze "$tmp/big.log" 2>"$tmp/err" >/dev/null
check "no progress bar when stderr is not a terminal" test ! -s "$tmp/err"
echo "1..$n"
echo "# $pass passed, $fail failed, 0 skipped"
[ "$fail" = 0 ]
