#!/usr/bin/env bash
# Allocation-fault sweep (needs the `faults` build, tests/fault/alloc_fault.c): counts the
# allocations of `essim run tests/fault/small.cfg`, then runs it once per allocation with that
# one made to fail (ESSIM_FAIL_ALLOC=N).  Every run must either succeed with the reference
# CSVs (glibc or essim coped) or exit 1 saying "out of memory" (or glibc's "Cannot allocate
# memory"), leaving the earlier results in --out untouched and no temporary folder; never a
# crash, another status or a hang.
#
# Usage: tests/fault/sweep.sh ESSIM [options]   (from the repo root)
#   --stride K     every K-th allocation only (default 1: all)
#   --first N      start at allocation N (default 1)
#   --persist      from the N-th on, every allocation fails (ESSIM_FAIL_ALLOC_PERSIST=1)
#   --valgrind     under valgrind memcheck: also no memory error and no definite or indirect
#                  leak, on every path
#   --jobs J       runs side by side (default 2)
#   --args "..."   the essim command instead of "run tests/fault/small.cfg --jobs 1"
#                  (one thread, so the N-th allocation is the same one every time)
# A stand-in for gnuplot (tests/fault/gnuplot) comes first on PATH: gnuplot is another
# process, and the real one would take most of the sweep's time.
set -u
essim=$(realpath "$1")
shift
stride=1 first=1 persist=0 use_valgrind=0 jobs=2
args="run tests/fault/small.cfg --jobs 1"
while [ $# -gt 0 ]; do
  case $1 in
    --stride) stride=$2; shift ;;
    --first) first=$2; shift ;;
    --persist) persist=1 ;;
    --valgrind) use_valgrind=1 ;;
    --jobs) jobs=$2; shift ;;
    --args) args=$2; shift ;;
    *) echo "sweep.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export PATH="$here:$PATH" ESSIM_SWEEP_TMP="$tmp" ESSIM_SWEEP_BIN="$essim" ESSIM_SWEEP_ARGS="$args"
export ESSIM_SWEEP_VALGRIND=$use_valgrind
[ "$persist" = 1 ] && export ESSIM_FAIL_ALLOC_PERSIST=1

# The reference: every allocation succeeds.  Its folder is also the "earlier results".
ESSIM_ALLOC_REPORT="$tmp/count" "$essim" $args --out "$tmp/reference" --quiet >"$tmp/ref.log" 2>&1 \
  || { echo "FAIL: the reference run failed: $(cat "$tmp/ref.log")"; exit 1; }
total=$(awk '$1 == "allocations" { print $2 }' "$tmp/count")
[ -n "$total" ] && [ "$total" -gt 0 ] || { echo "FAIL: no allocation counted (not a faults build?)"; exit 1; }
(cd "$tmp/reference" && find . -type f -exec sha256sum {} + | sort) >"$tmp/reference.sums"
(cd "$tmp/reference" && sha256sum *.csv) >"$tmp/reference.csv.sums"

