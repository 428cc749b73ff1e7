#!/usr/bin/env bash
# Changing a scenario without copying it: --set PATH=VALUE (a number, a string, a boolean, a list
# element by name) and --overlay FILE change the effective scenario as `essim diff` shows and
# change what a run computes; an overlay's errors point at its own FILE:LINE; the manifest lists
# and hashes every overlay; a scenario diffed against itself has no differences.
# Dated values change what a run computes from their date on, and only then: an outcome price
# that doubles on 2022-01-01 doubles exactly the payments for events from that day and leaves
# those before unchanged, even when paid after it (a price is taken by the date of the event
# that earns it); a stream's job_start_prob falling on 2022-01-01 leaves the months before it as
# they were and lowers job starts after it by far more than the noise.
# Usage: tests/overlay.sh ESSIM   (from the repo root)
set -u
essim=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
# the lines of model/ontario.cfg that set the keys below (the file grows; the test need not)
hours_line=$(grep -n '^  funded_hours_per_week = ' model/ontario.cfg | cut -d: -f1)
# streams A (the first) and C (the third, the largest): the line and the value of job_start_prob
job_line=$(grep -n '^    job_start_prob = ' model/ontario.cfg | sed -n 1p | cut -d: -f1)
job_a=$(grep '^    job_start_prob = ' model/ontario.cfg | sed -n 1p | sed 's/^ *job_start_prob = \([0-9.]*\);.*/\1/')
job_c=$(grep '^    job_start_prob = ' model/ontario.cfg | sed -n 3p | sed 's/^ *job_start_prob = \([0-9.]*\);.*/\1/')
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
run() { # STATUS DESCRIPTION COMMAND...: the exit status, stdout in $tmp/out, stderr in $tmp/err
  local want=$1 what=$2; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [ "$got" = "$want" ]; then ok; else bad "$what: exit $got, expected $want ($(head -c 300 "$tmp/err"))"; fi
}
has() { # DESCRIPTION FILE FIXED-TEXT
  if grep -qF -- "$3" "$2"; then ok; else bad "$1: no '$3' in $(head -c 600 "$2")"; fi
}
mean_wait() { awk -F, '$1 == "mean_wait_days" && $2 == "all" { print $4 }' "$1/summary.csv"; }

peel=scenarios/peel.cfg
mmc=tests/data/mmc.cfg
short=(--replications 1 --quiet --set scenario.horizon_days=2000 --set scenario.warmup_days=100)

# --- a scenario against itself, and usage -----------------------------------------------------
run 0 "diff A A" "$essim" diff "$peel" "$peel"
has "diff A A" "$tmp/out" "no differences"
run 2 "diff with nothing to compare" "$essim" diff "$peel"

# --- --set of every kind, as diff shows it -----------------------------------------------------
run 0 "diff --set number, string, boolean, element by name" "$essim" diff "$peel" \
  --set outcomes.funded_hours_per_week=30 --set 'scenario.name=Peel reform' \
  --set labour_market.enabled=false \
  --set 'catchments[Peel].providers[Peel Provider 1].sites[Peel].caseload_capacity=3392'
has "--set number" "$tmp/out" "outcomes.funded_hours_per_week: 20 (scenarios/../model/ontario.cfg:$hours_line) -> 30 (--set)"
has "--set string" "$tmp/out" "scenario.name: Peel (prototype) (scenarios/peel.cfg:6) -> Peel reform (--set)"
has "--set boolean" "$tmp/out" "labour_market.enabled: true (default) -> false (--set)"
has "--set element by name" "$tmp/out" \
  "catchments[Peel].providers[Peel Provider 1].sites[Peel].caseload_capacity: 6784 (scenarios/../model/catchments/peel.cfg:9) -> 3392 (--set)"

