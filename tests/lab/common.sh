# shellcheck shell=bash
# common.sh - the tcpconform lab: two network namespaces joined by a veth
# pair, with tcpconform-peer serving in the target one.  Sourced by lab.sh
# and by the test scripts (bash).
#
#   tcl-tester-PID  veth tctPID  198.18.0.1/24 2001:db8::1/64  02:00:c6:12:00:01
#   tcl-target-PID  veth tcgPID  198.18.0.2/24 2001:db8::2/64  02:00:c6:12:00:02
#
# PID is the pid of the shell that ran lab_setup.  pid_max is at most 2^22
# (7 digits), so interface names stay within 10 of IFNAMSIZ's 15 chars; the
# veth ends are created directly inside their namespaces, so they never
# exist in (or clash with anything in) the host namespace.  Addresses come
# from 198.18.0.0/15 (RFC 2544 benchmarking) and nothing else.
#
# Exit codes: 77 = cannot run here (skip), 99 = lab set-up error.

LAB_TESTER=198.18.0.1
LAB_TARGET=198.18.0.2
LAB_PREFIX=24
LAB_SPOOF=198.18.0.10		# owned by no interface: for run -s
LAB_TESTER6=2001:db8::1		# RFC 3849 documentation prefix
LAB_TARGET6=2001:db8::2
LAB_SPOOF6=2001:db8::10
LAB_PREFIX6=64
LAB_MAC_TESTER=02:00:c6:12:00:01	# locally administered, fixed so
LAB_MAC_TARGET=02:00:c6:12:00:02	# captures compare across runs
LAB_PEER_SERVICES="echo=7 discard=9 lazyclose=10 coa=11 roc=12 daytime=13 hc=14 ka=15 kaoff=16 hold=19"
LAB_SERVICES="echo=7,discard=9,lazyclose=10,coa=11,roc=12,daytime=13,hc=14,ka=15,kaoff=16,hold=19,closed=1" # 1: no listener

# Target TCP baseline.  TCP sysctls are per network namespace; a new one
# takes some from the host (e.g. the congestion control), so every knob a
# case's outcome depends on is pinned here.
LAB_SYSCTL_BASELINE=(
	# Host allows only reno and bbr in child namespaces; reno is the
	# textbook RFC 5681 behaviour the cases are written against.
	"net.ipv4.tcp_congestion_control=reno"
	"net.ipv4.tcp_timestamps=1"	# RFC 7323 TSopt offered/accepted
	"net.ipv4.tcp_window_scaling=1"	# RFC 7323 WSopt
	"net.ipv4.tcp_sack=1"		# RFC 2018 SACK
	"net.ipv4.tcp_dsack=1"		# RFC 2883 D-SACK
	"net.ipv4.tcp_ecn=2"		# RFC 3168: accept ECN, never ask
	"net.ipv4.tcp_syncookies=1"	# cookies only when the queue overflows
	"net.ipv4.tcp_syn_retries=6"	# active open: 6 SYN retransmissions
	"net.ipv4.tcp_synack_retries=5"	# passive open: 5 SYN-ACK retransmissions
	"net.ipv4.tcp_fin_timeout=60"	# FIN-WAIT-2 orphan lifetime, seconds
	"net.ipv4.tcp_orphan_retries=0"	# 0 = kernel default (8) for orphans
	"net.ipv4.tcp_rfc1337=0"	# RST in TIME-WAIT kills it (not RFC 1337)
	"net.ipv4.tcp_invalid_ratelimit=500" # ms between dup ACKs for junk
	"net.ipv4.tcp_early_retrans=3"	# RFC 5827 early retransmit + TLP
	"net.ipv4.tcp_keepalive_time=7200" # RFC 1122 4.2.3.6: >= 2 hours
	"net.ipv4.tcp_keepalive_intvl=75" # seconds between keepalive probes
	"net.ipv4.tcp_keepalive_probes=9" # probes before giving up
	"net.ipv4.tcp_min_snd_mss=48"	# floor for a peer-advertised MSS
	"net.ipv4.tcp_retries2=15"	# RFC 1122 R2: ~15 min of retransmits
	"net.ipv4.tcp_abort_on_overflow=0" # full accept queue: drop, not RST
	"net.ipv4.tcp_tw_reuse=2"	# TIME-WAIT reuse on loopback only
	"net.ipv4.tcp_no_metrics_save=1" # no cached RTT/ssthresh between cases
	"net.ipv4.tcp_autocorking=1"	# default; changes echo segmentation
	"net.ipv4.tcp_mtu_probing=0"	# RFC 4821 probing off: MSS stays put
	"net.ipv4.tcp_fastopen=1"	# default: TFO client only, never server
	"net.ipv4.tcp_rmem=4096 131072 6291456" # defaults; sets the SYN-ACK window
	"net.ipv4.tcp_wmem=4096 16384 4194304" # defaults; not memory-scaled
)

