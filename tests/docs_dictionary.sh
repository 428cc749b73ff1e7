#!/usr/bin/env bash
# Every output file, column and measure essim writes must be in docs/data-dictionary.md
# (as `name`): a run, a behavioural comparison, a reform against its base, a small sweep, and
# the names they produce.
set -u
essim=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
doc=docs/data-dictionary.md
"$essim" run scenarios/muskoka-kawarthas.cfg --replications 2 --ledger --out "$tmp/run" --quiet || exit 1
"$essim" compare scenarios/muskoka-kawarthas.cfg --funding model/funding/ies-thin-slice.cfg,tests/data/funding-pays-a.cfg \
  --behavioural --replications 2 --out "$tmp/cmp" --quiet || exit 1
"$essim" compare scenarios/muskoka-kawarthas.cfg --overlay-arm scenarios/overlays/thirty-hours.cfg \
  --replications 2 --out "$tmp/arms" --quiet || exit 1
"$essim" sweep scenarios/muskoka-kawarthas.cfg --param outcomes.funded_hours_per_week=15,20 \
  --param assessment.noise_sd=0.25,0.5 --replications 2 --out "$tmp/sweep" --quiet || exit 1
names() { # every file name, column header and measure name
  (cd "$tmp" && find run cmp arms sweep -type f -name '*.csv' -printf '%f\n' | sort -u)
  for f in $(find "$tmp" -name '*.csv'); do head -1 "$f" | tr ',' '\n'; done
  awk -F, 'FNR > 1 { print $1 }' "$tmp/run/summary.csv"
  awk -F, 'FNR > 1 { print $3 }' "$tmp/run/monthly.csv"
  awk -F, 'FNR > 1 { print $2 }' "$tmp/cmp/comparison.csv"
  awk -F, 'FNR > 1 { print $3 }' "$tmp/run/kpis.csv"
  awk -F, 'FNR > 1 { print $5 }' "$tmp/sweep/sweep.csv"
}
# every other file by its path in its output folder (a model's folder counts as one); a chart
# is found by its name without the extension (`plots/NAME.png` and `.svg`)
paths() {
  for dir in run cmp arms sweep; do
    (cd "$tmp/$dir" && find . -type f ! -name '*.csv' | sed -e 's|^\./||' -e 's|^models/[^/]*/||' -e 's|^arms/[^/]*/||')
  done
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
for path in $(paths | sort -u); do
  total=$((total + 1))
  case $path in
    plots/*) want="\`${path%.*}." ;;
    *) want="\`$path\`" ;;
  esac
  if ! grep -qF "$want" "$doc"; then
    echo "FAIL: $path is not in $doc"
    missing=$((missing + 1))
  fi
done
echo "docs: $((total - missing)) passed, $missing failed"
[ "$missing" = 0 ]
