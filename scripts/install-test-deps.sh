#!/usr/bin/env bash
# Installs the Debian packages the full test suite needs, when they are missing:
# chromium (browser tests), fonts + fontconfig (PDF text), libgdiplus (XLSX column sizing),
# poppler-utils (reading PDFs back in tests), postgresql-15 + postgis (the service tests run on PostgreSQL too, in a
# throwaway cluster that scripts/test.sh starts). Safe to run again: installs only what is missing.
set -euo pipefail
packages=(chromium fonts-dejavu-core libfontconfig1 libgdiplus poppler-utils postgresql-15 postgresql-15-postgis-3)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages for the tests: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
