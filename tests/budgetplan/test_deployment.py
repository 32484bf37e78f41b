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


PROXY = "10.0.0.2"  # the TLS proxy in front: every request reaches the application from it


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True, BUDGETPLAN_TRUSTED_PROXIES=1)
def test_behind_the_proxy_the_lockout_holds_the_guessing_client_only(client, django_user_model):
    from axes.models import AccessAttempt
    from django.test import Client

    call_command("axes_reset", verbosity=0)
    django_user_model.objects.create_user("redaktor", password="rätt-lösenord-123", is_staff=True)
    url = reverse("admin:login")
    wrong = {"username": "redaktor", "password": "fel"}
    right = {"username": "redaktor", "password": "rätt-lösenord-123"}
    guesser = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    for _ in range(5):
        client.post(url, wrong, **guesser)

    assert client.post(url, right, **guesser).status_code == 429
    # An address the client writes in front of the proxy's own is not believed.
    forged = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.20, 203.0.113.9"}
    assert client.post(url, right, **forged).status_code == 429
    # The editor, at their own address behind the same proxy, logs in.
    editor = Client()
    response = editor.post(url, right, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert response.status_code == 302
    assert response.wsgi_request.user.is_authenticated
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True, BUDGETPLAN_TRUSTED_PROXIES=0)
def test_without_a_proxy_a_forwarded_header_is_not_believed(client, django_user_model):
    from axes.models import AccessAttempt

    call_command("axes_reset", verbosity=0)
    django_user_model.objects.create_user("redaktor", password="rätt-lösenord-123")
    url = reverse("admin:login")
    for n in range(5):
        client.post(url, {"username": "redaktor", "password": "fel"},
                    REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    response = client.post(url, {"username": "redaktor", "password": "rätt-lösenord-123"},
                           REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}


def test_production_trusts_one_proxy_unless_told_otherwise():
    script = "from django.conf import settings; print('PROXIES', settings.BUDGETPLAN_TRUSTED_PROXIES)"
    env = {
        "DJANGO_SETTINGS_MODULE": "budgetplan.settings.production",
        "DJANGO_SECRET_KEY": "x" * 50, "DJANGO_ALLOWED_HOSTS": "budget.stockholm.se",
    }
    assert "PROXIES 1" in manage("shell", "-c", script, **env).stdout
    assert "PROXIES 2" in manage("shell", "-c", script, BUDGETPLAN_TRUSTED_PROXIES="2", **env).stdout
    refused = manage("shell", "-c", script, BUDGETPLAN_TRUSTED_PROXIES="en", **env)
    assert refused.returncode != 0
    assert "BUDGETPLAN_TRUSTED_PROXIES" in refused.stderr


def test_the_recipe_publishes_gunicorn_only_to_the_proxy_on_its_host():
    """Production believes the proxy's X-Forwarded-For (and X-Forwarded-Proto). A gunicorn port
    open to the network would let a client skip the proxy and write its own address, a new one
    for each guess, and so never be locked out."""
    lines = (ROOT / "docker-compose.yml").read_text().splitlines()
    start = lines.index("    ports:") + 1
    published = []
    for line in lines[start:]:
        if not line.strip().startswith("- "):
            break
        published.append(line.strip()[2:].strip("\"'"))
    assert published and all(port.startswith("127.0.0.1:") for port in published), published
