#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make bench: tracewall analyze side by side with `wc -l`, fwlogwatch and psad on the same
# generated netfilter logs, and tracewall decode with tcpdump -r and tshark on generated
# captures, in one run; medians of several runs (this machine is noisy).
# Not a test: it prints figures and ratios, it asserts nothing.
#   BENCH_RUNS (default 5)   runs of the fast commands (tracewall, wc -l)
#   BENCH_SLOW_RUNS (3)      runs of fwlogwatch;  BENCH_PSAD_RUNS (1) runs of psad
#   BENCH_SKIP_10M=1         skip the 10M-line memory check
#   BENCH_SKIP_PCAP=1        skip the captures (decode against tcpdump -r and tshark)
set -u
cd "$(dirname "$0")/.."
BUILD=${1:-build}
TW=$BUILD/tracewall
GEN=$BUILD/bench/gen-netfilter
RUNS=${BENCH_RUNS:-5}
SLOW=${BENCH_SLOW_RUNS:-3}
PSADRUNS=${BENCH_PSAD_RUNS:-1}
D=bench/data
mkdir -p "$D"

scripts/install-deps bench || echo "bench: continuing without the comparison tools" >&2

# Reproducible input; regenerated when the generator changes.
stamp=$(md5sum bench/gen-netfilter.c | cut -c1-12)
for n in 1000000 10000000; do
	f=$D/netfilter-$n-$stamp.log
	[ "$n" = 10000000 ] && [ "${BENCH_SKIP_10M:-0}" = 1 ] && continue
	[ -s "$f" ] || { echo "generating $f" >&2; "$GEN" "$n" 42 >"$f"; }
done
F1=$D/netfilter-1000000-$stamp.log
F10=$D/netfilter-10000000-$stamp.log

# psad needs a configuration with its lookups off and a host name set.
PSADCONF=$(mktemp /tmp/tw-psad-XXXXXX.conf)
if [ -r /etc/psad/psad.conf ]; then
	sed -e 's/^HOSTNAME .*/HOSTNAME benchhost;/' -e 's/^ENABLE_WHOIS_LOOKUPS .*/ENABLE_WHOIS_LOOKUPS N;/' \
		-e 's/^ENABLE_DNS_LOOKUPS .*/ENABLE_DNS_LOOKUPS N;/' /etc/psad/psad.conf >"$PSADCONF"
fi

# measure NAME RUNS CMD...: median wall seconds and median peak RSS (KiB) into $WALL $RSS.
measure() {
	local name=$1 runs=$2
	shift 2
	local walls=() rsss=() i out tf
	tf=$(mktemp)
	for ((i = 0; i < runs; i++)); do
		/usr/bin/time -o "$tf" -f "TWTIME %e %M" "$@" >/dev/null 2>&1
		out=$(grep TWTIME "$tf")
		walls+=("$(echo "$out" | cut -d' ' -f2)")
		rsss+=("$(echo "$out" | cut -d' ' -f3)")
	done
	rm -f "$tf"
	WALL=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	RSS=$(printf '%s\n' "${rsss[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	echo "  $name: runs ${walls[*]} s" >&2
}

declare -A W R
row_names=()
run() { # key runs cmd...
	local key=$1
	measure "$@"
	W[$key]=$WALL
	R[$key]=$RSS
	row_names+=("$key")
}

lines1=$(wc -l <"$F1")
bytes1=$(stat -c %s "$F1")
echo "input: $F1 ($lines1 lines, $((bytes1 / 1000000)) MB)"
cat "$F1" >/dev/null # warm the page cache: every tool reads from memory
run "tracewall analyze" "$RUNS" "$TW" analyze "$F1"
run "tracewall analyze --threads 1" "$RUNS" "$TW" analyze --threads 1 "$F1"
run "tracewall analyze --json" "$RUNS" "$TW" analyze --json "$F1"
run "wc -l" "$RUNS" wc -l "$F1"
# The store (issue 7): ingest into a new store, then again with nothing new.
SDB=$(mktemp -u /tmp/tw-bench-store-XXXXXX.db)
run "tracewall ingest (new store)" "$RUNS" sh -c 'rm -f "$1" "$1-wal" "$1-shm"; exec "$2" ingest --db "$1" "$3"' sh "$SDB" "$TW" "$F1"
run "tracewall ingest (unchanged)" "$RUNS" "$TW" ingest --db "$SDB" "$F1"
rm -f "$SDB" "$SDB-wal" "$SDB-shm"
if command -v fwlogwatch >/dev/null && [ "$SLOW" -gt 0 ]; then
	run "fwlogwatch -P n" "$SLOW" fwlogwatch -P n "$F1"
fi
if command -v psad >/dev/null && [ -s "$PSADCONF" ] && [ "$PSADRUNS" -gt 0 ]; then
	run "psad -A" "$PSADRUNS" psad -A -m "$F1" -c "$PSADCONF"
fi

base=${W["tracewall analyze"]}
echo
printf '%-32s %9s %12s %9s %10s %14s\n' "command (1M lines)" "wall s" "lines/s" "MB/s" "peak RSS" "vs tracewall"
for k in "${row_names[@]}"; do
	awk -v k="$k" -v w="${W[$k]}" -v r="${R[$k]}" -v l="$lines1" -v b="$bytes1" -v base="$base" 'BEGIN {
		w2 = (w > 0 ? w : 0.005)
		printf "%-32s %9.3f %12.0f %9.0f %8.1f MB %13.1fx\n", k, w, l / w2, b / 1e6 / w2, r / 1024, w2 / (base > 0 ? base : 0.005)
	}'
