#!/bin/bash
# run.sh - the engine benchmark: times `koban analyze` against a bare libpcap
# read loop (bench/pcap_loop.c, the physical limit) and tshark's full
# dissection on one synthetic capture (bench/gencap.c), each run under
# bench/runstat.c for wall time and peak RSS; then estimates koban's memory
# per flow from two captures that differ only in their number of flows.
# Prints the exact commands and a result table (also saved to
# build/bench/results.txt); see bench/README.md. Exit 0 when every part ran,
# 2 when koban analyze is missing or failed, 1 on a harness error.
#
# Environment: BENCH_PACKETS (2000000), BENCH_DEVICES (2000), BENCH_SEED (1),
# BENCH_REPEAT (3; best of N for pcap_loop and koban), BENCH_TSHARK=0 to skip
# tshark, BENCH_TSHARK_TIMEOUT (seconds, 3600), BENCH_MEM=0 to skip the
# memory-per-flow part, BENCH_MEM_PACKETS (= BENCH_PACKETS),
# BENCH_MEM_REMOTES (4000 cloud hosts in both memory captures), KOBAN
# (build/koban), BENCH_KOBAN_ARGS (extra args after `analyze`).
set -u
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
B=build/bench
PACKETS=${BENCH_PACKETS:-2000000}
DEVICES=${BENCH_DEVICES:-2000}
SEED=${BENCH_SEED:-1}
REPEAT=${BENCH_REPEAT:-3}
DO_TSHARK=${BENCH_TSHARK:-1}
TSHARK_TIMEOUT=${BENCH_TSHARK_TIMEOUT:-3600}
DO_MEM=${BENCH_MEM:-1}
MEM_PACKETS=${BENCH_MEM_PACKETS:-$PACKETS}
MEM_REMOTES=${BENCH_MEM_REMOTES:-4000}
KOBAN=${KOBAN:-build/koban}
read -r -a KOBAN_ARGS <<<"${BENCH_KOBAN_ARGS:-}"
export KOBAN_DATA_DIR=${KOBAN_DATA_DIR:-$ROOT/data}

die() { echo "run.sh: $*" >&2; exit 1; }
case $PACKETS$MEM_PACKETS$MEM_REMOTES$REPEAT in *[!0-9]*) die "BENCH_PACKETS, BENCH_MEM_PACKETS, BENCH_MEM_REMOTES and BENCH_REPEAT must be numbers";; esac
[ "$REPEAT" -ge 1 ] || REPEAT=1

mkdir -p "$B"
TMP=$(mktemp -d "$B/tmp.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$TMP"' EXIT

# ---------------------------------------------------------------- build
koban_note=""
rm -f "$B/make.log"
if ! make -s bench >"$TMP/make.log" 2>&1; then
	# koban itself may not build yet; the harness tools must.
	make -s "$B/gencap" "$B/pcap_loop" "$B/runstat" >>"$TMP/make.log" 2>&1 ||
		{ tail -n 30 "$TMP/make.log" >&2; die "cannot build the bench tools"; }
	koban_note="'make bench' failed (koban did not build): $(grep -m1 -iE 'error|\*\*\*' "$TMP/make.log")"
	cp "$TMP/make.log" "$B/make.log"
fi
RUNSTAT=$B/runstat

# ------------------------------------------------------------- captures
# gen FILE ARGS...: (re)generates FILE with gencap unless FILE.meta shows the
# same arguments and generator source; sets GEN_FLOWS and GEN_PACKETS.
gen() {
	local file=$1
	shift
	local want
	want="gencap $* | $(sha256sum bench/gencap.c | cut -c1-16)"
	if [ ! -s "$file" ] || [ ! -s "$file.meta" ] || [ "$(head -n 1 "$file.meta")" != "$want" ]; then
		echo "generating $file: $B/gencap $* -o $file" >&2
		rm -f "$file.meta"
		"$B/gencap" "$@" -o "$file" 2>"$TMP/gencap.err" || { cat "$TMP/gencap.err" >&2; die "gencap failed"; }
		{ echo "$want"; grep '^gencap:' "$TMP/gencap.err"; } >"$file.meta"
	fi
	GEN_FLOWS=$(sed -n 's/.* flows=\([0-9]*\).*/\1/p' "$file.meta")
	GEN_PACKETS=$(sed -n 's/.* packets=\([0-9]*\).*/\1/p' "$file.meta")
	GEN_STATS=$(sed -n 2p "$file.meta")
}

CAP=$B/bench.pcap
gen "$CAP" -n "$PACKETS" -d "$DEVICES" -s "$SEED"
CAP_PACKETS=$GEN_PACKETS
CAP_STATS=$GEN_STATS
CAP_FLOWS=$GEN_FLOWS
KOBAN_FLOWS=""

# ---------------------------------------------------------------- runs
CMDS=()
# measure NAME REPEAT TIMEOUT CMD...: runs CMD under runstat REPEAT times;
# sets R_WALL (best), R_RSS (largest, KiB), R_EXIT, R_TIMEOUT and leaves the
# last run's stdout/stderr in $TMP/NAME.out / .err.
measure() {
	local name=$1 rep=$2 tmo=$3 i line w
	shift 3
	CMDS+=("$RUNSTAT -t $tmo -- $*")
	R_WALL="" R_RSS=0 R_EXIT=0 R_TIMEOUT=0
	for ((i = 0; i < rep; i++)); do
		"$RUNSTAT" -o "$TMP/$name.stat" -t "$tmo" -- "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
		line=$(cat "$TMP/$name.stat")
		R_EXIT=$(sed -n 's/.* exit=\([0-9]*\).*/\1/p' <<<"$line")
		case $line in *timeout=1*) R_TIMEOUT=1;; esac
		w=$(sed -n 's/.* wall=\([0-9.]*\).*/\1/p' <<<"$line")
		local rss
		rss=$(sed -n 's/.* maxrss_kb=\([0-9]*\).*/\1/p' <<<"$line")
		[ "$rss" -gt "$R_RSS" ] && R_RSS=$rss
		if [ -z "$R_WALL" ] || awk -v a="$w" -v b="$R_WALL" 'BEGIN{exit !(a < b)}'; then R_WALL=$w; fi
		[ "$R_EXIT" = 0 ] || break
	done
}

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)
# Warm the page cache so every tool reads the file from memory.
"$B/pcap_loop" "$CAP" >/dev/null || die "pcap_loop cannot read $CAP"

