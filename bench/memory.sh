#!/usr/bin/env bash
# Memory O(1) in replications (issue 13): peak RSS of `essim run` of a short-horizon scenario
# (scenarios/muskoka-kawarthas.cfg, 90 days) with 100 and with 1,000 replications on 2 threads,
# bench/stub standing in for gnuplot; prints both, the growth per replication and their ratio
# (target: flat, <= 1.2x).  A run that may hold more than 32 replications keeps each finished one
# on disk, its whole-run values too, and tallies the summary as it reads them back
# (docs/experiments.md, "How replications are kept"), so what is left to grow is a small record
# per replication.
# Usage: bench/memory.sh [ESSIM] [SMALL] [LARGE]   (defaults: build/essim, 100, 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
essim=$(realpath "${1:-build/essim}")
small=${2:-100}
large=${3:-1000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export PATH="$PWD/bench/stub:$PATH"

rss_of() { # REPLICATIONS: peak RSS in KiB
  /usr/bin/time -f '%M' -o "$tmp/t" "$essim" run scenarios/muskoka-kawarthas.cfg \
    --set scenario.horizon_days=90 --replications "$1" --jobs 2 --seed 11 --quiet \
    --out "$tmp/out" >/dev/null
  rm -rf "${tmp:?}/out"
  cat "$tmp/t"
}

a=$(rss_of "$small")
b=$(rss_of "$large")
awk -v a="$a" -v b="$b" -v n="$small" -v m="$large" 'BEGIN {
  printf "peak RSS, muskoka-kawarthas 90 days on 2 threads: %d replications %.1f MiB, %d replications %.1f MiB, %.1f KiB per further replication: %.2fx  (target: <= 1.2)\n", n, a / 1024, m, b / 1024, (b - a) / (m - n), b / a
}'
