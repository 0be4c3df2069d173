# lab.sh - a small network lab built from Linux network namespaces, for bash.
#
# Source it (as root), then:
#   lab_init                          names everything with a unique prefix
#                                     (kb-<pid>-) and installs a cleanup trap
#   lab_ns_add NAME                   a namespace with lo up and IPv6 off
#   lab_bridge_add NS BR MAC [IP/LEN] a bridge inside namespace NS
#   lab_link_add NS BR PORT PEER_NS MAC [IFNAME]
#                                     a veth pair: PORT is enslaved to BR in NS,
#                                     the other end is IFNAME (eth0) in PEER_NS
#                                     with the given MAC
#   lab_veth_add NS1 IF1 NS2 IF2      a plain veth pair between two namespaces
#   lab_exec NAME CMD...              runs CMD in the namespace, in the foreground
#   lab_exec_dns NAME RESOLV CMD...   like lab_exec, with the file RESOLV bind-mounted
#                                     on /etc/resolv.conf in a private mount
#                                     namespace, so names resolve through the
#                                     lab's own DNS server and never the host's
#   lab_bg NAME LOG CMD...            runs CMD in the namespace in the background,
#                                     output to LOG; its pid is remembered
#   lab_wait_tcp NAME IP PORT [SECS]  waits until something listens there
#   lab_wait_udp NAME PORT [SECS]     waits until a UDP socket is bound to PORT
#   lab_cleanup                       kills every process in the lab's namespaces
#                                     (by pid) and deletes the namespaces
#
# Nothing is created in the host's own namespace: every veth is created inside
# a lab namespace, and processes only ever run inside lab namespaces, so
# their traffic cannot leave the lab. The cleanup runs on EXIT, INT and TERM.

LAB_PREFIX=""
LAB_NS=()
LAB_PIDS=()
LAB_TMP=""

lab_die() {
	echo "lab: $*" >&2
	exit 1
}

lab_init() {
	[ "$(id -u)" -eq 0 ] || lab_die "needs root (network namespaces)"
	command -v ip >/dev/null || lab_die "needs iproute2"
	LAB_PREFIX=${LAB_PREFIX_OVERRIDE:-kb-$$-}
	LAB_TMP=$(mktemp -d /tmp/koban-lab.XXXXXX) || lab_die "mktemp failed"
	chmod 755 "$LAB_TMP"
	trap 'lab_cleanup' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

lab_name() { echo "${LAB_PREFIX}$1"; }

lab_ns_add() {
	local ns
	ns=$(lab_name "$1")
	ip netns add "$ns" || lab_die "cannot create namespace $ns"
	LAB_NS+=("$ns")
	# Everything the lab records is IPv4: no IPv6 router solicitations,
	# MLD reports or duplicate-address probes in the capture.
	ip netns exec "$ns" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 >/dev/null
	ip -n "$ns" link set lo up
}

lab_bridge_add() { # NS BR MAC [IP/LEN]
	local ns
	ns=$(lab_name "$1")
	ip -n "$ns" link add name "$2" type bridge stp_state 0 forward_delay 0 mcast_snooping 0 ||
		lab_die "cannot create bridge $2"
	ip -n "$ns" link set "$2" address "$3"
	[ -n "${4:-}" ] && ip -n "$ns" addr add "$4" dev "$2"
	ip -n "$ns" link set "$2" up
}

# No segmentation offload on lab links: TCP sends one frame per MSS, as on a
# real wire, so captures hold no 64 KB "super-frames".
lab_wire_like() { # FULL-NS IFNAME
	ip -n "$1" link set dev "$2" gso_max_segs 1 gso_max_size 1514 2>/dev/null || true
}

lab_link_add() { # NS BR PORT PEER_NS MAC [IFNAME]
	local ns peer ifname=${6:-eth0}
	ns=$(lab_name "$1")
	peer=$(lab_name "$4")
	ip -n "$ns" link add name "$3" type veth peer name "$ifname" netns "$peer" ||
		lab_die "cannot create veth $3"
	ip -n "$peer" link set "$ifname" address "$5"
	lab_wire_like "$ns" "$3"
	lab_wire_like "$peer" "$ifname"
	ip -n "$ns" link set "$3" master "$2"
	ip -n "$ns" link set "$3" up
	ip -n "$peer" link set "$ifname" up
}

lab_veth_add() { # NS1 IF1 NS2 IF2
	local a b
	a=$(lab_name "$1")
	b=$(lab_name "$3")
	ip -n "$a" link add name "$2" type veth peer name "$4" netns "$b" ||
		lab_die "cannot create veth $2"
	lab_wire_like "$a" "$2"
	lab_wire_like "$b" "$4"
	ip -n "$a" link set "$2" up
	ip -n "$b" link set "$4" up
}

lab_exec() { # NAME CMD...
	local ns
	ns=$(lab_name "$1")
	shift
	ip netns exec "$ns" "$@"
}

lab_exec_dns() { # NAME RESOLV CMD...
	local ns resolv=$2
	ns=$(lab_name "$1")
	shift 2
	# shellcheck disable=SC2016
	ip netns exec "$ns" unshare -m --propagation private \
		sh -c 'mount --bind "$0" /etc/resolv.conf && exec "$@"' "$resolv" "$@"
}

lab_bg() { # NAME LOG CMD...
	local ns log=$2
	ns=$(lab_name "$1")
	shift 2
	ip netns exec "$ns" "$@" >"$log" 2>&1 </dev/null &
	LAB_PIDS+=($!)
	LAB_LAST_PID=$!
}

lab_wait_tcp() { # NAME IP PORT [SECS]
	local i n=$((${4:-5} * 10))
	for ((i = 0; i < n; i++)); do
		lab_exec "$1" ss -Hltn "sport = :$3" 2>/dev/null | grep -q "$2:$3" && return 0
		sleep 0.1
	done
	lab_die "nothing listens on $2:$3 in $1"
}

lab_wait_udp() { # NAME PORT [SECS]
	local i n=$((${3:-5} * 10))
	for ((i = 0; i < n; i++)); do
		lab_exec "$1" ss -Huan "sport = :$2" 2>/dev/null | grep -q . && return 0
		sleep 0.1
	done
	lab_die "no UDP socket on port $2 in $1"
}

lab_cleanup() {
	local rc=$? ns pid pids i
	trap - EXIT INT TERM
	set +e # the caller may run with -e: a process that already exited must not stop the cleanup
	# The processes we started, then anything else still running inside
	# our own namespaces (children of the daemons we started).
	for pid in "${LAB_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for ns in "${LAB_NS[@]}"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -TERM "$pid" 2>/dev/null
		done
	done
	for ((i = 0; i < 20; i++)); do
		pids=""
		for ns in "${LAB_NS[@]}"; do
			pids="$pids$(ip netns pids "$ns" 2>/dev/null)"
		done
		[ -z "$pids" ] && break
		sleep 0.1
	done
	for ns in "${LAB_NS[@]}"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null
		done
	done
	for pid in "${LAB_PIDS[@]}"; do
		wait "$pid" 2>/dev/null
	done
	for ns in "${LAB_NS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	LAB_NS=()
	LAB_PIDS=()
	if [ -n "$LAB_TMP" ] && [ -d "$LAB_TMP" ]; then
		[ -n "${LAB_KEEP_TMP:-}" ] && echo "lab: kept $LAB_TMP" >&2 || rm -rf "$LAB_TMP"
	fi
	LAB_TMP=""
	return $rc
}
