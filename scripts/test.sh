#!/usr/bin/env bash
# The whole test suite: unit, service (real SQLite, and again on PostgreSQL), component (bUnit), HTTP and browser
# (Playwright with Debian's Chromium). Installs what the tests need first. Ends with one summary line:
#   N passed, N failed, N skipped
# The PostgreSQL service tests use a throwaway cluster started here (loopback only, port CST_TEST_POSTGRES_PORT or a
# free one) and removed at the end, even on failure; or the server in CST_TEST_POSTGRES when that is already set.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh || { echo "Could not install the test dependencies"; exit 1; }

results="$(mktemp -d)"
pg_dir=""
cleanup() {
  [ -n "$pg_dir" ] && bash scripts/postgres-cluster.sh stop "$pg_dir"
  rm -rf "$results"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if [ -z "${CST_TEST_POSTGRES:-}" ]; then
  pg_dir="$(mktemp -d -t cst-test-pg.XXXXXX)"
  CST_TEST_POSTGRES="$(bash scripts/postgres-cluster.sh start "$pg_dir" ${CST_TEST_POSTGRES_PORT:-})" \
    || { echo "Could not start the throwaway PostgreSQL cluster"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
  export CST_TEST_POSTGRES
fi

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
exit $status
