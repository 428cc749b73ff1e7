#!/usr/bin/env bash
# The scenario reference in docs/ must say exactly what the key table in the code says.
set -u
essim=$1
status=0
for kind in scenario funding; do
  want=$("$essim" reference "$kind")
  have=$(awk -v kind="$kind" '
    $0 == "<!-- END " kind " keys -->" { on = 0 }
    on { print }
    $0 == "<!-- BEGIN " kind " keys (generated: tools/update-docs) -->" { on = 1 }' docs/scenario-reference.md)
  if [ "$want" != "$have" ]; then
    echo "FAIL: docs/scenario-reference.md's $kind keys differ from the code; run tools/update-docs"
    diff <(echo "$want") <(echo "$have") | head -20
    status=1
  fi
done
[ "$status" = 0 ] && echo "docs: 2 passed, 0 failed"
exit $status
