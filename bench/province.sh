#!/usr/bin/env bash
# Province benchmark: one five-year replication of scenarios/province.cfg (15 catchments on the
# phased rollout, about 250,000 new clients a year once all are live) on one core.  Prints
# events per second and peak resident memory, each beside its target (issue 20), and the wall
# time.  Peak memory comes from /usr/bin/time (Debian's `time`); without it the script says so.
# Usage: bench/province.sh [ESSIM]   (default build/essim)
set -euo pipefail
cd "$(dirname "$0")/.."
essim=${1:-build/essim}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# gnuplot is replaced by bench/stub/gnuplot (it draws nothing), so that the CPU seconds below
# are essim's own; bench/default_job.sh measures what the plots cost.
export PATH="$PWD/bench/stub:$PATH"
run() { "$essim" run scenarios/province.cfg --replications 1 --jobs 1 --out "$out/o"; }
if [ -x /usr/bin/time ]; then
  /usr/bin/time -f 'peak_rss_kb %M wall_s %e cpu_s %U %S' -o "$out/time" bash -c "$(declare -f run); essim=$essim out=$out; run" >"$out/stdout"
  read -r _ rss _ wall _ user sys <"$out/time"
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
else
  start=$(date +%s.%N)
  run >"$out/stdout"
  wall=$(echo "$(date +%s.%N) - $start" | bc)
  rss=""
  cpu=""
fi
events=$(sed -n 's/.* \([0-9]*\) events in \([0-9.]*\) s.*/\1 \2/p' "$out/stdout")
read -r n secs <<<"$events"
awk -v n="$n" -v s="$secs" -v wall="$wall" -v rss="$rss" -v cpu="$cpu" 'BEGIN {
  printf "province: 1 five-year replication, %d events in %.2f s simulated (%.2f s wall with output, plots stubbed)\n", n, s, wall
  rate = n / s
  printf "province events/s %.2f M  (target >= 2 M on one core: %s)\n", rate / 1e6, (rate >= 2e6 ? "met" : "NOT met")
  # The simulated seconds are wall-clock: on a loaded machine they include the turns other processes
  # take on the core.  Events per CPU second of the whole command (output included) is a
  # lower bound on the one-core rate that load does not lower.
  if (cpu != "") printf "province events per CPU-second of the whole command, output included, %.2f M (a lower bound, steadier under load)\n", n / cpu / 1e6
  if (rss != "") printf "province peak RSS %.1f MiB  (target <= 128 MiB: %s)\n", rss / 1024, (rss / 1024 <= 128 ? "met" : "NOT met")
  else print "province peak RSS: /usr/bin/time not installed (apt-get install time)  (target <= 128 MiB)"
}'
