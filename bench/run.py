"""Benchmarks of the case page, its PDF, the workbook import and the page under load; prints and saves figures.

Run from the repository root after the README's setup:

    .venv/bin/python bench/run.py --json bench/out.json [--only html,pdf,import,load]

It works in a scratch database of its own: `budgetplan_bench` on the PostgreSQL server at
127.0.0.1:5432 (user postgres) when that answers, else a temporary SQLite file. It migrates, loads
the reference case, generates a synthetic city (`generate_city`, 50 boards' ten-fold plans by
default) and measures:

- html: the reference case page and a ten-fold case page through Django's test client, warm;
  median milliseconds and the query count of each.
- pdf: the reference case and the ten-fold case rendered by WeasyPrint in this process; seconds,
  pages, and the process's peak resident memory during the large render (and that of a process
  that only renders the large case, as a worker does). In the same run,
  headless Chromium prints each case's exported HTML (`export_case --format html`, print.css
  included) to PDF (`chromium --headless --print-to-pdf`): seconds (wall, and the CPU of Chromium's
  processes), pages, and the ratio WeasyPrint / Chromium. Chromium writes neither the running
  header from the document nor PDF/A tags, so the ratio is an upper bound of what is lost.
- import: bench/import_workbook.py (5 000 activities, 2 000 indicators), run first, as a
  subprocess with its own database.
- wait: the wait from a change until its PDF can be downloaded, a real worker rendering it in
  the background (bench/queue_wait.py): median seconds, and the render's and the queue's share.
- followup: the city-wide follow-up page of T1 (budgetplan.web.report_views.city_page) over the
  synthetic city's approved reports (generate_city fills T1, T2 and Helår for every plan), read
  warm by a logged-in administrator, who reads every board's report: median milliseconds and
  queries, also with nothing cached; and the board report's PDF of the ten-fold plan's Helår
  (seconds, pages). Only the first year's plans are followed up (the page reads one period).
- load: the reference case, decided through its life (budgetplan.document.lifecycle) so the public reads
  it, served by gunicorn (two workers, 127.0.0.1, a free port) under wrk (-t2 -c16 -d10s);
  requests per second, p95 and errors. wrk is Debian's package: installed with apt-get when
  missing and running as root, otherwise this part is skipped.

The reference case (a proposal) and the large case (a draft) are read by a logged-in
administrator (neither is public before the decision), so their query counts include the session
and the user.

Each figure is printed as it is measured and written to the JSON file with the machine it ran on.
The scratch database is dropped at the end unless --keep-db is given.
"""
import argparse
import cProfile
import datetime
import io
import json
import os
import platform
import pstats
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.request
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PARTS = ("html", "pdf", "import", "wait", "load", "followup")
BENCH_DATABASE = "budgetplan_bench"
POSTGRES = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
QUIET_LOAD = 0.7  # one-minute load average below which the machine counts as quiet

TARGETS = {
    "html_ms_median": ("<", 150),
    "html_ms_median_large": ("<", 1000),
    "html_queries": ("<=", 25),
    "html_queries_large": ("<=", 25),
    "html_queries_decided": ("<=", 25),
    "pdf_s_reference": ("<=", 2),
    "pdf_s_large": ("<=", 15),
    # Issue 13's 500 MB is a worker's: a process that only renders the ten-fold plan. The
    # benchmark's own process (pdf_peak_rss_mb_large) also holds the city it generated.
    "pdf_peak_rss_mb_large_fresh_process": ("<=", 500),
    # The debounce (5 s) plus the render (target 2 s for the reference case) and a little queue.
    "pdf_wait_s": ("<", 10),
    "import_s": ("<", 10),
    "rps": (">=", 300),
    "p95_ms": ("<", 50),
    "errors": ("==", 0),
    "followup_city_ms_median": ("<=", 300),
    "followup_city_queries": ("<=", 25),
    "followup_city_queries_uncached": ("<=", 25),
}

