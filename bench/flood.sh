#!/usr/bin/env bash
# flood.sh - SYN flood rate of "tcpconform send --flood" against hping3's
# --flood, both into port 9 (discard) of the lab target 198.18.0.2, over
# the same veth pair, in one lab.  Needs root, a built tree and hping3.
#
#   bench/flood.sh [COUNT]        (default 200000; run from the top of
#                                  the build tree)
#
# Floods only ever go to the lab target inside the lab's namespaces.
# Output: both rates, their ratio, and the target's TCP counters as a
# check that the packets arrived with good checksums.
set -u

if [ "${1:-}" != --inner ]; then
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd) || exit 99
	[ "$(id -u)" = 0 ] || { echo "flood.sh: needs root" >&2; exit 77; }
	command -v hping3 >/dev/null 2>&1 || {
		echo "flood.sh: needs hping3 (apt-get install hping3)" >&2
		exit 77
	}
	tc=${TC:-$top/src/tcpconform}
	[ -x "$tc" ] || { echo "flood.sh: build first ($tc)" >&2; exit 99; }
	exec "$top/tests/lab/lab.sh" --peer "$top/src/tcpconform-peer" -- \
	    bash "$top/bench/flood.sh" --inner "$tc" "${1:-200000}"
fi

tc=$2
count=$3
target=${TC_TARGET:?run through tests/lab/lab.sh}
[ "$target" = 198.18.0.2 ] || { echo "flood.sh: lab target only" >&2; exit 99; }
ifc=$TC_IFACE

# tx packets of the tester veth
txp() {
	ip -s -j link show dev "$ifc" | sed -n 's/.*"tx":{"bytes":[0-9]*,"packets":\([0-9]*\).*/\1/p'
}
# target-side TCP counters (nstat, absolute values)
tgt() {
	ip netns exec "$TC_NS_TARGET" nstat -az TcpInSegs TcpInCsumErrors \
	    TcpExtSyncookiesSent 2>/dev/null | awk 'NR > 1 { printf "%s=%s ", $1, $2 } END { print "" }'
}

echo "kernel $(uname -r), $(nproc) cpus, veth $ifc -> $target:9"

# Warm-up: one short flood so both runs start from a warm SYN queue.
"$tc" send --flood -c 10000 --max-time 5 -t "$target" -p 9 >/dev/null

rounds=${ROUNDS:-3}
tc_rates=() tc1_rates=() h_rates=()
echo "target before: $(tgt)"
for ((r = 1; r <= rounds; r++)); do
	tx0=$(txp)
	out=$("$tc" send --flood -c "$count" --max-time 20 -t "$target" -p 9) ||
	    { echo "tcpconform failed: $out" >&2; exit 1; }
	tx1=$(txp)
	echo "round $r tcpconform: $out (veth tx delta $((tx1 - tx0)))"
	tc_rates+=("$(printf '%s\n' "$out" | sed -n 's/.*: \([0-9]*\) packets\/s$/\1/p')")
	sleep 1

	# The same on one CPU, as hping3 (single-threaded) uses one.
	out=$(taskset -c 0 "$tc" send --flood -c "$count" --max-time 20 -t "$target" -p 9) ||
	    { echo "tcpconform failed: $out" >&2; exit 1; }
	echo "round $r tcpconform on 1 cpu (taskset -c 0): $out"
	tc1_rates+=("$(printf '%s\n' "$out" | sed -n 's/.*: \([0-9]*\) packets\/s$/\1/p')")
	sleep 1

	# hping3 ignores -c with --flood: stop it after 5 s with SIGINT and
	# take the count from its own statistics.
	tx0=$(txp)
	t0=$(date +%s.%N)
	hout=$(timeout -s INT 5 hping3 --flood -S -p 9 "$target" 2>&1)
	t1=$(date +%s.%N)
	tx1=$(txp)
	hsent=$(printf '%s\n' "$hout" | sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p')
	[ -n "$hsent" ] || { echo "hping3 printed no statistics: $hout" >&2; exit 1; }
	hrate=$(awk -v n="$hsent" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')
	echo "round $r hping3:     sent $hsent packets in $(awk -v a="$t0" -v b="$t1" \
	    'BEGIN { printf "%.3f", b - a }') s: $hrate packets/s (veth tx delta $((tx1 - tx0)): its SYNs and the tester kernel's RSTs)"
	h_rates+=("$hrate")
	sleep 1
done
echo "target after:  $(tgt)"

median() {
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
tcm=$(median "${tc_rates[@]}")
hm=$(median "${h_rates[@]}")
echo "median tcpconform: $tcm packets/s"
tc1m=$(median "${tc1_rates[@]}")
echo "median tcpconform, 1 cpu: $tc1m packets/s"
echo "median hping3:     $hm packets/s"
awk -v a="$tcm" -v b="$hm" 'BEGIN { printf "ratio tcpconform/hping3: %.2f\n", a / b }'
awk -v a="$tc1m" -v b="$hm" 'BEGIN { printf "ratio tcpconform on 1 cpu/hping3: %.2f\n", a / b }'
