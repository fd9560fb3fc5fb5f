#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The shield's benchmark (issue 8; not a test): two network namespaces joined by a veth pair
# (documentation addresses, no route elsewhere). The shield is applied in A with a log rate
# that lets everything through; the daemon, tracewalld, runs there (storing every second)
# while B sends UDP probes to the Messenger port at 50k, 100k and 200k packets/s for 10 s
# each. Printed: sent, received over NFLOG, decoded into events, stored, lost to buffer
# overruns. Then the time from an offending packet to its ban-set entry (the daemon with
# [ban] after = 1), median and p99 over 30 sources.   Usage: shield-bench.sh BUILD_DIR [SECONDS]
set -u
BUILD=${1:-build}
SECS=${2:-10}
TW=$(cd "$BUILD" && pwd)/tracewall
TWD=$(cd "$BUILD" && pwd)/tracewalld
SEND=$(cd "$BUILD" && pwd)/bench/send-probes
A=twbA$$ B=twbB$$
if [ "$(id -u)" != 0 ] || ! ip netns add "$A" 2>/dev/null; then
	echo "shield benchmark: skipped (needs root and network namespaces)"
	exit 0
fi
tmp=$(mktemp -d /tmp/tw-shield-bench-XXXXXX)
cleanup() {
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
export TRACEWALL_CONF=/nonexistent/x XDG_DATA_HOME=/nonexistent
ip netns add "$B"
ip link add vA netns "$A" type veth peer name vB netns "$B"
ip -n "$A" addr add 192.0.2.1/24 dev vA
ip -n "$B" addr add 192.0.2.2/24 dev vB
for i in $(seq 100 129); do ip -n "$B" addr add 192.0.2.$i/24 dev vB; done
ip -n "$A" link set vA up
ip -n "$B" link set vB up
ip -n "$A" link set lo up
cat >"$tmp/tw.conf" <<CONF
[analyze]
# Benchmark only: the documentation addresses taken as ordinary, so that bans happen.
documentation-is-public = yes
[shield]
log-rate = 1000000
ban-timeout = 1h
[ban]
# Benchmark only: the UDP flood is not banned (forgeable), so that all of it is measured.
after = 0
[daemon]
flush = 1s
CONF
ip netns exec "$A" "$TW" shield apply --config "$tmp/tw.conf" >/dev/null
sleep 1
printf '\n%-10s %10s %10s %10s %10s %10s %8s\n' "rate/s" "sent" "received" "decoded" "stored" "overruns" "lost"
for rate in 50000 100000 200000; do
	rm -f "$tmp/w.db"*
	ip netns exec "$A" "$TWD" --config "$tmp/tw.conf" --db "$tmp/w.db" 2>"$tmp/d.err" &
	wp=$!
	sleep 1.5
	sent=$(ip netns exec "$B" "$SEND" 192.0.2.1 1026 $rate "$SECS")
	sleep 1
	kill -TERM $wp
	wait $wp
	# "stopping: E events (S stored from NFLOG, …), … NFLOG: R received, K skipped, O lost …"
	read -r dec stored rec skip over < <(sed -n 's/.*stopping: \([0-9]*\) events (\([0-9]*\) stored from NFLOG.*NFLOG: \([0-9]*\) received, \([0-9]*\) skipped, \([0-9]*\) lost.*/\1 \2 \3 \4 \5/p' "$tmp/d.err")
	printf '%-10s %10s %10s %10s %10s %10s %8s\n' "$rate" "$sent" "${rec:-?}" "${dec:-?}" \
		"${stored:-?}" "${over:-?}" "$((sent - ${stored:-0}))"
done
# Time to ban: one TCP SYN from each of 30 sources, the ban set polled from A.
sed -i 's/^after = 0/after = 1/' "$tmp/tw.conf"
ip netns exec "$A" "$TWD" --config "$tmp/tw.conf" --db "$tmp/b.db" 2>"$tmp/ban.err" &
wp=$!
sleep 1.5
/usr/bin/python3 - "$A" "$B" <<'PY'
import subprocess, sys, time, statistics
A, B = sys.argv[1], sys.argv[2]
lat = []
for i in range(100, 130):
    src = "192.0.2.%d" % i
    t0 = time.monotonic()
    subprocess.Popen(["ip", "netns", "exec", B, "/usr/bin/python3", "-c",
                      "import socket;s=socket.socket();s.settimeout(0.2);s.bind(('%s',0))\ntry: s.connect(('192.0.2.1',445))\nexcept OSError: pass" % src])
    while time.monotonic() - t0 < 5:
        out = subprocess.run(["ip", "netns", "exec", A, "nft", "list", "set", "inet", "tracewall",
                              "ban4"], capture_output=True).stdout.decode()
        if src + " " in out or src + "," in out or src + "\n" in out:
            lat.append((time.monotonic() - t0) * 1000)
            break
lat.sort()
if lat:
    p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
    print("\ntime from an offending SYN to its ban-set entry (%d of 30 sources): median %.1f ms, "
          "p99 %.1f ms (from before starting the sender, about 25 ms of it, to the entry seen by "
          "polling the set with nft, about 5 ms a poll)"
          % (len(lat), statistics.median(lat), p99))
else:
    print("\ntime to ban: no ban seen")
PY
kill $wp 2>/dev/null
wait $wp 2>/dev/null
