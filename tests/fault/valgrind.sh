#!/usr/bin/env bash
# valgrind memcheck over a subset of the suite: the given unit-test programs, and essim's run,
# compare, sweep, check, merge and a refused input on small scenarios.  Any memory error, or a
# definite or indirect leak, fails.  (The whole suite would take hours under valgrind: the
# golden, CLI and report tests run the province.)
# Usage: tests/fault/valgrind.sh ESSIM [UNIT-TEST...]   (from the repo root)
set -u
essim=$1
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export PATH="$(cd "$(dirname "$0")" && pwd):$PATH" # the gnuplot stand-in: gnuplot is not ours
pass=0
fail=0
n=0
memcheck() { # EXPECTED-STATUS COMMAND...
  local want=$1
  shift
  n=$((n + 1))
  # somalloc=nouserintercepts: in the faults build the executable defines malloc
  # (tests/fault/alloc_fault.c); valgrind then replaces glibc's, which it calls
  valgrind --quiet --error-exitcode=99 --soname-synonyms=somalloc=nouserintercepts \
    --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
    --log-file="$tmp/valgrind-$n.log" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
  local status=$?
  if [ "$status" = "$want" ]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL (exit $status, expected $want): $*"
    head -40 "$tmp/valgrind-$n.log"
    head -c 500 "$tmp/stderr"
  fi
}

for unit in "$@"; do
  memcheck 0 "$unit"
done
small=tests/fault/small.cfg
memcheck 0 "$essim" check "$small"
memcheck 0 "$essim" run "$small" --out "$tmp/run" --ledger --quiet
memcheck 0 "$essim" run "$small" --out "$tmp/run" --jobs 2 --replications 2 --quiet
memcheck 0 "$essim" run "$small" --replications 2 --replication-range 1:1 --out "$tmp/slice1" --quiet
memcheck 0 "$essim" run "$small" --replications 2 --replication-range 2:2 --out "$tmp/slice2" --quiet
memcheck 0 "$essim" merge "$tmp/slice1" "$tmp/slice2" --out "$tmp/merged" --quiet
memcheck 0 "$essim" compare "$small" --funding model/funding/ies-performance.cfg,model/funding/eo-legacy-block.cfg \
  --out "$tmp/compare" --quiet
memcheck 0 "$essim" sweep "$small" --param outcomes.need_effect=0.25,0.5 --out "$tmp/sweep" --quiet
memcheck 2 "$essim" run tests/bad/missing-streams.cfg --out "$tmp/bad" --quiet
memcheck 1 "$essim" run "$small" --out /proc/essim-cannot-write --quiet
echo "valgrind: $pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
