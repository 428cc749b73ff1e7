#!/usr/bin/env bash
# Golden fingerprints: a fixed scenario and seed give fixed CSV bytes, forever, whatever the
# number of threads.  A fingerprint changes only on purpose: rerun with UPDATE=1 and say why in
# the commit.  Cases: tests/golden/NAME.args holds "SCENARIO ARGS...", NAME.sha256 the hashes,
# NAME.summary.csv the case's summary.csv, so that a failure says which files changed and which
# measures moved, by how much (tests/golden_explain.py).
# Usage: tests/golden.sh ESSIM [NAME...]   (from the repo root; no NAME runs every case).  ctest
# runs each case as its own test, golden_NAME.
set -u
essim=$1
shift
cases=()
for name in "$@"; do
  [ -f "tests/golden/$name.args" ] || { echo "golden: no case tests/golden/$name.args"; exit 2; }
  cases+=("tests/golden/$name.args")
done
((${#cases[@]})) || cases=(tests/golden/*.args)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
for args_file in "${cases[@]}"; do
  name=$(basename "$args_file" .args)
  read -r -a args <"$args_file"
  stored="tests/golden/$name.summary.csv"
  if [ "${UPDATE:-0}" != 1 ] && [ -f "$stored" ] &&
     ! grep -qx "$(sha256sum <"$stored" | cut -d' ' -f1)  summary.csv" "tests/golden/$name.sha256"; then
    echo "FAIL $name: $stored is not the summary.csv its fingerprint names (rerun with UPDATE=1)"
    fail=$((fail + 1))
  fi
  for jobs in 1 2; do
    out="$tmp/$name-$jobs"
    if ! "$essim" run "${args[@]}" --jobs "$jobs" --out "$out" --quiet; then
      echo "FAIL $name: essim run failed"; fail=$((fail + 1)); continue
    fi
    (cd "$out" && sha256sum *.csv) >"$tmp/$name.sha256"
    if [ "${UPDATE:-0}" = 1 ]; then
      cp "$tmp/$name.sha256" "tests/golden/$name.sha256"
      cp "$out/summary.csv" "tests/golden/$name.summary.csv"
    fi
    if cmp -s "tests/golden/$name.sha256" "$tmp/$name.sha256"; then
      pass=$((pass + 1))
    else
      changed=$(diff "tests/golden/$name.sha256" "$tmp/$name.sha256" | sed -n 's/^> [0-9a-f]*  //p' | tr '\n' ' ')
      echo "FAIL $name (--jobs $jobs): fingerprint changed: ${changed:-files differ}"
      if [ -f "tests/golden/$name.summary.csv" ] && [ -f "$out/summary.csv" ]; then
        python3 tests/golden_explain.py "tests/golden/$name.summary.csv" "$out/summary.csv"
      fi
      fail=$((fail + 1))
    fi
  done
done
echo "golden: $pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
