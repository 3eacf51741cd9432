#!/usr/bin/env bash
# Runs CstPortal on the embedded default: SQLite in ./CstPortal/data (or $Cst__DataDirectory),
# with the demo city seeded on first start. Open the printed address in a browser.
# On PostgreSQL: Cst__Database__Provider=PostgreSQL Cst__Database__ConnectionString="Host=...;Database=...;..." (README).
set -euo pipefail
cd "$(dirname "$0")/.."
url="${CST_URL:-http://127.0.0.1:5080}"
dotnet build CstPortal/CstPortal.csproj -c Release --nologo -v quiet
exec dotnet run --project CstPortal/CstPortal.csproj -c Release --no-build --no-launch-profile --urls "$url"
