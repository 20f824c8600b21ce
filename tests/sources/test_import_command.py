import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.sources.models import Article
from tests.factories import NewsOutletFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def outlet(db):
    return NewsOutletFactory(name="The Moscow Times", website="https://www.themoscowtimes.com")


@pytest.fixture
def files(tmp_path):
    (tmp_path / "refusal.txt").write_text(
        "Support The Moscow Times!\n\nRussia Refuses Asylum\n\nThe FMS refused Kim temporary asylum.\n",
        encoding="utf-8",
    )
    (tmp_path / "page.html").write_text(
        "<html lang='en'><head><title>Court overturns refusal</title></head><body><article>"
        "<p>A court overturned the FMS refusal of asylum to Kim, Memorial said on Friday.</p>"
        "<p>Support The Moscow Times!</p></article></body></html>",
        encoding="utf-8",
    )
    (tmp_path / "scan.txt").write_bytes(b"%PDF-1.7 not text at all")
    return tmp_path


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_articles", *args, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


def test_it_reports_each_file_and_fails_when_one_file_failed(outlet, files):
    out, _err, error = run(str(files / "refusal.txt"), str(files / "page.html"), str(files / "scan.txt"))
    lines = out.splitlines()
    assert lines[0].startswith("[1/3] created") and "Russia Refuses Asylum" in lines[0]
    assert lines[1].startswith("[2/3] created") and "Court overturns refusal" in lines[1]
    assert lines[2].startswith("[3/3] failed") and "PDF" in lines[2]
    assert lines[3] == "2 created, 0 duplicate, 1 failed"
    assert error is not None and "1 of 3 file(s) failed" in str(error)
    assert Article.objects.count() == 2


def test_a_second_run_reports_duplicates_and_succeeds(outlet, files):
    run(str(files / "refusal.txt"))
    out, _err, error = run(str(files / "refusal.txt"))
    assert out.startswith("duplicate  ")
    assert "same text as “Russia Refuses Asylum”" in out
    assert error is None
    assert Article.objects.count() == 1


def test_json_output_is_one_object_per_file_with_status_fields_and_article_id(outlet, files):
    out, err, error = run("--json", str(files))
    reports = [json.loads(line) for line in out.splitlines()]
    by_name = {report["path"].rsplit("/", 1)[-1]: report for report in reports}
    assert set(by_name) == {"page.html", "refusal.txt", "scan.txt"}
    created = by_name["refusal.txt"]
    assert created["status"] == "created"
    assert created["fields"]["title"] == "Russia Refuses Asylum"
    assert created["fields"]["outlet"] == "The Moscow Times"
    assert Article.objects.filter(public_id=created["article_id"]).exists()
    failed = by_name["scan.txt"]
    assert (failed["status"], failed["reason"], failed["article_id"]) == ("failed", "binary", None)
    assert "[3/3]" in err and "2 created, 0 duplicate, 1 failed" in err
    assert str(error) == "1 of 3 file(s) failed."


def test_a_file_over_the_limit_is_refused_before_it_is_read(outlet, files, settings):
    settings.ARTICLE_IMPORT_MAX_BYTES = 10
    out, _err, error = run("--json", str(files / "refusal.txt"))
    report = json.loads(out)
    assert report["reason"] == "too_large" and "the limit is 10 bytes" in report["error"]
    assert str(error) == "1 of 1 file(s) failed."
    assert not Article.objects.exists()


def test_an_outlet_named_on_the_command_line_is_used(files):
    out, _err, error = run("--outlet", "Memorial", str(files / "page.html"))
    assert error is None
    assert Article.objects.get().outlet.name == "Memorial"


def test_a_missing_file_fails_cleanly(outlet, tmp_path):
    out, _err, error = run(str(tmp_path / "nowhere.txt"))
    assert "failed" in out and "Cannot read the file: No such file or directory." in out
    assert str(error) == "1 of 1 file(s) failed."
    assert not Article.objects.exists()
