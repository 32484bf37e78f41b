"""Shared fixtures for the test suite."""
import pytest
from django.core.management import call_command


@pytest.fixture
def reference_case(db):
    """The complete reference case PM 2012:3 RI, loaded from fixtures/reference_2012.json."""
    from budgetplan.models import Case

    call_command("loaddata", "reference_2012", verbosity=0)
    return Case.objects.get(registry_numbers__number="112-2321/2011")
