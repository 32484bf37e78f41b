"""The benchmark's own steps on the reference case as the fixture loads it (not its timings)."""
import importlib.util

import pytest

from budgetplan.cases.models import Case, DecidedDocument
from tests.checkout import ROOT


def bench_run():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db
def test_the_load_benchmark_decides_the_reference_proposal(reference_case, admin_user):
    bench = bench_run()

    assert bench.decide(reference_case.pk, admin_user.pk) is True

    assert bench.notes == []
    decided = Case.objects.get(pk=reference_case.pk)
    assert decided.status == Case.Status.DECIDED
    assert list(decided.transitions.values_list("from_status", "to_status")) == [
        ("draft", "proposed"), ("proposed", "decided"),
    ]
    assert DecidedDocument.objects.filter(case=decided).exists()
