#!/usr/bin/env bash
# The output folder is replaced whole or not at all, and only when essim wrote it.  Signals
# (SIGINT, SIGTERM, SIGHUP) while it is being written, an output path that cannot be written,
# a full disk and a file-size limit: essim exits by the signal or with status 1, names the
# path, leaves the earlier results exactly as they were and no temporary folder behind.
# (tests/cli.sh kills runs in their simulation phase; here the signal lands in the output
# phase.)  A folder essim did not write -- a user's file in it, the current folder, the
# scenario's, the home folder, a symbolic link, an over-long path, a slice to merge, a folder
# another run is writing -- is refused before any simulation with status 2, every file in it
# byte for byte as it was.  Leftovers of killed runs are removed, and only those.
# Usage: tests/output_safety.sh ESSIM   (from the repo root)
set -u
essim=$(realpath "$1")
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
  if ls -d "$1"/*.tmp-* "$1"/*.old-* "$1"/*.essim-* >/dev/null 2>&1; then
    bad "$2: left $(cd "$1" && ls -d ./*.tmp-* ./*.old-* ./*.essim-* 2>/dev/null)"; else ok; fi
}
scenario=tests/fault/small.cfg

# A gnuplot that says when essim has reached the plots (the output folder is then half
# written), then takes its time; tests/fault/gnuplot writes the files.
mkdir -p "$tmp/bin"
cat >"$tmp/bin/gnuplot" <<EOF
#!/bin/sh
touch "$tmp/plotting"
sleep 1
# held while \$tmp/hold exists (at most two minutes): a run stays busy as long as a test needs
for _ in \$(seq 1200); do [ -e "$tmp/hold" ] || break; sleep 0.1; done
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
expect_unwritable() { # DESCRIPTION OUT MESSAGE [STATUS]
  PATH="$PWD/tests/fault:$PATH" "$essim" run "$scenario" --out "$2" --quiet >"$tmp/stdout" 2>"$tmp/stderr"
  local status=$?
  [ "$status" = "${4:-1}" ] && ok || bad "$1: exit $status, expected ${4:-1}"
  grep -qF "$2: $3" "$tmp/stderr" && ok || bad "$1: message lacks '$2: $3': $(cat "$tmp/stderr")"
}
echo "not a folder" >"$tmp/file"
expect_unwritable "output path is a file" "$tmp/file" "exists and is not a folder" 2
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
  if mount -t tmpfs -o size=1m essim-test "$tmp/full" 2>/dev/null; then
    mounted+=("$tmp/full")
    # earlier results, then the disk filled up: the first file written fails, and the
    # message says why and which file
    PATH="$PWD/tests/fault:$PATH" "$essim" run "$scenario" --out "$tmp/full/out" --quiet || bad "full filesystem: first run failed"
    full_before=$(sums "$tmp/full/out")
    dd if=/dev/zero of="$tmp/full/filler" bs=4k 2>/dev/null
    PATH="$PWD/tests/fault:$PATH" "$essim" run "$scenario" --out "$tmp/full/out" --quiet >"$tmp/stdout" 2>"$tmp/stderr"
    status=$?
    [ "$status" = 1 ] && ok || bad "full filesystem: exit $status, expected 1"
    grep -qE "^essim: $tmp/full/out\.essim-tmp-[0-9]+-[A-Za-z0-9]{6}/summary\.csv: write failed: No space left on device" "$tmp/stderr" \
      && grep -qF "$tmp/full/out left as it was" "$tmp/stderr" \
      && ok || bad "full filesystem message: $(cat "$tmp/stderr")"
    [ "$(sums "$tmp/full/out")" = "$full_before" ] && ok || bad "full filesystem: earlier results changed"
    rm -f "$tmp/full/filler"
    no_leftovers "$tmp/full" "full filesystem"
  fi
else
  skipped=$((skipped + 1))
  echo "output safety: no tmpfs mount here (not root?): read-only and full filesystem cases skipped"
fi

# ---- Ownership: essim replaces only a folder it wrote itself. ----
fault_path="$PWD/tests/fault:$PATH"
run_to() { # OUT [essim run options...]: runs the small scenario into OUT from the repo root
  local out=$1
  shift
  PATH="$fault_path" "$essim" run "$scenario" --out "$out" --quiet "$@" >"$tmp/stdout" 2>"$tmp/stderr"
}
# refused WHAT STATUS MESSAGE TREE: the last command's status and message, TREE unchanged
refused() {
  local what=$1 want=$2 message=$3 tree=$4 saved=$5 status=$6
  [ "$status" = "$want" ] && ok || bad "$what: exit $status, expected $want ($(cat "$tmp/stderr"))"
  grep -qF -- "$message" "$tmp/stderr" && ok || bad "$what: message lacks '$message': $(cat "$tmp/stderr")"
  [ "$(sums "$tree")" = "$saved" ] && ok || bad "$what: $tree changed"
}
# a user's folder: a file essim did not write
user="$tmp/user"
mkdir -p "$user/sub" && printf 'my thesis\n' >"$user/thesis.txt" && printf 'draft\n' >"$user/sub/notes.txt"
user_sums=$(sums "$user")
run_to "$user"
refused "a folder with a user's file" 2 "$user: holds files and no manifest.json, so essim did not write it" "$user" "$user_sums" $?
# ... the same as the current folder, and through '.', '..' and '' (refused before any run)
(cd "$user/sub" && PATH="$fault_path" "$essim" run "$OLDPWD/$scenario" --out . --quiet >"$tmp/stdout" 2>"$tmp/stderr")
refused "--out ." 2 ".: names the current or the parent folder" "$user" "$user_sums" $?
(cd "$user/sub" && PATH="$fault_path" "$essim" run "$OLDPWD/$scenario" --out .. --quiet >"$tmp/stdout" 2>"$tmp/stderr")
refused "--out .." 2 "..: names the current or the parent folder" "$user" "$user_sums" $?
run_to ""
refused "--out ''" 2 "--out names no folder" "$user" "$user_sums" $?
# an empty folder that is the current folder, or an ancestor of it
mkdir -p "$tmp/cwd/inner"
cwd_sums=$(sums "$tmp/cwd")
(cd "$tmp/cwd/inner" && PATH="$fault_path" "$essim" run "$OLDPWD/$scenario" --out "$tmp/cwd/inner" --quiet >"$tmp/stdout" 2>"$tmp/stderr")
refused "the current folder (empty)" 2 "$tmp/cwd/inner: is the current folder or holds it" "$tmp/cwd" "$cwd_sums" $?
[ -d "$tmp/cwd/inner" ] && ok || bad "the current folder was removed"
# the scenario's own folder (a copy of the scenario and of the model files it reads)
mkdir -p "$tmp/repo/tests" && cp -r tests/fault "$tmp/repo/tests/" && cp -r model "$tmp/repo/"
repo_sums=$(sums "$tmp/repo")
PATH="$fault_path" "$essim" run "$tmp/repo/tests/fault/small.cfg" --out "$tmp/repo/tests/fault" --quiet >"$tmp/stdout" 2>"$tmp/stderr"
refused "the scenario's folder" 2 "$tmp/repo/tests/fault: holds $tmp/repo/tests/fault/small.cfg, which this run reads" "$tmp/repo" "$repo_sums" $?
PATH="$fault_path" "$essim" run "$tmp/repo/tests/fault/small.cfg" --out "$tmp/repo/model/geography" --quiet >"$tmp/stdout" 2>"$tmp/stderr"
refused "the geography CSVs' folder" 2 "which this run reads" "$tmp/repo" "$repo_sums" $?
# the home folder, a symbolic link, the root
mkdir -p "$tmp/home" && printf 'settings\n' >"$tmp/home/.profile"
home_sums=$(sums "$tmp/home")
HOME="$tmp/home" PATH="$fault_path" "$essim" run "$scenario" --out "$tmp/home" --quiet >"$tmp/stdout" 2>"$tmp/stderr"
refused "the home folder" 2 "$tmp/home: is the home folder" "$tmp/home" "$home_sums" $?
run_to "$tmp/essim-out" || bad "a run into a new folder failed: $(cat "$tmp/stderr")"
essim_sums=$(sums "$tmp/essim-out")
ln -s "$tmp/essim-out" "$tmp/link"
run_to "$tmp/link"
refused "a symbolic link to a folder" 2 "$tmp/link: is a symbolic link" "$tmp/essim-out" "$essim_sums" $?
[ -L "$tmp/link" ] && ok || bad "the symbolic link was replaced"
run_to /
refused "the root folder" 2 "/: is the root folder" "$user" "$user_sums" $?
# a path of 4,000 bytes whose first 1,023 bytes name the user's folder (which code cutting
# paths at 1,024 bytes emptied): refused, nothing created or removed
prefix="$user"
while [ ${#prefix} -lt $((1023 - 201 - 20)) ]; do prefix="$prefix/$(printf '%*s' 200 '' | tr ' ' 'x')"; done
prefix="$prefix/$(printf '%*s' $((1023 - ${#prefix} - 1)) '' | tr ' ' 'y')"
mkdir -p "$prefix" && printf 'keep\n' >"$prefix/keep.txt"
long="$prefix"
while [ ${#long} -lt 4000 ]; do long="$long/$(printf '%*s' 200 '' | tr ' ' 'z')"; done
user_sums=$(sums "$user")
run_to "$long"
refused "a 4,000-byte --out" 2 "the --out path is ${#long} bytes long; essim takes at most" "$user" "$user_sums" $?
[ ${#prefix} = 1023 ] && [ -z "$(find "$prefix" -mindepth 1 -type d)" ] && ok || bad "a 4,000-byte --out created folders"
rm -rf "${prefix:0:$((${#user} + 201))}"
user_sums=$(sums "$user")

# A folder essim wrote is replaced; with a file added, or one of its files edited, refused.
run_to "$tmp/essim-out" && ok || bad "replacing a folder essim wrote: $(cat "$tmp/stderr")"
printf 'my notes\n' >"$tmp/essim-out/notes.txt"
essim_sums=$(sums "$tmp/essim-out")
run_to "$tmp/essim-out"
refused "an essim folder with notes.txt added" 2 "$tmp/essim-out: holds notes.txt, which is not among the files its manifest.json lists" "$tmp/essim-out" "$essim_sums" $?
rm "$tmp/essim-out/notes.txt"
printf 'edited,in,a,spreadsheet\n' >>"$tmp/essim-out/summary.csv"
essim_sums=$(sums "$tmp/essim-out")
run_to "$tmp/essim-out"
refused "an essim folder with summary.csv edited" 2 "$tmp/essim-out: holds summary.csv, changed since essim wrote it" "$tmp/essim-out" "$essim_sums" $?
# an empty folder is used
mkdir "$tmp/empty"
run_to "$tmp/empty" && [ -f "$tmp/empty/manifest.json" ] && ok || bad "an empty folder was not used: $(cat "$tmp/stderr")"

# The umask: folders and files follow it (umask 022: drwxr-xr-x and -rw-r--r--).
(umask 022 && run_to "$tmp/umask")
[ "$(stat -c %a "$tmp/umask" "$tmp/umask/plots" "$tmp/umask/summary.csv" | paste -sd' ')" = "755 755 644" ] \
  && ok || bad "umask 022: modes $(stat -c %a "$tmp/umask" "$tmp/umask/plots" "$tmp/umask/summary.csv" | paste -sd' ')"

# Leftovers of killed runs: removed when their process is gone and they hold only essim's
# kinds of files; kept while it lives, or when they hold anything else.
sh -c 'exit 0' &
dead=$!
wait "$dead"
mkdir -p "$tmp/left" "$tmp/left.essim-tmp-$dead-abcdef/plots" "$tmp/left.essim-tmp-$$-abcdef" \
  "$tmp/left.essim-tmp-$dead-ghijkl" "$tmp/left.essim-old-$dead"
echo x >"$tmp/left.essim-tmp-$dead-abcdef/summary.csv"
echo x >"$tmp/left.essim-tmp-$dead-abcdef/plots/a.svg"
echo x >"$tmp/left.essim-old-$dead/manifest.json"
echo x >"$tmp/left.essim-tmp-$$-abcdef/summary.csv"
echo x >"$tmp/left.essim-tmp-$dead-ghijkl/thesis.txt"
run_to "$tmp/left" || bad "leftovers: the run failed: $(cat "$tmp/stderr")"
[ ! -e "$tmp/left.essim-tmp-$dead-abcdef" ] && [ ! -e "$tmp/left.essim-old-$dead" ] && ok \
  || bad "a dead run's leftovers were not removed"
[ -f "$tmp/left.essim-tmp-$$-abcdef/summary.csv" ] && [ -f "$tmp/left.essim-tmp-$dead-ghijkl/thesis.txt" ] && ok \
  || bad "a live run's temporary folder, or one holding a user's file, was removed"
rm -rf "$tmp/left" "$tmp/left.essim-"*

# Two runs to one folder: the second is refused at once; the first finishes.  The first is
# held at its plots until the second has tried (under a sanitizer on a loaded machine, a run
# can take longer than any fixed wait).
rm -f "$tmp/plotting"
touch "$tmp/hold"
PATH="$tmp/bin:$PATH" "$essim" run "$scenario" --out "$tmp/busy" --quiet >"$tmp/stdout1" 2>"$tmp/stderr1" &
first=$!
for _ in $(seq 1200); do [ -e "$tmp/busy.essim-lock" ] && break; sleep 0.1; done
run_to "$tmp/busy"
status=$?
rm -f "$tmp/hold"
[ "$status" = 2 ] && grep -qF "$tmp/busy: another essim (process $first) is writing this folder" "$tmp/stderr" \
  && ok || bad "a second run to a busy folder: exit $status: $(cat "$tmp/stderr")"
wait "$first" && [ -f "$tmp/busy/manifest.json" ] && ok || bad "the first of two runs failed: $(cat "$tmp/stderr1")"
no_leftovers "$tmp" "two runs to one folder"

# merge: never into a folder holding a slice, nor into a slice.
mkdir -p "$tmp/slices"
run_to "$tmp/slices/a" --replications 2 --replication-range 1:1 &&
  run_to "$tmp/slices/b" --replications 2 --replication-range 2:2 || bad "slices: $(cat "$tmp/stderr")"
slice_sums=$(sums "$tmp/slices")
"$essim" merge "$tmp/slices/a" "$tmp/slices/b" --out "$tmp/slices" --quiet >"$tmp/stdout" 2>"$tmp/stderr"
refused "merge --out at the slices' parent" 2 "$tmp/slices: holds $tmp/slices/a, which this run reads" "$tmp/slices" "$slice_sums" $?
"$essim" merge "$tmp/slices/a" "$tmp/slices/b" --out "$tmp/slices/b" --quiet >"$tmp/stdout" 2>"$tmp/stderr"
refused "merge --out at a slice" 2 "$tmp/slices/b: holds $tmp/slices/b, which this run reads" "$tmp/slices" "$slice_sums" $?

# Under mpirun rank 0 checks, and every rank stops with status 2 before the run.
if "$essim" --version | grep -q "built with MPI" && command -v mpirun >/dev/null; then
  PATH="$fault_path" mpirun --allow-run-as-root --oversubscribe -n 2 "$essim" run "$scenario" --out "$user" --quiet \
    >"$tmp/stdout" 2>"$tmp/stderr"
  refused "mpirun: a folder with a user's file" 2 "$user: holds files and no manifest.json" "$user" "$user_sums" $?
  [ "$(grep -c '^essim: ' "$tmp/stderr")" = 1 ] && ok || bad "mpirun: not one message: $(cat "$tmp/stderr")"
fi
no_leftovers "$tmp" "refused runs"

echo "output safety: $pass passed, $fail failed"
[ "$fail" = 0 ]