ROWS=()   # "tool|packets|seconds|rss_kb|status"
measure pcap_loop "$REPEAT" 600 "$B/pcap_loop" "$CAP"
BARE_WALL=$R_WALL
bare_pk=$(sed -n 's/.*packets=\([0-9]*\).*/\1/p' "$TMP/pcap_loop.out")
ROWS+=("bare libpcap loop|${bare_pk:-?}|$R_WALL|$R_RSS|$([ "$R_EXIT" = 0 ] && echo ok || echo "exit $R_EXIT")")

TSHARK_WALL=""
if [ "$DO_TSHARK" = 0 ]; then
	ROWS+=("tshark -z io,phs|-|-|-|skipped (BENCH_TSHARK=0)")
elif ! command -v tshark >/dev/null; then
	ROWS+=("tshark -z io,phs|-|-|-|MISSING (tshark not installed)")
else
	echo "running tshark on $CAP_PACKETS packets (may take minutes)..." >&2
	measure tshark 1 "$TSHARK_TIMEOUT" tshark -r "$CAP" -q -z io,phs
	ts_pk=$(awk '$1 == "eth" || $1 == "frame" { sub(/frames:/, "", $2); print $2; exit }' "$TMP/tshark.out")
	if [ "$R_TIMEOUT" = 1 ]; then
		ROWS+=("tshark -z io,phs|-|$R_WALL|$R_RSS|TIMEOUT after ${TSHARK_TIMEOUT}s")
	elif [ "$R_EXIT" != 0 ]; then
		ROWS+=("tshark -z io,phs|-|$R_WALL|$R_RSS|FAILED exit $R_EXIT")
	else
		TSHARK_WALL=$R_WALL
		ROWS+=("tshark -z io,phs|${ts_pk:-?}|$R_WALL|$R_RSS|ok")
	fi
fi

KOBAN_WALL=""
koban_fail=""
# koban_flows NAME: the flow count koban printed ("N flows"), if any.
koban_flows() { grep -hoE '[0-9]+ flows' "$TMP/$1.out" "$TMP/$1.err" 2>/dev/null | head -n 1 | tr -dc 0-9; }
# run_koban NAME FILE: one analyze run (best of REPEAT) into a fresh --out dir.
run_koban() {
	local name=$1 file=$2 out
	out=$(mktemp -d "$TMP/out.XXXXXX")
	measure "$name" "$REPEAT" 3600 "$KOBAN" analyze "${KOBAN_ARGS[@]}" --out "$out" "$file"
}
if [ ! -x "$KOBAN" ]; then
	koban_fail="MISSING ($KOBAN not built${koban_note:+; $koban_note})"
	ROWS+=("koban analyze|-|-|-|MISSING (see below)")
