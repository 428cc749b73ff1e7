#!/usr/bin/env bash
# The default job (README: essim run scenarios/default.cfg, two funding models compared on the
# same client flows, with the report): its wall time and the shares of simulation, output and
# plots, and the speed-up of --jobs 2 over --jobs 1 beside the machine's load average.
#
# Three runs: --jobs 2 as a user runs it; --jobs 2 with bench/stub on PATH, a gnuplot that
# draws nothing (essim refuses to run without one); --jobs 1 with the stub.  Simulation is the
# manifest's wall_seconds (the replications' wall time: both models are priced from one run);
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

# Runs essim with the given --jobs into $tmp/NAME; prints "WALL SIMULATED EVENTS CPU" (CPU:
# user + system seconds of essim and its gnuplots, from /usr/bin/time; 0 without it).
timed() {
  local name=$1 jobs=$2 t0 t1 timer=()
  shift 2
  [ -x /usr/bin/time ] && timer=(/usr/bin/time -f '%U %S' -o "$tmp/cpu")
  echo "0 0" >"$tmp/cpu"
  t0=$(date +%s.%N)
  env "$@" "${timer[@]}" "$essim" "${args[@]}" --jobs "$jobs" --out "$tmp/$name"
  t1=$(date +%s.%N)
  local sim events
  sim=$(sed -n 's/.*"wall_seconds": \([0-9.]*\).*/\1/p' "$tmp/$name/manifest.json")
  events=$(awk -F, 'NR > 1 { n += $(NF - 1) } END { printf "%d", n }' "$tmp/$name/event_fingerprints.csv")
  echo "$t1 - $t0" | bc | tr '\n' ' '
  echo "$sim $events $(awk '{ print $1 + $2 }' "$tmp/cpu")"
  rm -rf "${tmp:?}/$name"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
read -r wall2 sim2 events <<<"$(timed real2 2)"
read -r stub2 stubsim2 _ stubcpu2 <<<"$(timed stub2 2 PATH="$PWD/bench/stub:$PATH")"
read -r stub1 stubsim1 _ <<<"$(timed stub1 1 PATH="$PWD/bench/stub:$PATH")"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

label="default job (scenarios/default.cfg${reps:+, $reps replications})"
awk -v label="$label" -v w="$wall2" -v s="$sim2" -v e="$events" -v sw="$stub2" -v ss="$stubsim2" \
    -v sw1="$stub1" -v ss1="$stubsim1" -v lb="$load_before" -v la="$load_after" -v ncores="$(nproc)" -v cpu2="$stubcpu2" 'BEGIN {
  out = sw - ss; plots = (w - s) - out  # what the real run spent outside simulation beyond the stub run
  printf "%s --jobs 2: %.1f s wall: simulation %.1f s (%.0f %%), output %.1f s (%.0f %%), plots %.1f s (%.0f %%); %d events, %.2f M events/s simulated  (target: printed with its shares)\n", label, w, s, 100 * s / w, out, 100 * out / w, plots, 100 * plots / w, e, e / s / 1e6
  printf "default job --jobs 2 speed-up over --jobs 1: simulation %.2fx (%.1f s -> %.1f s), whole command without plots %.2fx (%.1f s -> %.1f s)  (target: printed with the load: load average %s before, %s after, on %d cores)\n", ss1 / ss, ss1, ss, sw1 / sw, sw1, sw, lb, la, ncores
  # How much of the machine the --jobs 2 run got: up to 2 cores when idle, less under load.
  if (cpu2 > 0) printf "default job --jobs 2 without plots got %.2f cores on average (%.1f CPU-s in %.1f s wall; 2 when the machine is idle), %.2f M events per CPU second\n", cpu2 / sw, cpu2, sw, e / cpu2 / 1e6
}'
