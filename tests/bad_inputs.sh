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

# Cases a file cannot hold: pipes, devices, huge inputs (made here), and integers that must be
# read as written.  Each must be refused with exit status 2 and FILE:LINE: in the message,
# within seconds (a pipe used to hang `check` for ever, /dev/zero to grow memory without bound).
streams='streams = ( { name = "A"; service = { mean_days = 10.0; }; } );'
catch='catchments = ( { name = "c"; arrivals_per_day = 1.0; providers = ( { name = "p"; caseload_capacity = 2; } ); } );'
scenario() { # FILE, then extra lines
  local f=$1
  shift
  { printf 'scenario = { name = "scripted"; };\n%s\n%s\n' "$streams" "$catch"; printf '%s\n' "$@"; } >"$f"
}
refused() { # case name, expected message part, scenario file
  local what=$1 want=$2 cfg=$3 problem=""
  timeout 20 "$essim" check "$cfg" >/dev/null 2>"$tmp/stderr"
  local status=$?
  [ "$status" = 2 ] || problem="check exit status $status, expected 2"
  grep -qF -- "$want" "$tmp/stderr" || problem="$problem; message '$(head -c 300 "$tmp/stderr")' lacks '$want'"
  grep -qE '^essim: [^:]+:[0-9]+: ' "$tmp/stderr" || problem="$problem; no FILE:LINE: in '$(head -c 300 "$tmp/stderr")'"
  if [ -z "$problem" ]; then
    timeout 20 "$essim" run "$cfg" --out "$tmp/out" --quiet >/dev/null 2>&1
    status=$?
    [ "$status" = 2 ] || problem="run exit status $status, expected 2"
    if ls -d "$tmp"/out* >/dev/null 2>&1; then problem="run left an output folder behind"; fi
  fi
  if [ -n "$problem" ]; then echo "FAIL $what: $problem"; fail=$((fail + 1)); else pass=$((pass + 1)); fi
}
mkfifo "$tmp/pipe"
scenario "$tmp/geo-zero.cfg" 'geography = { census_divisions = "/dev/zero"; catchments = "/dev/zero"; };'
refused "/dev/zero as a geography CSV" "is a device, pipe or socket, not a file" "$tmp/geo-zero.cfg"
sed -i 's/census_divisions = "\/dev\/zero"/census_divisions = "pipe"/' "$tmp/geo-zero.cfg"
refused "a pipe as a geography CSV" "is a device, pipe or socket, not a file" "$tmp/geo-zero.cfg"
scenario "$tmp/funding-zero.cfg" 'scenario2 = 0;'
sed -i 's/name = "scripted";/name = "scripted"; funding_model = "\/dev\/zero";/; /scenario2/d' "$tmp/funding-zero.cfg"
refused "/dev/zero as a funding model" "is a device, pipe or socket, not a file" "$tmp/funding-zero.cfg"
sed -i 's/"\/dev\/zero"/"pipe"/' "$tmp/funding-zero.cfg"
refused "a pipe as a funding model" "is a device, pipe or socket, not a file" "$tmp/funding-zero.cfg"
ln -s /dev/zero "$tmp/zero.cfg"
scenario "$tmp/include-zero.cfg" '@include "zero.cfg"'
refused "/dev/zero as an @include" "names a device, pipe or socket, not a file" "$tmp/include-zero.cfg"
scenario "$tmp/include-pipe.cfg" '@include "pipe"'
refused "a pipe as an @include" "names a device, pipe or socket, not a file" "$tmp/include-pipe.cfg"
# the scenario file itself: no line to point at
out=$(timeout 20 "$essim" check "$tmp/pipe" 2>&1)
if [ $? = 2 ] && grep -qF "is a device, pipe or socket, not a file" <<<"$out"; then pass=$((pass + 1)); else
  echo "FAIL a pipe as the scenario: $out"; fail=$((fail + 1)); fi
# libconfig does not read an @include inside a comment, and neither may essim (it hung, opening it)
scenario "$tmp/include-commented.cfg" '/*' '@include "pipe"' '*/' '# @include "pipe"'
if timeout 20 "$essim" check "$tmp/include-commented.cfg" >/dev/null 2>&1; then pass=$((pass + 1)); else
  echo "FAIL an @include inside a comment: status $?"; fail=$((fail + 1)); fi
