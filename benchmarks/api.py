"""How fast the API and the admin answer an ordinary caseworker, next to the limit.

Not a test: a measurement, printed as a table (and recorded in docs/performance.md by hand).

    .venv/bin/python benchmarks/api.py --database-url postgres://postgres@127.0.0.1:5432/ct_load \\
        [--load-cases 100000 --load-articles 1000000] [--requests 200] [--seconds 20] [--smoke]

1. Uses the PostgreSQL database named (filling it with ``seed_load`` first when it holds no
   articles and ``--load-*`` is given), makes a caseworker who belongs to the organization of
   the most cases and holds a share of another, and gives them an API token.
2. Captures, in-process with Django's test client, the SQL each endpoint runs for that user —
   token and permission lookups included — and writes it as the plan of
   ``benchmarks/raw_server.py``: the limit, the same SQL through psycopg with rows out as
   orjson.
3. Starts both under gunicorn on 127.0.0.1 (the same worker count, pinned to core 0 with
   ``taskset`` where it exists) and drives them from this process pinned to core 1, endpoint by
   endpoint, alternating project and limit in rounds so that both see the same machine.
4. Prints p50/p95/p99 latency and requests/s per endpoint and the ratio project/limit.

Every load is bounded: at most ``--requests`` per endpoint and side, at most ``--seconds``.
Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


# A shared machine gives each user a range of ports: BENCHMARK_PORTS="8170-8199" (else any free one).
PORT_RANGE = os.environ.get("BENCHMARK_PORTS", "")


def free_port() -> int:
    first, _dash, last = PORT_RANGE.partition("-")
    candidates = range(int(first), int(last or first) + 1) if first else [0]
    for candidate in candidates:
        with socket.socket() as sock:
            try:
                sock.bind((HOST, candidate))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise SystemExit(f"No free port in BENCHMARK_PORTS={PORT_RANGE}")


def pin(core: int) -> list[str]:
    """A command prefix that keeps a process on one core, where taskset exists and there are two."""
    if shutil.which("taskset") and (os.cpu_count() or 1) > 1:
        return ["taskset", "-c", str(core)]
    return []


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.benchmark_settings"  # test keys, fast hashers
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()


def prepare(load_cases: int, load_articles: int) -> dict:
    """The benchmark user, its token, and the records the endpoints will ask for."""
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db.models import Count

    from apps.access.models import Membership
    from apps.cases.models import Case, CaseShare
    from apps.sources.models import Article
    from apps.tokens.services import api_token_create

    call_command("migrate", verbosity=0, interactive=False)
    if not Article.objects.exists():
        if not load_articles:
            raise SystemExit("The database holds no articles: pass --load-cases and --load-articles.")
        call_command("seed_load", cases=load_cases, articles=load_articles)
    from django.contrib.auth import get_user_model

    User = get_user_model()
    user, _created = User.objects.get_or_create(username="benchmark-caseworker", defaults={"is_staff": True})
    user.groups.set(Group.objects.filter(name="caseworker"))
    busiest = (
        Case.objects.values("organization").annotate(total=Count("pk")).order_by("-total").first()["organization"]
    )
    Membership.objects.get_or_create(user=user, organization_id=busiest)
    case = Case.objects.filter(organization_id=busiest).order_by("pk").first()
    shared = Case.objects.exclude(organization_id=busiest).order_by("pk").first()
    if shared is not None:
        CaseShare.objects.get_or_create(case=shared, user=user, defaults={"reason": "benchmark"})
    _token, key = api_token_create(user=user, name="benchmark")
    return {"user": user, "key": key, "case": case.reference, "subject": case.subjects.first().pseudonym}


def endpoints(context: dict) -> list[tuple[str, str]]:
    """(label, path) of each API endpoint measured."""
    return [
        ("case list", "/api/v1/cases/"),
        ("case detail", f"/api/v1/cases/{context['case']}/"),
        ("timeline", f"/api/v1/cases/{context['case']}/timeline/"),
        ("article search, common word", "/api/v1/articles/?search=readmission"),
        ("article search, rare word", "/api/v1/articles/?search=palimpsest"),
        ("proceedings ?kind=appeal", "/api/v1/proceedings/?kind=appeal"),
        ("individual search", f"/api/v1/individuals/?search={context['subject'].split()[0]}"),
    ]


def admin_pages(context: dict) -> list[tuple[str, str]]:
    from apps.cases.models import Case

    case = Case.objects.get(reference=context["case"])
    return [
        ("admin: case list", "/admin/cases/case/"),
        ("admin: case search", f"/admin/cases/case/?q={context['subject'].split()[0]}"),
        ("admin: article list", "/admin/sources/article/"),
        ("admin: article search", "/admin/sources/article/?q=readmission"),
        ("admin: fact list", "/admin/cases/fact/"),
        ("admin: fact search", "/admin/cases/fact/?q=deportation"),
        ("admin: citation list", "/admin/sources/citation/"),
        ("admin: proceeding list", "/admin/proceedings/proceeding/"),
        ("admin: individual list", "/admin/people/individual/"),
        ("admin: individual search", f"/admin/people/individual/?q={context['subject'].split()[0]}"),
        ("admin: case page", f"/admin/cases/case/{case.pk}/change/"),
    ]


def capture_plan(context: dict, api: list, admin: list) -> dict[str, list[str]]:
    """The SQL each path runs for the benchmark user, as the project runs it."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    plan = {}
    api_client = Client(HTTP_AUTHORIZATION=f"Bearer {context['key']}")
    admin_client = Client()
    _sign_in(admin_client, context["user"])
    for client, pages in ((api_client, api), (admin_client, admin)):
        for _label, path in pages:
            client.get(path)  # warm caches (content types, permissions) as a running server has them
            # Captured, the prepared reads' SQL has its values in the text (apps/core/prepared.py);
            # the limit replays it as statements psycopg prepares after five runs, as the
            # project prepares them.
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code} in-process; fix that first.")
            plan[path] = [query["sql"] for query in queries.captured_queries]
    return plan


