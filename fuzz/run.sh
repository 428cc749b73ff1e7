#!/usr/bin/env bash
# Runs each libFuzzer target for SECONDS, one at a time, from its seeds (fuzz/corpus/TARGET/)
# and what earlier runs found (build-fuzz/corpus/TARGET/, never committed).  Fails when any
# target reports a crash, leak, timeout or undefined behaviour; the input that did it is saved
# as build-fuzz/crashes/TARGET-*, and the report is in build-fuzz/fuzz-TARGET.log.
# Usage: fuzz/run.sh SECONDS [TARGET...]   (build first: tools/setup fuzz; docs/testing.md)
set -uo pipefail
cd "$(dirname "$0")/.."
usage="usage: fuzz/run.sh SECONDS [TARGET...]  (targets: scenario funding census_divisions catchments replication param slice)"
seconds=${1:?$usage}
[[ $seconds =~ ^[0-9]+$ ]] || { echo "$usage" >&2; exit 2; }
shift
targets=("$@")
((${#targets[@]})) || targets=(scenario funding census_divisions catchments replication param slice)
build=${ESSIM_FUZZ_BUILD:-build-fuzz} # another build folder: ESSIM_FUZZ_BUILD=DIR

failed=()
for t in "${targets[@]}"; do
  bin=$build/fuzz/fuzz_$t
  if [ ! -x "$bin" ] || [ ! -d "fuzz/corpus/$t" ]; then
    echo "fuzz/run.sh: no target '$t' ($bin, fuzz/corpus/$t); build with tools/setup fuzz" >&2
    exit 2
  fi
  case $t in
    scenario | funding | param) dict=(-dict=fuzz/libconfig.dict) ;;
    census_divisions | catchments) dict=(-dict=fuzz/csv.dict) ;;
    *) dict=() ;;
  esac
  mkdir -p "$build/corpus/$t" "$build/crashes"
  log=$build/fuzz-$t.log
  echo "== fuzz_$t for ${seconds}s"
  "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    "${dict[@]}" -artifact_prefix="$build/crashes/$t-" "$build/corpus/$t" "fuzz/corpus/$t" \
    >"$log" 2>&1
  status=$?
  # libFuzzer's last status line, and its count of runs
  grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1
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