lab__err() {
	printf 'lab: %s\n' "$*" >&2
}

# lab__die STATUS MESSAGE: report and exit; the EXIT trap tears down.
lab__die() {
	local status=$1

	shift
	lab__err "$@"
	exit "$status"
}

lab_require_root() {
	if [ "$(id -u)" != 0 ]; then
		lab__die 77 "needs root to create network namespaces"
	fi
	if ! command -v ip >/dev/null 2>&1; then
		lab__die 77 "needs ip(8) from iproute2 to create network namespaces"
	fi
	if [ ! -e /proc/self/ns/net ]; then
		lab__die 77 "this kernel has no network namespace support"
	fi
}

# Run inside a namespace.  Test scripts running under lab.sh get the names
# from TC_NS_*; lab.sh itself from LAB_NS_*.
lab_exec_tester() {
	ip netns exec "${LAB_NS_TESTER:-$TC_NS_TESTER}" "$@"
}

lab_exec_target() {
	ip netns exec "${LAB_NS_TARGET:-$TC_NS_TARGET}" "$@"
}

# lab__alive PID: true while PID runs; a zombie child counts as gone.
lab__alive() {
	local state

	kill -0 "$1" 2>/dev/null || return 1
	state=$(sed -n 's/^[0-9]* (.*) \([A-Za-z]\).*/\1/p' \
	    "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$state" ] && [ "$state" != Z ]
}

# lab__stop PID GROUP SIGNAL: send SIGNAL (to the process group too if
# GROUP is 1), give it 1 s, then SIGKILL; reap it.
lab__stop() {
	local pid=$1 group=$2 sig=$3 i

	[ -n "$pid" ] || return 0
	if lab__alive "$pid"; then
		[ "$group" = 1 ] && kill -s "$sig" -- "-$pid" 2>/dev/null
		kill -s "$sig" "$pid" 2>/dev/null
		for ((i = 0; i < 20; i++)); do
			lab__alive "$pid" || break
			sleep 0.05
		done
		if lab__alive "$pid"; then
			[ "$group" = 1 ] && kill -s KILL -- "-$pid" 2>/dev/null
			kill -s KILL "$pid" 2>/dev/null
		fi
	fi
	wait "$pid" 2>/dev/null
	return 0
}

# lab__peer_path [PATH]: --peer, $TC_PEER, the build tree, then $PATH.
lab__peer_path() {
	local p

	for p in "$1" "$TC_PEER" "${top_builddir:-.}/src/tcpconform-peer"; do
		if [ -n "$p" ]; then
			if [ -x "$p" ] && [ -f "$p" ]; then
				readlink -f -- "$p"
				return 0
			fi
			# An explicit choice that is wrong is an error, not a hint.
			if [ "$p" = "$1" ] || [ "$p" = "$TC_PEER" ]; then
				lab__err "peer $p: not an executable file"
				return 1
			fi
		fi
	done
	if p=$(command -v tcpconform-peer); then
		printf '%s\n' "$p"
		return 0
	fi
	lab__err "tcpconform-peer not found (use --peer, TC_PEER, or build it)"
	return 1
}

