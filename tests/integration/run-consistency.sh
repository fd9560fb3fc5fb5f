#!/bin/bash
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
for t in 2 3 7; do
	"$TW" analyze --json --year 2026 --threads $t "$tmp/big.log" >"$tmp/t$t.json"
	check "--threads $t gives the same JSON as --threads 1" same "$tmp/t$t.json"
done
"$TW" analyze --json --year 2026 "$tmp/big.log.gz" >"$tmp/gz.json"
check "gzip input gives the same JSON as plain" same "$tmp/gz.json"
"$TW" analyze --json --year 2026 - <"$tmp/big.log" >"$tmp/pipe.json"
check "standard input gives the same JSON as a mapped file" same "$tmp/pipe.json"
"$TW" analyze --events --year 2026 "$tmp/big.log" | wc -l >"$tmp/nev"
check "--events writes one line per firewall line" test "$(cat "$tmp/nev")" = 300000
# Split the file in two (by lines) and analyse both together: same as the whole.
split -l 123457 "$tmp/big.log" "$tmp/part."
"$TW" analyze --json --year 2026 "$tmp"/part.* >"$tmp/parts.json"
check "two halves on one command line give the same JSON" same "$tmp/parts.json"
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
