"""Shared fixtures for the test suite."""
import pytest
from django.core.management import call_command


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: rows loaded anew keep their ids, so a page or PDF
    cached by an earlier test would otherwise answer for this one's data."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def reference_case(db):
    """The complete reference case PM 2012:3 RI, loaded from fixtures/reference_2012.json."""
    from budgetplan.cases.models import Case

    call_command("loaddata", "reference_2012", verbosity=0)
    return Case.objects.get(registry_numbers__number="112-2321/2011")


@pytest.fixture
def reference_draft(reference_case):
    """The reference case set back to a draft (see tests.budgetplan.roles.as_draft): for tests
    that edit it as the board's editors edit a draft."""
    from tests.budgetplan.roles import as_draft

    return as_draft(reference_case)


@pytest.fixture
def roles(transactional_db):
    """The roles' groups with their permissions, as the migrations make them: a transactional
    test that ran before (a live server's, say) flushed the database, the groups with it."""
    import importlib

    from django.contrib.auth.models import Group
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    if Group.objects.filter(name="Redaktör").exists():
        return
    migration = importlib.import_module("budgetplan.cases.migrations.0003_create_roles")
    migration.create_roles(MigrationLoader(connection).project_state().apps, None)
