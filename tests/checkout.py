"""A stand-in checkout in a temporary directory, to run the commands a newcomer types as written.

Its `.venv` is the virtualenv running the tests and its `manage.py` the real one, so
`.venv/bin/python manage.py …` runs this code from there, with a SQLite database, media and any
files the commands write in the temporary directory. The shell has no virtualenv active.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

needs_virtualenv = pytest.mark.skipif(
    sys.prefix == sys.base_prefix, reason="the commands run the project's .venv/bin/python",
)


def stand_in_checkout(directory: Path, **environment: str) -> dict[str, str]:
    """Set up `directory` as a checkout and return the environment to run commands in it."""
    (directory / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    (directory / "manage.py").symlink_to(ROOT / "manage.py")
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "BUDGETPLAN_")) and key not in ("VIRTUAL_ENV", "PYTHONPATH")
    }
    env.update(
        PATH="/usr/local/bin:/usr/bin:/bin",
        DJANGO_SETTINGS_MODULE="budgetplan.settings.local",
        DATABASE_URL=f"sqlite:///{directory / 'db.sqlite3'}",
        DJANGO_MEDIA_ROOT=str(directory / "media"),
        **environment,
    )
    return env


def run(command: str, directory: Path, env: dict[str, str]) -> str:
    """Run one shell line with bash in the checkout; its output, or a failure that shows it."""
    result = subprocess.run(
        ["bash", "-c", command], cwd=directory, env=env, capture_output=True, text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"{command}\n{result.stdout}{result.stderr}"
    return result.stdout
