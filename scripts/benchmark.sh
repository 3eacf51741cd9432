#!/usr/bin/env bash
# City-scale benchmark (issue 8): seeds a benchmark data directory under artifacts/benchmark/ with the
# deterministic demo-city generator (3 years, 10% backlog), starts the Release app on 127.0.0.1 with it, measures, and appends
# a dated table to BENCHMARKS.md. Usage: bash scripts/benchmark.sh [--requests N] [--seconds S] [--intake-seconds S] [--auto-assign-seconds S]
# Default 1,000,000 requests. The seeded directory is reused by later runs of the same size; --seed-only stops after seeding.
# On PostgreSQL: add --postgres "Host=127.0.0.1;Port=5432;Database=cst_bench_N;Username=..." (or set CST_BENCH_POSTGRES);
# use a new database per size (the app creates it); its data directory is artifacts/benchmark/postgres-requests-N.
set -euo pipefail
cd "$(dirname "$0")/.."
requests=1000000
args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --requests) requests="$2"; shift 2 ;;
    --postgres) export CST_BENCH_POSTGRES="$2"; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
dotnet build CstPortal.Benchmarks/CstPortal.Benchmarks.csproj -c Release --nologo -v quiet
exec dotnet CstPortal.Benchmarks/bin/Release/net10.0/CstPortal.Benchmarks.dll \
  --requests "$requests" \
  --app CstPortal/bin/Release/net10.0/CstPortal.dll \
  --data "artifacts/benchmark/${CST_BENCH_POSTGRES:+postgres-}requests-$requests" \
  --out BENCHMARKS.md "${args[@]}"
