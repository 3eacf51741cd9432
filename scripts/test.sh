#!/usr/bin/env bash
# The whole test suite: unit, service (real SQLite), component (bUnit), HTTP and browser (Playwright
# with Debian's Chromium). Installs what the tests need first. Ends with one summary line:
#   N passed, N failed, N skipped
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh || { echo "Could not install the test dependencies"; exit 1; }

results="$(mktemp -d)"
dotnet test CstPortal.Tests/CstPortal.Tests.csproj -c Release --nologo \
  --logger "trx;LogFileName=results.trx" --results-directory "$results" "$@"
status=$?

trx="$results/results.trx"
if [ -f "$trx" ]; then
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  total=$(get total); passed=$(get passed); failed=$(get failed)
  skipped=$(( ${total:-0} - ${passed:-0} - ${failed:-0} ))
  echo "${passed:-0} passed, ${failed:-0} failed, ${skipped} skipped"
else
  echo "0 passed, 1 failed, 0 skipped"
  [ $status -eq 0 ] && status=1
fi
rm -rf "$results"
exit $status
