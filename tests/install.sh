#!/usr/bin/env bash
# Install like a Debian tool: cmake --install into a temporary prefix, then the installed essim
# runs a shipped scenario from a folder outside the source tree (its @include "../model/..."
# resolving in PREFIX/share/essim), every man page renders and names every option of its
# command's --help, and the bash completion completes `essim ru` to `run`.
# Usage: tests/install.sh BUILD_DIR   (from the repo root)
set -u
build=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

prefix="$tmp/prefix"
if ! cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1; then
  cat "$tmp/install.log"
  echo "install: cmake --install failed"
  exit 1
fi
essim="$prefix/bin/essim"
for f in bin/essim share/essim/scenarios/default.cfg share/essim/scenarios/overlays/thirty-hours.cfg \
         share/essim/model/ontario.cfg share/essim/model/funding/ies-performance.cfg \
         share/essim/model/geography/catchments.csv share/essim/plots/flow_by_month.gp \
         share/man/man1/essim.1 share/bash-completion/completions/essim share/doc/essim/user-guide.md; do
  [ -s "$prefix/$f" ] && ok || bad "not installed: $f"
done

# From a folder that is not the source tree, with nothing of essim's in it.
away="$tmp/away"
mkdir -p "$away"
cd "$away" || exit 1
unset ESSIM_PATH
if "$essim" run scenarios/muskoka-kawarthas.cfg --replications 1 --jobs 2 --out out --quiet 2>"$tmp/stderr"; then
  [ -s out/summary.csv ] && [ -s out/report.html ] && ok || bad "the installed essim wrote no summary.csv or report.html"
  grep -q "$prefix/share/essim/scenarios/muskoka-kawarthas.cfg" out/manifest.json && ok || bad "the manifest does not name the installed scenario"
  grep -q "$prefix/share/essim/scenarios/../model/ontario.cfg" out/manifest.json && ok || bad "the manifest does not list the installed model/ontario.cfg"
else
  bad "the installed essim cannot run scenarios/muskoka-kawarthas.cfg from $away: $(cat "$tmp/stderr")"
fi
"$essim" check default >"$tmp/stdout" 2>"$tmp/stderr" && grep -q ": ok (3 streams, 3 catchments" "$tmp/stdout" && ok ||
  bad "essim check default (a shipped scenario by its name): $(cat "$tmp/stdout" "$tmp/stderr")"
"$essim" diff scenarios/peel.cfg --overlay scenarios/overlays/thirty-hours.cfg >"$tmp/stdout" 2>"$tmp/stderr" &&
  grep -q "^outcomes.funded_hours_per_week: 20 " "$tmp/stdout" && ok || bad "diff with a shipped overlay: $(cat "$tmp/stderr")"
# a file where essim runs comes before the shipped one of the same name
cp -r "$prefix/share/essim/scenarios" "$prefix/share/essim/model" .
"$essim" check scenarios/peel.cfg >"$tmp/stdout" 2>&1 && grep -q "^scenarios/peel.cfg: ok" "$tmp/stdout" && ok ||
  bad "a local scenarios/peel.cfg is not the one read: $(cat "$tmp/stdout")"
"$essim" check scenarios/no-such.cfg >/dev/null 2>"$tmp/stderr"
[ $? = 2 ] && grep -q "scenarios/no-such.cfg" "$tmp/stderr" && ok || bad "a missing scenario: $(cat "$tmp/stderr")"
# ESSIM_PATH comes first
mkdir -p "$tmp/mine"
cp -r scenarios model "$tmp/mine/"
cp scenarios/peel.cfg "$tmp/mine/scenarios/mine.cfg"
rm -r scenarios model
ESSIM_PATH="$tmp/nothing:$tmp/mine" "$essim" check mine >"$tmp/stdout" 2>&1 &&
  grep -q "^$tmp/mine/scenarios/mine.cfg: ok" "$tmp/stdout" && ok || bad "ESSIM_PATH: $(cat "$tmp/stdout")"

# Man pages: essim(1) and one per command of essim --help, each rendering without a warning
# and naming every option of that command's --help.
commands=$("$essim" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z]\+\) .*/\1/p')
[ -n "$commands" ] && ok || bad "no commands in essim --help"
man1="$prefix/share/man/man1"
render() { # a page as text, on stdout; warnings on stderr
  if command -v man >/dev/null; then
    MANWIDTH=80 MAN_KEEP_FORMATTING= man --warnings -E ascii -l "$1" | col -bx
  else
    groff -man -ww -Tascii "$1" | col -bx
  fi
}
if ! command -v man >/dev/null && ! command -v groff >/dev/null; then
  echo "install: neither man (man-db) nor groff is installed: the man pages are not rendered"
  pages=()
else
  pages=(essim)
  for c in $commands; do pages+=("essim-$c"); done
fi
for page in "${pages[@]}"; do
  file="$man1/$page.1"
  [ -s "$file" ] || { bad "no man page $page(1)"; continue; }
  render "$file" >"$tmp/page" 2>"$tmp/warnings"
  [ -s "$tmp/page" ] && ok || bad "$page(1) renders empty"
  [ ! -s "$tmp/warnings" ] && ok || bad "$page(1) renders with warnings: $(cat "$tmp/warnings")"
  if [ "$page" = essim ]; then help=$("$essim" --help); else help=$("$essim" "${page#essim-}" --help); fi
  for opt in $(grep -o -- '--[a-z][a-z-]*' <<<"$help" | sort -u); do
    grep -q -- "$opt" "$tmp/page" || bad "$page(1) does not name $opt, which its --help names"
  done
  ok
done
extra=$(cd "$man1" && ls | sed 's/\.1$//' | grep -vxF -f <(printf '%s\n' "${pages[@]}"))
[ -z "$extra" ] || [ ${#pages[@]} = 0 ] && ok || bad "man pages of no command: $extra"

# Bash completion: commands, options, scenario files (the shipped ones from any folder).
complete_line() { # the words bash would offer for the line "$@" (the last word being completed)
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _essim; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$prefix/share/bash-completion/completions/essim" "$@" 2>&1
}
export PATH="$prefix/bin:$PATH"
[ "$(complete_line essim ru)" = run ] && ok || bad "essim ru completes to '$(complete_line essim ru)', not run"
complete_line essim run --rep | grep -qx -- --replications && ok || bad "essim run --rep does not complete to --replications"
! complete_line essim check --rep | grep -q . && ok || bad "check is offered run's options"
complete_line essim run scenarios/de | grep -qx scenarios/default.cfg && ok ||
  bad "essim run scenarios/de does not complete to the shipped scenarios/default.cfg: $(complete_line essim run scenarios/de)"
complete_line essim compare x.cfg --funding model/funding/ies-thin-slice.cfg,model/funding/eo | grep -qx model/funding/ies-thin-slice.cfg,model/funding/eo-legacy-block.cfg && ok ||
  bad "--funding A,B does not complete the second file"

echo "install: $pass passed, $fail failed"
[ "$fail" = 0 ]
