#!/usr/bin/env bash
# The report renders in headless Chromium: its script marks <body data-ready="yes"> once every
# image has decoded (no script error, no missing image), and a screenshot is not blank.
set -u
essim=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then echo "FAIL: chromium is not installed (tools/setup installs it)"; exit 1; fi
"$essim" run scenarios/muskoka-kawarthas.cfg --replications 2 --out "$tmp/out" --quiet || exit 1
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
       --disable-background-networking --disable-component-update --disable-sync
       --user-data-dir="$tmp/profile" --virtual-time-budget=15000)
pass=0
fail=0
check() { if eval "$2"; then pass=$((pass + 1)); else echo "FAIL: $1"; fail=$((fail + 1)); fi; }
timeout 120 "$chromium" "${flags[@]}" --dump-dom "file://$tmp/out/report.html" >"$tmp/dom.html" 2>"$tmp/chromium.log"
check "the page's script marked the body ready (every image decoded)" 'grep -q "<body data-ready=\"yes\">" "$tmp/dom.html"'
check "four plots inline" '[ "$(grep -o "<img alt=\"[^\"]*\" src=\"data:image/svg+xml;base64,[A-Za-z0-9+/=]\{1000,\}\"" "$tmp/dom.html" | wc -l)" -ge 4 ]'
check "no network reference" '! grep -qE "(src|href)=\"(https?:)?//" "$tmp/out/report.html"'
check "headline table present" 'grep -q "Employment rate at exit" "$tmp/dom.html"'
timeout 120 "$chromium" "${flags[@]}" --window-size=1200,2400 --screenshot="$tmp/shot.png" \
  "file://$tmp/out/report.html" >/dev/null 2>>"$tmp/chromium.log"
# not blank: the decoded image has many distinct byte values, not one background colour
check "screenshot is not blank" '/usr/bin/python3 - "$tmp/shot.png" <<'"'"'PY'"'"'
import sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n"
pos, idat = 8, b""
while pos < len(data):
    n = int.from_bytes(data[pos:pos + 4], "big")
    kind = data[pos + 4:pos + 8]
    if kind == b"IDAT":
        idat += data[pos + 8:pos + 8 + n]
    pos += 12 + n
raw = zlib.decompress(idat)
sys.exit(0 if len(set(raw)) > 64 else 1)
PY'
if [ "$fail" != 0 ]; then tail -20 "$tmp/chromium.log"; fi
echo "report: $pass passed, $fail failed"
[ "$fail" = 0 ]
