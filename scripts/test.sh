#!/usr/bin/env bash
# The whole test suite against PostgreSQL at 127.0.0.1:5432 (or $DATABASE_URL).
set -euo pipefail
cd "$(dirname "$0")/.."

# Chromium runs the accessibility checks (axe-core through Playwright).
bash scripts/system-packages.sh chromium

if command -v pg_isready >/dev/null && ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  pg_ctlcluster --skip-systemctl-redirect 15 main start 2>/dev/null || pg_ctlcluster 15 main start
fi

python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e ".[dev]"
exec .venv/bin/python -m pytest "$@"