# Runs inside the target namespace (via ip netns exec bash -c): apply
# "B:KEY=VALUE" (baseline: warn if missing) and "O:KEY=VALUE" (override:
# must work), then write the effective value of every key set, once, in
# order, to $1.
lab__sysctl_apply() {
	local out=$1 arg kind kv key val path got err rc=0 hint
	local -a keys=()
	local -A seen=()

	shift
	for arg in "$@"; do
		kind=${arg%%:*}
		kv=${arg#?:}
		key=${kv%%=*}
		val=${kv#*=}
		case $key in
		net.*) ;;
		*) key=net.ipv4.$key ;;
		esac
		path=/proc/sys/${key//.//}
		if [ ! -e "$path" ]; then
			if [ "$kind" = O ]; then
				echo "lab: sysctl $key: no such setting in" \
				    "this namespace" >&2
				rc=1
			else
				echo "lab: warning: sysctl $key: no such" \
				    "setting in this namespace, not pinned" >&2
			fi
			continue
		fi
		if ! err=$({ printf '%s\n' "$val" >"$path"; } 2>&1); then
			hint=
			case $key in
			*.tcp_congestion_control)
				hint=" (allowed here: $(cat \
				    /proc/sys/net/ipv4/tcp_allowed_congestion_control))"
				;;
			esac
			echo "lab: sysctl $key=$val: cannot set:" \
			    "${err##*: }$hint" >&2
			rc=1
			continue
		fi
		got=$(tr -s ' \t' '  ' <"$path")
		if [ "$got" != "$(printf '%s' "$val" | tr -s ' \t' '  ')" ]
		then
			echo "lab: sysctl $key=$val: reads back as $got" >&2
			rc=1
			continue
		fi
		if [ -z "${seen[$key]}" ]; then
			seen[$key]=1
			keys+=("$key")
		fi
	done
	for key in "${keys[@]}"; do
		printf '%s=%s\n' "$key" \
		    "$(tr -s ' \t' '  ' <"/proc/sys/${key//.//}")"
	done >"$out" || rc=1
	return $rc
}

# The state of a running lab, for "tcpconform lab down" after lab.sh was
# killed with SIGKILL (no trap runs): one file per lab, lines of
#   lab PID START	lab.sh itself: the lab is dead once this one is gone
#   dir PATH		its temporary directory
#   ns NAME		a namespace it made
#   pid PID START	a process it started (the peer, the command)
# START is the process's start time (field 22 of /proc/PID/stat), so that
# a pid used again by another process is never taken for ours.
LAB_STATE_DIR=${TCPCONFORM_STATEDIR:-/run/tcpconform}

# lab__starttime PID: field 22 of /proc/PID/stat (after the command name,
# which may hold blanks and parentheses).
lab__starttime() {
	local stat

	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	# shellcheck disable=SC2086 # split the fields
	set -- $stat
	[ $# -ge 20 ] && printf '%s\n' "${20}"
}

# lab__record KIND ARG [PID]: add a line to this lab's state file.
lab__record() {
	local start

	[ -n "$LAB_STATE" ] || return 0
	case $1 in
	lab|pid)
		start=$(lab__starttime "$2") || return 0
		printf '%s %s %s\n' "$1" "$2" "$start" >>"$LAB_STATE"
		;;
	*)
		printf '%s %s\n' "$1" "$2" >>"$LAB_STATE"
		;;
	esac
}

