"""seed_load: a large database whose every record is a state the services allow."""

import io

import pytest
from django.core.management import call_command

from apps.cases.models import Case, Fact
from apps.people.models import Individual, Organization
from apps.proceedings.models import Proceeding
from apps.sources.models import Article, Citation
from apps.sources.normal_form import body_sha256, normalize_body
from apps.workspace.load import article_text, seed_load

pytestmark = pytest.mark.django_db


def test_every_loaded_record_keeps_the_rules_of_the_services():
    report = seed_load(cases=12, articles=40, seed=7, batch=5)

    assert (report.articles, report.cases, report.facts, report.citations) == (40, 12, 60, 60)
    for article in Article.objects.all():
        assert normalize_body(article.body) == article.body
        assert article.sha256 == body_sha256(article.body)
    for citation in Citation.objects.select_related("article"):
        assert citation.article.body[citation.start : citation.end] == citation.quote
    assert not Fact.objects.filter(citations__isnull=True).exists()
    assert not Case.objects.filter(subjects__isnull=True).exists()
    for proceeding in Proceeding.objects.select_related("case"):
        assert proceeding.case.subjects.filter(pk=proceeding.subject_id).exists()
        assert proceeding.filed.start <= proceeding.decided.end
    for model in (Article, Case, Fact, Proceeding, Citation):
        for record in model.objects.all():
            record.full_clean(validate_unique=False)


def test_the_same_seed_gives_the_same_data():
    seed_load(cases=3, articles=10, seed=11)
    first = (
        list(Article.objects.order_by("url").values_list("public_id", "body")),
        list(Case.objects.order_by("reference").values_list("public_id", "reference", "title")),
    )
    for model in (Citation, Fact, Proceeding, Case, Article, Individual, Organization):
        model.objects.all().delete()
    call_command("seed_load", cases=3, articles=10, seed=11, stdout=io.StringIO())
    again = (
        list(Article.objects.order_by("url").values_list("public_id", "body")),
        list(Case.objects.order_by("reference").values_list("public_id", "reference", "title")),
    )
    assert first == again
    assert article_text(11, 3) == article_text(11, 3) != article_text(12, 3)


def test_bodies_come_in_three_scripts_and_common_words_are_common():
    languages = {article_text(1, index)[1] for index in range(200)}
    assert languages == {"en", "ru", "ko"}
    common = sum("readmission" in article_text(1, index)[2] or "реадмиссии" in article_text(1, index)[2]
                 for index in range(600))
    assert 30 < common < 400
