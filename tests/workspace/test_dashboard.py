"""The admin's start page is the day's dashboard, for an ordinary scoped caseworker."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.cases.services import fact_mark_disputed
from apps.deadlines.services import case_note_add, case_task_add, deadline_create_manual
from tests.factories import ArticleFactory, CaseFactory, FactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def caseworker_client(client, desk):
    client.force_login(desk.user)
    return client


def my_case(desk, **kwargs):
    case = CaseFactory(organization=desk.organization_for_next(), **kwargs)
    case.caseworkers.add(desk.user)
    return case


def test_the_start_page_shows_overdue_and_soon_due_deadlines_in_words(caseworker_client, desk):
    today = timezone.localdate()
    case = my_case(desk)
    deadline_create_manual(case=case, title="Lodge the appeal", due_on=today - dt.timedelta(days=3))
    deadline_create_manual(case=case, title="Send the documents", due_on=today + dt.timedelta(days=4))
    deadline_create_manual(case=case, title="Far away", due_on=today + dt.timedelta(days=40))
    deadline_create_manual(case=desk.hidden, title="Not Olga's deadline", due_on=today)
    page = caseworker_client.get("/admin/").content.decode()
    section = page.split('id="dashboard-deadlines"')[1].split("</section>")[0]
    assert "Lodge the appeal" in section and "overdue by 3 days" in section
    assert "Send the documents" in section and "in 4 days" in section
    assert "Far away" not in section
    assert "Not Olga&#x27;s deadline" not in page and "Not Olga's deadline" not in page
    assert 'class="deadline-overdue"' in section  # a colour too, beside the words
    # The app list is still there below.
    assert 'id="content-main"' in page or "app-cases" in page


def test_the_start_page_lists_my_cases_disputed_facts_uncited_articles_tasks_and_notes(
    caseworker_client, desk
):
    case = my_case(desk)
    first, second = (
        FactFactory(case=case, statement="Detained by the Chinese military."),
        FactFactory(case=case, statement="Repatriated by Kazakhstan."),
    )
    fact_mark_disputed(fact=first, contradicts=[second])
    ArticleFactory(title="An article nobody cited yet")
    case_task_add(
        case=case,
        title="Ask the court for the decision",
        assignee=desk.user,
        due_on=timezone.localdate() + dt.timedelta(days=2),
    )
    case_note_add(case=case, text="The client prefers calls in the morning.", author=desk.user)
    page = caseworker_client.get("/admin/").content.decode()
    assert case.reference in page.split('id="dashboard-cases"')[1].split("</section>")[0]
    assert "Detained by the Chinese military." in page
    assert "An article nobody cited yet" in page
    assert "Ask the court for the decision" in page
    assert "The client prefers calls in the morning." in page
    assert case.reference in page.split('id="dashboard-changes"')[1].split("</section>")[0]


def test_the_start_page_costs_the_same_queries_for_one_case_as_for_many(
    caseworker_client, desk, django_assert_num_queries
):
    def build():
        case = my_case(desk)
        deadline_create_manual(case=case, title="Lodge the appeal", due_on=timezone.localdate())
        first, second = FactFactory(case=case), FactFactory(case=case)
        fact_mark_disputed(fact=first, contradicts=[second])
        case_task_add(case=case, title="Call", assignee=desk.user)
        case_note_add(case=case, text="Note", author=desk.user)
        ArticleFactory()

    def measured():
        caseworker_client.get("/admin/")
        with django_assert_num_queries(QUERIES):
            response = caseworker_client.get("/admin/")
        assert response.status_code == 200

    build()
    measured()
    for _n in range(4):
        build()
    measured()


# 16 with the session's authenticator, which django-otp loads on every signed-in request.
QUERIES = 16
