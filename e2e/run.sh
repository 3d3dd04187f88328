#!/usr/bin/env bash
# npm run e2e: build the missing tools, then the smoke checks (e2e/smoke.sh) and the scenarios
# (e2e/run.ts). Each check prints `e2e: <id>: passed`, `e2e: <id>: failed (<why>)` or
# `e2e: <id>: skipped (blocked: <why>)`; the last line counts them all:
# `N passed, N failed[, N skipped]` (the same line as e2e/scenarios/outcome.ts summaryLine).
# Exits 1 on any failure; a skipped check (a tool the Go module proxy does not serve) is no failure.
#
#   e2e/run.sh [--only <scenario>]... [--keep]      (the arguments go to the scenarios)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"

start=$SECONDS
"$here/build-tools.sh" >&2
PATH="$("$here/build-tools.sh" --path):$PATH"
export PATH SMARTEM_E2E_TOOLS_ON_PATH=1
echo "e2e: tools ready in $((SECONDS - start)) s" >&2

results="$(mktemp)"
trap 'rm -f "$results"' EXIT
# Each part prints its own count line last; keep every other line, count the results here.
collect() { grep -vE '^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' | tee -a "$results" || true; }

# A part that exits non-zero without reporting a failure (a crash, a usage error) is one.
part() { # id command...
  local id="$1" before rc
  shift
  before="$(grep -c ': failed' "$results" || true)"
  set +e
  "$@" | collect
  rc="${PIPESTATUS[0]}"
  set -e
  if [[ "$rc" != 0 && "$(grep -c ': failed' "$results" || true)" == "$before" ]]; then
    echo "e2e: $id: failed ($* exited $rc)" | tee -a "$results"
  fi
}
part smoke "$here/smoke.sh"
part scenarios bash -c 'cd "$1" && shift && exec node scripts/run.cjs e2e/run.ts "$@"' - "$repo" "$@"

count() { grep -cE "^e2e: [^ ]+: $1( |\$)" "$results" || true; }
passed="$(count passed)" failed="$(count failed)" skipped="$(count skipped)"
echo "e2e: $((SECONDS - start)) s in all" >&2
line="$passed passed, $failed failed"
[[ "$skipped" == 0 ]] || line="$line, $skipped skipped"
echo "$line"
[[ "$failed" == 0 && "$passed" -gt 0 ]]
