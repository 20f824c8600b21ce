"""Concurrent writers through the API on a real server: 5xx and lost updates, SQLite and PostgreSQL.

Not a test: a measurement, bounded in requests and time, on 127.0.0.1 only.

    .venv/bin/python benchmarks/concurrency.py [--writers 20] [--edits 20] [--skip-postgres]

For each setup (SQLite under runserver as `make run` serves it, SQLite and PostgreSQL under
gunicorn with gunicorn.conf.py's 3 workers) it makes a scratch database (a temporary SQLite
file; a PostgreSQL database it creates and drops), migrates, loads the seed, makes a token with
`manage.py create_api_token`, starts the server on a free port and runs N writers × M edits on
Kim's case. In each round, at the same moment, half the writers change the title and the other
half the summary; afterwards both must hold a value written in that round, else an update was
lost. A writer reads the ETag first and sends If-Match when the server gives one; a 412 is a
refused-but-safe conflict, retried with the new ETag. Last, with the database unreachable (a
listener that never answers), it times the 503.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CASE = "CT-2013-0001"
POSTGRES = "postgres://postgres@127.0.0.1:5432"
MAX_RETRIES = 30  # per edit, on 412
DEADLINE_SECONDS = 240  # per setup: the load stops here whatever is left


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


def request(method: str, url: str, token: str, body: dict | None = None, headers: dict | None = None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def environment(database_url: str) -> dict[str, str]:
    # Production settings (DEBUG off) with throwaway keys; plain HTTP on 127.0.0.1.
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "REDIS_URL"}}
    env.update(
        DATABASE_URL=database_url,
        DEBUG="0",
        SECRET_KEY="benchmark-only-not-a-secret-" + "x" * 30,
        SALT_KEY="benchmark-only-salt",
        AUDIT_KEY="benchmark-only-audit-key",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        API_THROTTLE_RATE="1000000/hour",
        DJANGO_SUPERUSER_PASSWORD="benchmark-only-password",
    )
    return env


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout.strip()


def prepare(env: dict) -> str:
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "loaddata", "seed", "-v0")
    manage(env, "createsuperuser", "--noinput", "--username", "bench", "--email", "bench@example.org")
    return manage(env, "create_api_token", "bench", "--scope", "write").splitlines()[-1].strip()


def start(env: dict, server: str, port: int) -> subprocess.Popen:
    if server == "runserver":
        command = [PYTHON, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    else:
        command = [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", "casetracker.wsgi:application"]
        env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "3"}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"{server} did not start")


def load(base: str, token: str, writers: int, edits: int) -> dict:
    url = f"{base}/api/v1/cases/{CASE}/"
    statuses: Counter = Counter()
    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(writers + 1)
    deadline = time.monotonic() + DEADLINE_SECONDS

    def edit(field: str, value: str) -> None:
        for _ in range(MAX_RETRIES):
            headers = {}
            status, response_headers, _body = request("GET", url, token)
            etag = response_headers.get("ETag")
            if etag:
                headers["If-Match"] = etag
            started = time.perf_counter()
            status, _headers, _body = request("PATCH", url, token, {field: value}, headers)
            with lock:
                statuses[status] += 1
                latencies.append(time.perf_counter() - started)
            if status != 412 or time.monotonic() > deadline:
                return

    def writer(index: int) -> None:
        field = "title" if index % 2 == 0 else "summary"
        for round_ in range(edits):
            barrier.wait()
            if time.monotonic() < deadline:
                edit(field, f"r{round_} w{index}")
            barrier.wait()

    threads = [threading.Thread(target=writer, args=(i,), daemon=True) for i in range(writers)]
    for thread in threads:
        thread.start()
    lost = 0
    started = time.perf_counter()
    for round_ in range(edits):
        barrier.wait()  # the round starts
        barrier.wait()  # every writer is done
        status, _headers, body = request("GET", url, token)
        case = json.loads(body) if status == 200 else {}
        for field in ("title", "summary"):
            if not str(case.get(field, "")).startswith(f"r{round_} "):
                lost += 1
    elapsed = time.perf_counter() - started
    for thread in threads:
        thread.join(timeout=5)
    return {
        "statuses": dict(sorted(statuses.items())),
        "5xx": sum(n for status, n in statuses.items() if status >= 500),
        "412": statuses.get(412, 0),
        "lost": lost,
        "seconds": elapsed,
        "p50_ms": statistics.median(latencies) * 1000 if latencies else 0,
        "p95_ms": statistics.quantiles(latencies, n=20)[-1] * 1000 if len(latencies) > 1 else 0,
        "patches": len(latencies),
    }


def unreachable_database(env: dict, token: str) -> list[float]:
    """Seconds until the 503 when the database accepts TCP but never answers (connect timeout)."""
    with socket.create_server(("127.0.0.1", 0), backlog=64) as blackhole:
        port = free_port()
        url = env["DATABASE_URL"].rsplit("@", 1)
        broken = {**env, "DATABASE_URL": f"{url[0]}@127.0.0.1:{blackhole.getsockname()[1]}/x"}
        server = start(broken, "gunicorn", port)
        try:
            times = []
            for _ in range(3):
                started = time.perf_counter()
                status, headers, _body = request("GET", f"http://127.0.0.1:{port}/api/v1/cases/", token)
                times.append(time.perf_counter() - started)
                assert status == 503 and headers.get("Retry-After"), status
            return times
        finally:
            server.terminate()
            server.wait(timeout=10)


def run_setup(label: str, database_url: str, server: str, writers: int, edits: int, measure_outage: bool):
    env = environment(database_url)
    token = prepare(env)
    port = free_port()
    process = start(env, server, port)
    try:
        result = load(f"http://127.0.0.1:{port}", token, writers, edits)
    finally:
        process.terminate()
        process.wait(timeout=10)
    if measure_outage:
        result["outage_503_s"] = unreachable_database(env, token)
    return label, result


def postgres_scratch(name: str, action: str) -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        if action == "create":
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
        else:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=20, help="concurrent writers (even; at most 40)")
    parser.add_argument("--edits", type=int, default=20, help="edits per writer (at most 50)")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    writers, edits = min(args.writers, 40), min(args.edits, 50)

    results = []
    with tempfile.TemporaryDirectory(prefix="concurrency-benchmark-") as scratch:
        for label, server in (("SQLite, runserver", "runserver"), ("SQLite, gunicorn ×3", "gunicorn")):
            url = f"sqlite:///{scratch}/{server}.sqlite3"
            results.append(run_setup(label, url, server, writers, edits, measure_outage=False))
    if not args.skip_postgres:
        name = f"casetracker_bench_{os.getpid()}"
        postgres_scratch(name, "create")
        try:
            results.append(
                run_setup("PostgreSQL, gunicorn ×3", f"{POSTGRES}/{name}", "gunicorn", writers, edits, True)
            )
        finally:
            postgres_scratch(name, "drop")

    print(f"{writers} writers × {edits} edits on one case; {time.strftime('%Y-%m-%d')}, "
          f"{platform.node()} ({platform.processor() or platform.machine()}, {os.cpu_count()} CPUs), "
          f"Python {platform.python_version()}")
    print("| setup | PATCHes | statuses | 5xx | 412 retried | lost updates | p50 ms | p95 ms | seconds |")
    print("|---|---|---|---|---|---|---|---|---|")
    for label, r in results:
        print(f"| {label} | {r['patches']} | {r['statuses']} | {r['5xx']} | {r['412']} | {r['lost']} | "
              f"{r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['seconds']:.1f} |")
    for label, r in results:
        if "outage_503_s" in r:
            times = ", ".join(f"{t:.2f}" for t in r["outage_503_s"])
            print(f"\n{label}, database unreachable: 503 with Retry-After after {times} s")


if __name__ == "__main__":
    main()
