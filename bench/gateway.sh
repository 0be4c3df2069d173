#!/bin/bash
# gateway.sh - the live gateway benchmark: replays the benchmark capture
# (bench/gencap) with tcpreplay into the watched veth of a lab gateway at
# rising rates, once into `koban watch` and once into `tcpdump -w /dev/null`
# (the peer), both on the same 2 cores, in one run. For each rate: frames
# sent, captured, dropped (kernel, and for koban also frames its engine did
# not take), CPU seconds per million frames. Reports the highest rate with
# zero drops for each, and koban's detection-to-block latency (the packet
# that raises a scan event to its quarantine rule in the kernel).
#
#   bench/gateway.sh                      rates 25k 50k 100k 200k 300k 400k 800k pps, then top speed
#   BENCH_RATES="100000 200000" BENCH_SECONDS=3 bench/gateway.sh
#
# Needs root, nft, tcpreplay, tcpdump; everything runs inside network
# namespaces made here. Output also in build/bench/gateway.txt.
set -u
cd "$(dirname "$0")/.."
. tests/lab/lab.sh
KOBAN=$(realpath "${KOBAN:-build/koban}")
export KOBAN_DATA_DIR=${KOBAN_DATA_DIR:-$PWD/data}
RATES=${BENCH_RATES:-25000 50000 100000 200000 300000 400000 800000 top}
SECONDS_PER=${BENCH_SECONDS:-4}
PACKETS=${BENCH_PACKETS:-1000000}
CPUS=${BENCH_CPUS:-0,1}
B=build/bench
OUT=$B/gateway.txt

die() { echo "gateway.sh: $*" >&2; exit 1; }
for t in nft tcpreplay tcpdump taskset; do command -v $t >/dev/null || die "needs $t (scripts/deps.sh test)"; done
[ -x "$KOBAN" ] || die "no koban binary at $KOBAN (make)"
mkdir -p $B
make -s $B/gencap || die "cannot build gencap"
CAP=$B/gateway.pcap
if [ ! -s $CAP ] || [ "$(cat $CAP.meta 2>/dev/null)" != "$PACKETS" ]; then
	$B/gencap -n "$PACKETS" -o $CAP 2>/dev/null || die "gencap failed"
	echo "$PACKETS" >$CAP.meta
fi
lab_init
T=$LAB_TMP
lab_ns_add src
lab_ns_add gw
lab_veth_add src eth0 gw lan0
lab_exec gw ip link set lan0 promisc on

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
HZ=$(getconf CLK_TCK)
metric() { # NAME: the value of a koban metric
	lab_exec gw bash -c 'exec 3<>/dev/tcp/127.0.0.1/9466; printf "GET / HTTP/1.0\r\n\r\n" >&3; cat <&3' 2>/dev/null |
		awk -v m="$1" '$1 == m {print $2}'
}
ctl() { lab_exec gw "$KOBAN" ctl --socket "$T/ctl.sock" "$@"; }

cat >"$T/koban.conf" <<CONF
local_networks = 10.0.0.0/16
daemon.interfaces = lan0
daemon.state_dir = $T/state
daemon.uid = 12345
daemon.gid = 12345
daemon.buffer_mb = 32
ctl.socket = $T/ctl.sock
metrics.listen = 127.0.0.1:9466
CONF

# replay RATE: sends SECONDS_PER seconds' worth at RATE (or the whole file at
# top speed); prints the frames tcpreplay sent and the rate it achieved (pps)
replay() {
	local args n
	if [ "$1" = top ]; then
		args=(--topspeed --limit="$PACKETS")
	else
		n=$(($1 * SECONDS_PER))
		[ "$n" -gt "$PACKETS" ] && n=$PACKETS
		args=(--pps="$1" --limit="$n")
	fi
	lab_exec src tcpreplay -q -i eth0 "${args[@]}" "$CAP" 2>&1 |
		awk '/Successful packets:/ {n = $3} /Rated:/ {for (i = 1; i < NF; i++) if ($(i + 1) ~ /^pps/) r = $i}
		     END {printf "%d %d\n", n, r}'
}

