#!/usr/bin/env bash
# Installs the Debian packages a scale-out run needs, when they are missing: PostgreSQL 15 with PostGIS 3
# (the shared database), nginx (the sticky load balancer in front of the nodes). Safe to run again: installs
# only what is missing.
set -euo pipefail
packages=(postgresql-15 postgresql-15-postgis-3 nginx)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages for the scale-out run: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
# policy-rc.d 101: the packages must not start system-wide services; the scripts start their own on loopback.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod +x "$policy" && created_policy=1
fi
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
[ "$created_policy" = 1 ] && $sudo rm -f "$policy"
exit 0