done
echo
awk -v t="$base" -v wc="${W["wc -l"]}" 'BEGIN { printf "tracewall / wc -l: %.1fx the wall time of wc -l (target: at most 10x)\n", t / (wc > 0 ? wc : 0.005) }'
awk -v t="$base" -v i="${W["tracewall ingest (new store)"]}" -v u="${W["tracewall ingest (unchanged)"]}" 'BEGIN { printf "ingest into a new store: %.1fx the time of analyze (target: at most 2x); again, unchanged: %.0f ms (target: under 50 ms)\n", i / t, u * 1000 }'
[ -n "${W["fwlogwatch -P n"]:-}" ] && awk -v t="$base" -v f="${W["fwlogwatch -P n"]}" 'BEGIN { printf "fwlogwatch / tracewall: tracewall is %.0fx faster (target: at least 100x)\n", f / t }'
[ -n "${W["psad -A"]:-}" ] && awk -v t="$base" -v f="${W["psad -A"]}" 'BEGIN { printf "psad / tracewall: tracewall is %.0fx faster\n", f / t }'

if [ -s "$F10" ]; then
	echo
	measure "tracewall 10M" 3 "$TW" analyze "$F10"
	echo "memory grows with sources, not lines: 1M lines ${R["tracewall analyze"]} KiB, 10M lines $RSS KiB peak RSS (same 2000 sources; 10M wall $WALL s)"
fi
rm -f "$PSADCONF"

# Memory bound (issue 5): 1,000,000 lines from a million distinct sources; the table holds
# at most max-sources (65,536) of them, dropping those with the fewest packets.
FS=$D/netfilter-1Msrc-$stamp.log
[ -s "$FS" ] || { echo "generating $FS" >&2; "$GEN" 1000000 42 1000000 >"$FS"; }
cat "$FS" >/dev/null
echo
measure "tracewall 1M sources" 3 "$TW" analyze "$FS"
echo "1,000,000 distinct sources: $WALL s, $((RSS / 1024)) MB peak RSS (max-sources 65,536: $("$TW" analyze --top 1 "$FS" | grep -o '^[0-9,]* sources with at most [0-9]* packets\?' || echo 'nothing') dropped)"

# Captures (issue 4): tracewall decode against the libpcap read floor (tcpdump -r … -w
# /dev/null) on a 1 GB capture, and against tshark's DCE/RPC filter on a 100 MB one.
if [ "${BENCH_SKIP_PCAP:-0}" != 1 ]; then
	pstamp=$(md5sum bench/gen-pcap.c | cut -c1-12)
	P1G=$D/capture-1000MB-$pstamp.pcap
	P100=$D/capture-100MB-$pstamp.pcap
	[ -s "$P1G" ] || { echo "generating $P1G" >&2; "$BUILD/bench/gen-pcap" 1000 42 >"$P1G"; }
	[ -s "$P100" ] || { echo "generating $P100" >&2; "$BUILD/bench/gen-pcap" 100 42 >"$P100"; }
	msgs=$("$TW" decode --json "$P1G" | wc -l)
	echo
	echo "capture: $P1G ($(($(stat -c %s "$P1G") / 1000000)) MB, $msgs Messenger messages)"
	cat "$P1G" >/dev/null
	measure "tracewall decode 1G" "$RUNS" "$TW" decode "$P1G"
	twd=$WALL twr=$RSS
	if command -v tcpdump >/dev/null; then
		measure "tcpdump -r 1G" "$RUNS" tcpdump -r "$P1G" -w /dev/null
		awk -v t="$twd" -v c="$WALL" -v r="$twr" 'BEGIN { printf "decode 1 GB: tracewall %.2f s (%.1f MB peak RSS), tcpdump -r %.2f s: %.2fx the read floor (target: at most 2x)\n", t, r / 1024, c, t / (c > 0 ? c : 0.005) }'
	fi
	measure "tracewall decode 100M" "$RUNS" "$TW" decode "$P100"
	twd=$WALL
	if command -v tshark >/dev/null; then
		measure "tshark -Y dcerpc 100M" 3 tshark -r "$P100" -Y dcerpc
		awk -v t="$twd" -v c="$WALL" 'BEGIN { printf "decode 100 MB: tracewall %.3f s, tshark -Y dcerpc %.2f s: tracewall is %.0fx faster (target: at least 50x)\n", t, c, c / (t > 0 ? t : 0.005) }'
	fi
