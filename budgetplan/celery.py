"""The job queue: Celery, with Redis as its broker where Redis runs, a folder where it does not.

Why Celery (issue 13): it is the queue that gives, as plain settings, everything the background
PDF needs: a hard and a soft time limit per task (the soft one raises inside the render, so the
job is recorded as failed and retried; the hard one kills a render that does not stop), a fresh
worker process after one that grew past a memory size (`worker_max_memory_per_child`), late
acknowledgement so a worker that dies mid-render hands the job back, delayed tasks for the
debounce (`countdown`), and retries. Its broker is Redis (127.0.0.1:6379 on the developers'
machines and in CI, the `redis` service in docker-compose), and, for the first try on SQLite
with no extra service, kombu's filesystem transport: a folder the web process and the worker
that scripts/run-demo.sh starts share. RQ needs Redis always; the django-tasks backport has no
time or memory limit and no retries of its own.

Workers: `celery -A budgetplan.celery worker` (README: "Bakgrundsjobb"). Each worker process
also caps its own address space (BUDGETPLAN_WORKER_MEMORY_MB), so a render that would take the
machine's memory fails with MemoryError instead, recorded on the job.
"""
import os
import resource

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "budgetplan.settings.local")

app = Celery("budgetplan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["budgetplan.document"], related_name="pdf_jobs")


@worker_process_init.connect
def limit_memory(**kwargs):
    """Each worker process may take at most this much memory (address space); 0: no limit."""
    from django.conf import settings

    megabytes = getattr(settings, "BUDGETPLAN_WORKER_MEMORY_MB", 0)
    if megabytes:
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
