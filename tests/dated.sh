#!/usr/bin/env bash
# Dated values change what a run computes from their date on, and only then:
# - an outcome price that doubles on 2022-01-01 doubles exactly the payments for events from
#   that day and leaves those before unchanged, even when they are paid after it (a price is
#   taken by the date of the event that earns it);
# - a stream's job_start_prob falling on 2022-01-01 leaves every month before it as it was and
#   lowers job starts after it by far more than the noise.
# Usage: tests/dated.sh ESSIM   (from the repo root)
set -u
essim=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

peel=scenarios/peel.cfg
# Peel without its labour market (job starts then follow job_start_prob), two years from 2021
short=(--replications 1 --quiet --set scenario.horizon_days=1095 --set labour_market.enabled=false)
switch_day=365 # 2022-01-01, days from the start (2021-01-01)

# --- an outcome price doubling on a date -------------------------------------------------------
outcome() { # AMOUNT: a funding model paying it at employed_3m, 60 days after the event
  printf 'funding = { name = "outcome"; components = ( { name = "outcome_3m"; type = "outcome";\n'
  printf '  event = "employed_3m"; lag_days = 60.0; adjusted = false;\n  amount = %s; } ); };\n' "$1"
}
outcome '1000.0' >"$tmp/plain.cfg"
outcome '( { from = "2020-04-01"; value = 1000.0; }, { from = "2022-01-01"; value = 2000.0; } )' \
  >"$tmp/dated.cfg"
for m in plain dated; do
  if "$essim" run "$peel" "${short[@]}" --set "scenario.funding_model=$tmp/$m.cfg" --ledger \
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

# --- a model rate falling on a date ------------------------------------------------------------
run_rate() { # NAME [--set ...]
  local name=$1; shift
  if "$essim" run "$peel" "${short[@]}" "$@" --out "$tmp/$name" 2>"$tmp/err"; then ok
  else bad "run $name: $(head -c 300 "$tmp/err")"; fi
}
run_rate base
run_rate drop --set 'streams[A].job_start_prob=[ { from = "2021-01-01"; value = 0.97; }, { from = "2022-01-01"; value = 0.3; } ]'
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
# A is the largest stream; a fall from 0.97 to 0.3 removes well over 20 % of all job starts,
# where a year of Poisson noise on thousands of starts is a few per cent
if awk -v b="$b" -v d="$d" 'BEGIN { exit !(b > 1000 && d < 0.8 * b) }'; then ok
else bad "job starts from 2022-01 should fall by over 20 %: $b -> $d"; fi

echo "dated: $pass passed, $fail failed"
[ "$fail" = 0 ]
