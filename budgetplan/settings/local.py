"""Settings for a developer's machine or a first try: debug on, a fixed non-secret key."""
from .base import *  # noqa: F401,F403
from .base import SECRET_KEY, env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
# Only for local use; production.py refuses to start without DJANGO_SECRET_KEY.
SECRET_KEY = SECRET_KEY or "local-development-only-not-a-secret"
