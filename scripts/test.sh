#!/usr/bin/env bash
# The whole test suite against PostgreSQL at 127.0.0.1:5432 (or $DATABASE_URL).
set -euo pipefail
cd "$(dirname "$0")/.."

# Chromium runs the accessibility checks (axe-core through Playwright); Redis is the job queue
# the tests of the background PDFs run a real worker on (tests/budgetplan/test_pdf_queue.py).
bash scripts/system-packages.sh chromium redis-server

if command -v pg_isready >/dev/null && ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  pg_ctlcluster --skip-systemctl-redirect 15 main start 2>/dev/null || pg_ctlcluster 15 main start
fi

if command -v redis-cli >/dev/null && ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" >/dev/null
fi

python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e ".[dev]"
exec .venv/bin/python -m pytest "$@"
