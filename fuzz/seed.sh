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

for d in "$corpus"/*/; do
  [ "$d" = "$corpus/replication/" ] || rm -rf "$d"
done
if [ -n "${ESSIM:-}" ]; then
  rm -rf "$corpus/replication"
  mkdir -p "$corpus/replication"
  replication_seed two-with-ledger --replication-range 1:2 --ledger
  replication_seed one --replication-range 2:2
fi
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