results: dict = {}
notes: list[str] = []


def report(key: str, value, unit: str = "") -> None:
    """Print a figure the moment it is measured, and keep it for the JSON file."""
    results[key] = value
    shown = f"{value:.3g}" if isinstance(value, float) and value < 100 else (
        f"{value:.0f}" if isinstance(value, float) else str(value))
    print(f"  {key:<26} {shown} {unit}".rstrip(), flush=True)


def note(text: str) -> None:
    notes.append(text)
    print(f"  NOTE: {text}", flush=True)


# --- the scratch database ---------------------------------------------------------------------

def postgres_admin():
    """An autocommit connection to the server's maintenance database, or None if it is not there."""
    try:
        import psycopg
        return psycopg.connect(dbname="postgres", connect_timeout=3, autocommit=True, **POSTGRES)
    except Exception as error:  # noqa: BLE001 - any failure means "use SQLite instead"
        print(f"PostgreSQL at 127.0.0.1:5432 not reachable ({error.__class__.__name__}); using SQLite.")
        return None


def recreate_postgres_database(admin, name: str) -> str:
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{name}"')
    return f"postgres://{POSTGRES['user']}@{POSTGRES['host']}:{POSTGRES['port']}/{name}"


def choose_database(args) -> tuple[str, callable]:
    """The scratch database's URL and a function that removes it."""
    if args.database_url:
        return args.database_url, lambda: None
    admin = postgres_admin()
    if admin is not None:
        url = recreate_postgres_database(admin, BENCH_DATABASE)
        admin.close()

        def drop():
            with postgres_admin() as again:
                again.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
        return url, drop
    directory = tempfile.mkdtemp(prefix="budgetplan-bench-")
    return f"sqlite:///{directory}/bench.sqlite3", lambda: shutil.rmtree(directory, ignore_errors=True)


def configure_django(database_url: str) -> None:
    # The local settings without debug: no query log, no debug templates, as a server runs.
    os.environ["DJANGO_SETTINGS_MODULE"] = "budgetplan.settings.local"
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    from bench.queue_wait import configure_environment
    configure_environment()  # the job queue the "wait" part measures on
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    # Without collectstatic there is no STATIC_ROOT; the measured pages do not need one.
    warnings.filterwarnings("ignore", message="No directory at")
    import django
    django.setup()


def describe_database(connection) -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
    if connection.vendor == "sqlite":
        import sqlite3
        return f"SQLite {sqlite3.sqlite_version}"
    return connection.vendor


def prepare_data(args, need_large: bool, followup: bool = False) -> dict:
    from django.core.management import call_command

    from bench.city import generate_city
    from budgetplan.document.selectors import case_by_registry_number

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("loaddata", "reference_2012", verbosity=0)
    reference = case_by_registry_number("112-2321/2011")
    print(f"Migrated and loaded the reference case in {time.perf_counter() - started:.1f} s.")
    cases = {"reference": reference.pk, "reader": reader().pk}
    if need_large:
        city = generate_city(boards=args.boards, years=args.years, scale=args.scale, seed=args.seed,
                             first_year=2013, followup={2013} if followup else False)
        cases["large"] = city.cases[0].pk
        rows = sum(city.counts.values())
        print(f"Generated {len(city.cases)} cases at scale {args.scale} ({rows} rows) in "
              f"{city.seconds:.1f} s; the large case is {city.cases[0].memo_number} (id {city.cases[0].pk}).")
        results["city"] = {"boards": args.boards, "years": args.years, "scale": args.scale,
                           "seed": args.seed, "rows": rows, "seconds": round(city.seconds, 1)}
    return cases


