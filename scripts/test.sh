#!/bin/sh
# test.sh - the README's test command: install dependencies, build with gcc,
# build the sanitizer (clang ASan+UBSan) and fuzzing variants, run every test.
set -e
cd "$(dirname "$0")/.."
./scripts/deps.sh test
make -j"$(nproc)" all
make -j"$(nproc)" san
make -j"$(nproc)" fuzz
exec tests/run.sh