# --- --set of a dated value (a schedule in place of a number), as diff shows it ----------------
run 0 "diff --set dated value" "$essim" diff "$peel" \
  --set 'streams[A].job_start_prob=[ { from = "2021-01-01"; value = '"$job_a"'; }, { from = "2022-01-01"; value = 0.5; } ]' \
  --set 'costs.staff_per_hour=( { from = "2019-01-01"; value = 45; }, { from = "2023-04-01"; value = 47.5; } )'
has "--set dated value" "$tmp/out" \
  "streams[A].job_start_prob: $job_a (scenarios/../model/ontario.cfg:$job_line) -> from 2021-01-01: $job_a, from 2022-01-01: 0.5 (--set)"
has "--set dated value, parentheses" "$tmp/out" \
  "costs.staff_per_hour: 45 (default) -> from 2019-01-01: 45, from 2023-04-01: 47.5 (--set)"
run 0 "diff --set dated value back to a number" "$essim" diff "$peel" \
  --set 'streams[A].job_start_prob=[ { from = "2021-01-01"; value = '"$job_a"'; }, { from = "2022-01-01"; value = 0.5; } ]' \
  --set 'streams[A].job_start_prob=0.8'
has "--set dated value, then a number" "$tmp/out" \
  "streams[A].job_start_prob: $job_a (scenarios/../model/ontario.cfg:$job_line) -> 0.8 (--set)"
run 2 "--set dated value starting late" "$essim" check "$peel" \
  --set 'streams[A].job_start_prob=[ { from = "2022-01-01"; value = 0.5; } ]'
has "--set dated value starting late" "$tmp/err" "its first 'from' is later"
run 2 "--set dated value of a key that cannot be dated" "$essim" check "$peel" \
  --set 'outcomes.funded_hours_per_week=[ { from = "2021-01-01"; value = 30; } ]'
has "--set dated value of a key that cannot be dated" "$tmp/err" "cannot take dated values"
run 2 "--set dated value, not a list" "$essim" check "$peel" --set 'streams[A].job_start_prob=[ 0.5 '
has "--set dated value, not a list" "$tmp/err" "not a dated value"

# --- --set checked by the key table ------------------------------------------------------------
run 2 "--set unknown key" "$essim" check "$peel" --set outcomes.no_such_key=1
has "--set unknown key" "$tmp/err" "--set outcomes.no_such_key: no such scenario key"
run 2 "--set out of range" "$essim" check "$peel" --set outcomes.funded_hours_per_week=-1
has "--set out of range" "$tmp/err" "--set: 'outcomes.funded_hours_per_week' = -1 is out of range"
run 2 "--set not a boolean" "$essim" check "$peel" --set labour_market.enabled=maybe
has "--set not a boolean" "$tmp/err" "not a valid boolean"
run 2 "--set unknown element" "$essim" check "$peel" --set 'catchments[Nowhere].arrivals_per_day=1'
has "--set unknown element" "$tmp/err" "no element of 'catchments' is named 'Nowhere'"
run 2 "--set without =" "$essim" run "$peel" --set outcomes.funded_hours_per_week
run 2 "sweep --set" "$essim" sweep "$mmc" --param scenario.seed=1,2 --set scenario.seed=3

# --- a --set changes what a run computes -------------------------------------------------------
servers='catchments[queue].providers[servers].caseload_capacity'
run 0 "base run" "$essim" run "$mmc" "${short[@]}" --out "$tmp/base"
run 0 "run --set capacity 12" "$essim" run "$mmc" "${short[@]}" --set "$servers=12" --out "$tmp/more"
base_wait=$(mean_wait "$tmp/base")
more_wait=$(mean_wait "$tmp/more")
if awk -v a="$base_wait" -v b="$more_wait" 'BEGIN { exit !(a > 0 && b < a / 2) }'; then ok
else bad "12 servers instead of 10 should cut mean_wait_days: $base_wait -> $more_wait"; fi

