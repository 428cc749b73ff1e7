#!/usr/bin/env bash
# Golden fingerprints: a fixed scenario and seed give fixed CSV bytes, forever, whatever the
# number of threads.  A fingerprint changes only on purpose: rerun with UPDATE=1 and say why in
# the commit.  Cases: tests/golden/NAME.args holds "SCENARIO ARGS...", NAME.sha256 the hashes.
set -u
essim=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
for args_file in tests/golden/*.args; do
  name=$(basename "$args_file" .args)
  read -r -a args <"$args_file"
  for jobs in 1 2; do
    out="$tmp/$name-$jobs"
    if ! "$essim" run "${args[@]}" --jobs "$jobs" --out "$out" --quiet; then
      echo "FAIL $name: essim run failed"; fail=$((fail + 1)); continue
    fi
    (cd "$out" && sha256sum *.csv) >"$tmp/$name.sha256"
    if [ "${UPDATE:-0}" = 1 ]; then cp "$tmp/$name.sha256" "tests/golden/$name.sha256"; fi
    if diff -u "tests/golden/$name.sha256" "$tmp/$name.sha256"; then
      pass=$((pass + 1))
    else
      echo "FAIL $name (--jobs $jobs): fingerprint changed"; fail=$((fail + 1))
    fi
  done
done
echo "golden: $pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
