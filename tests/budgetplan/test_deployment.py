"""Production settings: refuse to start without a secret, and pass Django's deployment checks."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL"))
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment,
        capture_output=True, text=True, timeout=120,
    )


def test_production_check_deploy_is_clean():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_SETTINGS_MODULE="budgetplan.settings.production",
        DJANGO_SECRET_KEY="x" * 20 + "a-long-random-production-secret-for-the-check-only",
        DJANGO_ALLOWED_HOSTS="budget.stockholm.se",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    result = manage(
        "check", DJANGO_SETTINGS_MODULE="budgetplan.settings.production",
        DJANGO_ALLOWED_HOSTS="budget.stockholm.se",
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_pages_send_security_headers(client):
    response = client.get(reverse("admin:login"))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True)
def test_login_is_locked_after_repeated_failures(client, django_user_model):
    call_command("axes_reset", verbosity=0)
    django_user_model.objects.create_user("redaktor", password="rätt-lösenord-123")
    url = reverse("admin:login")
    for _ in range(5):
        client.post(url, {"username": "redaktor", "password": "fel"})
    response = client.post(url, {"username": "redaktor", "password": "rätt-lösenord-123"})
    assert response.status_code == 429
    assert not response.wsgi_request.user.is_authenticated
    page = response.content.decode()
    assert "Inloggningen är spärrad" in page and "5 misslyckade inloggningsförsök" in page
    assert "Account locked" not in page
