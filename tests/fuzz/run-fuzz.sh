#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the libFuzzer harnesses with clang (build-fuzz/) and runs each for FUZZ_SECONDS
# (default 60) on a scratch copy of its corpus; prints executions and crashes. New inputs
# worth keeping are left in the scratch folder it names; crashes go to build-fuzz/crashes/.
set -eu
cd "$(dirname "$0")/../.."
SECS=${FUZZ_SECONDS:-60}
# UBSan findings must stop the run like a crash, not scroll past in the log.
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
if [ ! -f build-fuzz/build.ninja ]; then
	CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined \
		-Dc_args=-fno-sanitize-recover=all -Db_lundef=false --buildtype=debugoptimized \
		>/dev/null
fi
ninja -C build-fuzz >/dev/null
mkdir -p build-fuzz/crashes
all=$(cd tests/fuzz/corpus && echo *)
for t in ${FUZZ_TARGETS:-$all}; do
	work=$(mktemp -d "/tmp/tw-fuzz-$t-XXXXXX")
	cp tests/fuzz/corpus/$t/* "$work/"
	dict=()
	[ -f tests/fuzz/dict/$t.dict ] && dict=(-dict=tests/fuzz/dict/$t.dict)
	log=build-fuzz/fuzz-$t.log
	set +e
	build-fuzz/tests/fuzz-$t "${dict[@]}" -max_total_time="$SECS" -max_len=4096 \
		-artifact_prefix=build-fuzz/crashes/$t- "$work" >"$log" 2>&1
	rc=$?
	set -e
	execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
	[ -z "$execs" ] && execs=$(grep -Eo '^#[0-9]+' "$log" | tail -1 | tr -d '#')
	echo "fuzz-$t: ${SECS}s, ${execs:-?} executions, exit $rc, corpus $(ls "$work" | wc -l) files in $work"
	[ $rc -eq 0 ] || { echo "fuzz-$t: CRASH, see $log"; exit 1; }
done
