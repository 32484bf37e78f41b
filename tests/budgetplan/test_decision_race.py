"""A save that runs while the case is being decided: decided is final for it too.

The decision locks the case's row, renders the PDF (seconds, for a large plan) and commits. A
save of one of the case's records that started meanwhile must wait for it and then be refused,
not write into the decided case behind its stored PDF. Two real connections to PostgreSQL.
"""
import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from budgetplan.cases.models import Case
from budgetplan.document import exports, lifecycle
from budgetplan.kernel.services import record_save
from finance.models import OperatingBudgetRow
from tests import factories
from tests.workbook.test_concurrent_import import WAIT, waits_for_a_lock

PDF = b"%PDF-1.7\n%%EOF\n"


@pytest.mark.django_db(transaction=True)
def test_a_save_during_the_decision_is_refused_once_the_case_is_decided(monkeypatch):
    row = factories.OperatingBudgetRowFactory(costs=Decimal("10.0"))
    case = row.frame.case
    lifecycle.case_transition(case=case, to_status=Case.Status.PROPOSED, user=None)

    rendering, saver_done = threading.Event(), threading.Event()
    saver_pid: list[int] = []

    def slow_pdf(document):
        """The decision's render, held until the other save has started and waits (or ended)."""
        rendering.set()
        deadline = time.monotonic() + WAIT
        while not saver_done.is_set() and time.monotonic() < deadline:
            if saver_pid and waits_for_a_lock(saver_pid[0]):
                break
            time.sleep(0.01)
        return PDF

    monkeypatch.setitem(exports.EXPORTERS, "pdf", slow_pdf)
    results: dict[str, object] = {}

    def decide():
        try:
            lifecycle.case_transition(
                case=case, to_status=Case.Status.DECIDED, user=None,
                decided_on=datetime.date(2012, 1, 25),
            )
            results["decide"] = "decided"
        finally:
            connection.close()

    def save():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                saver_pid.append(cursor.fetchone()[0])
            stale = OperatingBudgetRow.objects.get(pk=row.pk)
            stale.costs = Decimal("99.9")
            record_save(instance=stale)
            results["save"] = "saved"
        except ValidationError as error:
            results["save"] = error.messages
        finally:
            saver_done.set()
            connection.close()

    decider = threading.Thread(target=decide)
    decider.start()
    assert rendering.wait(WAIT)
    saver = threading.Thread(target=save)
    saver.start()
    decider.join(WAIT * 2)
    saver.join(WAIT * 2)

    assert results["decide"] == "decided"
    assert results["save"] == [lifecycle.DECIDED_MESSAGE]
    assert OperatingBudgetRow.objects.get(pk=row.pk).costs == Decimal("10.0")
