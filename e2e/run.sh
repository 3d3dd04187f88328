#!/usr/bin/env bash
# npm run e2e: build the missing tools, then run the e2e checks. Each check prints
# `e2e: <id>: passed` or `e2e: <id>: failed (<why>)`; the last line is `N passed, N failed`.
#
#   e2e/run.sh [check...]      (default: every check; see e2e/smoke.sh)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

start=$SECONDS
"$here/build-tools.sh" >&2
PATH="$("$here/build-tools.sh" --path):$PATH"
export PATH SMARTEM_E2E_TOOLS_ON_PATH=1
echo "e2e: tools ready in $((SECONDS - start)) s" >&2

exec "$here/smoke.sh" "$@"
