#!/usr/bin/env bash
# Complementary suppression of the open-data tables: no hidden count can be worked out from
# the published relations (tests/disclosure_check.py solves them exactly), every small count is
# hidden, every shown count is the true one, and the suppression pattern is the same whatever
# the number of threads.  The checker's own test: the pattern of primary suppression alone (what
# essim wrote before) leaves counts that can be worked out.
# Usage: tests/disclosure.sh ESSIM   (from the repo root)
set -eu
essim=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$(pwd)

# The same scenario without suppression: the truth to check against (two folders down from a
# link to model/, as the scenario's relative paths expect).
mkdir -p "$tmp/tests/data"
ln -s "$root/model" "$tmp/model"
sed 's/suppress_small_cells = true/suppress_small_cells = false/' tests/data/disclosure.cfg \
  >"$tmp/tests/data/plain.cfg"
grep -q 'suppress_small_cells = false' "$tmp/tests/data/plain.cfg"

for scenario in tests/data/disclosure.cfg; do
  "$essim" run "$scenario" --out "$tmp/suppressed" --quiet --jobs 1
  "$essim" run "$tmp/tests/data/plain.cfg" --out "$tmp/plain" --quiet --jobs 1
  python3 tests/disclosure_check.py "$tmp/suppressed" "$tmp/plain" 10
  python3 tests/disclosure_check.py --primary-only "$tmp/suppressed" "$tmp/plain" 10
  "$essim" run "$scenario" --out "$tmp/threads" --quiet --jobs 2
  for t in site cd; do
    cmp "$tmp/suppressed/outcomes_by_$t.csv" "$tmp/threads/outcomes_by_$t.csv"
  done
done
echo "disclosure: ok"
