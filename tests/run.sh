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

if [ -z "$FILTER" ] || [ "$FILTER" = fuzz ]; then
	for f in $(find build/fuzz/bin -type f -perm -u+x 2>/dev/null | sort); do
		n=$(basename "$f")
		corpus=fuzz/corpus/${n#fuzz_}
		work=$tmp/corpus-$n
		mkdir -p "$work"
		out=$tmp/out
		if [ -d "$corpus" ]; then
			timeout $((FUZZ_SECONDS + 120)) "$f" -max_total_time="$FUZZ_SECONDS" -max_len=4096 \
				-timeout=10 -rss_limit_mb=2048 "$work" "$corpus" >"$out" 2>&1
			rc=$?
		else
			echo "no seed corpus at $corpus" >"$out"
			rc=1
		fi
		if [ $rc -eq 0 ]; then echo "1 passed, 0 failed" >>"$out"; fi
		record "fuzz/$n (${FUZZ_SECONDS}s)" "$out" $rc
	done
fi

echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