# libconfig's lexer is quadratic in the length of a token (a 4 MB string took 9 s)
scenario "$tmp/long-string.cfg" "outputs = { prefix = \"$(head -c 2097152 /dev/zero | tr '\0' x)\"; };"
refused "a 2 MB string" "a string longer than 65536 bytes" "$tmp/long-string.cfg"
scenario "$tmp/long-comment.cfg" "# $(head -c 2097152 /dev/zero | tr '\0' x)"
refused "a 2 MB comment line" "a comment line longer than 65536 bytes" "$tmp/long-comment.cfg"
{ printf 'labour = {\n'; seq -f '  k%g = 1;' 1 20000; printf '};\n'; } >"$tmp/group.txt"
scenario "$tmp/big-group.cfg" "$(cat "$tmp/group.txt")"
refused "20,000 settings in one group" "more than 10000 settings in one group" "$tmp/big-group.cfg"
scenario "$tmp/huge.cfg" '@include "huge-part.cfg"'
seq -f '# comment line %g of a file far larger than any scenario' 1 400000 >"$tmp/huge-part.cfg"
refused "17 MB of @include" "larger than 16 MiB" "$tmp/huge.cfg"
# integers beyond 32 bits are read as written (libconfig 1.5 cut seed = 4294967303 to 7)
scenario "$tmp/seed.cfg"
sed -i 's/name = "scripted";/name = "scripted"; seed = 4294967303; replications = 1;/' "$tmp/seed.cfg"
"$essim" run "$tmp/seed.cfg" --out "$tmp/seed-run" --quiet 2>"$tmp/stderr"
if grep -q '"seed": 4294967303,' "$tmp/seed-run/manifest.json" 2>/dev/null; then pass=$((pass + 1)); else
  echo "FAIL seed = 4294967303: $(grep '"seed"' "$tmp/seed-run/manifest.json" 2>&1) $(cat "$tmp/stderr")"; fail=$((fail + 1)); fi
rm -rf "$tmp/seed-run"
# ... and so are --param values (sweep --param scenario.seed=3000000000 ran seed 0)
sed -i 's/seed = 4294967303;/seed = 5;/' "$tmp/seed.cfg"
"$essim" sweep "$tmp/seed.cfg" --param scenario.seed=3000000000,0 --out "$tmp/sweep" --quiet 2>"$tmp/stderr"
a=$(awk -F, '$2 == "3000000000" { print $5, $8 }' "$tmp/sweep/sweep.csv" 2>/dev/null)
b=$(awk -F, '$2 == "0" { print $5, $8 }' "$tmp/sweep/sweep.csv" 2>/dev/null)
if [ -n "$a" ] && [ "$a" != "$b" ]; then pass=$((pass + 1)); else
  echo "FAIL sweep --param scenario.seed=3000000000 ran the same as seed 0 $(cat "$tmp/stderr")"; fail=$((fail + 1)); fi
rm -rf "$tmp/sweep"
out=$("$essim" sweep "$tmp/seed.cfg" --param scenario.replications=4294967297 --out "$tmp/sweep" 2>&1)
if [ $? = 2 ] && grep -qF "'scenario.replications' = 4294967297 is out of range" <<<"$out" && [ ! -e "$tmp/sweep" ]; then
  pass=$((pass + 1)); else echo "FAIL --param scenario.replications=4294967297: $out"; fail=$((fail + 1)); fi
out=$("$essim" sweep "$tmp/seed.cfg" --param scenario.seed=99999999999999999999 --out "$tmp/sweep" 2>&1)
if [ $? = 2 ] && grep -qF "does not fit in a 64-bit integer" <<<"$out"; then pass=$((pass + 1)); else
  echo "FAIL --param scenario.seed=99999999999999999999: $out"; fail=$((fail + 1)); fi
# money the key table allows but 64-bit cents cannot total ($1e9 x 100 x 100 x 10 x 10 x 10 a
# client): the run stops with exit 1 naming the component (it printed a negative total, exit 0)
cat >"$tmp/huge-funding.cfg" <<'EOF'
funding = {
  name = "huge";
  currency = "USD";
  cad_per_unit = 100;
  components = ( { name = "enormous fee"; type = "fixed"; event = "intake"; amount = 1000000000.00;
                   year_multipliers = [ 100.0 ]; } );
  adjustments = { disability = 10.0; rural = 10.0; source_OW = 10.0; source_ODSP = 10.0; };
};
EOF
scenario "$tmp/huge-money.cfg"
sed -i 's/name = "scripted";/name = "scripted"; funding_model = "huge-funding.cfg"; replications = 1;/' "$tmp/huge-money.cfg"
out=$(timeout 60 "$essim" run "$tmp/huge-money.cfg" --out "$tmp/money" --quiet 2>&1)
status=$?
if [ "$status" = 1 ] && grep -qF "component 'enormous fee' go beyond" <<<"$out" && [ ! -e "$tmp/money" ]; then
  pass=$((pass + 1)); else echo "FAIL money beyond 64 bits: status $status, '$out'"; fail=$((fail + 1)); fi

echo "bad inputs: $pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
