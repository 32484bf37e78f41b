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
