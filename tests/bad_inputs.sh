#!/usr/bin/env bash
# Tests as data: every tests/bad/NAME.cfg must be refused by `essim check` and `essim run`
# with exit status 2 and exactly the message in tests/bad/NAME.expected, and `run` must not
# create or touch its output folder.  Adding a case is adding two files.
# Usage: tests/bad_inputs.sh ESSIM   (from the repo root).  UPDATE=1 rewrites the .expected files.
set -u
essim=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
for cfg in tests/bad/*.cfg; do
  name=${cfg%.cfg}
  "$essim" check "$cfg" >"$tmp/stdout" 2>"$tmp/stderr"
  status=$?
  if [ "${UPDATE:-0}" = 1 ]; then cp "$tmp/stderr" "$name.expected"; fi
  problem=""
  [ "$status" = 2 ] || problem="check exit status $status, expected 2"
  if [ -z "$problem" ] && ! diff -u "$name.expected" "$tmp/stderr" >"$tmp/diff"; then
    problem="message differs:"$'\n'"$(cat "$tmp/diff")"
  fi
  if [ -z "$problem" ]; then
    "$essim" run "$cfg" --out "$tmp/out" --quiet >/dev/null 2>"$tmp/run-stderr"
    status=$?
    [ "$status" = 2 ] || problem="run exit status $status, expected 2"
    cmp -s "$name.expected" "$tmp/run-stderr" || problem="run message differs from check's"
    if ls -d "$tmp"/out* >/dev/null 2>&1; then problem="run left an output folder behind"; fi
  fi
  if [ -n "$problem" ]; then
    echo "FAIL $cfg: $problem"
    fail=$((fail + 1))
  else
    pass=$((pass + 1))
  fi
done
echo "bad inputs: $pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
