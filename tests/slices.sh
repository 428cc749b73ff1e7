#!/usr/bin/env bash
# Slices and merge: a run split into --replication-range slices (run with different --jobs, and
# merged in any order) gives the CSVs of a single run, byte for byte; slices that do not belong
# together, overlap or leave a gap, or are damaged (a checksum covers each), are refused with
# exit status 2 and nothing written.
set -u
essim=$(realpath "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
scn=scenarios/muskoka-kawarthas.cfg
common=(--replications 5 --seed 99 --ledger --quiet)

"$essim" run "$scn" "${common[@]}" --out "$tmp/whole" || bad "single run failed"
"$essim" run "$scn" "${common[@]}" --replication-range 1:2 --jobs 2 --out "$tmp/s1" || bad "slice 1:2 failed"
"$essim" run "$scn" "${common[@]}" --replication-range 3:3 --jobs 1 --out "$tmp/s2" || bad "slice 3:3 failed"
"$essim" run "$scn" "${common[@]}" --replication-range 4:5 --out "$tmp/s3" || bad "slice 4:5 failed"
"$essim" merge "$tmp/s3" "$tmp/s1" "$tmp/s2" --out "$tmp/merged" --quiet || bad "merge failed"
n=0
for f in "$tmp"/whole/*.csv; do
  n=$((n + 1))
  if cmp -s "$f" "$tmp/merged/$(basename "$f")"; then ok; else bad "merged $(basename "$f") differs from a single run"; fi
done
[ "$n" -ge 8 ] && ok || bad "the single run wrote only $n CSV files"
# a slice's own folder holds its replications only
if awk -F, 'FNR > 1 && ($1 < 1 || $1 > 2) { exit 1 }' "$tmp/s1/replications.csv"; then ok; else
  bad "slice 1:2 wrote other replications"; fi

refused() { # expected message, then the merge's folders
  local want=$1
  shift
  local out
  out=$(timeout 60 "$essim" merge "$@" --out "$tmp/refused" --quiet 2>&1)
  local rc=$?
  if [ "$rc" = 2 ] && grep -qF -- "$want" <<<"$out" && [ ! -e "$tmp/refused" ]; then ok; else
    bad "merge $* gave status $rc, '$out' (wanted status 2 and '$want', nothing written)"; fi
}
refused "replications 3 to 3 are in no slice" "$tmp/s1" "$tmp/s3"
refused "overlap another slice" "$tmp/s1" "$tmp/s1" "$tmp/s2" "$tmp/s3"
refused "replications 4 to 5 are in no slice" "$tmp/s1" "$tmp/s2"
refused "is this the output folder of essim run --replication-range" "$tmp/whole"
"$essim" run "$scn" --replications 5 --seed 100 --replication-range 3:3 --quiet --out "$tmp/other" || bad "seed 100 slice failed"
refused "different seed" "$tmp/s1" "$tmp/other" "$tmp/s3"
head -c 2000 "$tmp/s2/slice.essim" >"$tmp/cut.essim" && mkdir "$tmp/cut" && mv "$tmp/cut.essim" "$tmp/cut/slice.essim"
refused "truncated or corrupt" "$tmp/s1" "$tmp/cut" "$tmp/s3"
# one flipped byte anywhere (format line, checksum, header, packed data, last byte) is refused
# (a flipped byte in a ledger amount used to merge with exit 0)
size=$(stat -c %s "$tmp/s2/slice.essim")
for at in 3 20 90 $((size / 2)) $((size - 1)); do
  rm -rf "$tmp/flip" && cp -r "$tmp/s2" "$tmp/flip"
  python3 -c 'import sys; p, at = sys.argv[1], int(sys.argv[2]); b = bytearray(open(p, "rb").read()); b[at] ^= 0x04; open(p, "wb").write(b)' "$tmp/flip/slice.essim" "$at"
  if [ "$at" = 3 ]; then want="not a slice file"; else want="slice.essim is damaged"; fi
  refused "$want" "$tmp/s1" "$tmp/flip" "$tmp/s3"
done
# a slice of the format without a checksum
rm -rf "$tmp/old" && mkdir "$tmp/old"
{ echo "essim slice 1"; tail -n +3 "$tmp/s2/slice.essim"; } >"$tmp/old/slice.essim"
refused "slice format 1, without a checksum" "$tmp/s1" "$tmp/old" "$tmp/s3"
# a slice.essim that is a pipe or a folder: refused at once (a pipe hung merge)
rm -rf "$tmp/pipe" && mkdir "$tmp/pipe" && mkfifo "$tmp/pipe/slice.essim"
refused "is a device, pipe or socket, not a file" "$tmp/s1" "$tmp/pipe" "$tmp/s3"
rm -rf "$tmp/dir" && mkdir -p "$tmp/dir/slice.essim"
refused "is a folder, not a file" "$tmp/s1" "$tmp/dir" "$tmp/s3"
# a scenario edited after the slices ran
cp -r scenarios model "$tmp/" 2>/dev/null
( cd "$tmp" && "$essim" run scenarios/muskoka-kawarthas.cfg "${common[@]}" --replication-range 1:5 --out "$tmp/moved" ) || bad "slice in a copy failed"
echo "# edited" >>"$tmp/scenarios/muskoka-kawarthas.cfg"
refused "has changed since the slices were run" "$tmp/moved"

out=$("$essim" run "$scn" --replications 5 --replication-range 4:9 --out "$tmp/x" 2>&1)
if [ $? = 2 ] && grep -qF "not within the run's 5 replications" <<<"$out"; then ok; else bad "range beyond the run: $out"; fi
echo "slices: $pass passed, $fail failed"
[ "$fail" = 0 ]
