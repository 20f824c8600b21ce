"""How long hostile pages keep the importer busy, directly and through the API on 127.0.0.1.

Not a test: a measurement to run by hand when the importer or its bounds change.

    .venv/bin/python benchmarks/hostile_inputs.py [--repeat 3] [--database-url URL]

Inputs: a normal page (the baseline), one tag with 50,000 attributes (0.5 MB), 50,000 nested
<div>s, and a page whose article is one 3 MiB line. Each goes through ``article_extract``
(nothing stored) and through ``POST /api/v1/articles/import/`` on a threaded WSGI server
bound to 127.0.0.1 in this process, into a scratch database (a temporary SQLite file unless
--database-url names another scratch database). The median of --repeat runs is shown; each
API run imports a variant of the page so that nothing is answered as a duplicate.

Then the scanners that once took quadratic time (the tests check their answers on the large
inputs; the time is measured here): each is run at a size n and at 4n, and the ratio of the two
times is printed beside it — about 4 for a linear scan, about 16 for a quadratic one.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARAGRAPH = "<p>" + "The Moscow office refused him temporary asylum, saying Russia is a transit country. " * 5 + "</p>\n"


PAGES = iter(range(1, 10**9))


def page(body: str, run: int) -> str:
    # A number in every paragraph: each page's article differs, so none is a duplicate.
    number = next(PAGES)
    paragraphs = PARAGRAPH.replace("<p>", f"<p>Report {number}, paragraph {{}}: ")
    return (
        f"<html><head><title>Hostile page {number}</title></head><body><article>"
        + "".join(paragraphs.format(index) for index in range(3))
        + f"{body}</article></body></html>"
    )


INPUTS = {
    "normal page (baseline)": lambda run: page(PARAGRAPH * 20, run),
    "one tag, 50,000 attributes": lambda run: page("<div " + " ".join(f'a{i}="x"' for i in range(50_000)) + ">x</div>", run),
    "50,000 nested <div>s": lambda run: page("<div>" * 50_000 + "deep" + "</div>" * 50_000, run),
    "3 MiB single line": lambda run: page("<p>" + "word " * (3 * 1024 * 1024 // 5) + "</p>", run),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per input; the median is shown")
    parser.add_argument("--database-url", help="a scratch database to fill (default: a temporary SQLite file)")
    args = parser.parse_args()

    scratch = tempfile.TemporaryDirectory(prefix="hostile-benchmark-")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{scratch.name}/benchmark.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")  # test keys, fast hashers
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    call_command("migrate", verbosity=0, interactive=False)

    from apps.people.services import organization_create
    from apps.sources.ingestion.importer import article_extract
    from apps.tokens.services import api_token_create
    from tests.factories import SuperuserFactory

    organization_create(name="The Moscow Times", kind="news_outlet", country="RU")
    _record, token = api_token_create(user=SuperuserFactory(), scope="write")
    base = serve()
    article_extract(content=INPUTS["normal page (baseline)"](0), format="html")  # imports, models loaded

    rows = []
    for label, build in INPUTS.items():
        direct, api, statuses = [], [], set()
        for run in range(1, args.repeat + 1):
            html = build(run)
            started = time.perf_counter()
            article_extract(content=html, format="html")
            direct.append(time.perf_counter() - started)
            body = json.dumps({"html": build(100 + run), "outlet": "The Moscow Times"}).encode()
            started = time.perf_counter()
            statuses.add(post(f"{base}/api/v1/articles/import/", body, token))
            api.append(time.perf_counter() - started)
        rows.append((label, len(html.encode()), statistics.median(direct), statistics.median(api), statuses))
    print_table(rows, args.repeat)
    print_scanners(scanner_rows(args.repeat), args.repeat)
    scratch.cleanup()


def scanner_rows(repeat: int) -> list[tuple[str, int, float, float]]:
    """(label, n, median seconds at n, median seconds at 4n) for each scanner."""
    from apps.agreements.models import Agreement
    from apps.sources.ingestion.html import looks_like_html
    from apps.sources.ingestion.mentions import mentions_in_text
    from apps.sources.ingestion.plain_text import clean_plain_text
    from tests.factories import AgreementFactory, IndividualFactory

    kim, kim_eun_chol = IndividualFactory(pseudonym="Kim"), IndividualFactory(pseudonym="Kim Eun-chol")
    readmission = AgreementFactory(
        title="Agreement on the readmission of persons illegally present",
        short_title="Russia–DPRK readmission agreement",
        kind=Agreement.Kind.READMISSION,
        party_countries=["RU", "KP"],
    )
    agreement_text = (
        "The Russia–DPRK readmission agreement was published. "
        "Russia and North Korea signed a deal on illegal migrants. "
    )
    def paragraphs(n):
        return "Title\n\n" + "\n\n".join(f"Paragraph {number} of a long pasted text, not repeated." for number in range(n))

    scanners = {
        "n paragraphs checked for repeats (plain text)": (5_000, lambda n: clean_plain_text(paragraphs(n))),
        "unclosed ** markers n times (plain text)": (12_500, lambda n: clean_plain_text("Title\n\n" + "**a " * n)),
        'open tags without ">" (looks_like_html)': (12_500, lambda n: looks_like_html("<a x" * n)),
        "agreement named n times (mentions)": (
            5_000,
            lambda n: mentions_in_text(agreement_text * n, individuals=[], organizations=[], agreements=[readmission]),
        ),
        "two overlapping names n times (mentions)": (
            5_000,
            lambda n: mentions_in_text("Kim met Kim Eun-chol. " * n, individuals=[kim, kim_eun_chol],
                                       organizations=[], agreements=[]),
        ),
    }
    rows = []
    for label, (size, scan) in scanners.items():
        times = {}
        for n in (size, 4 * size):
            runs = []
            for _ in range(repeat):
                started = time.perf_counter()
                scan(n)
                runs.append(time.perf_counter() - started)
            times[n] = statistics.median(runs)
        rows.append((label, size, times[size], times[4 * size]))
    return rows


def print_scanners(rows, repeat: int) -> None:
    print(f"\nscanners, median of {repeat} run(s): about 4x for a linear scan, 16x for a quadratic one")
    print(f"{'scanner':<42} {'n':>7} {'s at n':>8} {'s at 4n':>8} {'ratio':>6}")
    for label, size, small, large in rows:
        print(f"{label:<42} {size:>7,} {small:>8.3f} {large:>8.3f} {large / max(small, 1e-9):>6.1f}")


def serve() -> str:
    """The WSGI application on 127.0.0.1 (a free port), in a thread; its base URL."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=False)
    server.set_app(WSGIHandler())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"


def post(url: str, body: bytes, token: str) -> int:
    request = urllib.request.Request(
        url, data=body, method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def print_table(rows, repeat: int) -> None:
    print(f"median of {repeat} run(s); importer = article_extract, API = POST /api/v1/articles/import/")
    print(f"{'input':<30} {'bytes':>10} {'importer s':>11} {'API s':>8} {'API status':>11}")
    for label, size, direct, api, statuses in rows:
        print(f"{label:<30} {size:>10,} {direct:>11.2f} {api:>8.2f} {','.join(map(str, sorted(statuses))):>11}")


if __name__ == "__main__":
    main()
