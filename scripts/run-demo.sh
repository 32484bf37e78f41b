#!/usr/bin/env bash
# First try on a fresh machine: virtual environment, install, embedded SQLite database with the
# reference case, a demo login printed, a worker that renders the PDFs in the background (its
# queue is a folder, var/queue/: no extra service), and the development server started.
# A rerun keeps the database: the reference case is loaded only into a database without it, and
# the demo login keeps its password unless BUDGETPLAN_DEMO_NEW_PASSWORD=1 asks for a new one.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/system-packages.sh
python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e ".[dev]"
export DJANGO_SETTINGS_MODULE=budgetplan.settings.local
.venv/bin/python manage.py migrate --no-input
.venv/bin/python manage.py load_reference_case
.venv/bin/python manage.py create_demo_login ${BUDGETPLAN_DEMO_NEW_PASSWORD:+--new-password}
addr="${BUDGETPLAN_ADDR:-127.0.0.1:8000}"
echo "Budgetplan: http://$addr/ (administrationen: http://$addr/admin/)"
# The worker renders the PDFs; Ctrl-C at the terminal stops it together with the server.
.venv/bin/celery -A budgetplan.celery worker --concurrency 1 --loglevel WARNING &
exec .venv/bin/python manage.py runserver "$addr"
