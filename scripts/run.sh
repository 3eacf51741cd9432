#!/usr/bin/env bash
# Runs CstPortal on the embedded default: SQLite in ./CstPortal/data (or $Cst__DataDirectory),
# with the demo city seeded on first start. Open the printed address in a browser.
# On PostgreSQL: Cst__Database__Provider=PostgreSQL Cst__Database__ConnectionString="Host=...;Database=...;..." (README).
set -euo pipefail
cd "$(dirname "$0")/.."
url="${CST_URL:-http://127.0.0.1:5080}"
# The PDF report draws its text (Arabic too) in DejaVu Sans through fontconfig: install them when missing.
fonts=(fonts-dejavu-core libfontconfig1)
for p in "${fonts[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${fonts[@]}" >/dev/null
    break
  fi
done
dotnet build CstPortal/CstPortal.csproj -c Release --nologo -v quiet
exec dotnet run --project CstPortal/CstPortal.csproj -c Release --no-build --no-launch-profile --urls "$url"
