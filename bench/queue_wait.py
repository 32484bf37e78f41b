"""The wait from a change until its PDF can be downloaded (issue 13): bench/run.py's part "wait".

A real worker (`celery -A budgetplan.celery worker`, one process, as docker-compose runs one) on
Redis at 127.0.0.1:6379 when it answers (BUDGETPLAN_BENCH_QUEUE_URL), else on kombu's folder
transport, as the first try runs; a queue of its own, removed afterwards. For each round a budget
row of the case is changed through the write services, as a clerk's save is, and the clock runs
until the case's PDF status (the URL the case page polls) says the file of the new revision is
stored. The wait is the debounce (the seconds the queue lets further changes come) plus the
render plus the queue's own delay; each is reported.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_QUEUE_URL = "redis://127.0.0.1:6379/0"


def queue_url() -> tuple[str, str | None]:
    """The broker to measure on, and the folder of the folder transport if that is it."""
    url = os.environ.get("BUDGETPLAN_BENCH_QUEUE_URL", DEFAULT_QUEUE_URL)
    if url.startswith("redis://"):
        try:
            import redis
            redis.Redis.from_url(url, socket_connect_timeout=2).ping()
            return url, None
        except Exception:  # noqa: BLE001 - no Redis here: the first try's folder queue instead
            pass
    return "filesystem://", tempfile.mkdtemp(prefix="budgetplan-bench-queue-")


def configure_environment() -> None:
    """Before Django starts: the queue to measure on, and no renders queued while the city is
    generated (the part turns them on for its own changes)."""
    url, folder = queue_url()
    os.environ["BUDGETPLAN_QUEUE_URL"] = url
    if folder:
        os.environ["BUDGETPLAN_QUEUE_DIR"] = folder
    os.environ["BUDGETPLAN_PDF_RENDER_ON_CHANGE"] = "0"


def start_worker(name: str, log: Path) -> subprocess.Popen:
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "budgetplan.celery", "worker", "-Q", name,
         "--concurrency", "1", "--without-gossip", "--without-mingle", "--without-heartbeat",
         "--hostname", f"{name}@%h", "--loglevel", "INFO"],
        cwd=ROOT, env=os.environ.copy(), stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 120
    while b" ready." not in log.read_bytes():
        if worker.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the worker did not start: {log.read_text()[-500:]}")
        time.sleep(0.2)
    return worker


def bench_wait(cases: dict, args, report, note) -> None:
    from django.conf import settings
    from django.test import Client

    from budgetplan.celery import app
    from budgetplan.document.models import CasePdf
    from budgetplan.kernel.services import record_save
    from finance.models import OperatingBudgetRow

    from django.contrib.auth import get_user_model

    debounce = settings.BUDGETPLAN_PDF_DEBOUNCE_SECONDS
    transport = settings.CELERY_BROKER_URL.split("://")[0]
    print(f"\nwait: from a change to its PDF downloadable, one worker on {transport}, "
          f"debounce {debounce:g} s")
    name = f"bench-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = name
    settings.BUDGETPLAN_PDF_RENDER_ON_CHANGE = True
    client = Client()
    client.force_login(get_user_model().objects.get(pk=cases["reader"]),
                       backend="django.contrib.auth.backends.ModelBackend")
    log = Path(tempfile.mkdtemp(prefix="budgetplan-bench-worker-")) / "worker.log"
    worker = start_worker(name, log)
    report("pdf_wait_debounce_s", debounce, "s (BUDGETPLAN_PDF_DEBOUNCE_SECONDS)")
    try:
        rounds = [("reference", cases["reference"], args.wait_rounds)]
        if "large" in cases:
            rounds.append(("large", cases["large"], 1))
        for label, case_id, count in rounds:
            waits, renders = [], []
            row = OperatingBudgetRow.objects.filter(frame__case_id=case_id).order_by("pk").first()
            for round_number in range(count):
                row = OperatingBudgetRow.objects.get(pk=row.pk)
                row.costs = (row.costs or Decimal(0)) + Decimal("0.1")
                started = time.perf_counter()
                record_save(instance=row)  # one revision more; its job is queued after commit
                status_url = f"/arenden/{case_id}/pdf/lage/"
                deadline = time.monotonic() + debounce + 600
                while True:
                    body = client.get(status_url).json()
                    if body["state"] == "done":
                        break
                    if body["state"] == "failed" or time.monotonic() > deadline:
                        raise RuntimeError(f"the PDF was not made: {body['message']}")
                    time.sleep(0.1)
                waits.append(time.perf_counter() - started)
                job = CasePdf.objects.get(case_id=case_id, revision=body["revision"], kind="draft")
                renders.append((job.finished_at - job.started_at).total_seconds())
                response = client.get(f"/arenden/{case_id}/pdf/")
                assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
            suffix = "" if label == "reference" else "_large"
            report(f"pdf_wait_s{suffix}", round(statistics.median(waits), 2),
                   f"s from the save to the PDF downloadable (median of {len(waits)})")
            report(f"pdf_wait_render_s{suffix}", round(statistics.median(renders), 2),
                   "s of it the worker's render (selector, template, WeasyPrint, storing)")
            report(f"pdf_wait_queue_s{suffix}",
                   round(statistics.median(waits) - statistics.median(renders) - debounce, 2),
                   "s of it the queue and the polling (beyond the debounce)")
    finally:
        settings.BUDGETPLAN_PDF_RENDER_ON_CHANGE = False
        worker.terminate()
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        if transport == "redis":
            with app.connection_for_write() as connection:  # the queue and its bindings
                channel = connection.default_channel
                channel.queue_delete(name)
                for key in channel.client.scan_iter(f"*{name}*"):
                    channel.client.delete(key)
