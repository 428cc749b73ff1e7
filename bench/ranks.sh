#!/usr/bin/env bash
# Replications per second with 1 and 2 MPI ranks (one thread per rank), and what merging slices
# costs: the prototype scenario, N replications (default 8), the same seed throughout.
# Usage: bench/ranks.sh [ESSIM] [N]
set -euo pipefail
cd "$(dirname "$0")/.."
essim=$(realpath "${1:-build/essim}")
n=${2:-8}
scn=scenarios/prototypes.cfg
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
secs() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.2f", n / s }'; }

one=$(secs "$essim" run "$scn" --replications "$n" --jobs 1 --out "$tmp/one" --quiet)
echo "ranks 1: $n replications in $one s, $(rate "$n" "$one") replications/s"
if "$essim" --version | grep -q "built with MPI" && command -v mpirun >/dev/null; then
  two=$(secs mpirun --allow-run-as-root --oversubscribe -n 2 "$essim" run "$scn" --replications "$n" \
    --jobs 1 --out "$tmp/two" --quiet)
  echo "ranks 2: $n replications in $two s, $(rate "$n" "$two") replications/s (speed-up $(awk -v a="$one" -v b="$two" 'BEGIN { printf "%.2f", a / b }'))"
  for f in "$tmp"/one/*.csv; do cmp -s "$f" "$tmp/two/$(basename "$f")" || echo "ranks 2: $(basename "$f") DIFFERS"; done
else
  echo "ranks 2: skipped (essim built without MPI, or no mpirun)"
fi
half=$((n / 2))
"$essim" run "$scn" --replications "$n" --jobs 1 --replication-range "1:$half" --out "$tmp/s1" --quiet
"$essim" run "$scn" --replications "$n" --jobs 1 --replication-range "$((half + 1)):$n" --out "$tmp/s2" --quiet
merge=$(secs "$essim" merge "$tmp/s1" "$tmp/s2" --out "$tmp/merged" --quiet)
echo "merge of 2 slices: $merge s ($(awk -v m="$merge" -v a="$one" 'BEGIN { printf "%.0f", 100 * m / a }') % of the serial run, which writes the same outputs)"
for f in "$tmp"/one/*.csv; do cmp -s "$f" "$tmp/merged/$(basename "$f")" || echo "merge: $(basename "$f") DIFFERS"; done
