#!/usr/bin/env bash
# The output folder is replaced whole or not at all.  Signals (SIGINT, SIGTERM, SIGHUP) while
# it is being written, an output path that cannot be written, a full disk and a file-size
# limit: essim exits by the signal or with status 1, names the path, leaves the earlier
# results exactly as they were and no temporary folder behind.  (tests/cli.sh kills runs in
# their simulation phase; here the signal lands in the output phase.)
# Usage: tests/output_safety.sh ESSIM   (from the repo root)
set -u
essim=$1
tmp=$(mktemp -d)
mounted=()
cleanup() {
  for m in "${mounted[@]}"; do umount "$m" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT
pass=0
fail=0
skipped=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
sums() { (cd "$1" && find . -type f -exec sha256sum {} + | sort); }
no_leftovers() { # PARENT WHAT
  if ls -d "$1"/*.tmp-* "$1"/*.old-* >/dev/null 2>&1; then bad "$2: left $(cd "$1" && ls -d ./*.tmp-* ./*.old-* 2>/dev/null)"; else ok; fi
}
scenario=tests/fault/small.cfg

# A gnuplot that says when essim has reached the plots (the output folder is then half
# written), then takes its time; tests/fault/gnuplot writes the files.
mkdir -p "$tmp/bin"
cat >"$tmp/bin/gnuplot" <<EOF
#!/bin/sh
touch "$tmp/plotting"
sleep 1
exec "$PWD/tests/fault/gnuplot"
EOF
chmod +x "$tmp/bin/gnuplot"

earlier="$tmp/out"
PATH="$PWD/tests/fault:$PATH" "$essim" run "$scenario" --out "$earlier" --quiet || bad "first run failed"
before=$(sums "$earlier")

# A signal while the output folder is being written.  env --default-signal: a background job
# of a script starts with SIGINT ignored, and essim keeps an ignored signal ignored.
for sig in INT TERM HUP; do
  rm -f "$tmp/plotting"
  PATH="$tmp/bin:$PATH" env --default-signal=INT,HUP "$essim" run "$scenario" --out "$earlier" --quiet \
    >"$tmp/stdout" 2>"$tmp/stderr" &
  pid=$!
  for _ in $(seq 300); do [ -e "$tmp/plotting" ] && break; sleep 0.1; done
  [ -e "$tmp/plotting" ] || bad "SIG$sig: essim never reached the plots"
  kill -s "$sig" "$pid"
  { wait "$pid"; } 2>/dev/null
  status=$?
  want=$((128 + $(kill -l "$sig")))
  [ "$status" = "$want" ] && ok || bad "SIG$sig in the output phase: exit $status, expected $want ($(cat "$tmp/stderr"))"
  grep -q "$earlier: stopped by SIG$sig before the results were complete; left as it was" "$tmp/stderr" \
    && ok || bad "SIG$sig message: $(cat "$tmp/stderr")"
  [ "$(sums "$earlier")" = "$before" ] && ok || bad "SIG$sig in the output phase changed the earlier results"
  no_leftovers "$tmp" "SIG$sig in the output phase"
done

# SIGINT in the simulation phase: gone at once, nothing written.
PATH="$PWD/tests/fault:$PATH" env --default-signal=INT "$essim" run scenarios/province.cfg --replications 4 \
  --jobs 1 --out "$earlier" --quiet >/dev/null 2>&1 &
pid=$!
sleep 1
kill -s INT "$pid"
wait "$pid"
status=$?
[ "$status" = 130 ] && ok || bad "SIGINT in the simulation phase: exit $status, expected 130"
[ "$(sums "$earlier")" = "$before" ] && ok || bad "SIGINT in the simulation phase changed the earlier results"
no_leftovers "$tmp" "SIGINT in the simulation phase"

# Output paths that cannot be written fail before the run, with the path.
expect_unwritable() { # DESCRIPTION OUT MESSAGE
  PATH="$PWD/tests/fault:$PATH" "$essim" run "$scenario" --out "$2" --quiet >"$tmp/stdout" 2>"$tmp/stderr"
  local status=$?
  [ "$status" = 1 ] && ok || bad "$1: exit $status, expected 1"
  grep -qF "$2: $3" "$tmp/stderr" && ok || bad "$1: message lacks '$2: $3': $(cat "$tmp/stderr")"
}
echo "not a folder" >"$tmp/file"
expect_unwritable "output path is a file" "$tmp/file" "exists and is not a folder"
expect_unwritable "output under a file" "$tmp/file/out" "cannot create a folder beside it: Not a directory"
[ "$(cat "$tmp/file")" = "not a folder" ] && ok || bad "the file in the way was changed"

# A file-size limit (RLIMIT_FSIZE, SIGXFSZ ignored): writes fail with EFBIG midway through.
(trap '' XFSZ; ulimit -f 8; PATH="$PWD/tests/fault:$PATH" exec "$essim" run "$scenario" --out "$earlier" --quiet) \
  >"$tmp/stdout" 2>"$tmp/stderr"
status=$?
[ "$status" = 1 ] && ok || bad "file-size limit: exit $status, expected 1"
grep -q "File too large" "$tmp/stderr" && grep -qF "$earlier left as it was" "$tmp/stderr" \
  && ok || bad "file-size limit message: $(cat "$tmp/stderr")"
[ "$(sums "$earlier")" = "$before" ] && ok || bad "a failed write changed the earlier results"
no_leftovers "$tmp" "file-size limit"

# A read-only and a full filesystem: small tmpfs mounts, where this user may mount (root, not
# in a container that forbids it); skipped otherwise.
if mkdir "$tmp/ro" "$tmp/full" && mount -t tmpfs -o ro,size=64k essim-test "$tmp/ro" 2>/dev/null; then
  mounted+=("$tmp/ro")
  expect_unwritable "read-only filesystem" "$tmp/ro/out" "cannot create a folder beside it: Read-only file system"
  if mount -t tmpfs -o size=64k essim-test "$tmp/full" 2>/dev/null; then
    mounted+=("$tmp/full")
    mkdir "$tmp/full/out" && echo "earlier" >"$tmp/full/out/summary.csv"
    PATH="$PWD/tests/fault:$PATH" "$essim" run "$scenario" --out "$tmp/full/out" --quiet >"$tmp/stdout" 2>"$tmp/stderr"
    status=$?
    [ "$status" = 1 ] && ok || bad "full filesystem: exit $status, expected 1"
    grep -q "No space left on device" "$tmp/stderr" && grep -qF "$tmp/full/out left as it was" "$tmp/stderr" \
      && ok || bad "full filesystem message: $(cat "$tmp/stderr")"
    [ "$(cat "$tmp/full/out/summary.csv")" = "earlier" ] && [ "$(ls "$tmp/full/out")" = summary.csv ] \
      && ok || bad "full filesystem: earlier results changed"
    no_leftovers "$tmp/full" "full filesystem"
  fi
else
  skipped=$((skipped + 1))
  echo "output safety: no tmpfs mount here (not root?): read-only and full filesystem cases skipped"
fi

echo "output safety: $pass passed, $fail failed"
[ "$fail" = 0 ]