fi

# The offline network index (issue 6): import of an ASN CSV the size of ip-location-db's
# (generated: 412,000 IPv4 + 103,000 IPv6 rows), then 10 M random IPv4 lookups on one core,
# and, on the MaxMind test database of the corpus, the same lookups through libmaxminddb.
if [ "${BENCH_SKIP_NETDB:-0}" != 1 ]; then
	astamp=$(md5sum bench/gen-asncsv.c | cut -c1-12)
	AC=$D/asn-$astamp.csv
	[ -s "$AC" ] || "$BUILD/bench/gen-asncsv" 412000 103000 42 >"$AC"
	IDX=$(mktemp /tmp/tw-bench-XXXXXX.idx)
	cat "$AC" >/dev/null
	echo
	measure "tracewall db import" "$RUNS" "$TW" db import --netdb "$IDX" "$AC"
	echo "db import of $(wc -l <"$AC") ASN rows: $WALL s, $((RSS / 1024)) MB peak RSS (target: at most 2 s)"
	"$BUILD/bench/netdb-lookup" "$IDX"
	MM=../shared/corpus/enrich/mmdb/GeoLite2-ASN-Test.mmdb
	if [ -s "$MM" ]; then
		"$TW" db import --netdb "$IDX" "$MM" >/dev/null
		echo "on GeoLite2-ASN-Test.mmdb (the same data both ways):"
		"$BUILD/bench/netdb-lookup" "$IDX" "$MM"
	fi
	rm -f "$IDX"
fi

# Reverse DNS (issue 6): 10,000 PTR lookups (each forward-confirmed) against a dnsmasq on
# loopback, all in one `tracewall trace --rdns` run (target: at most 5 s).
if [ "${BENCH_SKIP_RDNS:-0}" != 1 ] && { command -v dnsmasq >/dev/null 2>&1 || [ -x /usr/sbin/dnsmasq ]; }; then
	RD=$(mktemp -d /tmp/tw-bench-rdns-XXXXXX)
	chmod 755 "$RD"
	awk 'BEGIN { for (i = 0; i < 10000; i++) printf "198.18.%d.%d h%d.bulk.example\n", i / 250, 1 + i % 250, i }' >"$RD/hosts"
	awk 'BEGIN { for (i = 0; i < 10000; i++) printf "198.18.%d.%d\n", i / 250, 1 + i % 250 }' >"$RD/addrs"
	PORT=$((20000 + RANDOM % 20000))
	DM=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
	"$DM" --keep-in-foreground --port=$PORT --listen-address=127.0.0.1 --bind-interfaces \
		--no-resolv --no-hosts --conf-file=/dev/null --pid-file= --addn-hosts="$RD/hosts" \
		--cache-size=20000 --local=/arpa/ --local=/example/ --log-facility=- 2>/dev/null &
	DMPID=$!
	sleep 1
	echo
	# shellcheck disable=SC2046
	measure "tracewall trace --rdns 10k" 3 env XDG_DATA_HOME=/nonexistent "$TW" trace --json --rdns \
		--dns-server 127.0.0.1:$PORT $(cat "$RD/addrs")
	ok=$(env XDG_DATA_HOME=/nonexistent "$TW" trace --json --rdns --dns-server 127.0.0.1:$PORT \
		$(cat "$RD/addrs") 2>/dev/null | grep -c '"rdns_confirmed":true')
	echo "reverse DNS of 10,000 addresses against dnsmasq on loopback: $WALL s, $ok confirmed (target: at most 5 s)"
	kill $DMPID 2>/dev/null
	rm -rf "$RD"
fi

# The shield (issue 8): NFLOG at 50k/100k/200k packets/s over a veth pair, and the time to a
# ban (skipped without root or namespaces).
echo
bash "$(dirname "$0")/shield-bench.sh" "$BUILD" 10
