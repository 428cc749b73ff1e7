#!/usr/bin/env bash
# Replications across MPI ranks: mpirun -n 2 gives the CSVs of a serial run, byte for byte, for
# run (with --ledger and with --precision), compare (behavioural) and sweep.  Skipped (77) when
# essim is built without MPI or mpirun is missing.
set -u
essim=$(realpath "$1")
if ! "$essim" --version | grep -q "built with MPI" || ! command -v mpirun >/dev/null; then
  echo "mpi: skipped (essim built without MPI, or no mpirun)"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mpi=(mpirun --allow-run-as-root --oversubscribe -n 2)
pass=0
fail=0
same() { # folder A, folder B, what
  local a=$1 b=$2 what=$3 n=0
  while IFS= read -r f; do
    n=$((n + 1))
    cmp -s "$a/$f" "$b/$f" || { echo "FAIL: $what: $f differs under mpirun -n 2"; fail=$((fail + 1)); return; }
  done < <(cd "$a" && find . -name '*.csv' | sort)
  [ "$n" -gt 0 ] && pass=$((pass + 1)) || { echo "FAIL: $what: no CSV"; fail=$((fail + 1)); }
}
check() { # what, then the essim arguments (without --out)
  local what=$1
  shift
  "$essim" "$@" --out "$tmp/serial" --quiet --jobs 1 || { echo "FAIL: $what: serial run"; fail=$((fail + 1)); return; }
  "${mpi[@]}" "$essim" "$@" --out "$tmp/mpi" --quiet 2>"$tmp/err" ||
    { echo "FAIL: $what: mpirun"; cat "$tmp/err"; fail=$((fail + 1)); return; }
  same "$tmp/serial" "$tmp/mpi" "$what"
  rm -rf "$tmp/serial" "$tmp/mpi"
}
scn=scenarios/muskoka-kawarthas.cfg
check "run" run "$scn" --replications 5 --seed 11 --ledger
check "run --precision" run "$scn" --precision 0.05 --max-replications 30
check "compare --behavioural" compare "$scn" --funding model/funding/ies-thin-slice.cfg,model/funding/eo-legacy-block.cfg \
  --behavioural --replications 3
check "sweep" sweep "$scn" --param outcomes.need_effect=0.5,1.0 --replications 3
# a bad scenario: one message (from rank 0), status 2
out=$("${mpi[@]}" "$essim" run tests/bad/unknown-key-suggestion.cfg --out "$tmp/bad" 2>&1)
rc=$?
if [ "$rc" != 0 ] && [ "$(grep -c '^essim: ' <<<"$out")" = 1 ] && [ ! -e "$tmp/bad" ]; then pass=$((pass + 1)); else
  echo "FAIL: bad scenario under mpirun: status $rc, output: $out"; fail=$((fail + 1)); fi
echo "mpi: $pass passed, $fail failed"
[ "$fail" = 0 ]
