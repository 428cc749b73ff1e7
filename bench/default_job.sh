#!/usr/bin/env bash
# The default job (README: essim run scenarios/default.cfg, two funding models compared on the
# same client flows, with the report): its wall time and the shares of simulation, output and
# plots, and the speed-up of --jobs 2 over --jobs 1 beside the machine's load average.
#
# Three runs: --jobs 2 as a user runs it; --jobs 2 with bench/stub on PATH, a gnuplot that
# draws nothing (essim refuses to run without one); --jobs 1 with the stub.  Simulation is the
# manifest's wall_seconds (the replications' wall time, summed over the funding models' runs);
# output = the stub run's wall - its simulation; plots = the real run's time outside simulation
# minus the stub run's, so the three shares add up to the real run's wall time.
# Usage: bench/default_job.sh [ESSIM] [REPLICATIONS]   (default build/essim, the scenario's 10)
set -euo pipefail
cd "$(dirname "$0")/.."
essim=$(realpath "${1:-build/essim}")
reps=${2:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
args=(run scenarios/default.cfg --quiet)
[ -n "$reps" ] && args+=(--replications "$reps")

# Runs essim with the given --jobs into $tmp/NAME; prints "WALL SIMULATED EVENTS".
timed() {
  local name=$1 jobs=$2 t0 t1
  shift 2
  t0=$(date +%s.%N)
  env "$@" "$essim" "${args[@]}" --jobs "$jobs" --out "$tmp/$name"
  t1=$(date +%s.%N)
  local sim events
  sim=$(sed -n 's/.*"wall_seconds": \([0-9.]*\).*/\1/p' "$tmp/$name/manifest.json")
  events=$(awk -F, 'NR > 1 { n += $(NF - 1) } END { printf "%d", n }' "$tmp/$name/event_fingerprints.csv")
  echo "$t1 - $t0" | bc | tr '\n' ' '
  echo "$sim $events"
  rm -rf "${tmp:?}/$name"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
read -r wall2 sim2 events <<<"$(timed real2 2)"
read -r stub2 stubsim2 _ <<<"$(timed stub2 2 PATH="$PWD/bench/stub:$PATH")"
read -r stub1 stubsim1 _ <<<"$(timed stub1 1 PATH="$PWD/bench/stub:$PATH")"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

label="default job (scenarios/default.cfg${reps:+, $reps replications})"
awk -v label="$label" -v w="$wall2" -v s="$sim2" -v e="$events" -v sw="$stub2" -v ss="$stubsim2" \
    -v sw1="$stub1" -v ss1="$stubsim1" -v lb="$load_before" -v la="$load_after" -v ncores="$(nproc)" 'BEGIN {
  out = sw - ss; plots = (w - s) - out  # what the real run spent outside simulation beyond the stub run
  printf "%s --jobs 2: %.1f s wall: simulation %.1f s (%.0f %%), output %.1f s (%.0f %%), plots %.1f s (%.0f %%); %d events, %.2f M events/s simulated  (target: printed with its shares)\n", label, w, s, 100 * s / w, out, 100 * out / w, plots, 100 * plots / w, e, e / s / 1e6
  printf "default job --jobs 2 speed-up over --jobs 1: simulation %.2fx (%.1f s -> %.1f s), whole command without plots %.2fx (%.1f s -> %.1f s)  (load average %s before, %s after, on %d cores)\n", ss1 / ss, ss1, ss, sw1 / sw, sw1, sw, lb, la, ncores
}'