class Server:
    """A gunicorn on 127.0.0.1, stopped on exit."""

    def __init__(self, app: str, env: dict, workers: int, chdir: Path) -> None:
        self.port = free_port()
        command = [*pin(0), sys.executable, "-m", "gunicorn", app, "--bind", f"{HOST}:{self.port}",
                   "--workers", str(workers), "--chdir", str(chdir), "--log-level", "warning", "--timeout", "60",
                   "--access-logfile", "/dev/null"]
        self.process = subprocess.Popen(command, env={**os.environ, **env})
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection((HOST, self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"{app} did not start on port {self.port}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


_local = threading.local()


def get(port: int, path: str, headers: dict) -> float:
    """One GET over a kept-alive connection of this thread; its latency in seconds."""
    connections = getattr(_local, "connections", None)
    if connections is None:
        connections = _local.connections = {}
    conn = connections.get(port) or http.client.HTTPConnection(HOST, port, timeout=60)
    connections[port] = conn
    started = time.perf_counter()
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
    except (http.client.HTTPException, OSError):
        conn.close()
        connections.pop(port, None)
        raise
    if response.status != 200:
        raise RuntimeError(f"{path} answered {response.status}")
    return time.perf_counter() - started


def drive(port: int, path: str, headers: dict, count: int, concurrency: int) -> tuple[list[float], float]:
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        latencies = list(pool.map(lambda _n: get(port, path, headers), range(count)))
    return latencies, time.perf_counter() - started


def summary(latencies: list[float], elapsed: float) -> dict:
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

    return {"p50": pct(0.50), "p95": pct(0.95), "p99": pct(0.99), "rps": len(latencies) / elapsed}


def warm(pages, project_port, raw_port, headers_for, workers: int) -> None:
    """Send every path to both servers a few times per worker before anything is measured.

    A gunicorn worker imports the application's views, templates and translations on its first
    requests; a sync worker closes each connection, so requests land on any worker, and the
    first measured requests used to pay that (the case list's p95 of 15 s in an earlier run).
    """
    for _label, path in pages:
        drive(project_port, path, headers_for(path), 4 * workers, workers)
        drive(raw_port, path, {}, 4 * workers, workers)


def measure(pages, project_port, raw_port, headers_for, requests, seconds, concurrency, rounds=4):
    rows = []
    for label, path in pages:
        project, raw, project_time, raw_time = [], [], 0.0, 0.0
        per_round = max(1, requests // rounds)
        deadline = time.monotonic() + seconds
        for _round in range(rounds):
            if time.monotonic() > deadline:
                break
            latencies, elapsed = drive(project_port, path, headers_for(path), per_round, concurrency)
            project += latencies
            project_time += elapsed
            latencies, elapsed = drive(raw_port, path, {}, per_round, concurrency)
            raw += latencies
            raw_time += elapsed
        mine, limit = summary(project, project_time), summary(raw, raw_time)
        rows.append((label, mine, limit, mine["rps"] / limit["rps"] if limit["rps"] else 0.0))
    return rows


def print_table(rows, title: str) -> None:
    print(f"\n{title}")
    print(f"{'endpoint':32} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>8} | "
          f"{'limit p50':>9} {'limit p95':>9} {'limit req/s':>11} | {'ratio':>6}")
    for label, mine, limit, ratio in rows:
        print(f"{label:32} {mine['p50']:8.1f} {mine['p95']:8.1f} {mine['p99']:8.1f} {mine['rps']:8.1f} | "
              f"{limit['p50']:9.1f} {limit['p95']:9.1f} {limit['rps']:11.1f} | {ratio:6.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a PostgreSQL database on 127.0.0.1")
    parser.add_argument("--load-cases", type=int, default=0)
    parser.add_argument("--load-articles", type=int, default=0)
    parser.add_argument("--requests", type=int, default=200, help="per endpoint and side")
    parser.add_argument("--seconds", type=float, default=20, help="per endpoint, at most")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--alone-requests", type=int, default=20,
                        help="per endpoint and side, one at a time, after the concurrent pass (0: skip)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers of each server")
    parser.add_argument("--only", default="", help="comma-separated parts of the labels to measure, e.g. 'detail,timeline'")
    parser.add_argument("--smoke", action="store_true", help="a few requests each, for CI")
    parser.add_argument("--scratch", action="store_true", help="create the database anew, drop it after")
    args = parser.parse_args()
    if urlsplit(args.database_url).hostname not in (HOST, "localhost"):
        raise SystemExit("Benchmarks only talk to 127.0.0.1.")
    if args.smoke:
        args.requests, args.seconds, args.workers, args.alone_requests = 8, 10, 1, 2
    if args.scratch:
        scratch_database(args.database_url, create=True)
    try:
        run(args)
    finally:
        if args.scratch:
            scratch_database(args.database_url, create=False)


def scratch_database(url: str, *, create: bool) -> None:
    """Drop the database ``url`` names and, with ``create``, make it again (empty)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            connection.execute(f'CREATE DATABASE "{name}"')


def run(args) -> None:

    setup_django(args.database_url)
    from django.core.cache import cache

    cache.clear()  # the benchmark's own Redis database: no throttle counts left from an earlier run
    context = prepare(args.load_cases, args.load_articles)
    api, admin = endpoints(context), admin_pages(context)
    if args.only:  # a subset, by label, while working on some paths (the recorded runs take all)
        wanted = [word.strip() for word in args.only.split(",") if word.strip()]
        api, admin = ([page for page in pages if any(word in page[0] for word in wanted)] for pages in (api, admin))
    plan = capture_plan(context, api, admin)

    from django.db import connection

    dsn = connection.get_connection_params()
    dsn_text = " ".join(f"{key}={value}" for key, value in dsn.items() if key in ("host", "port", "dbname", "user"))
    workdir = tempfile.TemporaryDirectory(prefix="api-benchmark-")
    plan_file = Path(workdir.name) / "plan.json"
    plan_file.write_text(json.dumps(plan))

    # The test settings (the keys that made the token and the session), on 127.0.0.1.
    env = {
        "DATABASE_URL": args.database_url, "DJANGO_SETTINGS_MODULE": "benchmarks.benchmark_settings",
        "PYTHONPATH": str(ROOT),
    }
    project = Server("casetracker.wsgi:application", env, args.workers, ROOT)
    raw = Server("raw_server:application", {"RAW_SERVER_PLAN": str(plan_file), "RAW_SERVER_DSN": dsn_text},
                 args.workers, ROOT / "benchmarks")
    session_cookie = _session_cookie(context["user"])
    try:
        if pin(1):
            os.sched_setaffinity(0, {1})  # the load generator on the other core

        def api_headers(path):
            return {"Authorization": f"Bearer {context['key']}"}

        def admin_headers(path):
            return {"Cookie": session_cookie}

        warm(api, project.port, raw.port, api_headers, args.workers)
        warm(admin, project.port, raw.port, admin_headers, args.workers)
        print(f"# {time.strftime('%Y-%m-%d')} · {platform.node()} · {os.cpu_count()} cores · "
              f"{platform.python_version()} · {args.workers} workers each · concurrency {args.concurrency}")
        print_table(measure(api, project.port, raw.port, api_headers, args.requests, args.seconds,
                            args.concurrency), "API (caseworker with memberships and a share)")
        print_table(measure(admin, project.port, raw.port, admin_headers, args.requests, args.seconds,
                            args.concurrency), "Admin (the same caseworker; the limit returns JSON, not HTML)")
        if args.alone_requests:
            # One request at a time: what one caseworker waits, with no queue for the core in
            # front (at --concurrency 4 a request mostly waits behind the others).
            print_table(measure(api, project.port, raw.port, api_headers, args.alone_requests, args.seconds, 1,
                                rounds=2), "API, one request at a time (concurrency 1)")
            print_table(measure(admin, project.port, raw.port, admin_headers, args.alone_requests, args.seconds,
                                1, rounds=2), "Admin, one request at a time (concurrency 1)")
    finally:
        project.stop()
        raw.stop()
        workdir.cleanup()


def _sign_in(client, user) -> None:
    """Sign ``user`` in as the admin does: the password step, then the second factor (staff who
    see identities need one: apps/access/two_factor.py), so the pages measured are the pages."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from apps.access.two_factor import totp_device_enrol

    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or totp_device_enrol(user=user)[0]
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def _session_cookie(user) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client()
    _sign_in(client, user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


if __name__ == "__main__":
    main()
