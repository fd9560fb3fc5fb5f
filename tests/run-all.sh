#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every test of tracewall, as `make test` runs it:
#   1. source rules (scripts/checksrc.sh)
#   2. with the normal build (gcc -O3): unit tests, golden end-to-end cases, the corpus
#      conformance test (skipped without ../shared/corpus), consistency checks on a
#      generated 72 MB log (threads, gzip, stdin, progress bar), the fuzz corpora replayed
#   3. the same suites again in build-asan/ under AddressSanitizer + UndefinedBehaviorSanitizer,
#      and the out-of-memory sweep (TW_FAULT_ALLOC=1..60) there
# Each suite prints TAP; the totals end the run as "tests: N passed, N failed, N skipped".
set -u
# Hermetic: no configuration file or network index of the machine's own.
export TRACEWALL_CONF=/nonexistent/tracewall.conf XDG_DATA_HOME=/nonexistent
cd "$(dirname "$0")/.."
BUILD=${1:-build}
PY=/usr/bin/python3
log=$(mktemp -d /tmp/tw-tests-XXXXXX)
total_pass=0 total_fail=0 total_skip=0

# Runs one TAP-printing command, shows its failures, and adds up its results.
suite() {
	local name=$1
	shift
	local out=$log/$(echo "$name" | tr ' /' '__').tap
	"$@" >"$out" 2>&1
	local rc=$?
	local p f s
	p=$(grep -cE '^ok [0-9]+' "$out" | tr -d ' ')
	s=$(grep -cE '^ok [0-9]+ .*# SKIP' "$out" | tr -d ' ')
	f=$(grep -cE '^not ok [0-9]+' "$out" | tr -d ' ')
	p=$((p - s))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		# A crash or an error before any TAP line: count it as a failure, show why.
		f=1
		echo "not ok - $name exited $rc without a failing test:"
		tail -20 "$out" | sed 's/^/#   /'
	fi
	grep -E -A25 '^not ok' "$out" | grep -E '^(not ok|#)' | head -60
	printf '%-34s %4d passed, %d failed, %d skipped\n' "$name:" "$p" "$f" "$s"
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	total_skip=$((total_skip + s))
}

replay() { # build-dir: every format's fuzz corpus through its harness
	local b=$1 d
	for d in tests/fuzz/corpus/*/; do
		d=${d%/}
		"$b/tests/replay-${d##*/}" "$d" || return 1
	done
}

all_suites() { # build-dir label
	local b=$1 tag=$2
	suite "unit$tag" env TZ=UTC "$b/tests/unit-tests"
	suite "golden$tag" tests/golden/run-golden.sh "$b"
	suite "corpus$tag" "$PY" tests/corpus/check-corpus.py "$b"
	suite "pcap corpus$tag" "$PY" tests/corpus/check-pcap.py "$b"
	suite "netdb$tag" "$PY" tests/netdb/check-netdb.py "$b"
	suite "rdns$tag" "$PY" tests/netdb/check-rdns.py "$b"
	suite "abuse$tag" "$PY" tests/netdb/check-abuse.py "$b"
	suite "store$tag" "$PY" tests/store/check-store.py "$b"
	suite "reading$tag" "$PY" tests/store/check-reading.py "$b"
	suite "shield$tag" "$PY" tests/shield/check-shield.py "$b"
	suite "daemon$tag" "$PY" tests/daemon/check-daemon.py "$b"
	suite "accuracy$tag" "$PY" tests/accuracy/check-accuracy.py "$b"
	suite "consistency$tag" tests/integration/run-consistency.sh "$b"
	suite "fuzz replay$tag" replay "$b"
}

# The library and the tools must also build warning-free with clang (the fuzz builds use it).
clang_build() {
	if ! command -v clang >/dev/null; then
		echo "ok 1 - clang build # SKIP clang not installed"
		return 0
	fi
	if [ ! -f build-clang/build.ninja ]; then
		CC=clang meson setup build-clang >/dev/null 2>&1 || { echo "not ok 1 - clang setup"; return 1; }
	fi
	if ninja -C build-clang >build-clang/last.log 2>&1; then
		echo "ok 1 - clang -Werror build"
	else
		echo "not ok 1 - clang -Werror build"
		grep -E 'error' build-clang/last.log | head -10 | sed 's/^/#   /'
		return 1
	fi
}

# The team's capture writer must reproduce the golden captures byte for byte, so that the
# expected outputs always belong to what the tool writes.
pcap_tool() {
	local t n=0 f bad=0
	t=$(mktemp -d)
	"$PY" tests/tools/mkpcap.py "$t" || { echo "not ok 1 - mkpcap.py ran"; rm -rf "$t"; return 1; }
	for f in tests/golden/inputs/pcap/*; do
		n=$((n + 1))
		if cmp -s "$f" "$t/${f##*/}"; then
			echo "ok $n - mkpcap.py reproduces ${f##*/}"
		else
			echo "not ok $n - mkpcap.py reproduces ${f##*/}"
			bad=1
		fi
	done
	rm -rf "$t"
	echo "1..$n"
	return $bad
}

suite "checksrc" scripts/checksrc.sh
suite "pcap tool" pcap_tool
suite "clang build" clang_build
all_suites "$BUILD" ""

# Sanitizer build: ASan + UBSan, every finding fatal.
if [ ! -f build-asan/build.ninja ]; then
	meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false \
		--buildtype=debug >"$log/asan-setup.log" 2>&1 || cat "$log/asan-setup.log"
fi
if ninja -C build-asan >"$log/asan-build.log" 2>&1; then
	export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:strict_string_checks=1
	export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
	all_suites build-asan " (asan+ubsan)"
	# Out-of-memory paths, walked by failing the Nth allocation (TW_FAULT_ALLOC).
	suite "fault injection (asan+ubsan)" tests/integration/run-faults.sh build-asan 60
else
	tail -30 "$log/asan-build.log"
	total_fail=$((total_fail + 1))
	echo "not ok - sanitizer build failed"
fi
rm -rf "$log"
echo "tests: $total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
