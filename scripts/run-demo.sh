#!/usr/bin/env bash
# First try on a fresh machine: virtual environment, install, embedded SQLite database with the
# reference case, a demo login printed, and the development server started.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/system-packages.sh
python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e ".[dev]"
export DJANGO_SETTINGS_MODULE=budgetplan.settings.local
.venv/bin/python manage.py migrate --no-input
.venv/bin/python manage.py loaddata reference_2012
.venv/bin/python manage.py create_demo_login
addr="${BUDGETPLAN_ADDR:-127.0.0.1:8000}"
echo "Budgetplan: http://$addr/ (administrationen: http://$addr/admin/)"
exec .venv/bin/python manage.py runserver "$addr"
