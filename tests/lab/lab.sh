#!/usr/bin/env bash
# lab.sh - run a command in the tester namespace of a fresh tcpconform lab.
#
#   lab.sh [-v] [--sysctl KEY=VALUE]... [--netem SPEC] [--peer PATH]
#          [--offloads off|default] -- COMMAND [ARGS...]
#
# --offloads default keeps the veth pair's default offloads (TSO, GSO, GRO,
# checksum offload), as a Docker or podman container's veth has them; the
# default, off, turns them off (LAB_OFFLOADS in the environment sets it too).
#
# Builds two namespaces (see common.sh), pins the target's TCP sysctls,
# applies the --sysctl overrides (KEY with or without "net.ipv4."), starts
# tcpconform-peer on 198.18.0.2 and 2001:db8::2 (LAB_PEER_SERVICES in
# common.sh; port 1 is closed) and runs COMMAND in the tester namespace
# with TC_TARGET, TC_TESTER, TC_TARGET6, TC_TESTER6, TC_SPOOF, TC_SPOOF6
# (addresses for run -s that no interface owns), TC_IFACE, TC_SERVICES,
# TC_NS_TESTER, TC_NS_TARGET,
# TC_TARGET_EXEC (a tcpconform --target-exec hook into the target: a
# script that runs its one argument there with sh -c) and
# TC_LAB_DIR set.  LAB_NICE (e.g. -10) runs the whole lab at that nice
# value.  TC_LAB_DIR holds sysctls (what was set), peer.log (the
# peer's -v log) and is removed afterwards, like everything else.
#
# Exit: COMMAND's status; 128+N if interrupted by signal N (forwarded to
# COMMAND first); 77 if the lab cannot run here; 99 on a set-up error.

# Started in the background by a non-interactive shell (a test doing
# "lab.sh ... & kill -INT $!"), we inherit SIGINT ignored, and bash can't
# trap a signal ignored on entry: re-exec once with it back at default.
lab_sigign=$(sed -n 's/^SigIgn:[[:space:]]*//p' /proc/$$/status 2>/dev/null)
if [ -n "$lab_sigign" ] && [ -z "$LAB_REEXEC" ] &&
    (( (0x$lab_sigign & ((1 << (2 - 1)) | (1 << (15 - 1)))) != 0 )); then
	LAB_REEXEC=1 exec env --default-signal=INT,TERM "$BASH" "$0" "$@"
fi

LAB_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) || exit 99
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$LAB_HERE/common.sh" || exit 99

lab_usage() {
	echo "usage: lab.sh [-v] [--sysctl KEY=VALUE]... [--netem SPEC]" \
	    "[--peer PATH] [--offloads off|default] -- COMMAND [ARGS...]" >&2
	exit 99
}

LAB_PEER=
LAB_NETEM=
LAB_VERBOSE=0
lab_overrides=()
while [ $# -gt 0 ]; do
	case $1 in
	--sysctl)
		[ $# -ge 2 ] || lab_usage
		lab_overrides+=("$2")
		shift 2
		;;
	--sysctl=*)
		lab_overrides+=("${1#--sysctl=}")
		shift
		;;
	--peer)
		[ $# -ge 2 ] || lab_usage
		LAB_PEER=$2
		shift 2
		;;
	--netem)
		[ $# -ge 2 ] || lab_usage
		LAB_NETEM=$2
		shift 2
		;;
	--peer=*)
		LAB_PEER=${1#--peer=}
		shift
		;;
	--offloads)
		[ $# -ge 2 ] || lab_usage
		LAB_OFFLOADS=$2
		shift 2
		;;
	--offloads=*)
		LAB_OFFLOADS=${1#--offloads=}
		shift
		;;
	-v|--verbose)
		LAB_VERBOSE=1
		shift
		;;
	-h|--help)
		echo "usage: lab.sh [-v] [--sysctl KEY=VALUE]... [--netem SPEC]" \
		    "[--peer PATH] [--offloads off|default] -- COMMAND [ARGS...]"
		exit 0
		;;
	--)
		shift
		break
		;;
	*)
		lab_usage
		;;
	esac
done
[ $# -gt 0 ] || lab_usage
case ${LAB_OFFLOADS:=off} in
off|default) ;;
*) lab_usage ;;
esac

lab_require_root
# LAB_NICE (make check sets -10): the lab, tester and target, at that
# priority, ahead of CPU-bound work beside it.
if [ -n "${LAB_NICE:-}" ]; then
	renice -n "$LAB_NICE" -p $$ >/dev/null 2>&1 ||
	    lab__err "cannot renice to $LAB_NICE (ignored)"
fi
lab_traps
lab_setup "${lab_overrides[@]}"
if [ -n "$LAB_NETEM" ]; then
	# Shape what the target sends (its egress), e.g. "delay 20ms loss 1%".
	# shellcheck disable=SC2086
	lab_exec_target tc qdisc add dev "$LAB_IF_TARGET" root netem \
	    $LAB_NETEM || lab__die 99 "cannot apply netem '$LAB_NETEM'" \
	    "(does this kernel have sch_netem?)"
fi
lab_run "$@"
exit $?
