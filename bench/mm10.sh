#!/usr/bin/env bash
# M/M/10 (arrivals at rate 9, 10 servers at rate 1, FIFO) on essim's engine (bench_mmc), on
# the hand-written heap loop (bench_mmc_limit) and in SimPy (mmc_simpy.py), timed fairly: each
# program runs once per round (--once: one run, its CPU seconds), the rounds interleave the
# programs (essim, C-limit, SimPy, essim, ...) so load from other processes falls on all alike,
# and each figure is the median over the rounds with its spread (min-max).  The ratios are
# medians of the per-round ratios.  The gsl_ran_exponential and taus2 variants of the two C
# programs take their turns in the same rounds.
# Usage: bench/mm10.sh BUILD_DIR CUSTOMERS ROUNDS
set -euo pipefail
cd "$(dirname "$0")/.."
build=$1 customers=$2 rounds=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# label, command...: appends the program's one line to $tmp/LABEL
programs=(
  "essim|$build/bench/bench_mmc --once $customers"
  "limit|$build/bench/bench_mmc_limit --once $customers"
  "simpy|/usr/bin/python3 bench/mmc_simpy.py $customers"
  "essim_gsl|$build/bench/bench_mmc --once --gsl $customers"
  "limit_gsl|$build/bench/bench_mmc_limit --once --gsl $customers"
  "essim_taus2|$build/bench/bench_mmc --once --taus2 $customers"
  "limit_taus2|$build/bench/bench_mmc_limit --once --taus2 $customers"
)
for ((r = 0; r < rounds; r++)); do
  for p in "${programs[@]}"; do
    # shellcheck disable=SC2086 # the command is split into words on purpose
    ${p#*|} >>"$tmp/${p%%|*}"
  done
done

echo "M/M/10: arrivals at rate 9, 10 servers at rate 1, FIFO, $customers customers, $rounds interleaved"
echo "rounds of one run each; CPU-second rates, median (min-max) over the rounds.  events/s counts"
echo "the model's two events per customer (arrival, departure) on every side."
# Each line: NAME CUSTOMERS customers SECONDS cpu-s RATE customers/s Wq W (Erlang C E) EVENTS events/s
summary() {
  sort -g -k6,6 "$tmp/$1" | awk '{ name = $1; c[NR] = $6; e[NR] = $13; w = $9; ec = $12 }
    END {
      n = NR; m = int((n + 1) / 2)
      asort_e(e, n)
      printf "mm10 %-13s customers/s %10.0f (%.0f-%.0f)  events/s %7.3f M (%.3f-%.3f)  Wq %s\n",
             name, c[m], c[1], c[n], e[m] / 1e6, e[1] / 1e6, e[n] / 1e6, w
    }
    function asort_e(a, n,   i, j, t) {  # insertion sort, n is small
      for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    }'
}
# Median and spread of round-by-round ratios of customers/s: LABEL_A LABEL_B
ratios() {
  paste -d' ' "$tmp/$1" "$tmp/$2" | awk '{ r[NR] = $6 / $(14 + 6) }
    END {
      n = NR
      for (i = 2; i <= n; i++) for (j = i; j > 1 && r[j - 1] > r[j]; j--) { t = r[j]; r[j] = r[j - 1]; r[j - 1] = t }
      printf "%s (rounds %s-%s, %d)", fmt(r[int((n + 1) / 2)]), fmt(r[1]), fmt(r[n]), n
    }
    function fmt(x) { return sprintf(x < 10 ? "%.2f" : "%.0f", x) }'
}
median_events() { sort -g -k13,13 "$tmp/$1" | awk '{ e[NR] = $13 } END { printf "%.3g M", e[int((NR + 1) / 2)] / 1e6 }'; }
for p in essim limit simpy essim_gsl limit_gsl essim_taus2 limit_taus2; do summary "$p"; done
wq() { awk 'NR == 1 { print $9 }' "$tmp/$1"; }
erlang=$(awk 'NR == 1 { print $12 }' "$tmp/essim" | tr -d ')')
same=differ
[ "$(wq essim)" = "$(wq limit)" ] && [ "$(wq essim_taus2)" = "$(wq limit_taus2)" ] && same="agree to the printed digits (same draws in the same order)"
echo "mm10 Wq: essim $(wq essim), C-limit $(wq limit): $same; SimPy $(wq simpy) (Python's own generator); Erlang C $erlang"
ratio=$(ratios essim limit)
met=$(awk -v r="${ratio%% *}" 'BEGIN { print (r >= 0.9 ? "met" : "NOT met") }')
echo "mm10 essim/C-limit ratio $ratio  (target >= 0.9: $met); C-limit absolute $(median_events limit) events/s (quiet machine of this kind: ~41 M)"
echo "mm10 essim*/C-limit* ratio $(ratios essim_gsl limit_gsl)  (gsl_ran_exponential on both sides)"
echo "mm10 essim/C-limit ratio with taus2 $(ratios essim_taus2 limit_taus2); C-limit/taus2 absolute $(median_events limit_taus2) events/s (quiet: ~29 M)"
echo "mm10 essim/SimPy ratio $(ratios essim simpy); SimPy absolute $(median_events simpy) events/s (design.md: ~0.43 M)"
