"""Quoting an article and changing its text, in two real transactions at once.

A body may change only while no citation points into it: a rule over two tables. Each test
runs two threads, each with its own database connection; the first holds its transaction
open while the second tries, and the second must wait for the article's row lock and then see
what the first committed, so that no citation ever quotes words that are not in the body.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from apps.sources.models import Article, Citation
from apps.sources.services import article_update, citation_add
from tests.factories import ArticleFactory, FactFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite has no row locks: it runs one write transaction at a time, so the race cannot happen there",
    ),
]

BODY = "The Federal Migration Service refused asylum to Kim."
WAIT = 10  # seconds; only reached when the lock is missing and a thread never waits


class Transaction(threading.Thread):
    """``work`` in a transaction of its own connection; with ``hold``, the transaction stays
    open (its locks held) after the work until ``release`` is set."""

    def __init__(self, work, hold=False):
        super().__init__(daemon=True)
        self.work, self.hold = work, hold
        self.done, self.release = threading.Event(), threading.Event()
        self.result = self.error = None

    def run(self):
        try:
            with transaction.atomic():
                try:
                    self.result = self.work()
                except ValidationError as error:
                    self.error = error
                self.done.set()
                if self.hold:
                    assert self.release.wait(WAIT), "the holding transaction was never released"
        finally:
            self.done.set()
            connection.close()


def wait_until_blocked_on_a_lock():
    """Until a connection of this database waits for a lock (the second writer, blocked)."""
    pause = threading.Event()  # never set: its wait() is a sleep
    for _attempt in range(WAIT * 20):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
        pause.wait(0.05)
    raise AssertionError("the second transaction never waited for the article's lock")


def run_against(first, second):
    """Run ``first`` and hold its transaction open; start ``second``, which must block on the
    lock; then let ``first`` commit and wait for ``second`` to finish."""
    first.hold = True
    first.start()
    try:
        assert first.done.wait(WAIT) and first.error is None, first.error
        second.start()
        wait_until_blocked_on_a_lock()
        assert not second.done.is_set()
    finally:
        # Even when an assertion fails: an open transaction would block the flush after the test.
        first.release.set()
        first.join(WAIT)
        if second.is_alive() or second.ident:
            second.join(WAIT)
    assert not first.is_alive() and not second.is_alive()


def test_a_body_change_waits_for_a_citation_being_added_and_is_then_refused():
    article, fact = ArticleFactory(body=BODY), FactFactory()
    stale = Article.objects.get(pk=article.pk)  # loaded before the citation exists
    quoting = Transaction(lambda: citation_add(article=article, quote="refused asylum", fact=fact))
    changing = Transaction(lambda: article_update(article=stale, body="The FMS granted asylum to Kim."))

    run_against(quoting, changing)

    assert changing.error is not None and "body" in changing.error.message_dict
    article.refresh_from_db()
    citation = Citation.objects.get(article=article)
    assert article.body == BODY
    assert article.body[citation.start : citation.end] == citation.quote == "refused asylum"


def test_a_citation_added_while_the_body_changes_is_found_in_the_new_body():
    article, fact = ArticleFactory(body=BODY), FactFactory()
    stale = Article.objects.get(pk=article.pk)  # still has the old text
    new_body = "Moscow. " + BODY
    changing = Transaction(lambda: article_update(article=article, body=new_body))
    quoting = Transaction(lambda: citation_add(article=stale, quote="refused asylum", fact=fact))

    run_against(changing, quoting)

    assert changing.error is None and quoting.error is None, quoting.error
    citation = Citation.objects.get(article=article)
    assert citation.start == new_body.find("refused asylum")
    assert new_body[citation.start : citation.end] == citation.quote == "refused asylum"
    assert Article.objects.get(pk=article.pk).body == new_body


def test_a_citation_of_words_the_new_body_no_longer_has_is_refused():
    article, fact = ArticleFactory(body=BODY), FactFactory()
    stale = Article.objects.get(pk=article.pk)
    changing = Transaction(lambda: article_update(article=article, body="The FMS granted asylum to Kim."))
    quoting = Transaction(lambda: citation_add(article=stale, quote="refused asylum", fact=fact))

    run_against(changing, quoting)

    assert quoting.error is not None and "quote" in quoting.error.message_dict
    assert not Citation.objects.filter(article=article).exists()
    assert Article.objects.get(pk=article.pk).body == "The FMS granted asylum to Kim."
