#!/bin/bash
# device.sh - libkoban-device figures: time to verify a signed 1 MiB image
# on this host (SHA-256 + Ed25519 through the libsodium backend, in memory
# and from a flash slot through the storage interface), code size of each
# module built with -Os -fno-pic (`size`), static RAM (data + bss), the deepest stack
# frame per module (-fstack-usage) and the RAM the caller hands in
# (struct kd_device and the work buffers). Prints a table; docs/device-library.md
# records the figures.
set -eu
cd "$(dirname "$0")/.."
CC=${CC:-gcc}
ROUNDS=${ROUNDS:-51}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

make -s device >/dev/null
echo "== verify a signed 1 MiB image ($(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))"
build/koban-device-tool bench --size 1048576 --rounds "$ROUNDS"

echo
echo "== code size, $CC -Os -fno-pic (as for firmware) ($($CC --version | head -n1))"
printf '%-14s %7s %6s %6s %10s\n' module text data bss "max stack"
core_text=0 core_static=0
for src in lib/device/src/*.c lib/device/backend/*.c; do
	m=$(basename "$src" .c)
	$CC -std=gnu11 -Os -fno-pic -ffunction-sections -fdata-sections -fstack-usage -D_GNU_SOURCE \
		-Ilib/device/include -c "$src" -o "$out/$m.o"
	read -r text data bss _ < <(size "$out/$m.o" | tail -n 1)
	stack=$(awk -F'\t' '{ if ($2 + 0 > max) max = $2 + 0 } END { print max + 0 }' "$out/$m.su")
	case $src in
	*/backend/*) kind=" (host backend)" ;;
	*/http.c) kind=" (transport helper)" ;;
	*) kind=""
		core_text=$((core_text + text))
		core_static=$((core_static + data + bss)) ;;
	esac
	printf '%-14s %7d %6d %6d %10d%s\n' "$m" "$text" "$data" "$bss" "$stack" "$kind"
done
printf '%-14s %7d %13d\n' "core total" "$core_text" "$core_static"

echo
echo "== RAM the caller provides"
cat >"$out/sizes.c" <<'C'
#include <stdio.h>
#include "koban_device.h"
int main(void)
{
	struct kd_device d;
	printf("struct kd_device        %6zu bytes (of which identity %zu, update in progress %zu)\n", sizeof d,
	       sizeof d.id, sizeof d.upd);
	printf("work buffer (boot, update finish: any size >= 64, 4096 used here), status report: 2 x %d\n",
	       KD_STATUS_MAX);
	return 0;
}
C
$CC -std=gnu11 -Ilib/device/include -o "$out/sizes" "$out/sizes.c" && "$out/sizes"
echo "Argon2id in the libsodium backend: 256 KiB while a password is hashed (kd_config.pw_mem_kib)"
