#!/usr/bin/env bash
# Runs each libFuzzer target for SECONDS from its seeds (fuzz/corpus/TARGET/) and what earlier
# runs found (build-fuzz/corpus/TARGET/, never committed), JOBS targets at a time (default:
# the number of cores; each target is one process, so two cores fuzz two targets at once and
# each still gets its SECONDS).  Fails when any target reports a crash, leak, timeout or
# undefined behaviour; the input that did it is saved as build-fuzz/crashes/TARGET-*, and the
# report is in build-fuzz/fuzz-TARGET.log.
# Usage: fuzz/run.sh SECONDS [TARGET...]   (build first: tools/setup fuzz; docs/testing.md)
#        ESSIM_FUZZ_JOBS=1 fuzz/run.sh 600   (one target at a time)
set -uo pipefail
cd "$(dirname "$0")/.."
usage="usage: fuzz/run.sh SECONDS [TARGET...]  (targets: scenario funding census_divisions catchments replication param slice)"
seconds=${1:?$usage}
[[ $seconds =~ ^[0-9]+$ ]] || { echo "$usage" >&2; exit 2; }
shift
targets=("$@")
((${#targets[@]})) || targets=(scenario funding census_divisions catchments replication param slice)
build=${ESSIM_FUZZ_BUILD:-build-fuzz} # another build folder: ESSIM_FUZZ_BUILD=DIR
jobs=${ESSIM_FUZZ_JOBS:-$(nproc)}
[[ $jobs =~ ^[1-9][0-9]*$ ]] || { echo "fuzz/run.sh: ESSIM_FUZZ_JOBS must be a count" >&2; exit 2; }

for t in "${targets[@]}"; do
  if [ ! -x "$build/fuzz/fuzz_$t" ] || [ ! -d "fuzz/corpus/$t" ]; then
    echo "fuzz/run.sh: no target '$t' ($build/fuzz/fuzz_$t, fuzz/corpus/$t); build with tools/setup fuzz" >&2
    exit 2
  fi
done
mkdir -p "$build/crashes"

fuzz_one() { # TARGET: runs it, leaves its exit status in $build/fuzz-TARGET.status
  local t=$1 dict=()
  case $t in
    scenario | funding | param) dict=(-dict=fuzz/libconfig.dict) ;;
    census_divisions | catchments) dict=(-dict=fuzz/csv.dict) ;;
  esac
  mkdir -p "$build/corpus/$t"
  "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 "${dict[@]}" -artifact_prefix="$build/crashes/$t-" \
    "$build/corpus/$t" "fuzz/corpus/$t" >"$build/fuzz-$t.log" 2>&1
  echo $? >"$build/fuzz-$t.status"
}

echo "== ${targets[*]}: ${seconds}s each, $jobs at a time"
running=0
for t in "${targets[@]}"; do
  if ((running >= jobs)); then
    wait -n
    running=$((running - 1))
  fi
  fuzz_one "$t" &
  running=$((running + 1))
done
wait

failed=()
for t in "${targets[@]}"; do
  log=$build/fuzz-$t.log
  status=$(cat "$build/fuzz-$t.status" 2>/dev/null || echo "none")
  # libFuzzer's last status line, and its count of runs
  echo "fuzz_$t: $(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)"
  grep -E '^Done [0-9]+ runs' "$log" | tail -1
  if [ "$status" != 0 ]; then
    echo "FAIL fuzz_$t (exit status $status); the end of $log:"
    tail -n 60 "$log"
    failed+=("$t")
  fi
done
if ((${#failed[@]})); then
  echo "fuzz/run.sh: ${failed[*]} found a problem; reproduce with $build/fuzz/fuzz_TARGET FILE"
  exit 1
fi
echo "fuzz/run.sh: no crash in ${targets[*]} (${seconds}s each)"