# The library a stack in the trace file points into: after the section's title line, skip
# SKIP frames (the interposer's own), then glibc's (or valgrind's stand-ins for its string
# functions), and name the first module left.
module_of() { # TRACE SECTION SKIP
  awk -v section="$2" -v skip="$3" '
    /^[a-z]+$/ { in_section = ($0 == section); n = 0; next }
    in_section && ++n > skip && !/libc\.so|vgpreload_/ { m = $0; sub(/\(.*/, "", m); sub(/.*\//, "", m); print m; exit }' "$1"
}

# The input files and their hashes that a manifest lists.
inputs_of() { sed -n '/"inputs"/,/]/p' "$1" 2>/dev/null; }

# One case: allocation N fails.  Prints one line when it does not pass: "FAIL ..." or, for a
# crash or exit inside libconfig on one of libconfig's own allocations, "LIBCONFIG ...".  With
# --persist every later allocation fails too, libconfig's among them: a crash inside libconfig
# is then libconfig's whoever made the first failed allocation (a stdio buffer glibc does
# without, say).
one_case() {
  local n=$1 t="$ESSIM_SWEEP_TMP/case-$1"
  mkdir -p "$t"
  cp -r "$ESSIM_SWEEP_TMP/reference" "$t/out"
  local pre=() limit=60
  if [ "$ESSIM_SWEEP_VALGRIND" = 1 ]; then
    # somalloc=nouserintercepts: valgrind replaces glibc's allocator, not the interposer
    pre=(valgrind --quiet --error-exitcode=99 --soname-synonyms=somalloc=nouserintercepts
         --leak-check=full --show-leak-kinds=definite,indirect
         --errors-for-leak-kinds=definite,indirect --log-file="$t/valgrind.log")
    limit=600
  fi
  # shellcheck disable=SC2086
  ESSIM_FAIL_ALLOC=$n ESSIM_ALLOC_REPORT="$t/count" ESSIM_FAIL_ALLOC_TRACE="$t/trace" \
    timeout -k 5 "$limit" "${pre[@]}" "$ESSIM_SWEEP_BIN" $ESSIM_SWEEP_ARGS --out "$t/out" --quiet \
    >"$t/stdout" 2>"$t/stderr"
  local status=$? problem=""
  local made_in crashed_in=""
  made_in=$(module_of "$t/trace" allocation 3)
  case $status in
    0)
      (cd "$t/out" && sha256sum --quiet -c "$ESSIM_SWEEP_TMP/reference.csv.sums") >/dev/null 2>&1 \
        || problem="exit 0 but CSVs differ from the reference"
      [ "$(inputs_of "$t/out/manifest.json")" = "$(inputs_of "$ESSIM_SWEEP_TMP/reference/manifest.json")" ] \
        || problem="${problem:+$problem; }exit 0 but manifest.json lists other inputs" ;;
    1)
      grep -Eq "out of memory|Cannot allocate memory" "$t/stderr" \
        || problem="exit 1 without an out-of-memory message: $(head -c 300 "$t/stderr")" ;;
    99) problem="valgrind: $(grep -m3 -E 'definitely|indirectly|Invalid|uninitialised|Mismatched' "$t/valgrind.log" | tr '\n' ' ')" ;;
    124|137) problem="hung (killed after ${limit}s)" ;;
    *)
      crashed_in=$(module_of "$t/trace" crash 2)
      problem="exit status $status${crashed_in:+ (crash in $crashed_in)}: $(head -c 300 "$t/stderr")" ;;
  esac
  if [ "$status" != 0 ] && [ "$(cd "$t/out" && find . -type f -exec sha256sum {} + | sort)" != "$(cat "$ESSIM_SWEEP_TMP/reference.sums")" ]; then
    problem="${problem:+$problem; }earlier results changed"
  fi
  if ls -d "$t"/out.* >/dev/null 2>&1; then problem="${problem:+$problem; }left $(cd "$t" && ls -d out.*)"; fi
  if [ -z "$problem" ] && ! grep -q "^failed [1-9]" "$t/count" 2>/dev/null; then
    problem="allocation $n was never made (the run is not deterministic?)"
  fi
  if [ -z "$problem" ]; then
    rm -rf "$t"
  elif { [[ $made_in == libconfig.so* ]] || [ -n "${ESSIM_FAIL_ALLOC_PERSIST:-}" ]; } &&
       { [[ $crashed_in == libconfig.so* ]] ||
       { [ "$status" = 2 ] && grep -q "^out of dynamic memory in libconfig_yy" "$t/stderr"; }; }; then
    echo "LIBCONFIG allocation $n: $problem"
  else
    echo "FAIL allocation $n (made in ${made_in:-?}): $problem"
  fi
}
export -f one_case module_of inputs_of

start=$(date +%s)
seq "$first" "$stride" "$total" | xargs -P "$jobs" -I{} bash -c 'one_case {}' >"$tmp/results" 2>/dev/null
swept=$(seq "$first" "$stride" "$total" | wc -l)
failed=$(grep -c "^FAIL" "$tmp/results")
known=$(grep -c "^LIBCONFIG" "$tmp/results")
sort -k3n "$tmp/results" | grep "^FAIL"
[ "$known" -gt 0 ] && echo "fault sweep: $known allocations made inside libconfig crashed or exited inside" \
  "libconfig, which does not check them (docs/testing.md): $(grep "^LIBCONFIG" "$tmp/results" | awk '{ print $3 }' | tr -d : | sort -n | paste -sd' ' | cut -c1-200)"
what="$args$([ "$use_valgrind" = 1 ] && echo ', under valgrind')$([ "$persist" = 1 ] && echo ', persistent')"
echo "fault sweep ($what): $total allocations, $swept swept (every ${stride} from $first) in $(($(date +%s) - start)) s"
echo "fault sweep: $((swept - failed)) passed, $failed failed"
[ "$failed" = 0 ]
