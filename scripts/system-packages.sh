#!/usr/bin/env bash
# Debian packages Budgetplan needs beside Python: Pango for WeasyPrint, libharfbuzz-subset0 so
# WeasyPrint subsets the embedded fonts quickly, and whatever else the caller names (the tests add
# chromium). Installs only what is missing, and only as root on Debian; says what and why first,
# and waits for another apt process (an unattended upgrade, say) to let go of apt's lock.
set -euo pipefail
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 "$@")
lock_timeout=600
declare -A why=(
  [libpango-1.0-0]="Pango, som WeasyPrint sätter PDF:ens text med"
  [libpangoft2-1.0-0]="Pango, som WeasyPrint sätter PDF:ens text med"
  [libharfbuzz-subset0]="HarfBuzz, som bäddar in bara de tecken PDF:en använder"
  [chromium]="webbläsaren som tillgänglighetstesterna körs i"
  [redis-server]="Redis, jobbkön som testerna av PDF:erna i bakgrunden kör mot"
)
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  exit 0
fi
missing=()
for pkg in "${packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

echo "Installerar Debianpaket som Budgetplan behöver (apt-get, som root):"
# One line per reason, naming the packages it covers.
declare -A named=()
for pkg in "${missing[@]}"; do
  reason="${why[$pkg]:-}"
  [ -n "$reason" ] || { echo "  $pkg"; continue; }
  [ -z "${named[$reason]:-}" ] || continue
  same=()
  for other in "${missing[@]}"; do
    [ "${why[$other]:-}" != "$reason" ] || same+=("$other")
  done
  named[$reason]=1
  list="${same[0]}"
  for other in "${same[@]:1}"; do list+=", $other"; done
  echo "  $list: $reason"
done
echo "Om en annan apt-process håller låset (t.ex. automatiska uppdateringar) väntar skriptet upp till ${lock_timeout} s på att det släpps."

apt=(apt-get -o "DPkg::Lock::Timeout=$lock_timeout")
"${apt[@]}" update -qq
DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq "${missing[@]}" >/dev/null