else
	run_koban koban "$CAP"
	if [ "$R_EXIT" != 0 ]; then
		koban_fail="FAILED exit $R_EXIT: $(tail -n 1 "$TMP/koban.err")"
		ROWS+=("koban analyze|-|$R_WALL|$R_RSS|FAILED (see below)")
	else
		KOBAN_WALL=$R_WALL
		kb_pk=$(grep -hoiE '([0-9]+ packets|packets[=: ]+[0-9]+)' "$TMP/koban.out" "$TMP/koban.err" | head -n 1 | tr -dc 0-9)
		ROWS+=("koban analyze|${kb_pk:-$CAP_PACKETS}|$R_WALL|$R_RSS|ok")
		KOBAN_FLOWS=$(koban_flows koban)
		# the same run with every detector off: what the detectors cost
		printf 'detectors = none\n' >"$TMP/nodetect.conf"
		KOBAN_ARGS_SAVED=("${KOBAN_ARGS[@]}")
		KOBAN_ARGS=("${KOBAN_ARGS[@]}" --config "$TMP/nodetect.conf")
		run_koban koban_nodetect "$CAP"
		KOBAN_ARGS=("${KOBAN_ARGS_SAVED[@]}")
		if [ "$R_EXIT" = 0 ]; then
			NODETECT_WALL=$R_WALL
			ROWS+=("koban analyze, detectors off|${kb_pk:-$CAP_PACKETS}|$R_WALL|$R_RSS|ok")
		fi
	fi
fi

# ------------------------------------------------------ memory per flow
MEM_LINES=()
if [ "$DO_MEM" = 0 ]; then
	MEM_LINES+=("memory per flow: skipped (BENCH_MEM=0)")
elif [ -n "$koban_fail" ]; then
	MEM_LINES+=("memory per flow: not measured (koban analyze missing or failed)")