# --- an overlay: its keys, its @includes, its errors, the manifest -----------------------------
mkdir -p "$tmp/ov"
printf '# more servers\nscenario = { name = "M/M/12"; };\n@include "servers.cfg"\n' >"$tmp/ov/reform.cfg"
printf 'catchments = ( { name = "queue"; arrivals_per_day = 9.0;\n  providers = ( { name = "servers"; caseload_capacity = 12; } ); } );\n' \
  >"$tmp/ov/servers.cfg"
run 0 "diff A --overlay" "$essim" diff "$mmc" --overlay "$tmp/ov/reform.cfg"
has "overlay key" "$tmp/out" "scenario.name: M/M/10 lambda=9 mu=1 ($mmc:4) -> M/M/12 ($tmp/ov/reform.cfg:2)"
has "overlay include" "$tmp/out" "caseload_capacity: 10 ($mmc:12) -> 12 ($tmp/ov/servers.cfg:2)"
run 0 "run --overlay" "$essim" run "$mmc" "${short[@]}" --overlay "$tmp/ov/reform.cfg" --out "$tmp/reform"
if cmp -s "$tmp/reform/summary.csv" "$tmp/more/summary.csv"; then ok
else bad "the overlay and the --set of the same capacity should give the same summary.csv"; fi
for f in "$tmp/ov/reform.cfg" "$tmp/ov/servers.cfg"; do
  sum=$(sha256sum "$f" | cut -d' ' -f1)
  has "manifest lists and hashes $f" "$tmp/reform/manifest.json" "{\"file\": \"$f\", \"sha256\": \"$sum\"}"
done
run 2 "--out holding an overlay" "$essim" run "$mmc" "${short[@]}" --overlay "$tmp/ov/reform.cfg" --out "$tmp/ov"
has "--out holding an overlay" "$tmp/err" "which this run reads"

printf '# a bad value\n\noutcomes = {\n  funded_hours_per_week = -3.0;\n};\n' >"$tmp/ov/bad-value.cfg"
run 2 "overlay bad value" "$essim" check "$peel" --overlay "$tmp/ov/bad-value.cfg"
has "overlay bad value at its line" "$tmp/err" "$tmp/ov/bad-value.cfg:4: 'outcomes.funded_hours_per_week' = -3 is out of range"
printf 'outcomes = {\n  funded_hours_per_week = 30.0;\n  no_such_key = 1;\n};\n' >"$tmp/ov/unknown.cfg"
run 2 "overlay unknown key" "$essim" check "$peel" --overlay "$tmp/ov/unknown.cfg"
has "overlay unknown key at its line" "$tmp/err" "$tmp/ov/unknown.cfg:3: unknown key 'outcomes.no_such_key'"
printf 'outcomes = {\n  funded_hours_per_week = ;\n};\n' >"$tmp/ov/syntax.cfg"
run 2 "overlay syntax error" "$essim" run "$peel" --overlay "$tmp/ov/syntax.cfg" --out "$tmp/never"
has "overlay syntax error at its line" "$tmp/err" "$tmp/ov/syntax.cfg:2: syntax error"
run 2 "missing overlay" "$essim" check "$peel" --overlay "$tmp/ov/none.cfg"

# --- the shipped reform, relative to the scenario's folder -------------------------------------
run 0 "diff the 30-hour reform" "$essim" diff "$peel" --overlay scenarios/overlays/thirty-hours.cfg
has "the 30-hour reform" "$tmp/out" \
  "outcomes.funded_hours_per_week: 20 (scenarios/../model/ontario.cfg:$hours_line) -> 30 (scenarios/overlays/thirty-hours.cfg:5)"
run 0 "--set over an overlay" "$essim" diff "$peel" --overlay scenarios/overlays/thirty-hours.cfg \
  --set outcomes.funded_hours_per_week=20
has "--set over an overlay" "$tmp/out" "no differences"

# Peel without its labour market (job starts then follow job_start_prob), two years from 2021
dated_run=(--replications 1 --quiet --set scenario.horizon_days=1095 --set labour_market.enabled=false)
switch_day=365 # 2022-01-01, days from the start (2021-01-01)

