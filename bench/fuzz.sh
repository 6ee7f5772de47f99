#!/usr/bin/env bash
# bench/fuzz.sh HARNESS|all SECONDS - fuzz each libFuzzer harness
# (tests/fuzz/fuzz_HARNESS, built by "make" when configure found
# libFuzzer) for SECONDS, one at a time, at the lowest priority (nice 19,
# one process: no -jobs/-workers), from its seeds (tests/fuzz/corpus/H)
# and regression inputs (tests/fuzz/regress/H) with its dictionary.
# Prints, per harness, the executions, the execs/s and the crashes; exits
# 1 when one crashed, hung or leaked (the input is kept, its path
# printed).  Run from the build tree; TOP_SRCDIR names the source tree if
# it is elsewhere, FUZZ_WORK a directory to keep the grown corpora in
# (default: a temporary one, removed).  BENCHMARKS.md has the figures.
set -u

all="script decode arrive nd reply include known agentc"
usage() {
	echo "usage: bench/fuzz.sh HARNESS|all SECONDS (HARNESS: $all)" >&2
	exit 2
}
[ $# -eq 2 ] || usage
case $2 in ''|*[!0-9]*) usage ;; esac
secs=$2
if [ "$1" = all ]; then
	list=$all
else
	case " $all " in *" $1 "*) list=$1 ;; *) usage ;; esac
fi
src=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
if [ -n "${FUZZ_WORK:-}" ]; then
	work=$FUZZ_WORK
	mkdir -p "$work" || exit 2
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-bench.XXXXXX") || exit 2
	trap 'rm -rf "$work"' EXIT
fi

dict_of() {
	case $1 in
	script|include|known) echo "$src/tests/fuzz/yaml.dict" ;;
	agentc) echo "$src/tests/fuzz/agent.dict" ;;
	*) echo "$src/tests/fuzz/wire.dict" ;;
	esac
}

failed=0
printf '%-8s %8s %14s %10s %s\n' harness seconds executions execs/s result
for h in $list; do
	bin=./tests/fuzz/fuzz_$h
	if [ ! -x "$bin" ]; then
		echo "$h: $bin not built (configure found no libFuzzer?)" >&2
		failed=1
		continue
	fi
	corpus=$work/corpus-$h
	mkdir -p "$corpus" "$work/artifacts-$h"
	for d in "$src/tests/fuzz/corpus/$h" "$src/tests/fuzz/regress/$h"; do
		[ -d "$d" ] && cp -p "$d"/* "$corpus"/ 2>/dev/null
	done
	log=$work/$h.log
	start=$(date +%s)
	nice -n 19 "$bin" -max_total_time="$secs" -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 -dict="$(dict_of "$h")" \
	    -artifact_prefix="$work/artifacts-$h/" "$corpus" >"$log" 2>&1
	rc=$?
	end=$(date +%s)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
	    tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" |
	    tail -n 1)
	result=ok
	# crash-, leak-, timeout-, oom-: a finding.  slow-unit- is no
	# failure (a unit over 10 s that the timeout did not end: a busy
	# machine stalls one now and then); it is kept and named, to time
	# again on a quiet one.
	found=$(ls "$work/artifacts-$h/" | grep -v '^slow-unit-')
	slow=$(ls "$work/artifacts-$h/" | grep '^slow-unit-')
	if [ $rc -ne 0 ] || [ -n "$found" ]; then
		result="FAILED (exit $rc): $(printf '%s\n' $found |
		    sed "s|^|$work/artifacts-$h/|" | tr '\n' ' ')"
		failed=1
		trap - EXIT	# keep the inputs
	elif [ -n "$slow" ]; then
		result="ok (slow units kept: $(printf '%s\n' $slow |
		    sed "s|^|$work/artifacts-$h/|" | tr '\n' ' '))"
		trap - EXIT
	fi
	printf '%-8s %8s %14s %10s %s\n' "$h" "$((end - start))" \
	    "${execs:-?}" "${rate:-?}" "$result"
done
exit $failed
