#!/bin/bash
# run.sh - runs every test: the unit-test programs (sanitizer build), the
# shell tests (*_test.sh, against the sanitizer build of koban) and a short
# run of every fuzzer on its seed corpus. Prints each suite's result and ends
# with the total line `N passed, N failed`; exits non-zero on any failure.
set -u
cd "$(dirname "$0")/.."
SAN=${SAN_BUILD:-build/san}
export KOBAN=${KOBAN:-$PWD/$SAN/koban}
export KOBAN_DATA_DIR=$PWD/data
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
FUZZ_SECONDS=${FUZZ_SECONDS:-8}
FILTER=${1:-}
total_pass=0
total_fail=0

record() { # name, output file, exit status
	local name=$1 out=$2 rc=$3 line p f
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1)
	if [ -n "$line" ]; then
		p=${line%% passed*}
		f=${line#*, }
		f=${f%% failed*}
	else
		p=0
		f=1
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	if [ "$f" -ne 0 ]; then
		printf 'FAIL  %-44s %s\n' "$name" "${line:-exit $rc}"
		tail -n 30 "$out" | sed 's/^/      | /'
	else
		printf 'ok    %-44s %s\n' "$name" "$line"
	fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for t in $(find "$SAN/tests" -type f -name 'test_*' -perm -u+x 2>/dev/null | sort); do
	case "$t" in *"$FILTER"*) ;; *) continue ;; esac
	out=$tmp/out
	timeout 300 "$t" >"$out" 2>&1
	record "${t#"$SAN"/}" "$out" $?
done

for t in $(find tests -name '*_test.sh' | sort); do
	case "$t" in *"$FILTER"*) ;; *) continue ;; esac
	out=$tmp/out
	timeout 900 bash "$t" >"$out" 2>&1
	record "$t" "$out" $?
done

# one fuzzer: NAME -> $tmp/fuzz-NAME.out with a last line the summary understands
fuzz_one() {
	local f=$1 n corpus work out rc
	n=$(basename "$f")
	corpus=fuzz/corpus/${n#fuzz_}
	work=$tmp/corpus-$n
	out=$tmp/fuzz-$n.out
	mkdir -p "$work"
	if [ -d "$corpus" ]; then
		timeout $((FUZZ_SECONDS + 120)) "$f" -max_total_time="$FUZZ_SECONDS" -max_len=4096 \
			-timeout=10 -rss_limit_mb=2048 "$work" "$corpus" >"$out" 2>&1
		rc=$?
	else
		echo "no seed corpus at $corpus" >"$out"
		rc=1
	fi
	if [ $rc -eq 0 ]; then echo "1 passed, 0 failed" >>"$out"; fi
	echo "$rc" >"$out.rc"
}

if [ -z "$FILTER" ] || [ "$FILTER" = fuzz ]; then
	# the fuzzers run side by side, one per core
	jobs_max=$(nproc 2>/dev/null || echo 2)
	fuzzers=$(find build/fuzz/bin -type f -perm -u+x 2>/dev/null | sort)
	for f in $fuzzers; do
		while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do sleep 0.2; done
		fuzz_one "$f" &
	done
	wait
	for f in $fuzzers; do
		n=$(basename "$f")
		record "fuzz/$n (${FUZZ_SECONDS}s)" "$tmp/fuzz-$n.out" "$(cat "$tmp/fuzz-$n.out.rc" 2>/dev/null || echo 1)"
	done
fi

echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