def reader():
    """The user the pages are read as: the measured cases are not decided, so the public may not
    read them; an administrator does (a session and a user lookup per request, as for staff)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("bench", email="", password=None)


def logged_in_client(user_id: int):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(pk=user_id),
                       backend="django.contrib.auth.backends.ModelBackend")
    return client


# --- html -------------------------------------------------------------------------------------

def measure_page(client, case_id: int, runs: int, suffix: str, profile_dir: Path | None) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = f"/arenden/{case_id}/"
    for _ in range(3):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    # Counted now: the next request clears the connection's query log.
    query_count = len(queries)
    timings, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200
    report(f"html_ms_median{suffix}", round(statistics.median(timings), 1), "ms")
    report(f"html_cpu_ms_median{suffix}", round(statistics.median(cpu), 1), "ms (this process, without the database's)")
    report(f"html_queries{suffix}", query_count)
    report(f"html_kb{suffix}", round(len(response.content) / 1024), "kB")
    if profile_dir:
        profile(lambda: client.get(url), profile_dir / f"html{suffix or '_reference'}.prof")


def bench_html(cases: dict, args, profile_dir) -> None:
    print(f"\nhtml: the case page through Django's test client, warm, median of {args.runs}, "
          f"read by a logged-in administrator")
    client = logged_in_client(cases["reader"])
    measure_page(client, cases["reference"], args.runs, "", profile_dir)
    measure_page(client, cases["large"], args.runs, "_large", profile_dir)


# --- pdf --------------------------------------------------------------------------------------

def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class PeakMemory:
    """Samples the process's resident memory every 10 ms while a block runs."""

    def __enter__(self):
        self.before = self.peak = rss_mb()
        self.running = True
        self.thread = threading.Thread(target=self.sample, daemon=True)
        self.thread.start()
        return self

    def sample(self):
        while self.running:
            self.peak = max(self.peak, rss_mb())
            time.sleep(0.01)

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()
        self.peak = max(self.peak, rss_mb())


def page_count(pdf: bytes) -> int:
    try:
        from pypdf import PdfReader
        return len(PdfReader(io.BytesIO(pdf)).pages)
    except ImportError:
        return len(re.findall(rb"/Type\s*/Page\b", pdf))


def render(case_id: int) -> bytes:
    from budgetplan.document.pdf import render_case_pdf
    from budgetplan.document.selectors import case_document

    return render_case_pdf(case_document(case_id=case_id))


def bench_pdf(cases: dict, profile_dir) -> None:
    print("\npdf: WeasyPrint in this process (selector + template + layout + PDF/A)")
    from django.conf import settings

    # Render slots of its own: the raw render is measured, not a wait for a slot that another
    # checkout's server or worker on the same machine holds.
    settings.PDF_RENDER_LOCK_DIR = tempfile.mkdtemp(prefix="budgetplan-bench-slots-")
    started = time.perf_counter()
    import weasyprint  # noqa: F401 - timed on its own: a server pays it once
    report("pdf_import_s", round(time.perf_counter() - started, 2), "s")

    started = time.perf_counter()
    render(cases["reference"])
    report("pdf_s_reference_first", round(time.perf_counter() - started, 2), "s (fonts loaded)")
    started, started_cpu = time.perf_counter(), time.process_time()
    pdf = render(cases["reference"])
    report("pdf_s_reference", round(time.perf_counter() - started, 2), "s")
    report("pdf_cpu_s_reference", round(time.process_time() - started_cpu, 2), "s of CPU")
    report("pdf_pages_reference", page_count(pdf), "pages")
    chromium_beside(cases["reference"], "_reference")
    if profile_dir:
        profile(lambda: render(cases["reference"]), profile_dir / "pdf_reference.prof")

    if "large" not in cases:
        return
    with PeakMemory() as memory:
        started, started_cpu = time.perf_counter(), time.process_time()
        pdf = render(cases["large"])
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - started_cpu
    report("pdf_s_large", round(seconds, 2), "s")
    report("pdf_cpu_s_large", round(cpu_seconds, 2), "s of CPU")
    report("pdf_pages_large", page_count(pdf), "pages")
    report("pdf_peak_rss_mb_large", round(memory.peak), "MB (whole process)")
    report("pdf_rss_growth_mb_large", round(memory.peak - memory.before), "MB")
    fresh_process_peak(cases["large"])
    chromium_beside(cases["large"], "_large")
    if profile_dir:
        profile(lambda: render(cases["large"]), profile_dir / "pdf_large.prof")


