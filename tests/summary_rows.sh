#!/usr/bin/env bash
# Every row of summary.csv agrees with replications.csv: the same count, mean and standard
# deviation, taken by measure and group.  The scenario has a payer that pays in some
# replications only (tests/data/rare-payer.cfg); essim once left its row out of those
# replications, so every later row of summary.csv averaged the wrong measure.
# Usage: tests/summary_rows.sh ESSIM   (from the repo root)
set -eu
essim=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$essim" run tests/data/rare-payer.cfg --out "$tmp/out" --quiet --jobs 2
python3 - "$tmp/out" <<'PY'
import csv, math, statistics, sys
folder = sys.argv[1]
values = {}
nreps = set()
for r in csv.DictReader(open(f"{folder}/replications.csv")):
    values.setdefault((r["measure"], r["group"]), []).append(float(r["value"]))
    nreps.add(r["replication"])
rows = list(csv.DictReader(open(f"{folder}/summary.csv")))
assert len(rows) == len(values), f"summary.csv has {len(rows)} rows, replications.csv {len(values)} measures"
zero_sometimes = 0
for r in rows:
    v = values[(r["measure"], r["group"])]
    assert len(v) == len(nreps) == int(r["replications"]), (r, len(v))
    mean, sd = statistics.fmean(v), statistics.stdev(v)
    tol = 1e-9 * max(1.0, abs(mean))
    assert math.isclose(float(r["mean"]), mean, rel_tol=1e-9, abs_tol=tol), (r, mean)
    assert math.isclose(float(r["sd"]), sd, rel_tol=1e-6, abs_tol=tol), (r, sd)
    zero_sometimes += 0 in v and any(v)
paid = values[("spend_by_payer_cents", "province")]
assert 0 in paid and any(paid), "the province should pay in some replications only"
print(f"summary rows: {len(rows)} rows agree with replications.csv "
      f"({zero_sometimes} measures are zero in some replications only)")
PY