# lab_setup [SYSCTL-OVERRIDE...]: build the lab.  Uses LAB_PEER (path or
# empty) and LAB_VERBOSE.  Sets LAB_DIR, LAB_NS_TESTER, LAB_NS_TARGET,
# LAB_IF_TESTER, LAB_IF_TARGET, LAB_PEER_PID.  Exits 77/99 on failure;
# call lab_traps first so that a failure still tears down.
lab_setup() {
	local s=$$ ns ifc i out args=() kv

	lab_require_root
	[ "${LAB_OFFLOADS:-off}" = default ] ||
	    command -v ethtool >/dev/null 2>&1 ||
	    lab__die 99 "needs ethtool(8) to turn off veth offloads" \
		"(Debian: apt-get install ethtool)"
	LAB_PEER_BIN=$(lab__peer_path "$LAB_PEER") || exit 99

	LAB_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tcl-lab.XXXXXX") ||
	    lab__die 99 "cannot create a temporary directory"
	LAB_DIR=$(readlink -f -- "$LAB_DIR")
	# The state file first, so "lab down" finds all that follows.
	if { [ -d "$LAB_STATE_DIR" ] ||
	    mkdir -m 0700 "$LAB_STATE_DIR" 2>/dev/null; } &&
	    : >"$LAB_STATE_DIR/lab-$s.state" 2>/dev/null; then
		LAB_STATE=$LAB_STATE_DIR/lab-$s.state
	else
		lab__err "warning: cannot write $LAB_STATE_DIR/lab-$s.state:" \
		    "lab down will not find this lab if it is killed"
	fi
	lab__record lab $s
	lab__record dir "$LAB_DIR"
	LAB_NS_TESTER=tcl-tester-$s
	LAB_NS_TARGET=tcl-target-$s
	LAB_IF_TESTER=tct$s
	LAB_IF_TARGET=tcg$s
	[ ${#LAB_IF_TESTER} -le 15 ] ||
	    lab__die 99 "interface name $LAB_IF_TESTER too long"

	for ns in "$LAB_NS_TESTER" "$LAB_NS_TARGET"; do
		# Our pid, so an existing one is another pid namespace's lab
		# or a killed run's leftover: not ours to delete.
		[ -e "/run/netns/$ns" ] &&
		    lab__die 99 "namespace $ns already exists" \
			"(leftover? remove it with: ip netns del $ns)"
		if ! out=$(ip netns add "$ns" 2>&1); then
			lab__die 77 "cannot create network namespace $ns:" \
			    "$out"
		fi
		LAB__CREATED+=("$ns")
		lab__record ns "$ns"
		# No IPv4 forwarding: a new namespace inherits the host's
		# (net.core.devconf_inherit_init_net=0), and a host with
		# ip_forward=1 would make the tester route the target's
		# segments for a spoofed source back onto the link.
		ip netns exec "$ns" sh -c \
		    'echo 0 >/proc/sys/net/ipv4/conf/all/forwarding' ||
		    lab__die 99 "$ns: cannot turn IPv4 forwarding off"
		# Quiet IPv6: no DAD, no router solicitations or
		# advertisements.  The link-local address stays: without it
		# (addr_gen_mode 1) Linux adds no ff00::/8 route and ignores
		# neighbour solicitations.
		ip netns exec "$ns" sh -c '
		    [ -d /proc/sys/net/ipv6 ] || exit 0
		    for c in all default; do
			d=/proc/sys/net/ipv6/conf/$c
			echo 0 >$d/dad_transmits &&
			echo 0 >$d/router_solicitations &&
			echo 0 >$d/accept_ra && echo 0 >$d/forwarding || exit 1
		    done' ||
		    lab__die 99 "$ns: cannot configure IPv6"
		ip -n "$ns" link set lo up ||
		    lab__die 99 "$ns: cannot bring up lo"
	done

	ip link add "$LAB_IF_TESTER" netns "$LAB_NS_TESTER" \
	    address "$LAB_MAC_TESTER" type veth \
	    peer name "$LAB_IF_TARGET" netns "$LAB_NS_TARGET" \
	    address "$LAB_MAC_TARGET" ||
	    lab__die 99 "cannot create veth pair $LAB_IF_TESTER/$LAB_IF_TARGET"

	for i in tester target; do
		if [ $i = tester ]; then
			ns=$LAB_NS_TESTER ifc=$LAB_IF_TESTER
		else
			ns=$LAB_NS_TARGET ifc=$LAB_IF_TARGET
		fi
		# Offloads off on both ends: with TSO/GSO/GRO the capture shows
		# super-segments that never were on a wire, and with tx
		# checksum offload the other side captures partial checksums.
		# LAB_OFFLOADS=default keeps them, as a container's veth has
		# them: tcpconform must then judge the target all the same.
		[ "${LAB_OFFLOADS:-off}" = default ] && continue
		out=$(ip netns exec "$ns" ethtool -K "$ifc" tso off gso off \
		    gro off tx off rx off 2>&1) ||
		    lab__die 99 "ethtool -K $ifc failed: $out"
		out=$(ip netns exec "$ns" ethtool -k "$ifc" 2>&1 | grep -E \
		    -e '^(tx|rx)-checksumming: on' \
		    -e '^(tcp|generic)-segmentation-offload: on' \
		    -e '^generic-receive-offload: on')
		[ -z "$out" ] ||
		    lab__die 99 "$ifc: offloads still on: $out"
	done

	# Static neighbours: no ARP before the first SYN, and no NUD probes
	# in the middle of a case.  The spoofed sources get none: the target
	# must ask, and tcpconform -s answers.  nodad: the IPv6 addresses
	# are usable at once (RFC 4862 5.4 would hold them ~1 s).
	if ! { ip -n "$LAB_NS_TESTER" addr add "$LAB_TESTER/$LAB_PREFIX" \
	    dev "$LAB_IF_TESTER" &&
	    ip -n "$LAB_NS_TARGET" addr add "$LAB_TARGET/$LAB_PREFIX" \
	    dev "$LAB_IF_TARGET" &&
	    ip -n "$LAB_NS_TESTER" addr add "$LAB_TESTER6/$LAB_PREFIX6" \
	    dev "$LAB_IF_TESTER" nodad &&
	    ip -n "$LAB_NS_TARGET" addr add "$LAB_TARGET6/$LAB_PREFIX6" \
	    dev "$LAB_IF_TARGET" nodad &&
	    ip -n "$LAB_NS_TESTER" neigh replace "$LAB_TARGET" \
	    lladdr "$LAB_MAC_TARGET" dev "$LAB_IF_TESTER" nud permanent &&
	    ip -n "$LAB_NS_TARGET" neigh replace "$LAB_TESTER" \
	    lladdr "$LAB_MAC_TESTER" dev "$LAB_IF_TARGET" nud permanent &&
	    ip -n "$LAB_NS_TESTER" neigh replace "$LAB_TARGET6" \
	    lladdr "$LAB_MAC_TARGET" dev "$LAB_IF_TESTER" nud permanent &&
	    ip -n "$LAB_NS_TARGET" neigh replace "$LAB_TESTER6" \
	    lladdr "$LAB_MAC_TESTER" dev "$LAB_IF_TARGET" nud permanent &&
	    ip -n "$LAB_NS_TESTER" link set "$LAB_IF_TESTER" up &&
	    ip -n "$LAB_NS_TARGET" link set "$LAB_IF_TARGET" up; }; then
		lab__die 99 "cannot configure addresses on the veth pair"
	fi

	for kv in "${LAB_SYSCTL_BASELINE[@]}"; do
		args+=("B:$kv")
	done
	for kv in "$@"; do
		case $kv in
		?*=*) args+=("O:$kv") ;;
		*) lab__die 99 "--sysctl $kv: expected KEY=VALUE" ;;
		esac
	done
	ip netns exec "$LAB_NS_TARGET" bash -c \
	    "$(declare -f lab__sysctl_apply); lab__sysctl_apply \"\$@\"" \
	    lab "$LAB_DIR/sysctls" "${args[@]}" ||
	    lab__die 99 "cannot apply the target's sysctls"
	if [ "${LAB_VERBOSE:-0}" = 1 ]; then
		sed "s/^/lab: $LAB_NS_TARGET: /" "$LAB_DIR/sysctls" >&2
	fi

	lab__confine
	lab__start_peer
}

