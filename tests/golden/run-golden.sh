#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs the golden cases of TESTLIST against BUILD/tracewall and prints TAP, ending with
# "# N passed, N failed, N skipped". With UPDATE=1 it rewrites the expected files instead
# (update-golden.sh); read the diff before committing.
set -u
BUILD=${1:-build}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BIN=$(cd "$BUILD" && pwd)/tracewall
EXP=$TOP/tests/golden/expected
export TZ=UTC LC_ALL=C
# Hermetic: no configuration file or network index of the machine's own.
export TRACEWALL_CONF=/nonexistent/tracewall.conf XDG_DATA_HOME=/nonexistent
n=0 pass=0 fail=0
cd "$TOP"
while read -r name input expected args; do
	case "$name" in ''|'#'*) continue ;; esac
	n=$((n + 1))
	eval "set -- $args"
	argv=()
	stdin=/dev/null
	for a in "$@"; do
		if [ "$a" = "@IN" ]; then argv+=("$input");
		elif [ "$a" = "-" ]; then argv+=("-"); stdin=$input;
		else argv+=("$a"); fi
	done
	out=$(mktemp)
	{ "$BIN" "${argv[@]}" <"$stdin" 2>&1; echo "[exit $?]"; } >"$out"
	if [ "${UPDATE:-0}" = 1 ]; then
		cp "$out" "$EXP/$expected"
		echo "ok $n - $name # updated"
		pass=$((pass + 1))
	elif diff -u "$EXP/$expected" "$out" >"$out.diff" 2>&1; then
		echo "ok $n - $name"
		pass=$((pass + 1))
	else
		echo "not ok $n - $name"
		sed 's/^/#   /' "$out.diff" | head -40
		fail=$((fail + 1))
	fi
	rm -f "$out" "$out.diff"
done <tests/golden/TESTLIST
echo "1..$n"
echo "# $pass passed, $fail failed, 0 skipped"
[ "$fail" = 0 ]
