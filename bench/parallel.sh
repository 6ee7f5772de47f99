#!/usr/bin/env bash
# parallel.sh - wall time of the whole suite (testcases/, --profile linux)
# run one case at a time (-j 1) and with the default -j, in one lab
# against its Linux target.  Needs root and a built tree.
#
#   bench/parallel.sh [PATH ...]    (default: testcases/ of this tree)
#
# Output: per run its wall time and pass/fail/skip counts, the ratio, and
# what bounds it: cases that pin sysctls run alone, so the best any -j
# can do is (their sum) + (the longest of the others).  A run with a
# failed case is no valid figure: the script then exits 1.
set -u

if [ "${1:-}" != --inner ]; then
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd) || exit 99
	[ "$(id -u)" = 0 ] || { echo "parallel.sh: needs root" >&2; exit 77; }
	tc=${TC:-$top/src/tcpconform}
	[ -x "$tc" ] || { echo "parallel.sh: build first ($tc)" >&2; exit 99; }
	[ $# -gt 0 ] || set -- "$top/testcases"
	exec "$top/tests/lab/lab.sh" --peer "$top/src/tcpconform-peer" -- \
	    bash "$top/bench/parallel.sh" --inner "$tc" "$@"
fi

tc=$2
shift 2
: "${TC_TARGET:?run through tests/lab/lab.sh}"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

# Both runs on the same cases: a snapshot, taken before the first run,
# of what may still be changing in the tree.
mkdir "$tmp/suite" || exit 99
n=0
for p in "$@"; do
	n=$((n + 1))
	mkdir "$tmp/suite/$n" && cp -r "$p" "$tmp/suite/$n/" || exit 99
done
paths=("$@")
set -- "$tmp/suite"

# seconds: "61.075s", "300.6ms", "835.1us" -> seconds
secs() {
	awk '{ v = $1; u = v; sub(/^[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
	       f = u == "ms" ? 1e-3 : u == "us" ? 1e-6 : u == "ns" ? 1e-9 : 1
	       printf "%.3f\n", v * f }'
}

# run NAME [ARGS...]: the suite, report in $tmp/NAME, wall time in
# $tmp/NAME.wall (seconds, from this shell's clock).
run() {
	local name=$1 t0 t1

	shift
	t0=$(date +%s.%N)
	"$tc" run --no-progress --profile linux -x "$TC_TARGET_EXEC" \
	    -t "$TC_TARGET" -p "$TC_SERVICES" "$@" >"$tmp/$name" 2>&1
	echo $? >"$tmp/$name.rc"
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", b - a }' \
	    >"$tmp/$name.wall"
}

summary() {
	sed -n 's/^\([0-9]* cases\{0,1\}: .*\) in .*/\1/p' "$tmp/$1"
}

ncases=$("$tc" list -P linux "$@" | sed -n 's/^\([0-9]*\) cases\{0,1\}, .*/\1/p')
echo "kernel $(uname -r), $(nproc) cpus, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
echo "suite: ${ncases:-?} cases in ${paths[*]}"

run j1 -j 1 "$@"
run jdef "$@"

valid=1
for r in j1 jdef; do
	label=$([ $r = j1 ] && echo "-j 1    " || echo "default ")
	printf '%s wall %7.1f s  %s (exit %s)\n' "$label" "$(cat "$tmp/$r.wall")" \
	    "$(summary $r)" "$(cat "$tmp/$r.rc")"
	if [ "$(cat "$tmp/$r.rc")" != 0 ]; then
		valid=0
		grep '^FAIL  ' "$tmp/$r" | sed 's/^/    /'
	fi
done
awk -v a="$(cat "$tmp/j1.wall")" -v b="$(cat "$tmp/jdef.wall")" \
    'BEGIN { printf "ratio (-j 1 / default): %.2fx\n", a / b }'

# What bounds the ratio: measured durations of the -j 1 run, the cases
# that run alone ("list" says "runs alone") and the longest other one.
"$tc" list -P linux "$@" | awk '
    /^[^ ]/ { id = $1 }
    /runs alone/ { print id }' >"$tmp/alone"
sed -n 's/^[A-Z]*  \([^ ]*\) *\([0-9.]*[a-z]*\)$/\1 \2/p' "$tmp/j1" |
while read -r id d; do
	echo "$id $(echo "$d" | secs)"
done >"$tmp/dur"
awk -v alone="$tmp/alone" '
    BEGIN { while ((getline l < alone) > 0) a[l] = 1 }
    { sum += $2; if ($1 in a) { sa += $2; na++ } else if ($2 > lo) { lo = $2; lid = $1 } }
    END {
	printf "sum of case durations (-j 1): %.1f s\n", sum
	printf "cases that run alone: %d, %.1f s together\n", na, sa
	printf "longest other case: %s %.1f s\n", lid, lo
	if (sa + lo > 0)
		printf "best possible wall with any -j: %.1f s, ratio at most %.2fx\n",
		    sa + lo, sum / (sa + lo)
    }' "$tmp/dur"
echo "longest cases (-j 1):"
sort -k2,2nr "$tmp/dur" | head -n 8 | while read -r id d; do
	printf '    %-40s %7.1f s%s\n' "$id" "$d" \
	    "$(grep -qxF "$id" "$tmp/alone" && echo ", runs alone")"
done
[ $valid = 1 ] || { echo "a run had failures: not a valid figure" >&2; exit 1; }
