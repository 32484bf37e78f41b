"""Settings shared by every environment; values that differ come from the environment."""
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_count(name: str, default: int) -> int:
    """A whole number ≥ 0 from the environment; anything else stops the start with its name."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise ImproperlyConfigured(f"{name} must be a whole number, 0 or more (got {value!r}).")
    return int(value)


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "import_export",
    "axes",
    "simple_history",
    # The layers of docs/architecture.md, bottom up.
    "budgetplan.kernel",
    "budgetplan.cases",
    "goals",
    "finance",
    "reservations",
    "followup",
    "budgetplan.document",
    "budgetplan.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Inside whitenoise (static files keep its long cache headers), outside everything else:
    # any response no view marked as public is `private, no-store` (budgetplan.web.http_cache).
    "budgetplan.web.http_cache.PrivateByDefaultMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication: history rows of changes made through a request name its user.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login attempts: five failures for one user name from one address lock it for an hour.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"  # Swedish, not axes' English plain text
# The address attempts are counted by: REMOTE_ADDR, or behind proxies the client's address as the
# proxies forwarded it (budgetplan.web.client_ip). Count only proxies that overwrite or append to
# X-Forwarded-For: one more than there are lets a client choose its own address.
BUDGETPLAN_TRUSTED_PROXIES = env_count("BUDGETPLAN_TRUSTED_PROXIES", 0)
AXES_CLIENT_IP_CALLABLE = "budgetplan.web.client_ip.client_ip"

# No inline script anywhere: pages and the admin load scripts and styles from our own origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

ROOT_URLCONF = "budgetplan.urls"
WSGI_APPLICATION = "budgetplan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# With no DATABASE_URL a first try runs on an embedded SQLite file; PostgreSQL is the real one.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska")]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))

FIXTURE_DIRS = [BASE_DIR / "fixtures"]
# Swedish for django-axes' admin pages, which it ships without.
LOCALE_PATHS = [BASE_DIR / "locale"]

LOGIN_URL = "admin:login"

# Not IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT: it strips one "=" (losing it from a legitimate
# text) and lets "==…", "+", "-", "@" through; budgetplan.web.admin.tables's formats write texts safely.

# Decided cases' public pages are rendered once per process and served from this cache; a
# deployment that changes templates or styles raises CASE_PAGE_CACHE_VERSION (or restarts, for
# the per-process default) so no page of the old look is served.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "budgetplan",
        "OPTIONS": {"MAX_ENTRIES": 200},
    }
}
CASE_PAGE_CACHE_VERSION = os.environ.get("BUDGETPLAN_CASE_PAGE_CACHE_VERSION", "1")

# ---- The job queue (budgetplan.celery; README "Bakgrundsjobb") --------------------------------
# Redis where it runs (BUDGETPLAN_QUEUE_URL=redis://127.0.0.1:6379/0; docker-compose sets it);
# without it a folder both the web process and the worker read: the first try needs no service.
QUEUE_DIR = Path(os.environ.get("BUDGETPLAN_QUEUE_DIR", BASE_DIR / "var" / "queue"))
CELERY_BROKER_URL = os.environ.get("BUDGETPLAN_QUEUE_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    for _folder in ("in", "processed"):
        (QUEUE_DIR / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(QUEUE_DIR / "in"),
        "data_folder_out": str(QUEUE_DIR / "in"),
        "processed_folder": str(QUEUE_DIR / "processed"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True  # a job's state is its row (budgetplan.document.models.CasePdf)
CELERY_TASK_ACKS_LATE = True  # a worker that dies mid-render hands the job back...
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # ...and the job's attempts stop an endless loop
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # a worker takes one render at a time
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A render's time limit: at the soft limit the render stops and the job counts a failed attempt;
# at the hard one the worker process is killed. The ten-fold plan renders in well under this on
# a quiet machine (46 s of CPU); on a shared one five times as loaded it took more than 180 s.
BUDGETPLAN_PDF_TIME_LIMIT = env_count("BUDGETPLAN_PDF_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = BUDGETPLAN_PDF_TIME_LIMIT
CELERY_TASK_TIME_LIMIT = BUDGETPLAN_PDF_TIME_LIMIT + 30
# A worker process that has grown past this (KiB) after a job is replaced by a fresh one, and no
# process may take more address space than BUDGETPLAN_WORKER_MEMORY_MB (0: no limit).
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_count("BUDGETPLAN_WORKER_RECYCLE_MB", 600) * 1024
BUDGETPLAN_WORKER_MEMORY_MB = env_count("BUDGETPLAN_WORKER_MEMORY_MB", 2048)
# The debounce: a draft's PDF is rendered this many seconds after its last change.
BUDGETPLAN_PDF_DEBOUNCE_SECONDS = float(os.environ.get("BUDGETPLAN_PDF_DEBOUNCE_SECONDS", "5"))
# Render a draft's PDF in the background after every change (off in the test settings but for
# the queue's own tests); how many times a failed render is tried in all.
BUDGETPLAN_PDF_RENDER_ON_CHANGE = env_bool("BUDGETPLAN_PDF_RENDER_ON_CHANGE", True)
BUDGETPLAN_PDF_ATTEMPTS = max(1, env_count("BUDGETPLAN_PDF_ATTEMPTS", 3))
# Seconds before the second, third … attempt.
BUDGETPLAN_PDF_RETRY_SECONDS = [
    float(seconds) for seconds in env_list("BUDGETPLAN_PDF_RETRY_SECONDS", "5,30,60")
]
