#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Source rules of style.md, checked mechanically. Prints TAP, one test per rule.
#  1. no banned functions (B5.6)          2. every header compiles alone (B4)
#  3. lines at most 100 columns (B10)     4. every source file starts with an SPDX line (B9)
#  5. library code never prints or exits (B5.4)   6. clang-format clean (B8.4)
#  7. the library allocates only through core/alloc.h (fault injection reaches every path)
#  8. the man pages render without warnings   9. each src/ folder's README names its files
set -u
cd "$(dirname "$0")/.."
n=0 pass=0 fail=0
report() { # name, failures-text
	n=$((n + 1))
	if [ -z "$2" ]; then echo "ok $n - checksrc: $1"; pass=$((pass + 1));
	else echo "not ok $n - checksrc: $1"; echo "$2" | head -20 | sed 's/^/#   /'; fail=$((fail + 1)); fi
}
src=$(find src tests/unit tests/fuzz -name '*.[ch]' | sort)
lib=$(find src -name '*.[ch]' -not -path 'src/cli/*' -not -path 'src/daemon/*' | sort)

banned='\b(sprintf|vsprintf|strcpy|strcat|strncpy|strncat|strtok|atoi|atol|atoll|gets|gmtime|localtime)[[:space:]]*\('
# tests may use strcpy on fixed literals into their own buffers; nothing in src/ may (the
# command line included: numbers go through tw_cli_num, which checks range and trailing junk).
report "banned functions" "$(grep -nE "$banned" $(find src -name '*.[ch]' | sort) || true)"

hdr_fail=""
for h in $(find src -name '*.h' | sort); do
	if ! echo "#include \"${h#src/}\"" | cc -std=c17 -D_GNU_SOURCE -Isrc -fsyntax-only -x c - 2>/dev/null; then
		hdr_fail="$hdr_fail$h does not compile alone"$'\n'
	fi
done
report "headers self-contained" "$hdr_fail"

report "line length <= 100" "$(for f in $src; do expand -t 8 "$f" | awk -v f="$f" 'length($0) > 100 { print f ":" FNR ": " length($0) " columns" }'; done)"
report "SPDX first line" "$(for f in $src; do head -1 "$f" | grep -q SPDX-License-Identifier || echo "$f"; done)"
report "library never prints or exits" "$(grep -nE '\b(printf|fprintf|puts|fputs|perror|exit|abort)[[:space:]]*\(' $lib | grep -v 'snprintf\|vsnprintf' || true)"
report "library allocates through core/alloc.h" "$(grep -nE '\b(malloc|calloc|realloc)[[:space:]]*\(' $lib | grep -v '^src/core/alloc\.[ch]:' | grep -vE 'tw_(malloc|calloc|realloc)' || true)"
if command -v clang-format >/dev/null; then
	report "clang-format clean" "$(clang-format --dry-run $src 2>&1 | grep -o '^[^:]*:[0-9]*' | sort -u)"
fi
if command -v groff >/dev/null; then
	report "man page renders without warnings" "$(for m in doc/tracewall.1 doc/tracewalld.8; do groff -man -Tutf8 -ww "$m" 2>&1 >/dev/null; done)"
fi
# Every folder of src/ has a README that names each of its .c files (the stage's tour).
report "every src/ folder's README names its files" "$(for d in src/*/; do
	[ -f "$d/README" ] || { echo "${d}README missing"; continue; }
	for f in "$d"*.c; do grep -qw "$(basename "$f")" "$d/README" || echo "$f not in ${d}README"; done
done)"
echo "1..$n"
echo "# $pass passed, $fail failed, 0 skipped"
[ "$fail" = 0 ]