FRESH_RENDER = """
import tempfile, django
django.setup()
from django.conf import settings
settings.PDF_RENDER_LOCK_DIR = tempfile.mkdtemp(prefix="budgetplan-bench-slots-")
from budgetplan.document.pdf import render_case_pdf
from budgetplan.document.selectors import case_document
render_case_pdf(case_document(case_id={case_id}))
# VmHWM: this process's own peak. ru_maxrss would not do: Linux carries the parent's resident size
# at the fork into the child's ru_maxrss, so it reported the benchmark's process, not the render.
with open("/proc/self/status") as status:
    print(next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")))
"""


def fresh_process_peak(case_id: int) -> None:
    """The large render's peak memory in a process that does nothing else, as a worker's is.

    The benchmark's own process also holds what generating the city left behind.
    """
    completed = subprocess.run(
        [sys.executable, "-c", FRESH_RENDER.format(case_id=case_id)],
        cwd=ROOT, env=os.environ.copy(), capture_output=True, text=True, timeout=900,
    )
    if completed.returncode != 0:
        note(f"the render in a fresh process failed: {completed.stderr.strip().splitlines()[-1:]}")
        return
    report("pdf_peak_rss_mb_large_fresh_process", round(int(completed.stdout.split()[-1]) / 1024),
           "MB (a process that only renders it)")


def find_chromium() -> str | None:
    return next((found for name in ("chromium", "chromium-browser", "google-chrome", "chrome")
                 if (found := shutil.which(name))), None)


def chromium_print(html: bytes) -> tuple[float, float, bytes]:
    """Headless Chromium prints the HTML file to PDF: wall seconds, CPU seconds of its processes, the PDF."""
    chromium = find_chromium()
    with tempfile.TemporaryDirectory(prefix="budgetplan-chromium-") as directory:
        source, output = Path(directory) / "case.html", Path(directory) / "case.pdf"
        source.write_bytes(html)
        command = [
            # --no-zygote: the renderers are then children of the browser process, which waits for
            # them, so their CPU time reaches this process's RUSAGE_CHILDREN.
            chromium, "--headless", "--no-sandbox", "--no-zygote", "--disable-gpu", "--no-first-run",
            f"--user-data-dir={directory}/profile", "--no-pdf-header-footer",
            f"--print-to-pdf={output}", source.as_uri(),
        ]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, timeout=300, check=True)
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return seconds, cpu, output.read_bytes()


def chromium_beside(case_id: int, suffix: str) -> None:
    """Chromium printing the same case's exported HTML, measured right after WeasyPrint's render."""
    from budgetplan.document.exports import export_html
    from budgetplan.document.selectors import case_document

    if not find_chromium():
        note(f"no chromium on PATH; chromium_s{suffix} and the ratio left out.")
        return
    html = export_html(case_document(case_id=case_id))
    chromium_print(html)  # once to warm the disk cache and Chromium's own start
    seconds, cpu, pdf = chromium_print(html)
    report(f"chromium_s{suffix}", round(seconds, 2), "s (headless --print-to-pdf, wall)")
    report(f"chromium_cpu_s{suffix}", round(cpu, 2), "s of CPU (Chromium's processes)")
    report(f"chromium_pages{suffix}", page_count(pdf), "pages")
    ours = results.get(f"pdf_s{suffix}")
    if ours:
        report(f"pdf_to_chromium_ratio{suffix}", round(ours / seconds, 2), "× (WeasyPrint / Chromium, wall)")
    ours_cpu = results.get(f"pdf_cpu_s{suffix}")
    if ours_cpu and cpu:
        report(f"pdf_to_chromium_cpu_ratio{suffix}", round(ours_cpu / cpu, 2), "× (CPU)")