run_koban() { # RATE -> "sent captured drops cpu_s achieved_pps"
	rm -rf "$T/state"
	lab_bg gw "$T/watch.log" taskset -c "$CPUS" "$KOBAN" watch --config "$T/koban.conf"
	local pid=$LAB_LAST_PID i child
	for ((i = 0; i < 100; i++)); do ctl status 2>/dev/null | grep -q '^engine: running' && break; sleep 0.1; done
	child=$(ctl status | sed -n 's/^engine: running (pid \([0-9]*\)).*/\1/p')
	P0=$(cpu_ticks $pid) E0=$(cpu_ticks $child)
	local c0=$((P0 + E0))
	local sent pps
	read -r sent pps < <(replay "$1")
	local cap prev=-1 an
	for ((i = 0; i < 100; i++)); do # until the engine has caught up
		an=$(metric koban_packets_analysed_total)
		cap=$(metric koban_packets_captured_total)
		[ "$an" = "$prev" ] && [ "$an" = "$cap" ] && break
		prev=$an
		sleep 0.3
	done
	local kd ed c1
	kd=$(metric koban_capture_drops_total)
	ed=$(metric koban_engine_down_drops_total)
	local p0=$P0 e0=$E0 p1 e1
	p1=$(cpu_ticks $pid)
	e1=$(cpu_ticks $child)
	c1=$((p1 + e1))
	kill -TERM "$pid"
	wait "$pid" 2>/dev/null
	local drops=$((sent - cap)) # never captured (the kernel's drops among them)
	[ "$drops" -lt "$kd" ] && drops=$kd
	drops=$((drops + ed))        # captured, but not taken by the engine
	echo "$sent $cap $drops $(awk -v t=$((c1 - c0)) -v hz="$HZ" 'BEGIN {printf "%.2f", t / hz}') $pps" \
		"$(awk -v p=$((p1 - p0)) -v e=$((e1 - e0)) -v hz="$HZ" -v n="$cap" \
			'BEGIN {printf "%.2f/%.2f", n ? p / hz / (n / 1e6) : 0, n ? e / hz / (n / 1e6) : 0}')"
}

run_tcpdump() { # RATE -> "sent captured drops cpu_s achieved_pps"
	lab_bg gw "$T/tcpdump.log" taskset -c "$CPUS" tcpdump -i lan0 -n -B 32768 -w /dev/null
	local pid=$LAB_LAST_PID
	sleep 1
	local c0 sent c1 pps
	c0=$(cpu_ticks $pid)
	read -r sent pps < <(replay "$1")
	sleep 1
	c1=$(cpu_ticks $pid)
	kill -INT "$pid"
	wait "$pid" 2>/dev/null
	local cap kd
	cap=$(awk '/packets captured/ {print $1}' "$T/tcpdump.log")
	kd=$(awk '/dropped by kernel/ {print $1}' "$T/tcpdump.log")
	local drops=$((sent - cap))
	[ "$drops" -lt "$kd" ] && drops=$kd
	echo "$sent $cap $drops $(awk -v t=$((c1 - c0)) -v hz="$HZ" 'BEGIN {printf "%.2f", t / hz}') $pps"
}

# Detection to block: a device on a second veth scans; koban quarantines it
# (scan.answer_wait 0.3 s: the detector waits that long for answers before
# it counts an address as unanswered, so it is part of the figure).
block_latency_lab() { # outside the pipeline below, so that the cleanup knows the namespace
	lab_ns_add bot
	lab_veth_add bot eth0 gw lan1
	lab_exec gw ip addr add 192.168.9.1/24 dev lan1
	lab_exec gw sysctl -q -w net.ipv4.ip_forward=1
	lab_exec bot ip addr add 192.168.9.20/24 dev eth0
	lab_exec bot ip route add default via 192.168.9.1
	sed -e 's/^daemon.interfaces = .*/daemon.interfaces = lan1/' -e 's/^local_networks = .*/local_networks = 192.168.9.0\/24/' \
		"$T/koban.conf" >"$T/koban-scan.conf"
	printf 'scan.answer_wait = 0.3\nscan.min_hosts = 10\nenforce.auto.scan = quarantine\nenforce.quarantine = enforce\n' \
		>>"$T/koban-scan.conf"
}

