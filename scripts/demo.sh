#!/bin/sh
# demo.sh - the README's first command: install dependencies, build, and run
# `koban analyze` on the capture the project ships.
set -e
cd "$(dirname "$0")/.."
./scripts/deps.sh
make -j"$(nproc)" all
build/koban analyze --out koban-out samples/lab-home.pcapng
echo "report: $PWD/koban-out/report.html"
