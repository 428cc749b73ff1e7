#!/usr/bin/env bash
# Price once (docs/experiments.md): an accounting comparison of two funding models runs one
# simulation per replication and prices it under both, so `compare` should cost little more
# than a run under one model.  Times, side by side and interleaved, `essim run` of SCENARIO
# under its first funding model and `essim compare` of the two, with bench/stub standing in for
# gnuplot (plots are the same work either way), REPEATS times each; prints the median CPU
# seconds of each, their ratio (target <= 1.3) and how far the replicates spread.
# Usage: bench/compare.sh [ESSIM] [REPEATS] [REPLICATIONS]  (defaults: build/essim, 3, 4)
set -euo pipefail
cd "$(dirname "$0")/.."
essim=$(realpath "${1:-build/essim}")
repeats=${2:-3}
reps=${3:-4}
scenario=scenarios/prototypes.cfg
models=model/funding/ies-performance.cfg,model/funding/eo-legacy-block.cfg
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export PATH="$PWD/bench/stub:$PATH"

cpu_of() { # NAME COMMAND...: CPU seconds (user + system) of essim, written to $tmp/NAME.cpu
  local name=$1
  shift
  /usr/bin/time -f '%U %S' -o "$tmp/t" "$essim" "$@" --replications "$reps" --jobs 1 --quiet \
    --seed 11 --out "$tmp/$name" >/dev/null
  awk '{ print $1 + $2 }' "$tmp/t" >>"$tmp/$name.cpu"
  rm -rf "${tmp:?}/$name"
}

for _ in $(seq "$repeats"); do
  cpu_of run run "$scenario"
  cpu_of compare compare "$scenario" --funding "$models"
done
median() { sort -g "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
spread() { sort -g "$1" | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.2f-%.2f", lo, hi }'; }
run=$(median "$tmp/run.cpu")
cmp=$(median "$tmp/compare.cpu")
awk -v r="$run" -v c="$cmp" -v rs="$(spread "$tmp/run.cpu")" -v cs="$(spread "$tmp/compare.cpu")" \
    -v n="$repeats" -v reps="$reps" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" 'BEGIN {
  printf "compare of 2 models / run of 1 (prototypes, %d replications, one thread, medians of %d): %.2fx (compare %.2f CPU-s [%s], run %.2f CPU-s [%s]; load %s)  (target: <= 1.3)\n", reps, n, c / r, c, cs, r, rs, load
}'