else
	# Same packet count, devices and remote hosts (-R); F and 2F client
	# identities (gencap -f): the flow count roughly doubles, nothing else grows.
	F1=$((MEM_PACKETS / 20))
	[ "$F1" -ge 4096 ] || F1=4096 # gencap -f must exceed its 2048 concurrent sessions
	F2=$((2 * F1))
	gen "$TMP/flows1.pcap" -n "$MEM_PACKETS" -d "$DEVICES" -R "$MEM_REMOTES" -s "$SEED" -f "$F1"
	FL1=$GEN_FLOWS GS1=${GEN_STATS#gencap: }
	gen "$TMP/flows2.pcap" -n "$MEM_PACKETS" -d "$DEVICES" -R "$MEM_REMOTES" -s "$SEED" -f "$F2"
	FL2=$GEN_FLOWS GS2=${GEN_STATS#gencap: }
	CMDS+=("$B/gencap -n $MEM_PACKETS -d $DEVICES -R $MEM_REMOTES -s $SEED -f $F1 -o $TMP/flows1.pcap   # $GS1")
	CMDS+=("$B/gencap -n $MEM_PACKETS -d $DEVICES -R $MEM_REMOTES -s $SEED -f $F2 -o $TMP/flows2.pcap   # $GS2")
	run_koban mem1 "$TMP/flows1.pcap"
	e1=$R_EXIT RSS1=$R_RSS
	run_koban mem2 "$TMP/flows2.pcap"
	e2=$R_EXIT RSS2=$R_RSS
	k1=$(koban_flows mem1) k2=$(koban_flows mem2)
	if [ "$e1" != 0 ] || [ "$e2" != 0 ]; then
		MEM_LINES+=("memory per flow: koban analyze failed (exit $e1 / $e2)")
	elif [ $((FL2 - FL1)) -lt 10000 ]; then
		MEM_LINES+=("memory per flow: not meaningful, captures differ by only $((FL2 - FL1)) flows ($FL1 vs $FL2); raise BENCH_MEM_PACKETS (>= 500000)")
	else
		MEM_LINES+=("$(awk -v r1="$RSS1" -v r2="$RSS2" -v k1="${k1:-?}" -v k2="${k2:-?}" -v f1="$FL1" -v f2="$FL2" 'BEGIN {
			per = (r2 - r1) * 1024 / (f2 - f1); base = r1 * 1024 - per * f1;
			printf "capture A: %d flows (koban counted %s), peak RSS %.1f MiB\n", f1, k1, r1 / 1024;
			printf "capture B: %d flows (koban counted %s), peak RSS %.1f MiB\n", f2, k2, r2 / 1024;
			printf "memory per flow: (RSS_B - RSS_A) / (flows_B - flows_A) = %.1f bytes/flow   [aim <= 256: %s]\n", per, (per <= 256 ? "PASS" : "FAIL");
			printf "fixed base (RSS_A - per_flow * flows_A): %.1f MiB", base / 1048576 }')")
	fi
	MEM_LINES+=("note: the flow table's budget is fixed at start-up (config key flow_memory_kb, default 65536 KiB):")
	MEM_LINES+=("      touched at start-up it sits in the fixed base, touched as slots fill it costs at most the slot")
	MEM_LINES+=("      size per flow, and past its capacity (LRU eviction) nothing; growth beyond that is other per-flow state.")
fi

# --------------------------------------------------------------- report
report() {
echo
echo "koban engine benchmark  ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs, $(uname -m), load average at start $LOAD0)"
echo "capture: $CAP  ($CAP_STATS)"
if [ -n "$koban_note" ] && [ -x "$KOBAN" ]; then
	echo "WARNING: $koban_note"
	echo "         measuring the existing $KOBAN, which may be stale (build log: $B/make.log)"
fi
echo
echo "commands (KOBAN_DATA_DIR=$KOBAN_DATA_DIR; cwd $ROOT):"
echo "  $B/gencap -n $PACKETS -d $DEVICES -s $SEED -o $CAP"
for c in "${CMDS[@]}"; do echo "  $c"; done
echo "  (pcap_loop and koban: best of $REPEAT runs, largest peak RSS; tshark: 1 run; page cache warm)"
echo
printf '%-20s %10s %9s %12s %10s  %s\n' tool packets seconds packets/s "RSS MiB" status
for row in "${ROWS[@]}"; do
	IFS='|' read -r t p s r st <<<"$row"
	awk -v t="$t" -v p="$p" -v s="$s" -v r="$r" -v st="$st" -v n="$CAP_PACKETS" 'BEGIN {
		pps = (s ~ /^[0-9.]+$/ && s > 0 && st == "ok") ? sprintf("%.0f", n / s) : "-";
		rss = (r ~ /^[0-9]+$/) ? sprintf("%.1f", r / 1024) : "-";
		printf "%-20s %10s %9s %12s %10s  %s\n", t, p, s, pps, rss, st }'
done
echo
ratio() { # label, numerator seconds, denominator seconds, aim
	if [ -n "$2" ] && [ -n "$3" ]; then
		awk -v l="$1" -v a="$2" -v b="$3" -v aim="$4" 'BEGIN {
			r = (b > 0) ? a / b : 0;
			printf "%-36s %8.3fx   [aim >= %sx: %s]\n", l, r, aim, (r >= aim ? "PASS" : "FAIL") }'
	else
		printf '%-36s %9s   [aim >= %sx]\n' "$1" "n/a" "$4"
	fi
}
[ -n "$KOBAN_FLOWS" ] && echo "koban counted $KOBAN_FLOWS flows; the capture has $CAP_FLOWS distinct 5-tuples" && echo
echo "throughput ratios (packets/s of koban over the other tool):"
ratio "  koban / bare libpcap loop" "$BARE_WALL" "$KOBAN_WALL" 0.5
ratio "  koban / tshark" "$TSHARK_WALL" "$KOBAN_WALL" 20
if [ -n "${NODETECT_WALL:-}" ] && [ -n "$KOBAN_WALL" ]; then
	awk -v on="$KOBAN_WALL" -v off="$NODETECT_WALL" 'BEGIN {
		c = (off > 0) ? (on - off) / off * 100 : 0;
		printf "  detectors cost (all on vs off)      %7.1f%%   [aim <= 25%%: %s]\n", c, (c <= 25 ? "PASS" : "FAIL") }'
fi
echo
for l in "${MEM_LINES[@]}"; do echo "$l"; done
if [ -n "$koban_fail" ]; then
	echo
	echo "koban analyze: $koban_fail"
	[ -s "$TMP/koban.err" ] && tail -n 5 "$TMP/koban.err" | sed 's/^/  | /'
	[ -s "$B/make.log" ] && [ -n "$koban_note" ] && echo "  (build log: $B/make.log)"
fi
}
report | tee "$B/results.txt"
# exit 2: the harness ran but koban analyze is missing or failed
[ -z "$koban_fail" ] || exit 2