# --- dated values: an outcome price doubling on a date -------------------------------------------------------
outcome() { # AMOUNT: a funding model paying it at employed_3m, 60 days after the event
  printf 'funding = { name = "outcome"; components = ( { name = "outcome_3m"; type = "outcome";\n'
  printf '  event = "employed_3m"; lag_days = 60.0; adjusted = false;\n  amount = %s; } ); };\n' "$1"
}
outcome '1000.0' >"$tmp/plain.cfg"
outcome '( { from = "2020-04-01"; value = 1000.0; }, { from = "2022-01-01"; value = 2000.0; } )' \
  >"$tmp/dated.cfg"
for m in plain dated; do
  if "$essim" run "$peel" "${dated_run[@]}" --set "scenario.funding_model=$tmp/$m.cfg" --ledger \
      --out "$tmp/$m" 2>"$tmp/err"; then ok; else bad "run with the $m price: $(head -c 300 "$tmp/err")"; fi
done
# rows pair one to one (the price changes no client's path); columns: day 3, event_day 4, amount 13
if paste -d, "$tmp/plain/ledger.csv" "$tmp/dated/ledger.csv" | awk -F, -v d="$switch_day" '
    NR == 1 { next }
    $6 != "outcome_3m" { next }
    $4 != $17 || $3 != $16 { print "rows do not pair at line " NR; exit 1 }
    $4 < d && $26 != $13 { print "before: " $13 " became " $26 " at line " NR; exit 1 }
    $4 >= d && $26 != 2 * $13 { print "after: " $13 " became " $26 ", not double, at line " NR; exit 1 }
    $4 < d { before++; if ($3 >= d) paid_after++ }
    $4 >= d { after++ }
    END { if (before < 50 || after < 50 || paid_after < 1) {
            print "too few payments to tell: " before " before, " after " after, " paid_after " paid after the date for events before it"; exit 1 } }
  ' >"$tmp/why"; then ok; else bad "a price doubling on 2022-01-01: $(cat "$tmp/why")"; fi

# --- dated values: a model rate falling on a date ------------------------------------------------------------
run_rate() { # NAME [--set ...]
  local name=$1; shift
  if "$essim" run "$peel" "${dated_run[@]}" "$@" --out "$tmp/$name" 2>"$tmp/err"; then ok
  else bad "run $name: $(head -c 300 "$tmp/err")"; fi
}
run_rate base
run_rate drop --set 'streams[C].job_start_prob=[ { from = "2021-01-01"; value = '"$job_c"'; }, { from = "2022-01-01"; value = 0.3; } ]'
starts() { # DIR BEFORE|AFTER: job starts (all streams) in the months before or from 2022-01
  awk -F, -v when="$2" '$3 == "job_starts" && $4 == "all" {
      if ((when == "before") == ($2 < "2022-01")) s += $5 } END { print s + 0 }' "$1/monthly.csv"
}
# months are 30.44 days from the start: "2021-12" runs to day 365.25, past the date by a quarter
# day, so the months before it must be identical
if diff <(awk -F, '$2 < "2021-12"' "$tmp/base/monthly.csv") \
        <(awk -F, '$2 < "2021-12"' "$tmp/drop/monthly.csv") >/dev/null; then ok
else bad "job_start_prob dated from 2022-01-01 changed months before it"; fi
b=$(starts "$tmp/base" after)
d=$(starts "$tmp/drop" after)
# C is the largest stream (its clients by true need); a fall from its shipped value to 0.3
# removes well over 20 % of all job starts,
# where a year of Poisson noise on thousands of starts is a few per cent
if awk -v b="$b" -v d="$d" 'BEGIN { exit !(b > 1000 && d < 0.8 * b) }'; then ok
else bad "job starts from 2022-01 should fall by over 20 %: $b -> $d"; fi

echo "overlay: $pass passed, $fail failed"
[ "$fail" = 0 ]
