"""Settings for the test suite: PostgreSQL, as in production."""
import os

import dj_database_url

from .base import *  # noqa: F401,F403

SECRET_KEY = "test-only-not-a-secret"
DEBUG = False
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/budgetplan"),
    )
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests serve static files through the finders; there is no collected STATIC_ROOT.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The test client's login() gives django-axes no request; tests of the lockout turn it back on.
AXES_ENABLED = False

# Jobs run in the request that queues them, for the tests about something else; the queue's own
# tests (tests/budgetplan/test_pdf_queue.py) turn this off and start a real worker on Redis.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = os.environ.get("BUDGETPLAN_TEST_QUEUE_URL", "redis://127.0.0.1:6379/3")
BUDGETPLAN_PDF_RENDER_ON_CHANGE = False
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("BUDGETPLAN_TEST_QUEUE_NAME", "celery")
if os.environ.get("BUDGETPLAN_TEST_QUEUE_WORKER"):
    # A worker the queue's tests started: it reads the test database and stores the files in a
    # folder the test reads too (the default in-memory storage is its own process's).
    CELERY_TASK_ALWAYS_EAGER = False
    MEDIA_ROOT = os.environ["BUDGETPLAN_TEST_MEDIA_ROOT"]
    STORAGES = {**STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
