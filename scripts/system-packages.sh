#!/usr/bin/env bash
# Debian packages Budgetplan needs beside Python: Pango for WeasyPrint, libharfbuzz-subset0 so
# WeasyPrint subsets the embedded fonts quickly, and whatever else the caller names (the tests add
# chromium). Installs only what is missing, and only as root on Debian.
set -euo pipefail
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 "$@")
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  exit 0
fi
missing=()
for pkg in "${packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