# --- followup ---------------------------------------------------------------------------------

def bench_followup(cases: dict, args, profile_dir) -> None:
    """The city-wide follow-up page at the synthetic city, and a large board report's PDF."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from budgetplan.document.followup_report import followup_report_document, render_report_pdf
    from followup.models import FollowUpReport

    print(f"\nfollowup: the city-wide follow-up page (T1 2013, {args.boards} boards at scale "
          f"{args.scale}), warm, median of {args.runs}, read by a logged-in administrator")
    client = logged_in_client(cases["reader"])
    url = "/uppfoljning/2013/t1/"
    for _ in range(3):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    query_count = len(queries)
    timings, cpu = [], []
    for _ in range(args.runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    boards = response.content.decode().count('#ekonomi">')
    report("followup_city_ms_median", round(statistics.median(timings), 1),
           "ms (the approved reports' parts from the cache)")
    report("followup_city_cpu_ms_median", round(statistics.median(cpu), 1), "ms (this process)")
    report("followup_city_queries", query_count)
    report("followup_city_boards", boards, "boards on the page")
    report("followup_city_kb", round(len(response.content) / 1024), "kB")
    # Cold: every report's part read and computed, as after a restart or a new approval.
    from django.core.cache import cache
    cold, cold_cpu = [], []
    for _ in range(max(3, args.runs // 3)):
        cache.clear()
        started, started_cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        cold.append((time.perf_counter() - started) * 1000)
        cold_cpu.append((time.process_time() - started_cpu) * 1000)
    report("followup_city_ms_median_uncached", round(statistics.median(cold), 1), "ms (nothing cached)")
    report("followup_city_cpu_ms_median_uncached", round(statistics.median(cold_cpu), 1), "ms (this process)")
    report("followup_city_queries_uncached", len(queries))
    if profile_dir:
        profile(lambda: client.get(url), profile_dir / "followup_city.prof")

    report_row = FollowUpReport.objects.select_related("case__board", "period").get(
        case_id=cases["large"], period__kind="Helår",
    )
    with PeakMemory() as memory:
        started, started_cpu = time.perf_counter(), time.process_time()
        pdf = render_report_pdf(followup_report_document(report=report_row))
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - started_cpu
    report("followup_pdf_s_large", round(seconds, 2), "s (the ten-fold plan's Helår report)")
    report("followup_pdf_cpu_s_large", round(cpu_seconds, 2), "s of CPU")
    report("followup_pdf_pages_large", page_count(pdf), "pages")
    report("followup_pdf_peak_rss_mb_large", round(memory.peak), "MB (whole process)")


# Where a render's time goes: WeasyPrint's phases and ours, by cumulative time under cProfile.
PHASES = [
    ("selector (case_document)", "budgetplan/document/selectors.py", "case_document"),
    ("template (render_to_string)", "budgetplan/document/pdf.py", "render_case_html_for_pdf"),
    ("HTML parse", "weasyprint/__init__.py", "__init__"),
    ("CSS cascade + computed styles", "weasyprint/document.py", "_build_layout_context"),
    ("box tree", "weasyprint/formatting_structure/build.py", "build_formatting_structure"),
    ("layout + pagination", "weasyprint/layout/__init__.py", "layout_document"),
    ("drawing pages", "weasyprint/document.py", "paint"),
    ("PDF/A structure tags", "weasyprint/pdf/tags.py", "add_tags"),
    ("font subsetting", "weasyprint/pdf/fonts.py", "build_fonts_dictionary"),
    ("PDF write (all of write_pdf)", "weasyprint/document.py", "write_pdf"),
]


def profile(function, path: Path) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    function()
    profiler.disable()
    profiler.dump_stats(path)
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    print(f"  profile written to {path} ({total:.1f} s under cProfile); phases:")
    for label, filename, function_name in PHASES:
        seconds = max(
            (cumulative for (file, _, name), (_, _, _, cumulative, _) in stats.stats.items()
             if file.endswith(filename) and name == function_name),
            default=None,
        )
        if seconds is not None:
            print(f"    {label:<32} {seconds:6.2f} s  {100 * seconds / total:4.0f} %")
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(12)
    print("  most time of their own:")
    print("\n".join("    " + line for line in stream.getvalue().splitlines()[7:22] if line.strip()))


# --- import -----------------------------------------------------------------------------------

def bench_import() -> None:
    print("\nimport: bench/import_workbook.py (5 000 activities, 2 000 indicators)")
    script = ROOT / "bench" / "import_workbook.py"
    if not script.exists():
        note("bench/import_workbook.py does not exist yet; import_rows_per_s left out.")
        return
    # Its own settings (the test settings) and its own throw-away database on the same server.
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    started = time.perf_counter()
    try:
        completed = subprocess.run(
            [sys.executable, str(script), "--activities", "5000", "--indicators", "2000"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
        )
    except subprocess.TimeoutExpired:
        note("bench/import_workbook.py ran over 15 minutes and was stopped; import_rows_per_s left out.")
        return
    output = completed.stdout + completed.stderr
    print("\n".join("    " + line for line in completed.stdout.splitlines()))
    match = re.search(r"rows per second\s+([\d,.\s]+)", completed.stdout)
    seconds = re.search(r"seconds\s+([\d.]+)", completed.stdout)
    if completed.returncode != 0 or not match:
        note(f"bench/import_workbook.py exited {completed.returncode} without a rows-per-second "
             f"figure; import_rows_per_s left out. Last lines: {output.strip().splitlines()[-3:]}")
        return
    report("import_rows_per_s", int(float(re.sub(r"[,\s]", "", match.group(1)))), "rows/s")
    if seconds:
        report("import_s", float(seconds.group(1)), "s")
    memory = re.search(r"peak resident memory of the process:\s+([\d.]+) MB", completed.stdout)
    if memory:
        report("import_peak_rss_mb", float(memory.group(1)), "MB")
    results["import_wall_s"] = round(time.perf_counter() - started, 1)


# --- load -------------------------------------------------------------------------------------

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d errors=%d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def find_wrk() -> str | None:
    wrk = shutil.which("wrk")
    if wrk:
        return wrk
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        note("wrk is not installed and this is not root with apt-get; load test skipped "
             "(install Debian's package wrk).")
        return None
    print("  installing Debian's wrk with apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-qq", "wrk"]
    if subprocess.run(install, env=env, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True)
        if subprocess.run(install, env=env, capture_output=True).returncode != 0:
            note("apt-get could not install wrk; load test skipped.")
            return None
    return shutil.which("wrk")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_served(request, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not serve {request.full_url} within {seconds:.0f} s")


def decide(case_id: int, user_id: int) -> bool:
    """Move the case on to decided through its life (the reference case is loaded as the
    proposal it was; a draft goes through proposed first), as a clerk does.

    The decision stores the case's PDF, and from then on the public reads the case without
    logging in: the page the issue's load target is about. False if this cannot be done here.
    """
    from django.contrib.auth import get_user_model

    try:
        from budgetplan.cases.models import Case
        from budgetplan.document import lifecycle
        user = get_user_model().objects.get(pk=user_id)
        case = Case.objects.get(pk=case_id)
        while case.status != Case.Status.DECIDED:
            status = lifecycle.NEXT_STATUS[Case.Status(case.status)]
            decided_on = datetime.date.today() if status == Case.Status.DECIDED else None
            lifecycle.case_transition(case=case, to_status=status, user=user, decided_on=decided_on)
            case = Case.objects.get(pk=case_id)
    except Exception as error:  # noqa: BLE001 - the undecided case, read by staff, is measured instead
        note(f"could not decide the reference case ({error.__class__.__name__}: {error}); "
             f"the load test reads the undecided case as a logged-in administrator.")
        return False
    return True


def bench_load(cases: dict, args) -> None:
    print(f"\nload: the reference case page, gunicorn with 2 workers, wrk -t2 -c{args.connections} "
          f"-d{args.duration}s on loopback")
    wrk = find_wrk()
    if not wrk:
        return
    from django.conf import settings
    from django.test import Client

    started = time.perf_counter()
    if decide(cases["reference"], cases["reader"]):
        print(f"  decided the reference case in {time.perf_counter() - started:.1f} s (its PDF stored); "
              f"read by the public, without logging in")
        results["load_page"] = "reference case, decided, read by the public (no login)"
        headers = {}
        # The same page through the test client, as the public reads it: the figure a cache of
        # decided cases will be compared with.
        measure_page(Client(), cases["reference"], args.runs, "_decided", None)
    else:
        session = logged_in_client(cases["reader"]).cookies[settings.SESSION_COOKIE_NAME].value
        headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"}
        results["load_page"] = "reference case, not decided, read by a logged-in administrator"

    port = free_port()
    url = f"http://127.0.0.1:{port}/arenden/{cases['reference']}/"
    # The benchmark's own settings and database, from configure_django's environment.
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "budgetplan.wsgi:application", "--workers", "2",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT, env={**os.environ, "PYTHONWARNINGS": "ignore::UserWarning:django.core.handlers.base"},
        start_new_session=True,
    )
    try:
        request = urllib.request.Request(url, headers=headers)
        wait_until_served(request, server)
        for _ in range(10):  # every worker warm before the clock starts
            urllib.request.urlopen(request, timeout=10).read()
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(WRK_SCRIPT)
        completed = subprocess.run(
            [wrk, "-t2", f"-c{args.connections}", f"-d{args.duration}s", "--latency",
             *[option for name, value in headers.items() for option in ("-H", f"{name}: {value}")],
             "-s", script.name, url],
            capture_output=True, text=True, timeout=args.duration + 60,
        )
        os.unlink(script.name)
        print("\n".join("    " + line for line in completed.stdout.splitlines()
                        if line and not line.startswith("BENCH")))
        match = re.search(r"BENCH requests=(\d+) duration_us=(\d+) p50_us=(\d+) p95_us=(\d+) "
                          r"p99_us=(\d+) errors=(\d+)", completed.stdout)
        if not match:
            note(f"wrk gave no figures: {completed.stderr.strip()[:200]}")
            return
        requests, duration, p50, p95, p99, errors = map(int, match.groups())
        report("rps", round(requests / (duration / 1e6), 1), "requests/s")
        report("p50_ms", round(p50 / 1000, 1), "ms")
        report("p95_ms", round(p95 / 1000, 1), "ms")
        report("p99_ms", round(p99 / 1000, 1), "ms")
        # wrk counts a response other than 2xx/3xx as a status error, beside connect, read,
        # write and timeout errors.
        report("errors", errors)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def bench_wait(cases: dict, args, report, note) -> None:
    from bench.queue_wait import bench_wait as wait

    wait(cases, args, report, note)


def run_part(part: str, bench, args) -> None:
    busy(part, args.quiet_wait)
    try:
        bench()
    except Exception as error:  # noqa: BLE001 - one broken part must not hide the others
        traceback.print_exc()
        note(f"part '{part}' failed: {error.__class__.__name__}: {error}")


def busy(part: str, wait: int) -> None:
    """Record how loaded the machine was as a part began: other work makes every figure slower.

    With --quiet-wait, first wait up to that many seconds for the machine to calm down.
    """
    deadline = time.monotonic() + wait
    while os.getloadavg()[0] > QUIET_LOAD and time.monotonic() < deadline:
        time.sleep(5)
    load = os.getloadavg()[0]
    results.setdefault("load_average_at_start", {})[part] = round(load, 2)
    if load > 0.5 * (os.cpu_count() or 1):
        note(f"load average {load:.1f} on {os.cpu_count()} CPUs as '{part}' began: "
             f"other processes share the machine and the figures are slower than an idle one's.")


# --- the run ----------------------------------------------------------------------------------

def machine() -> dict:
    cpu = ""
    try:
        cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                    if line.startswith("model name")), "")
    except OSError:
        pass
    memory_gb = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    return {"cpus": os.cpu_count(), "cpu": cpu, "memory_gb": memory_gb,
            "python": platform.python_version(), "system": platform.platform()}


def check_targets() -> dict:
    verdicts = {}
    compare = {"<": float.__lt__, "<=": float.__le__, ">=": float.__ge__, "==": float.__eq__}
    for key, (operator, limit) in TARGETS.items():
        if key in results:
            verdicts[key] = compare[operator](float(results[key]), float(limit))
    if "html_queries" in results and "html_queries_large" in results:
        verdicts["html_queries_equal"] = results["html_queries"] == results["html_queries_large"]
    return verdicts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--only", default=",".join(PARTS),
                        help=f"comma-separated parts to run, of {','.join(PARTS)} (all)")
    parser.add_argument("--runs", type=int, default=30, help="page requests per median (30)")
    parser.add_argument("--boards", type=int, default=50, help="boards in the synthetic city (50)")
    parser.add_argument("--years", type=int, default=3, help="years in the synthetic city (3)")
    parser.add_argument("--scale", type=int, default=10, help="size of the large plan (10)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load (10)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (16)")
    parser.add_argument("--wait-rounds", type=int, default=3,
                        help="changes of the reference case whose PDF wait is timed (3)")
    parser.add_argument("--database-url",
                        help="use this empty database instead of a scratch one (it is kept)")
    parser.add_argument("--keep-db", action="store_true", help="leave the scratch database behind")
    parser.add_argument("--quiet-wait", type=int, default=0, metavar="SECONDS",
                        help="before each part, wait up to this long for a load average below "
                             f"{QUIET_LOAD} (a shared machine)")
    parser.add_argument("--profile", type=Path, metavar="DIR",
                        help="also profile the pages and the large PDF with cProfile into DIR")
    args = parser.parse_args()
    parts = [part.strip() for part in args.only.split(",") if part.strip()]
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts {', '.join(sorted(unknown))}; choose from {', '.join(PARTS)}")
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)

    started = time.perf_counter()
    database_url, remove_database = choose_database(args)
    print(f"Scratch database: {database_url}")
    try:
        configure_django(database_url)
        from django.db import connection, connections
        results["database"] = describe_database(connection)
        print(f"Database: {results['database']}")
        # The import runs first, in a subprocess of its own: a child inherits its parent's peak
        # resident memory (Linux's ru_maxrss), which the city and the PDFs would inflate.
        if "import" in parts:
            run_part("import", bench_import, args)
        if {"html", "pdf", "wait", "load", "followup"} & set(parts):
            cases = prepare_data(args, need_large=bool({"html", "pdf", "wait", "followup"} & set(parts)),
                                 followup="followup" in parts)
            benches = {
                "html": lambda: bench_html(cases, args, args.profile),
                "pdf": lambda: bench_pdf(cases, args.profile),
                "wait": lambda: bench_wait(cases, args, report, note),
                "load": lambda: bench_load(cases, args),
                "followup": lambda: bench_followup(cases, args, args.profile),
            }
            for part in ("html", "pdf", "wait", "followup", "load"):  # load last: it decides the reference case
                if part in parts:
                    run_part(part, benches[part], args)
        connections.close_all()
    finally:
        if args.keep_db:
            print(f"\nKept the scratch database: {database_url}")
        else:
            remove_database()

    output = {
        "measured_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "parts": parts,
        **results,
        "targets_met": check_targets(),
        "notes": notes,
        "bench_seconds": round(time.perf_counter() - started, 1),
    }
    print("\nTargets:")
    for key, met in output["targets_met"].items():
        print(f"  {'ok  ' if met else 'MISS'} {key}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(output, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"\nWrote {args.json}")


if __name__ == "__main__":
    main()
