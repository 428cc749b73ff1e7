#!/usr/bin/env bash
# Common random numbers: how much pairing a base run and a changed run (same seed) reduces the
# variance of their difference, for a change that touches stream A only (its 3-month retention,
# the job-loss hazard).  For each measure, the variance reduction is
#     1 - Var(changed - base) / (Var(changed) + Var(base)),
# over replications: 0 for independent runs, 1 when the pairing removes all the noise.  Stream
# A's own measures move with the change; streams B and C only feel it where they share
# something with A (caseload places, vacancies), so their reduction says how well each client
# keeps its own random numbers.
# Usage: bench/crn.sh [ESSIM] [REPLICATIONS] [SCENARIO] [MIN]
# With MIN (a fraction), exits 1 unless every client-outcome measure of streams B and C
# (employment rates at exit, 3 and 12 months, clients served) has a reduction of at least MIN:
# tests/CMakeLists.txt runs it so (test crn).
set -euo pipefail
cd "$(dirname "$0")/.."
essim=${1:-build/essim}
reps=${2:-20}
scenario=${3:-scenarios/prototypes.cfg}
min=${4:-}
change="stream A's retention_3m_prob = 0.75 (from 0.85)"

# the changed run reads a copy of model/ and scenarios/ whose model/ontario.cfg gives stream A
# (its first stream) the lower retention
work=$(mktemp -d /tmp/essim-crn-XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/tree"
cp -r model scenarios "$work/tree/"
ontario="$work/tree/model/ontario.cfg"
grep -q 'retention_3m_prob = 0.85;' "$ontario" ||
  { echo "bench/crn.sh: stream A's retention_3m_prob = 0.85 not in model/ontario.cfg" >&2; exit 1; }
sed -i '0,/retention_3m_prob = 0.85;/s//retention_3m_prob = 0.75;/' "$ontario"
"$essim" run "$scenario" --replications "$reps" --seed 777 --out "$work/base" --quiet >/dev/null
"$essim" run "$work/tree/$scenario" --replications "$reps" --seed 777 --out "$work/changed" \
  --quiet >/dev/null

echo "Common random numbers on $scenario, $reps paired replications, change: $change"
/usr/bin/python3 - "$work/base/replications.csv" "$work/changed/replications.csv" "$min" <<'EOF'
import csv, statistics, sys
minimum = float(sys.argv[3]) if sys.argv[3] else None
checked = {"employment_rate_at_exit", "employed_3m_rate", "employed_12m_rate", "clients_served"}
failed = []

def load(path):
    out = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            out.setdefault((row["measure"], row["group"]), {})[int(row["replication"])] = float(row["value"])
    return out

base, changed = load(sys.argv[1]), load(sys.argv[2])
measures = ["employment_rate_at_exit", "employed_3m_rate", "employed_12m_rate", "job_losses",
            "clients_served", "mean_wait_days", "spend_by_stream_cents"]
print(f"{'measure':28} {'group':5} {'base mean':>12} {'difference':>12} {'var. reduction':>15}")
worst = {}
for g in ["A", "B", "C"]:
    for m in measures:
        b, c = base.get((m, g)), changed.get((m, g))
        if not b or not c:
            continue
        reps = sorted(set(b) & set(c))
        if len(reps) < 3:
            continue
        x = [b[r] for r in reps]
        y = [c[r] for r in reps]
        d = [y[i] - x[i] for i in range(len(reps))]
        spread = statistics.variance(x) + statistics.variance(y)
        if spread == 0:
            continue
        vr = 1 - statistics.variance(d) / spread
        if g != "A":
            worst[g] = min(worst.get(g, 1.0), vr)
            if minimum is not None and m in checked and vr < minimum:
                failed.append(f"{m} {g}: {100 * vr:.1f}% < {100 * minimum:.0f}%")
        print(f"{m:28} {g:5} {statistics.mean(x):12.4g} {statistics.mean(d):12.4g} {100 * vr:14.1f}%")
for g, v in sorted(worst.items()):
    print(f"stream {g}: lowest variance reduction over these measures {100 * v:.1f}%")
if minimum is not None:
    checked_seen = [m for m in checked if (m, "B") in base]
    if len(checked_seen) != len(checked):
        failed.append("missing measures: " + ", ".join(sorted(checked - set(checked_seen))))
    for f in failed:
        print("FAIL " + f)
    sys.exit(1 if failed else 0)
EOF
