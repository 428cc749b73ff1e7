#!/usr/bin/env bash
# Every output file, column and measure essim writes must be in docs/data-dictionary.md
# (as `name`): a run, a behavioural comparison, and the names they produce.
set -u
essim=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
doc=docs/data-dictionary.md
"$essim" run scenarios/muskoka-kawarthas.cfg --replications 2 --ledger --out "$tmp/run" --quiet || exit 1
"$essim" compare scenarios/muskoka-kawarthas.cfg --funding model/funding/ies-thin-slice.cfg,tests/data/funding-pays-a.cfg \
  --behavioural --replications 2 --out "$tmp/cmp" --quiet || exit 1
names() { # every file name, column header and measure name
  (cd "$tmp" && find run cmp -type f -name '*.csv' -printf '%f\n' | sort -u)
  for f in $(find "$tmp" -name '*.csv'); do head -1 "$f" | tr ',' '\n'; done
  awk -F, 'FNR > 1 { print $1 }' "$tmp/run/summary.csv"
  awk -F, 'FNR > 1 { print $3 }' "$tmp/run/monthly.csv"
  awk -F, 'FNR > 1 { print $2 }' "$tmp/cmp/comparison.csv"
  awk -F, 'FNR > 1 { print $3 }' "$tmp/run/kpis.csv"
}
missing=0
total=0
for name in $(names | sort -u); do
  total=$((total + 1))
  if ! grep -qF "\`$name\`" "$doc"; then
    echo "FAIL: $name is not in $doc"
    missing=$((missing + 1))
  fi
done
echo "docs: $((total - missing)) passed, $missing failed"
[ "$missing" = 0 ]
