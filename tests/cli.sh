#!/usr/bin/env bash
# The essim command as a user meets it: help and version, usage errors, the output folder,
# client and money conservation in what it writes, and that failures never touch earlier results.
# Usage: tests/cli.sh ESSIM [SECTION...]   (from the repo root; no SECTION runs them all).
# Sections: usage run folder compare sweep models warmup.  ctest runs each as its own test (cli_usage,
# cli_run, ...), so that they run side by side under ctest -j.
set -u
essim=$1
shift
sections=("$@")
((${#sections[@]})) || sections=(usage run folder compare sweep models warmup)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
expect_status() { # STATUS DESCRIPTION COMMAND...
  local want=$1 what=$2; shift 2
  "$@" >"$tmp/stdout" 2>"$tmp/stderr"
  local got=$?
  if [ "$got" = "$want" ]; then ok; else bad "$what: exit $got, expected $want ($(head -c 300 "$tmp/stderr"))"; fi
}

section_usage() {
  expect_status 0 "--help" "$essim" --help
  grep -q "usage: essim" "$tmp/stdout" && ok || bad "--help prints usage"
  # every command has its own help, with its options and an example that works
  for command in run compare sweep check diff merge reference; do
    expect_status 0 "$command --help" "$essim" "$command" --help
    grep -q "^usage: essim $command" "$tmp/stdout" && grep -q "^Example:" "$tmp/stdout" && ok || bad "$command --help: no usage or example"
    example=$(sed -n '/^Example:/{n;s/^  essim //;p}' "$tmp/stdout")
    case $command in
      check | diff | reference)
        # shellcheck disable=SC2086 # the example is words, as a user would type them
        eval "set -- $example"
        expect_status 0 "the example of $command --help" "$essim" "$@" ;;
    esac
  done
  expect_status 0 "-h after other arguments" "$essim" run scenarios/peel.cfg -h
  grep -q "^usage: essim run" "$tmp/stdout" && ok || bad "run ... -h is not run's help"
  ! grep -q -- "--funding LIST" "$tmp/stdout" && ok || bad "run's help lists compare's --funding"
  # short options for the common flags
  expect_status 0 "short options" "$essim" run scenarios/muskoka-kawarthas.cfg -r 1 -s 3 -j 1 -o "$tmp/short" -q
  [ -s "$tmp/short/summary.csv" ] && [ ! -s "$tmp/stdout" ] && ok || bad "run -r -s -j -o -q"
  expect_status 0 "compare --help" "$essim" compare --help
  grep -q -- "--overlay-arm FILE" "$tmp/stdout" && ok || bad "compare --help does not describe arms"
  expect_status 0 "--version" "$essim" --version
  head -1 "$tmp/stdout" | grep -Eq '^essim [0-9]+\.[0-9]+\.[0-9]+$' && ok || bad "--version format"
  expect_status 2 "no command" "$essim"
  expect_status 2 "unknown command" "$essim" frobnicate
  expect_status 2 "unknown option" "$essim" run scenarios/default.cfg --frob
  expect_status 2 "bad --replications" "$essim" run scenarios/default.cfg --replications 0
  expect_status 2 "bad --jobs" "$essim" run scenarios/default.cfg --jobs x
  expect_status 2 "bad --precision" "$essim" run scenarios/default.cfg --precision 5
  expect_status 2 "missing scenario" "$essim" run "$tmp/none.cfg"
  grep -qx "essim: $tmp/none.cfg: no such file" "$tmp/stderr" && ok || bad "missing scenario message"
  # a mistyped path or key gets the nearest that exists
  expect_status 2 "mistyped scenario" "$essim" check scenarios/peell.cfg
  grep -qx "essim: scenarios/peell.cfg: no such file (did you mean scenarios/peel.cfg?)" "$tmp/stderr" && ok || bad "no nearest file for a typo: $(cat "$tmp/stderr")"
  expect_status 2 "scenario without its extension" "$essim" check scenarios/peel
  grep -q "did you mean scenarios/peel.cfg?" "$tmp/stderr" && ok || bad "no nearest file without the extension"
  expect_status 2 "mistyped --set key" "$essim" check scenarios/peel.cfg --set 'catchments[Peel].providers[0].caseload_capacty=3'
  grep -q "did you mean 'catchments\[Peel\].providers\[0\].caseload_capacity'?" "$tmp/stderr" && ok || bad "no nearest key for a --set typo: $(cat "$tmp/stderr")"
  expect_status 2 "mistyped --param group" "$essim" sweep scenarios/peel.cfg --param scenaro.seed=1,2
  grep -q "did you mean 'scenario.seed'?" "$tmp/stderr" && ok || bad "no nearest key for a --param typo"
  expect_status 2 "scenario is a folder" "$essim" check scenarios
  grep -qx "essim: scenarios: is a folder, not a file" "$tmp/stderr" && ok || bad "folder scenario message"
  expect_status 0 "check default" "$essim" check scenarios/default.cfg
  # every funding model the scenario names, and singular counts for one
  grep -qF "ok (3 streams, 3 catchments, funding models Ontario IES performance-based (illustrative) and Legacy EO block funding (illustrative))" "$tmp/stdout" \
    && ok || bad "check names both funding models: $(cat "$tmp/stdout")"
  expect_status 0 "check peel" "$essim" check scenarios/peel.cfg
  grep -qF "ok (3 streams, 1 catchment, funding model Ontario IES" "$tmp/stdout" && ok || bad "check says 1 catchment: $(cat "$tmp/stdout")"
}

# The default job (a comparison of two funding models), with the full ledger, and what it must
# hold in every replication.
# (Two replications, run side by side: "every replication" is more than one, and each
# replication's full ledger is ~190 MB.)
section_run() {
  local out="$tmp/out"
  expect_status 0 "run default" "$essim" run scenarios/default.cfg --out "$out" --replications 2 --jobs 2 --ledger --quiet
  for f in summary.csv replications.csv monthly.csv ledger_summary.csv ledger.csv outcomes_by_site.csv outcomes_by_cd.csv \
           kpis.csv provider_finance.csv manifest.json report.html comparison.csv comparison_differences.csv \
           plots/flow_by_month.png plots/flow_by_month.svg plots/spend_by_component.svg \
           models/1-ontario-ies-performance-based-illustrative/summary.csv models/2-legacy-eo-block-funding-illustrative/summary.csv; do
    [ -s "$out/$f" ] && ok || bad "missing output $f"
  done
  # the ledger summary once: the top level's is the baseline's (issue 19)
  [ ! -e "$out/models/1-ontario-ies-performance-based-illustrative/ledger_summary.csv" ] && ok || bad "the baseline's ledger_summary.csv is written twice"
  [ -s "$out/models/2-legacy-eo-block-funding-illustrative/ledger_summary.csv" ] && ok || bad "the second model has no ledger_summary.csv"
  [ ! -s "$tmp/stdout" ] && ok || bad "--quiet printed something"
  [ ! -s "$tmp/stderr" ] && ok || bad "--quiet printed progress"

  # The progress line: plain lines on stderr when it is not a terminal, naming the phase and
  # what is simulated; the calendar run in steps for it changes no result.
  expect_status 0 "run with progress" "$essim" run scenarios/muskoka-kawarthas.cfg -r 2 -j 2 -o "$tmp/told"
  grep -q "^essim: simulating: 2.0 of 2 replications (100 %)$" "$tmp/stderr" && ok || bad "no progress line at the end: $(cat "$tmp/stderr")"
  grep -q "^essim: writing the output folder" "$tmp/stderr" && ok || bad "the output phase is silent"
  ! grep -q $'\r' "$tmp/stderr" && ok || bad "progress redraws a line that is not on a terminal"
  expect_status 0 "the same run, quiet" "$essim" run scenarios/muskoka-kawarthas.cfg -r 2 -j 2 -o "$tmp/untold" -q
  for f in "$tmp"/told/*.csv; do
    cmp -s "$f" "$tmp/untold/$(basename "$f")" && ok || bad "progress changed $(basename "$f")"
  done
  expect_status 0 "compare with progress" "$essim" compare scenarios/muskoka-kawarthas.cfg --funding model/funding/ies-thin-slice.cfg,model/funding/eo-legacy-block.cfg -r 1 -o "$tmp/told-cmp"
  grep -q "^essim: simulating 2 funding models, priced together: " "$tmp/stderr" && ok || bad "compare's progress does not say what it simulates"
  if command -v script >/dev/null; then # on a terminal: one line, redrawn
    script -qec "$essim run scenarios/muskoka-kawarthas.cfg -r 1 -o $tmp/tty" /dev/null >"$tmp/tty.log" 2>&1
    grep -q $'\r\\[====================\\] writing the output folder' "$tmp/tty.log" && ok || bad "no progress line redrawn on a terminal"
  fi

  # Clients are conserved in every replication: arrived = waiting + in service + exited.
  awk -F, 'NR > 1 && $3 == "all" { v[$1 "," $2] = $4; r[$1] = 1 }
    END { bad = 0; for (k in r) { a = v[k ",clients_arrived"]; s = v[k ",clients_waiting_end"] + v[k ",clients_in_service_end"] + v[k ",clients_exited"];
          if (a != s || a == 0) { print "replication " k ": arrived " a " != " s; bad = 1 } } exit bad }' "$out/replications.csv" \
    && ok || bad "client conservation"

  # Money is conserved to the cent: ledger rows = ledger summary = spend by payer = sum of components.
  awk -F, 'FNR == 1 { file++; next }
    file == 1 { ledger[$1] += $NF }
    file == 2 { summary[$1] += $NF }
    file == 3 && $2 == "spend_by_payer_cents" { total[$1] += $4 }
    file == 3 && $2 == "spend_cents" { comp[$1] += $4 }
    END { bad = 0; n = 0
          for (r in total) { n++
            if (ledger[r] != total[r] || summary[r] != total[r] || comp[r] != total[r]) {
              print "replication " r ": ledger " ledger[r] " summary " summary[r] " total " total[r] " components " comp[r]; bad = 1 } }
          if (n == 0 || total[1] <= 0) { print "no spending found"; bad = 1 }
          exit bad }' "$out/ledger.csv" "$out/ledger_summary.csv" "$out/replications.csv" \
    && ok || bad "money conservation"

  # A payment is never dated before the event that earned it.
  awk -F, 'NR > 1 && $3 < $4 { print "payment before its event: " $0; exit 1 }' "$out/ledger.csv" && ok || bad "payment dates"

  # --warmup auto: chosen and recorded on a stationary scenario; refused (exit 2, saying why)
  # for one whose inputs change with the date, and for anything but 'auto'.
  expect_status 0 "--warmup auto" "$essim" run tests/data/mm1-backlog.cfg --warmup auto --replications 3 --out "$tmp/wu"
  grep -q 'warm-up [0-9]* days, chosen by MSER-5' "$tmp/stdout" && ok || bad "--warmup auto printed no warm-up"
  grep -q '"warmup": {"days": [1-9][0-9]*, "chosen_by": "MSER-5' "$tmp/wu/manifest.json" && ok || bad "manifest.json has no chosen warm-up"
  expect_status 2 "--warmup auto on a dated scenario" "$essim" run scenarios/recession.cfg --warmup auto --out "$tmp/wu-dated"
  grep -q 'scenarios/recession.cfg: --warmup auto needs inputs that do not change with the date' "$tmp/stderr" \
    && ok || bad "dated scenario: $(cat "$tmp/stderr")"
  [ ! -e "$tmp/wu-dated/summary.csv" ] && ok || bad "a refused --warmup auto wrote results"
  expect_status 2 "--warmup auto with a dated value" "$essim" run tests/data/mm1-backlog.cfg --warmup auto -r 2 --out "$tmp/wu-dated-key" \
    --set 'streams[M].job_start_prob=( { from = "2021-01-01"; value = 1.0; } )'
  grep -q 'it has 1 scenario key given as dated values' "$tmp/stderr" && ok || bad "--warmup auto took a dated value as stationary"
  expect_status 2 "--warmup auto on a compare of a dated scenario" "$essim" compare scenarios/recession.cfg --warmup auto \
    --funding model/funding/ies-performance.cfg --out "$tmp/wu-cmp"
  expect_status 2 "--warmup 100" "$essim" run tests/data/mm1-backlog.cfg --warmup 100 --out "$tmp/wu-n"
}

# The output folder: what --ledger decides, and that a failed, killed or later run never mixes
# with earlier results.
# The earlier results are those of a small run with its ledger: what is checked (every file
# byte for byte, the ledger gone after a run without it) does not depend on their size.
section_folder() {
  local out="$tmp/out" before after sig pid
  expect_status 0 "earlier results" "$essim" run tests/fault/small.cfg --out "$out" --ledger --quiet
  [ -s "$out/ledger.csv" ] && ok || bad "--ledger wrote no ledger.csv"

  # Without --ledger there is no full ledger (the default job: a comparison).
  expect_status 0 "run without ledger" "$essim" run scenarios/default.cfg --out "$tmp/noledger" --replications 1 --quiet
  [ ! -e "$tmp/noledger/ledger.csv" ] && ok || bad "ledger.csv written without --ledger"

  # A failing run leaves the previous results untouched, and leaves no temporary folder.
  before=$(cd "$out" && find . -type f -exec sha256sum {} + | sort)
  expect_status 2 "bad scenario over existing results" "$essim" run tests/bad/out-of-range.cfg --out "$out"
  after=$(cd "$out" && find . -type f -exec sha256sum {} + | sort)
  [ "$before" = "$after" ] && ok || bad "a failed run changed earlier results"
  ls -d "$tmp"/out.* >/dev/null 2>&1 && bad "temporary folder left behind" || ok

  # A run killed midway (SIGKILL, SIGTERM) leaves the previous results exactly as they were.
  for sig in KILL TERM; do
    "$essim" run scenarios/province.cfg --replications 8 --jobs 1 --out "$out" --quiet >/dev/null 2>&1 &
    pid=$!
    sleep 1
    kill -s "$sig" "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    after=$(cd "$out" && find . -type f -exec sha256sum {} + | sort)
    [ "$before" = "$after" ] && ok || bad "a run killed by SIG$sig changed earlier results"
  done

  # A successful run replaces the folder as a whole: a file of the earlier run that this one
  # does not write disappears.  (A file essim did not write makes it refuse: output_safety.sh.)
  expect_status 0 "rerun over existing results" "$essim" run scenarios/default.cfg --out "$out" --replications 1 --quiet
  [ ! -e "$out/ledger.csv" ] && ok || bad "old ledger.csv mixed with new results"

  # An output folder that cannot be written: exit 1 with the path in the message.
  expect_status 1 "unwritable output" "$essim" run scenarios/default.cfg --out /proc/essim-cannot-write --replications 1 --quiet
  grep -q "/proc/essim-cannot-write" "$tmp/stderr" && ok || bad "unwritable output message lacks the path"
}

section_compare() {
  # essim compare: usage, outputs, identical flows across models, a model against itself.
  expect_status 2 "compare without --funding" "$essim" compare scenarios/peel.cfg
  expect_status 2 "--funding with run" "$essim" run scenarios/peel.cfg --funding model/funding/ies-thin-slice.cfg
  expect_status 2 "compare with a missing model" "$essim" compare scenarios/peel.cfg --funding "$tmp/none.cfg"
  expect_status 2 "compare with a bad model" "$essim" compare scenarios/peel.cfg --funding tests/bad/funding/negative-amount.cfg
  grep -q "negative-amount.cfg:5:" "$tmp/stderr" && ok || bad "compare's bad model message lacks FILE:LINE"
  cmp_out="$tmp/compare"
  expect_status 0 "compare two models" "$essim" compare scenarios/muskoka-kawarthas.cfg --funding model/funding/ies-thin-slice.cfg,tests/data/funding-doubled.cfg --replications 2 --ledger --out "$cmp_out" --quiet
  # Price once: the comparison simulates each replication once and prices it under both models;
  # the second model's CSVs, full ledger included, are those of a run under that model alone.
  expect_status 0 "run under the second model alone" "$essim" run scenarios/muskoka-kawarthas.cfg --set "scenario.funding_model=$PWD/tests/data/funding-doubled.cfg" --replications 2 --ledger --out "$tmp/alone" --quiet
  for f in "$tmp"/alone/*.csv; do
    cmp -s "$f" "$cmp_out/models/2-doubled-outcomes-test/$(basename "$f")" && ok || bad "price once: $(basename "$f") of the second model differs from a run under it alone"
  done
  for f in comparison.csv comparison_differences.csv event_fingerprints.csv plots/spend_by_component.png plots/cost_per_outcome_by_stream.svg plots/provider_cash_position.png models/1-ies-thin-slice-illustrative/summary.csv models/2-doubled-outcomes-test/ledger_summary.csv; do
    [ -s "$cmp_out/$f" ] && ok || bad "compare output $f missing"
  done
  # the same events, replication by replication, under both models
  awk -F, 'NR > 1 { fp[$2] = fp[$2] " " $4 } END { for (r in fp) { split(fp[r], a, " "); if (a[1] != a[2]) exit 1 } }' "$cmp_out/event_fingerprints.csv" && ok || bad "event fingerprints differ across models"
  # a model compared with itself differs by exactly zero, with a zero-width interval
  awk -F, 'NR > 1 && $1 == $2 && ($(NF-2) != 0 || $(NF-1) != 0 || $NF != 0) { exit 1 }' "$cmp_out/comparison_differences.csv" && ok || bad "self-comparison not zero"
  expect_status 0 "behavioural compare" "$essim" compare scenarios/muskoka-kawarthas.cfg --funding tests/data/funding-pays-a.cfg --behavioural --replications 2 --out "$tmp/behave" --quiet
  [ -s "$tmp/behave/creaming.csv" ] && ok || bad "creaming.csv missing"
  # With --precision each model would stop at its own count (here 10 and 18 replications); paired
  # differences need the same replications under every model, so all run to the largest.
  expect_status 0 "compare with --precision" "$essim" compare scenarios/muskoka-kawarthas.cfg --funding model/funding/ies-thin-slice.cfg,model/funding/eo-legacy-block.cfg --behavioural --precision 0.05 --max-replications 20 --out "$tmp/cmp-precise" --quiet
  reps() { awk -F, 'NR > 1 { print $1 }' "$1" | sort -nu | paste -sd' '; }
  a=$(reps "$tmp"/cmp-precise/models/1-*/replications.csv)
  b=$(reps "$tmp"/cmp-precise/models/2-*/replications.csv)
  n=$(awk -F, 'NR > 1 && $3 == "clients_served" && $4 == "all" { print $5 }' "$tmp/cmp-precise/comparison_differences.csv" | sort -u)
  [ -n "$a" ] && [ "$a" = "$b" ] && [ "$n" = "$(wc -w <<<"$a")" ] && ok || bad "compare --precision: replications '$a' and '$b', $n paired"

  # A reform against its base: arms that are scenarios (--against) or overlays read over the
  # base (--overlay-arm), each run on its own with the same seed (common random numbers).
  printf 'outcomes = {\n  funded_hours_per_week = 20.0;\n};\n' >"$tmp/same-as-base.cfg" # the base's value
  printf 'outcomes = {\n  funded_hours_per_week = -5.0;\n};\n' >"$tmp/bad-arm.cfg"
  expect_status 2 "compare with a bad overlay arm" "$essim" compare scenarios/peel.cfg --overlay-arm "$tmp/bad-arm.cfg" --out "$tmp/arm-bad"
  grep -q "^essim: $tmp/bad-arm.cfg:2: " "$tmp/stderr" && ok || bad "a bad overlay arm's message lacks FILE:LINE"
  expect_status 2 "compare with a bad scenario arm" "$essim" compare scenarios/peel.cfg --against tests/bad/out-of-range.cfg --out "$tmp/arm-bad"
  grep -q "^essim: tests/bad/out-of-range.cfg:3: " "$tmp/stderr" && ok || bad "a bad scenario arm's message lacks FILE:LINE"
  expect_status 2 "compare with arms and --funding" "$essim" compare scenarios/peel.cfg --against scenarios/peel-30-hour-outcome.cfg --funding model/funding/ies-thin-slice.cfg
  expect_status 2 "an arm named as the base" "$essim" compare scenarios/peel.cfg --against scenarios/peel.cfg --out "$tmp/arm-bad"
  local arms="$tmp/arms"
  expect_status 0 "compare a reform against its base" "$essim" compare scenarios/peel.cfg --overlay-arm "$tmp/same-as-base.cfg" --against scenarios/peel-30-hour-outcome.cfg --overlay-arm scenarios/overlays/thirty-hours.cfg --replications 2 --out "$arms"
  for f in comparison.csv comparison_differences.csv event_fingerprints.csv report.html plots/spend_by_component.svg arms/1-peel-prototype/summary.csv arms/2-same-as-base-cfg/summary.csv arms/3-peel-prototype-funded-outcome-at-30-h-week/ledger_summary.csv arms/4-thirty-hours-cfg/report.html; do
    [ -s "$arms/$f" ] && ok || bad "compare of arms: output $f missing"
  done
  head -1 "$arms/comparison_differences.csv" | grep -q '^arm,baseline,' && ok || bad "compare of arms: differences not headed by arm"
  # an arm equal to the base: the same flows and exactly 0 differences, with zero-width intervals
  awk -F, 'NR > 1 && $1 == "same-as-base.cfg" { n++; if ($(NF-2) != 0 || $(NF-1) != 0 || $NF != 0) exit 1 } END { exit n > 100 ? 0 : 1 }' \
    "$arms/comparison_differences.csv" && ok || bad "an arm equal to the base does not differ by exactly 0"
  # the 30-hour rule: fewer funded 12-month outcomes, the whole interval below 0, from the
  # scenario and from the overlay alike (the same change, the same numbers)
  local cut
  cut=$(awk -F, 'NR > 1 && $(NF-5) == "funded_outcomes_12m" && $(NF-4) == "all" && $NF < 0 { print $(NF-2) }' "$arms/comparison_differences.csv" | sort -u)
  [ -n "$cut" ] && [ "$(wc -l <<<"$cut")" = 1 ] && ok || bad "the 30-hour arms do not cut funded outcomes alike ('$cut')"
  # flows: the arm equal to the base has its fingerprints, the reform arms do not; said plainly
  awk -F, 'NR > 1 { fp[$1 "," $2] = $NF } END { for (r = 1; r <= 2; r++) if (fp["Peel (prototype)," r] != fp["same-as-base.cfg," r] || fp["Peel (prototype)," r] == fp["thirty-hours.cfg," r]) exit 1 }' \
    "$arms/event_fingerprints.csv" && ok || bad "compare of arms: fingerprints"
  grep -q "client flows differ between the arms in 2 of 2 replications" "$tmp/stdout" && ok || bad "compare of arms does not say flows differ"
  grep -q "<b>Client flows differ between the arms</b>" "$arms/report.html" && ok || bad "the report of arms does not say flows differ"
  expect_status 0 "compare an arm equal to its base" "$essim" compare scenarios/muskoka-kawarthas.cfg --overlay-arm "$tmp/same-as-base.cfg" --replications 2 --out "$tmp/arms-same"
  grep -q "client flows are the same in every arm" "$tmp/stdout" && ok || bad "compare of an arm equal to the base does not say flows are the same"
}

section_sweep() {
  # essim sweep: usage, a bad path, outputs, and a point at the scenario's own value reproducing run.
  expect_status 2 "sweep without --param" "$essim" sweep scenarios/peel.cfg
  expect_status 2 "sweep with a bad --param" "$essim" sweep scenarios/peel.cfg --param outcomes.need_effect
  expect_status 2 "sweep of an unknown key" "$essim" sweep scenarios/peel.cfg --param outcomes.nope=1,2
  grep -q "no such scenario key" "$tmp/stderr" && ok || bad "unknown sweep key message"
  expect_status 2 "sweep value out of range" "$essim" sweep scenarios/peel.cfg --param outcomes.need_effect=0.5,99
  grep -q "out of range" "$tmp/stderr" && ok || bad "sweep range message"
  expect_status 0 "sweep" "$essim" sweep scenarios/muskoka-kawarthas.cfg --param outcomes.need_effect=0.25,0.5 --replications 2 --out "$tmp/sweep" --quiet
  for f in sweep.csv plots/sweep_employment_rate.png plots/sweep_cost_per_outcome.svg; do
    [ -s "$tmp/sweep/$f" ] && ok || bad "sweep output $f missing"
  done
  # a setting whose values are names, not numbers: drawn as categories
  expect_status 0 "sweep of a named setting" "$essim" sweep scenarios/muskoka-kawarthas.cfg --param 'catchments.[0].routing=nearest,least_loaded' --replications 2 --out "$tmp/sweep-named" --quiet
  [ -s "$tmp/sweep-named/plots/sweep_employment_rate.svg" ] && ok || bad "sweep of a named setting drew no plot"
  expect_status 0 "run for the sweep check" "$essim" run scenarios/muskoka-kawarthas.cfg --replications 2 --out "$tmp/sweep-run" --quiet
  want=$(awk -F, '$1 == "total_spend_cents" && $2 == "all" { print $4 }' "$tmp/sweep-run/summary.csv")
  got=$(awk -F, '$2 == "0.5" && $5 == "total_spend_cents" && $6 == "all" { print $8 }' "$tmp/sweep/sweep.csv")
  [ -n "$want" ] && [ "$want" = "$got" ] && ok || bad "sweep point at the scenario's value ($got) differs from run ($want)"

  # Paired differences against the first point (sweep_differences.csv).  Stream A's
  # job_start_prob at its shipped 0.97 twice (a point run again equal to the base), then 0.90.
  expect_status 0 "sweep with paired differences" "$essim" sweep scenarios/muskoka-kawarthas.cfg --param 'streams.[0].job_start_prob=0.97,0.97,0.90' --replications 3 --out "$tmp/sweep-diff" --quiet
  local d="$tmp/sweep-diff/sweep_differences.csv"
  # a point equal to the base differs by exactly 0, with a zero-width interval, over 3 pairs
  awk -F, 'NR > 1 && $2 == "0.97" { n++; if ($5 != "0.97" || $9 != 3 || $10 != 0 || $11 != 0 || $12 != 0) exit 1 }
    END { exit n > 100 ? 0 : 1 }' "$d" && ok || bad "a sweep point equal to the base does not differ by exactly 0"
  # the change moves stream A's employment rate at exit: the whole interval below 0
  awk -F, 'NR > 1 && $2 == "0.90" && $7 == "employment_rate_at_exit" && $8 == "A" { found = 1; if (!($12 < 0)) exit 1 }
    END { exit found ? 0 : 1 }' "$d" && ok || bad "lowering stream A's job_start_prob did not lower A's employment rate"
  # stream C, untouched: its paired half-width is under half the unpaired one (from the two
  # points' own intervals in sweep.csv; measured 14 times narrower)
  awk -F, 'FNR == 1 { file++; next }
    file == 1 && $5 == "employment_rate_at_exit" && $6 == "C" { h[$2] = ($10 - $9) / 2 }
    file == 2 && $2 == "0.90" && $7 == "employment_rate_at_exit" && $8 == "C" { p = ($12 - $11) / 2 }
    END { u = sqrt(h["0.97"] ^ 2 + h["0.90"] ^ 2); if (!(p > 0 && p < u / 2)) { print "paired " p ", unpaired " u; exit 1 } }' \
    "$tmp/sweep-diff/sweep.csv" "$d" && ok || bad "stream C's paired difference is not narrower than the unpaired one"
  # With --precision the points stop at their own counts (here 30 and 20: with fewer places
  # the wait is long and steady, with the shipped places it is short and noisy): the second
  # pairs over the 20 replications both ran, and the command says so.
  site='catchments[Peel].providers[Peel Provider 1].sites[Peel].caseload_capacity'
  expect_status 0 "sweep with --precision" "$essim" sweep scenarios/peel.cfg --param "$site=5427,3000" --precision 0.05 --max-replications 30 --out "$tmp/sweep-precise"
  n=$(awk -F, '$2 == "3000" && $5 == "clients_served" && $6 == "all" { print $7 }' "$tmp/sweep-precise/sweep.csv")
  m=$(awk -F, '$2 == "5427" && $5 == "clients_served" && $6 == "all" { print $7 }' "$tmp/sweep-precise/sweep.csv")
  p=$(awk -F, '$2 == "3000" && $7 == "clients_served" && $8 == "all" { print $9 }' "$tmp/sweep-precise/sweep_differences.csv")
  [ -n "$n" ] && [ "$n" != "$m" ] && [ "$p" = "$((n < m ? n : m))" ] && ok || bad "sweep --precision: points of $m and $n replications paired over $p"
  grep -q "pairs each point with the first over the replications both ran" "$tmp/stdout" && ok || bad "sweep --precision does not say how points are paired"
}

section_models() {
  # Every shipped funding model loads and runs, on the same flows, with money conserved.
  models=$(ls model/funding/*.cfg | paste -sd, -)
  expect_status 0 "compare every shipped model" "$essim" compare scenarios/muskoka-kawarthas.cfg --funding "$models" --replications 1 --out "$tmp/all-models" --quiet
  [ "$(awk -F, 'NR > 1 { print $NF }' "$tmp/all-models/event_fingerprints.csv" | sort -u | wc -l)" = 1 ] && ok || bad "shipped models saw different flows"
  for d in "$tmp"/all-models/models/*/; do
    ledger="$d/ledger_summary.csv" # the baseline's is at the top only
    [ -e "$ledger" ] || ledger="$tmp/all-models/ledger_summary.csv"
    awk -F, 'FNR == 1 { file++; next }
      file == 1 { summary += $NF }
      file == 2 && $2 == "spend_by_payer_cents" { payers += $4 }
      END { if (summary != payers) { print "ledger " summary " != payers " payers; exit 1 } }'     "$ledger" "$d/replications.csv" && ok || bad "money not conserved under $(basename "$d")"
  done
  [ -s "$tmp/all-models/manifest.json" ] && grep -q '"sha256"' "$tmp/all-models/manifest.json" && ok || bad "compare manifest"

}

section_warmup() {
  # Spend follows the warm-up (docs/experiments.md, "Warm-up"): a client's payments count when
  # its intake was at or after the warm-up, a month's block grant by the share of the month
  # after it, a provider's costs likewise.  Recomputed here from ledger.csv (the intake fee
  # dates each client's episode) and provider_finance.csv (staff cost 0: overhead only, one
  # amount per month), which stay whole-run.
  local d=200 out="$tmp/warm"
  expect_status 0 "run with a warm-up" "$essim" run scenarios/muskoka-kawarthas.cfg \
    --set "scenario.funding_model=$PWD/tests/data/funding-warmup.cfg" --set scenario.horizon_days=400 \
    --set scenario.warmup_days=$d --set costs.staff_per_hour=0 -r 2 -j 2 --ledger --out "$out" --quiet
  awk -F, -v d=$d 'function share(from, to) { return d <= from ? 1 : d >= to ? 0 : (to - d) / (to - from) }
    function part(cents, s) { return s >= 1 ? cents : s <= 0 ? 0 : sprintf("%.0f", cents * s) }
    BEGIN { len = 365.25 / 12 }
    FNR == 1 { file++; next }
    file == 1 && $7 == "intake" { intake[$1 "," $5] = $4 }
    file == 1 { all[$1] += $NF; comp[$1 "," $6] += 0
                if ($5 != 0) kept = ($1 "," $5) in intake && intake[$1 "," $5] >= d ? $NF : 0
                else kept = part($NF, share($4, $4 + len))
                total[$1] += kept; comp[$1 "," $6] += kept; n_client_out[$1] += $5 != 0 && kept == 0 }
    file == 2 { key = $1 "," $4; m = month[key]++; cost[$1] += part($6, share(m * len, (m + 1) * len)); whole_cost[$1] += $6 }
    file == 3 && $3 == "all" { v[$1 "," $2] = $4 }
    file == 3 && $2 == "spend_cents" { spend[$1 "," $3] = $4 }
    END { bad = 0
      for (r in total) {
        if (v[r ",total_spend_cents"] != total[r] || v[r ",provider_revenue_cents"] != total[r]) {
          print "replication " r ": total_spend " v[r ",total_spend_cents"] ", revenue " v[r ",provider_revenue_cents"] " != kept " total[r]; bad = 1 }
        for (k in comp) if (index(k, r ",") == 1 && spend[k] != comp[k]) { print "spend_cents " k ": " spend[k] " != kept " comp[k]; bad = 1 }
        if (v[r ",provider_cost_cents"] != cost[r]) { print "replication " r ": provider_cost " v[r ",provider_cost_cents"] " != kept " cost[r]; bad = 1 }
        want = v[r ",job_starts"] > 0 ? total[r] / v[r ",job_starts"] : -1
        if ((v[r ",cost_per_job_start_cents"] - want) ^ 2 > 1e-6) { print "cost per job start " v[r ",cost_per_job_start_cents"] " != " want; bad = 1 }
        # the rule must have left something out, and kept something
        if (!(total[r] > 0 && total[r] < all[r] && n_client_out[r] > 0 && cost[r] < whole_cost[r])) {
          print "replication " r ": nothing deleted (kept " total[r] " of " all[r] ")"; bad = 1 } }
      exit bad }' "$out/ledger.csv" "$out/provider_finance.csv" "$out/replications.csv" \
    && ok || bad "spend after the warm-up is not the retained payments"
}

for section in "${sections[@]}"; do
  if [ "$(type -t "section_$section")" != function ]; then
    echo "cli.sh: no section '$section' (usage run folder compare sweep models warmup)"
    exit 2
  fi
  "section_$section"
done
echo "cli ${sections[*]}: $pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
