#!/usr/bin/env bash
# Remakes the seed corpora fuzz/corpus/TARGET/ from the shipped files and the bad-input cases
# (run it after adding a case to tests/bad/ or tests/bad_csv/, and commit the result).
# The replication seeds are packed replications of fuzz/replication-seed.cfg, from slices an
# essim build writes: ESSIM=build/essim fuzz/seed.sh remakes them too (after a change to the
# packed format); without ESSIM they are kept.
# Scenarios are also seeded flattened (their @includes inlined), so the fuzzer mutates the
# whole of model/ontario.cfg and the catchments, not just the @include lines.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=fuzz/corpus

# seed TARGET FILE...: copies each FILE to corpus/TARGET/, named after its path.
seed() {
  local target=$1 f
  shift
  mkdir -p "$corpus/$target"
  for f in "$@"; do
    [ -f "$f" ] && cp "$f" "$corpus/$target/$(echo "$f" | tr / -)"
  done
}

# flatten FILE DIR: FILE with its @include lines replaced by the files (libconfig resolves
# them against DIR, the scenario's folder), recursively.
flatten() {
  local line
  while IFS= read -r line || [ -n "$line" ]; do
    if [[ $line =~ ^[[:space:]]*@include[[:space:]]*\"([^\"]*)\" ]]; then
      flatten "$2/${BASH_REMATCH[1]}" "$2"
    else
      printf '%s\n' "$line"
    fi
  done <"$1"
}

# replication_seed NAME ARGS...: the packed replications (what follows the "data" line) of a
# slice of fuzz/replication-seed.cfg run with ARGS.
replication_seed() {
  local name=$1 out
  shift
  out=$(mktemp -d)
  "$ESSIM" run fuzz/replication-seed.cfg --out "$out" --quiet "$@"
  local at
  at=$(grep -abo '^data$' "$out/slice.essim" | head -1 | cut -d: -f1)
  tail -c +$((at + 6)) "$out/slice.essim" >"$corpus/replication/$name"
  rm -rf "$out"
}

# slice_seed NAME ARGS...: a slice of fuzz/replication-seed.cfg run with ARGS, after its
# checksum line (fuzz_slice writes the format line and the checksum), with its scenario's path
# as @SEED@ (fuzz_slice puts back the path of the checkout it runs in).
slice_seed() {
  local name=$1 out
  shift
  out=$(mktemp -d)
  "$ESSIM" run fuzz/replication-seed.cfg --out "$out" --quiet "$@"
  tail -n +3 "$out/slice.essim" | sed '1,/^data$/ s|^scenario	.*|scenario	@SEED@|'     >"$corpus/slice/$name"
  rm -rf "$out"
}

for d in "$corpus"/*/; do
  case $d in "$corpus/replication/" | "$corpus/slice/") ;; *) rm -rf "$d" ;; esac
done
if [ -n "${ESSIM:-}" ]; then
  rm -rf "$corpus/replication" "$corpus/slice"
  mkdir -p "$corpus/replication" "$corpus/slice"
  replication_seed two-with-ledger --replication-range 1:2 --ledger
  replication_seed one --replication-range 2:2
  slice_seed whole --replication-range 1:2
  slice_seed whole-with-ledger --replication-range 1:2 --ledger
fi
# --param arguments for fuzz_param, one a line: every kind of key, values at and beyond the
# limits of their types
mkdir -p "$corpus/param"
printf '%s\n' 'scenario.seed=3000000000,0,18446744073709551616' >"$corpus/param/seed-wide"
printf '%s\n' 'scenario.replications=4294967297,1' 'outputs.suppress_below=0x10,5' >"$corpus/param/two"
printf '%s\n' 'scenario.horizon_days=1e400,1e-400,nan,30' >"$corpus/param/float-range"
printf '%s\n' 'streams.[1].service.cv=0.5,-1' 'streams.[0].priority=-100,101' >"$corpus/param/streams"
printf '%s\n' 'catchments.[0].providers.[0].caseload_capacity=2147483648,3' >"$corpus/param/capacity"
printf '%s\n' 'scenario.start_date=2021-02-30,2022-01-01' 'outputs.suppress_small_cells=true,no' >"$corpus/param/text"
printf '%s\n' 'scenario.funding_model=../tests/bad/funding/negative-amount.cfg,/dev/zero' >"$corpus/param/funding"
printf '%s\n' 'labour_market.offers_per_search=6' 'scenario.rng=pcg64,mt' >"$corpus/param/added"
shopt -s nullglob
seed scenario scenarios/*.cfg model/*.cfg model/catchments/*.cfg tests/bad/*.cfg tests/data/*.cfg
for f in scenarios/*.cfg; do
  flatten "$f" scenarios >"$corpus/scenario/flat-$(basename "$f")"
done
seed funding model/funding/*.cfg tests/bad/funding/*.cfg tests/data/funding-*.cfg
seed census_divisions model/geography/census_divisions.csv tests/bad_csv/cd-*.csv \
  tests/bad_csv/*.cds.csv
seed catchments model/geography/catchments.csv $(ls tests/bad_csv/catchment-*.csv | grep -v '\.cds\.csv$')
for d in "$corpus"/*/; do
  echo "$d: $(ls "$d" | wc -l) seeds, $(cat "$d"/* | wc -c) bytes"
done