# lab__confine: the target's commands (the hook, exec steps, the peer) get
# a mount namespace of their own, kept in $LAB_DIR/mnt/ns for the lab's
# life: a private /tmp and /dev/shm, the target's own /sys, the host's
# filesystems read-only, and no CAP_SYS_ADMIN (nor module loading, raw I/O
# or reboot) to undo that.  A shared case's exec step is root in the
# target's network, not on the CI host's files (issue 9, point 3).  Not
# confined: /proc (a read-only /proc/sys with a writable /proc/sys/net
# bound on it made net.* unwritable here), so kernel.* sysctls stay
# writable, and the pid namespace and uid 0 (it can see and signal host
# processes); the lab is a test bench, not a sandbox for hostile cases.
lab__confine() {
	local m=$LAB_DIR/mnt out

	for t in unshare nsenter setpriv; do
		command -v $t >/dev/null 2>&1 ||
		    lab__die 99 "needs $t(1) (Debian: util-linux)"
	done
	# A namespace file can only be bound on a private mount.
	mkdir "$m" && mount --bind "$m" "$m" && mount --make-private "$m" &&
	    touch "$m/ns" ||
	    lab__die 99 "cannot prepare $m for the target's mount namespace"
	LAB__MNT=$m
	if ! out=$(unshare --mount="$m/ns" --propagation private sh -c '
	    set -e
	    nsenter --net="/run/netns/$1" \
		mount -t sysfs -o nosuid,nodev,noexec sysfs /sys
	    mount -t tmpfs -o mode=1777,nosuid,nodev,size=64m tcl-tmp /tmp
	    mount -t tmpfs -o mode=1777,nosuid,nodev,size=64m tcl-shm /dev/shm
	    if [ -e /proc/sysrq-trigger ]; then
		mount --bind /proc/sysrq-trigger /proc/sysrq-trigger
		mount -o remount,bind,ro /proc/sysrq-trigger
	    fi
	    set +e
	    awk "{ print \$2 }" /proc/self/mounts | sort -u |
	    while read -r mp; do
		mp=$(printf "%b" "$mp")
		case $mp in
		/proc|/proc/*|/dev|/dev/*|/tmp|/tmp/*|/sys|/sys/*) continue ;;
		/run/netns|/run/netns/*) continue ;;
		esac
		mount -o remount,bind,ro "$mp" 2>/dev/null ||
		    echo "cannot make $mp read-only"
	    done
	    touch /.tcl-rw-probe 2>/dev/null && echo "/ is still writable"
	    exit 0' lab "$LAB_NS_TARGET" 2>&1); then
		lab__die 99 "cannot confine the target: $out"
	fi
	case $out in
	*"/ is still writable"*)
		lab__die 99 "cannot confine the target: $out" ;;
	esac
	[ -z "$out" ] || [ "${LAB_VERBOSE:-0}" != 1 ] ||
	    lab__err "warning: $out"
	LAB_TARGET_CAPS="setpriv --bounding-set=-sys_admin,-sys_module,-sys_rawio,-sys_boot"
	LAB_TARGET_RUN="nsenter --mount=$m/ns --net=/run/netns/$LAB_NS_TARGET"
	LAB_TARGET_RUN="$LAB_TARGET_RUN $LAB_TARGET_CAPS"
}

# lab__unconfine: drop the target's mount namespace (after its processes).
lab__unconfine() {
	[ -n "$LAB__MNT" ] || return 0
	umount -l "$LAB__MNT/ns" 2>/dev/null
	umount -l "$LAB__MNT" 2>/dev/null
	LAB__MNT=
}

# lab__hook: write $LAB_DIR/target-exec, the hook into the target
# (TC_TARGET_EXEC).  It runs from the tester's namespace, whose mount
# namespace (ip netns exec makes one) has no copy of $LAB__MNT/ns: the
# kernel copies no mount-namespace files.  The peer lives in the target's
# namespaces, so its /proc entry leads there; but the peer may die and
# its pid go to another process, and a hook that followed the pid would
# run a case's commands in that one's namespaces (the host's, say).  So
# the hook first checks that the pid still names the target's mount and
# network namespaces.
lab__hook() {
	local mnt net h=$LAB_DIR/target-exec

	mnt=$(readlink "/proc/$LAB_PEER_PID/ns/mnt") &&
	    net=$(readlink "/proc/$LAB_PEER_PID/ns/net") ||
	    lab__die 99 "cannot read the namespaces of the peer"
	cat >"$h" <<HOOK || lab__die 99 "cannot write $h"
#!/bin/sh
# The tcpconform hook into lab target $LAB_NS_TARGET (tests/lab/common.sh):
# runs \$1 with sh -c in the namespaces of the peer, pid $LAB_PEER_PID.
p=$LAB_PEER_PID
if [ "\$(readlink /proc/\$p/ns/mnt)" != "$mnt" ] ||
    [ "\$(readlink /proc/\$p/ns/net)" != "$net" ]; then
	echo "lab: the target's namespaces are gone (tcpconform-peer," \\
	    "pid \$p, has ended)" >&2
	exit 126
fi
exec nsenter -t \$p --mount --net $LAB_TARGET_CAPS sh -c "\$1"
HOOK
	chmod 755 "$h" || lab__die 99 "cannot write $h"
	TC_TARGET_EXEC_LAB=$h
}

lab__start_peer() {
	local i svc

	# shellcheck disable=SC2086 # LAB_PEER_SERVICES is a word list
	# No -a: the services listen on IPv4 and IPv6 (the namespace holds
	# only the lab's addresses).
	$LAB_TARGET_RUN "$LAB_PEER_BIN" -v \
	    $LAB_PEER_SERVICES >"$LAB_DIR/peer.out" 2>"$LAB_DIR/peer.log" \
	    </dev/null &
	LAB_PEER_PID=$!
	lab__record pid "$LAB_PEER_PID"
	for ((i = 0; i < 100; i++)); do
		grep -qx ready "$LAB_DIR/peer.out" 2>/dev/null && break
		lab__alive "$LAB_PEER_PID" || break
		sleep 0.05
	done
	if ! grep -qx ready "$LAB_DIR/peer.out" 2>/dev/null ||
	    ! lab__alive "$LAB_PEER_PID"; then
		lab__err "tcpconform-peer did not start ($LAB_PEER_BIN):"
		sed 's/^/lab:   /' "$LAB_DIR/peer.log" >&2
		exit 99
	fi
	lab__hook
	lab__start_agent
	for svc in $LAB_PEER_SERVICES; do
		ip netns exec "$LAB_NS_TARGET" ss -Htln \
		    "sport = :${svc#*=}" | grep -q . ||
		    lab__die 99 "peer is not listening on $svc"
	done
}

# lab__start_agent: tcpconform-agent (next to the peer) in the target
# namespace, as nobody (it needs no privilege), with -k (one run after
# the other may use it), its control channel on
# $LAB_TARGET:$LAB_AGENT_PORT: TC_AGENT for run --agent.  A build without
# the agent leaves TC_AGENT empty.
LAB_AGENT_PORT=7100
lab__start_agent() {
	local bin=${LAB_PEER_BIN%/*}/tcpconform-agent i asuser=

	TC_AGENT_LAB=
	[ -x "$bin" ] || return 0
	command -v setpriv >/dev/null 2>&1 &&
	    asuser="setpriv --reuid=65534 --regid=65534 --clear-groups"
	# shellcheck disable=SC2086 # asuser is a word list
	$LAB_TARGET_RUN $asuser "$bin" -l "$LAB_TARGET:$LAB_AGENT_PORT" -k \
	    >"$LAB_DIR/agent.out" 2>"$LAB_DIR/agent.log" </dev/null &
	LAB_AGENT_PID=$!
	lab__record pid "$LAB_AGENT_PID"
	for ((i = 0; i < 100; i++)); do
		grep -q '^listening' "$LAB_DIR/agent.out" 2>/dev/null && break
		lab__alive "$LAB_AGENT_PID" || break
		sleep 0.05
	done
	grep -q '^listening' "$LAB_DIR/agent.out" 2>/dev/null ||
	    lab__die 99 "tcpconform-agent did not start: $(cat \
	    "$LAB_DIR/agent.log" 2>/dev/null)"
	TC_AGENT_LAB=$LAB_TARGET:$LAB_AGENT_PORT
}

# lab_teardown: idempotent; safe from traps and from a half-built lab.
lab_teardown() {
	local ns pid

	[ "${LAB__TORN:-0}" = 1 ] && return 0
	LAB__TORN=1
	lab__stop "$LAB_CMD_PID" 1 TERM
	lab__stop "$LAB_PEER_PID" 0 TERM
	lab__stop "$LAB_AGENT_PID" 0 TERM
	# Anything else the command started in either namespace (a process
	# left there keeps the namespace alive after ip netns del).
	for ns in "${LAB__CREATED[@]}"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -s KILL "$pid" 2>/dev/null
		done
	done
	for ns in "${LAB__CREATED[@]}"; do
		ip netns del "$ns" 2>/dev/null ||
		    lab__err "warning: cannot delete namespace $ns"
	done
	LAB__CREATED=()
	lab__unconfine
	if [ -n "$LAB_DIR" ] && [ -d "$LAB_DIR" ]; then
		rm -rf -- "$LAB_DIR"
	fi
	if [ -n "$LAB_STATE" ]; then
		rm -f -- "$LAB_STATE"
		LAB_STATE=
	fi
	return 0
}

# Signal: pass it on to the command (it may want to stop cleanly), tear
# down, exit 128+N.
lab__on_signal() {
	local sig=$1 status=$2 i

	trap '' INT TERM HUP
	if [ -n "$LAB_CMD_PID" ] && lab__alive "$LAB_CMD_PID"; then
		kill -s "$sig" -- "-$LAB_CMD_PID" 2>/dev/null
		kill -s "$sig" "$LAB_CMD_PID" 2>/dev/null
		for ((i = 0; i < 20; i++)); do
			lab__alive "$LAB_CMD_PID" || break
			sleep 0.05
		done
		# Had its second: no TERM round, the caller is waiting.
		if lab__alive "$LAB_CMD_PID"; then
			kill -s KILL -- "-$LAB_CMD_PID" 2>/dev/null
			kill -s KILL "$LAB_CMD_PID" 2>/dev/null
		fi
	fi
	lab_teardown
	exit "$status"
}

lab_traps() {
	trap 'lab_teardown' EXIT
	trap 'lab__on_signal INT 130' INT
	trap 'lab__on_signal TERM 143' TERM
	trap 'lab__on_signal HUP 129' HUP
}

# lab_run COMMAND [ARGS...]: run COMMAND in the tester namespace, in the
# background so signal traps fire at once; return its status.  setsid
# gives it a process group of its own (signals reach its children too);
# env restores SIGINT/SIGQUIT, which bash ignores in background jobs.
lab_run() {
	local status

	setsid ip netns exec "$LAB_NS_TESTER" \
	    env --default-signal=INT,QUIT \
	    TC_TARGET="$LAB_TARGET" TC_TESTER="$LAB_TESTER" \
	    TC_TARGET6="$LAB_TARGET6" TC_TESTER6="$LAB_TESTER6" \
	    TC_SPOOF="$LAB_SPOOF" TC_SPOOF6="$LAB_SPOOF6" \
	    TC_IFACE="$LAB_IF_TESTER" TC_SERVICES="$LAB_SERVICES" \
	    TC_NS_TESTER="$LAB_NS_TESTER" TC_NS_TARGET="$LAB_NS_TARGET" \
	    TC_TARGET_EXEC="$TC_TARGET_EXEC_LAB" TC_AGENT="$TC_AGENT_LAB" \
	    TC_LAB_DIR="$LAB_DIR" PATH="${LAB_PEER_BIN%/*}:$PATH" "$@" <&0 &
	LAB_CMD_PID=$!
	lab__record pid "$LAB_CMD_PID"
	wait "$LAB_CMD_PID"
	status=$?
	LAB_CMD_PID=
	return $status
}

# ---- one timing-sensitive run at a time ----------------------------------
# make -j check runs the lab tests side by side.  Most of a lab test's time
# is spent waiting on the target's timers, but the start of a suite run is
# not: 32 cases start at once, and our answers are slow while they do.
# The cases whose verdict depends on the target's RTT sample (tagged
# rtt-sensitive: the first RTO is 200 ms plus it) account for our
# slowness themselves (plus_rtt: the RTT as the capture shows it), so the
# lock is no longer what keeps them right; it still keeps two start
# bursts apart, which keeps each run's answers fast, and it serializes
# the negative twins (twins.test), whose timing margins are the tightest.
# Tests that start such a run take the timing lock first, for the start
# of the run; in its tail (long timers: TIME-WAIT, SYN-ACK schedules) the
# next one may start.
#
# The lock is one per machine, not per build tree: two make checks on one
# host disturb each other's timers just the same.
LAB_TIMING_LOCK=${LAB_TIMING_LOCK:-$LAB_STATE_DIR/timing.lock}
# How long a suite run holds it: the lab's set-up (~5 s on a loaded
# machine), the cases that run alone (~11 s), then the burst of starts
# (a few seconds): 20 s, and half as much again for a slow machine.
LAB_SUITE_HOLD=30

# lab_exclusive [SECONDS]: wait until we hold the timing lock, then keep it
# for SECONDS (none or 0: until the calling shell ends, or until
# lab_exclusive_end).  A process of its own holds it, so that nothing the
# test starts inherits it; it lets go within a second of the caller's end,
# whatever way it ends.  Without flock(1) or the lock file, runs unlocked.
lab_exclusive() {
	local secs=${1:-0} owner=$BASHPID dir

	lab_exclusive_end
	command -v flock >/dev/null 2>&1 || return 0
	{ [ -d "$LAB_STATE_DIR" ] ||
	    mkdir -m 0700 "$LAB_STATE_DIR" 2>/dev/null; } &&
	    : >>"$LAB_TIMING_LOCK" 2>/dev/null || return 0
	dir=$(mktemp -d "${TMPDIR:-/tmp}/tcl-excl.XXXXXX") || return 0
	mkfifo "$dir/tick" || { rm -rf "$dir"; return 0; }
	(
		exec 9>>"$LAB_TIMING_LOCK" 8<>"$dir/tick" || exit 1
		flock 9 || exit 1
		: >"$dir/held"
		# Microseconds; read -t on a fifo nobody writes ticks without a
		# child process (which would inherit fd 9, and the lock).
		end=$(( ${EPOCHREALTIME/./} + secs * 1000000 ))
		tick=1
		while lab__alive "$owner"; do
			if [ "$secs" -gt 0 ]; then
				left=$(( end - ${EPOCHREALTIME/./} ))
				[ $left -gt 0 ] || break
				[ $left -ge 1000000 ] ||
				    tick=0.$(printf '%06d' $left)
			fi
			read -r -t "$tick" -u 8 _
		done
	) </dev/null >/dev/null 2>&1 &
	LAB__EXCL_PID=$!
	while [ ! -e "$dir/held" ] && lab__alive "$LAB__EXCL_PID"; do
		sleep 0.1
	done
	rm -rf "$dir"
	return 0
}

# lab_exclusive_end: let go of the timing lock now.
lab_exclusive_end() {
	if [ -n "${LAB__EXCL_PID:-}" ]; then
		kill "$LAB__EXCL_PID" 2>/dev/null
		wait "$LAB__EXCL_PID" 2>/dev/null
		LAB__EXCL_PID=
	fi
	return 0
}

# ---- TAP helpers for test scripts ----------------------------------------

TAP_N=0
TAP_FAILED=0

tap_plan() {
	printf '1..%s\n' "$1"
}

# tap_skip_all REASON: for the automake TAP driver, a skipped script is
# "1..0 # SKIP" with status 0.
tap_skip_all() {
	printf '1..0 # SKIP %s\n' "$*"
	exit 0
}

tap_ok() {
	TAP_N=$((TAP_N + 1))
	printf 'ok %d - %s\n' "$TAP_N" "$1"
}

# tap_not_ok DESC [DIAG...]: each DIAG line becomes a "# " comment.
tap_not_ok() {
	local desc=$1

	shift
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	printf 'not ok %d - %s\n' "$TAP_N" "$desc"
	if [ $# -gt 0 ]; then
		printf '%s\n' "$@" | sed 's/^/# /'
	fi
}

tap_skip() {
	TAP_N=$((TAP_N + 1))
	printf 'ok %d - %s # SKIP %s\n' "$TAP_N" "$1" "${2:-}"
}

# tap_check DESC CMD...: ok if CMD exits 0; else not ok with its output.
tap_check() {
	local desc=$1 out status

	shift
	out=$("$@" 2>&1)
	status=$?
	if [ $status -eq 0 ]; then
		tap_ok "$desc"
	else
		tap_not_ok "$desc" "command: $*" "exit status: $status" "$out"
	fi
	return $status
}

# lab_case_ids DIR [KEY]: the ids of the cases under DIR, in file order;
# with KEY, only those of files that say "KEY: true" (requires: ipv4, ipv6).
lab_case_ids() {
	local files

	files=$(find "$1" -name '*.yaml' | sort)
	if [ -n "${2:-}" ]; then
		files=$(grep -lE "$2: *true" $files)
	fi
	[ -n "$files" ] && sed -n 's/^id: *//p' $files
}

# tap_case OUT ID LABEL [WHY]: one TAP point for case ID in the report OUT
# of a run: it passed; or, given WHY, it was skipped with a reason that
# contains WHY (on the line after the verdict).
tap_case() {
	local out=$1 id=$2 label=$3 why=${4:-}

	if [ -n "$why" ]; then
		if grep -A1 "^SKIP  $id " "$out" | grep -q "$why"; then
			tap_ok "${label}case $id is skipped ($why)"
		else
			tap_not_ok "${label}case $id is skipped ($why)" \
			    "$(grep "  $id " "$out")"
		fi
	elif grep -q "^PASS  $id " "$out"; then
		tap_ok "${label}case $id passes against Linux"
	else
		tap_not_ok "${label}case $id passes against Linux" \
		    "$(sed -n "\\%^[A-Z]*  $id %,\\%^[A-Z]*  [^ ]* %p" "$out")"
	fi
}
