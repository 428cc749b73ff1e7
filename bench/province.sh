#!/usr/bin/env bash
# Province benchmark: one five-year replication of scenarios/province.cfg (15 catchments on the
# phased rollout, about 250,000 new clients a year once all are live) on one core.  Prints
# events per second, wall time and peak resident memory (from /usr/bin/time when present, else
# from the kernel's getrusage via bash's `times` is not enough, so it says so).
# Usage: bench/province.sh [ESSIM]   (default build/essim)
set -euo pipefail
cd "$(dirname "$0")/.."
essim=${1:-build/essim}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
run() { "$essim" run scenarios/province.cfg --replications 1 --jobs 1 --out "$out/o"; }
if [ -x /usr/bin/time ]; then
  /usr/bin/time -f 'peak_rss_kb %M wall_s %e' -o "$out/time" bash -c "$(declare -f run); essim=$essim out=$out; run" >"$out/stdout"
  read -r _ rss _ wall <"$out/time"
else
  start=$(date +%s.%N)
  run >"$out/stdout"
  wall=$(echo "$(date +%s.%N) - $start" | bc)
  rss=""
fi
events=$(sed -n 's/.* \([0-9]*\) events in \([0-9.]*\) s.*/\1 \2/p' "$out/stdout")
read -r n secs <<<"$events"
awk -v n="$n" -v s="$secs" -v wall="$wall" -v rss="$rss" 'BEGIN {
  printf "province: 1 five-year replication, %d events in %.2f s simulated (%.2f s wall with output)\n", n, s, wall
  printf "province events/s %.0f\n", n / s
  if (rss != "") printf "province peak RSS %.1f MB\n", rss / 1024
  else print "province peak RSS: /usr/bin/time not installed (apt-get install time)"
}'