block_latency() {
	cat >"$T/scan.py" <<'PY'
import socket, time
socks = []
for i in range(1, 41):
    s = socket.socket()
    s.setblocking(False)
    try:
        s.connect(("198.18.0.%d" % i, 23))
    except BlockingIOError:
        pass
    socks.append(s)
    time.sleep(0.005)
time.sleep(2)
PY
	local trial pid i v
	for trial in 1 2 3 4 5; do
		rm -rf "$T/state"
		lab_bg gw "$T/watch-scan.log" taskset -c "$CPUS" "$KOBAN" watch --config "$T/koban-scan.conf"
		pid=$LAB_LAST_PID
		for ((i = 0; i < 100; i++)); do ctl status 2>/dev/null | grep -q '^engine: running' && break; sleep 0.1; done
		lab_exec bot ping -c 1 -W 1 192.168.9.1 >/dev/null 2>&1 || lab_exec bot busybox ping -c 1 -W 1 192.168.9.1 >/dev/null
		lab_exec bot python3 "$T/scan.py"
		v=$(metric koban_last_block_latency_seconds)
		kill -TERM "$pid"
		wait "$pid" 2>/dev/null
		awk -v v="$v" 'BEGIN {printf "%.1f\n", v * 1000}'
	done
}

block_latency_lab
{
	echo "koban gateway benchmark: $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $(uname -r)"
	echo "capture: $CAP ($PACKETS frames, bench/gencap), replayed with tcpreplay into a veth; capture on cores $CPUS"
	echo "koban: $KOBAN watch (libpcap, 32 MiB buffer, engine child sandboxed); peer: tcpdump -B 32768 -w /dev/null"
	echo
	printf '%-8s | %-53s | %-53s\n' "" "koban watch" "tcpdump -w /dev/null"
	printf '%-8s | %8s %9s %9s %8s %12s | %8s %9s %9s %8s %12s\n' target pps sent captured drops "cpu s/Mpkt" pps sent \
		captured drops "cpu s/Mpkt"
	best_k=none best_t=none split=""
	for r in $RATES; do
		read -r ks kc kd kcpu kr ksplit < <(run_koban "$r")
		split="$split $r:$ksplit"
		read -r ts tc td tcpu tr < <(run_tcpdump "$r")
		kper=$(awk -v c="$kcpu" -v n="$kc" 'BEGIN {printf "%.2f", n ? c / (n / 1e6) : 0}')
		tper=$(awk -v c="$tcpu" -v n="$tc" 'BEGIN {printf "%.2f", n ? c / (n / 1e6) : 0}')
		printf '%-8s | %8s %9s %9s %8s %12s | %8s %9s %9s %8s %12s\n' "$r" "$kr" "$ks" "$kc" "$kd" "$kper" "$tr" "$ts" \
			"$tc" "$td" "$tper"
		[ "$kd" = 0 ] && [ "$ks" -gt 0 ] && best_k="$kr pps (target $r)"
		[ "$td" = 0 ] && [ "$ts" -gt 0 ] && best_t="$tr pps (target $r)"
	done
	echo "koban CPU s/Mpkt split parent/engine:$split"
	echo
	echo "highest rate with zero drops: koban watch $best_k; tcpdump $best_t"
	echo "(target: tcpreplay --pps; top: --topspeed; pps: the rate tcpreplay achieved; drops: frames sent but not"
	echo " captured (kernel drops among them), plus for koban frames captured but not taken by the engine)"
	echo
	echo "detection to block (scan packet -> quarantine rule in the kernel), 5 trials, ms:"
	block_latency | tr '\n' ' '
	echo
} | tee "$OUT"
