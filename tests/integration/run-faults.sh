#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Out-of-memory paths: runs tracewall with TW_FAULT_ALLOC=N (the Nth allocation and all
# later ones fail) for N = 1..MAX, and checks that every run ends cleanly: exit 0 or 3, a
# message on stderr when it fails, no sanitizer report, no hang — and that a run that exits
# 0 wrote exactly what the run without a fault writes (a partial result is no result).
# Prints TAP.
#   Usage: run-faults.sh BUILD_DIR [MAX]
set -u
BUILD=${1:-build}
MAX=${2:-60}
TW=$BUILD/tracewall
EX=data/examples
export TZ=UTC LC_ALL=C
n=0 pass=0 fail=0
sweep() { # name, stdin, args...
	local name=$1 in=$2 bad="" rc out ref err
	shift 2
	out=$(mktemp) ref=$(mktemp) err=$(mktemp)
	timeout 60 "$TW" "$@" >"$ref" 2>/dev/null <"$in"
	# Every N up to MAX, then ever larger steps until a run succeeds with the full output
	# (the fault point lies past the last allocation, or where it harms nothing).
	local k=0 last=0
	while :; do
		if [ $k -lt $MAX ]; then k=$((k + 1)); else k=$((k * 3 / 2)); fi
		[ $k -gt 200000 ] && { bad="$bad no run up to N=200000 succeeded"$'\n'; break; }
		TW_FAULT_ALLOC=$k timeout 30 "$TW" "$@" >"$out" 2>"$err" <"$in"
		rc=$?
		if [ $rc -eq 0 ] && ! cmp -s "$out" "$ref"; then
			bad="$bad N=$k: exit 0 with another output than without a fault"$'\n'
		fi
		cat "$err" >>"$out"
		if grep -qE 'runtime error|AddressSanitizer|LeakSanitizer' "$out"; then
			bad="$bad N=$k: sanitizer report: $(grep -m1 -E 'runtime error|Sanitizer' "$out")"$'\n'
		elif [ $rc -ne 0 ] && [ $rc -ne 3 ]; then
			bad="$bad N=$k: exit $rc"$'\n'
		elif [ $rc -eq 3 ] && ! grep -q 'tracewall: ' "$out"; then
			bad="$bad N=$k: exit 3 without a message"$'\n'
		elif grep -q 'tracewall: : ' "$out"; then
			bad="$bad N=$k: a message lost the file name"$'\n'
		fi
		last=$k
		[ $k -ge $MAX ] && [ $rc -eq 0 ] && break
	done
	rm -f "$out" "$ref" "$err"
	n=$((n + 1))
	if [ -z "$bad" ]; then
		echo "ok $n - $name: TW_FAULT_ALLOC=1..$MAX, then sparsely to $last (a whole run): all end cleanly, each exit 0 with the whole output"
		pass=$((pass + 1))
	else
		echo "not ok $n - $name"
		echo "$bad" | head -10 | sed 's/^/#   /'
		fail=$((fail + 1))
	fi
}
sweep "analyze --json" /dev/null analyze --json --year 2004 $EX/kern-2004.log $EX/kern-2004.log.1.gz $EX/journal-2004.json
sweep "analyze --events" /dev/null analyze --events --year 2004 $EX/kern-2004.log $EX/journal-2004.json
sweep "analyze (text) from stdin" $EX/kern-2004.log.1.gz analyze --year 2004 -
P=tests/golden/inputs/pcap
sweep "decode --all (reassembly state)" /dev/null decode --all $P/messenger-paths.pcap $P/messenger-malformed.pcap
sweep "analyze --events on captures" /dev/null analyze --events $P/messenger-paths.pcap.gz $P/messenger-paths.pcapng
echo "1..$n"
echo "# $pass passed, $fail failed, 0 skipped"
[ "$fail" = 0 ]
