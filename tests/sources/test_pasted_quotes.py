"""Quotes are found as caseworkers paste them and stored as the article's exact text.

The tolerant comparison is documented in ``apps/sources/normal_form.py``.
"""

import unicodedata

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from apps.sources.models import Citation
from apps.sources.normal_form import FoldedText, find_near, fold_quote, normalize_body
from apps.sources.services import citation_add, citation_update, quote_locate
from tests.factories import ArticleFactory, FactFactory, SuperuserFactory

BODY = normalize_body(
    "Kim Eun-chol (김은철) said: “I was told – twice – that I’d be sent back.”\n\n"
    "The Federal Migration Service refused temporary asylum.\n"
    "He crossed the border on 3\u00a0May 2013 near Kha\u00adsan, at the \"Friendship\" bridge."
)


def located(quote, body=BODY, start=None):
    begin, end = quote_locate(body=body, quote=quote, start=start)
    return body[begin:end]


def test_a_quote_typed_exactly_is_found_as_before():
    assert quote_locate(body=BODY, quote="refused temporary asylum") == (
        BODY.find("refused temporary asylum"),
        BODY.find("refused temporary asylum") + len("refused temporary asylum"),
    )


def test_a_multi_line_quote_with_crlf_line_ends_is_the_body_with_lf():
    assert located("refused temporary asylum.\r\nHe crossed") == "refused temporary asylum.\nHe crossed"
    assert located("sent back.”\r\n\r\nThe Federal") == "sent back.”\n\nThe Federal"


def test_a_quote_pasted_decomposed_is_found_composed():
    pasted = unicodedata.normalize("NFD", "Eun-chol (김은철)")
    assert pasted != "Eun-chol (김은철)"
    assert located(pasted) == "Eun-chol (김은철)"


def test_straight_quotes_and_hyphens_stand_for_typographic_ones():
    assert located('said: "I was told - twice - that I\'d be sent back."') == (
        "said: “I was told – twice – that I’d be sent back.”"
    )


def test_typographic_quotes_stand_for_straight_ones():
    assert located("the “Friendship” bridge") == 'the "Friendship" bridge'


def test_any_run_of_whitespace_equals_any_other():
    assert located("on 3 May 2013") == "on 3\u00a0May 2013"
    assert located("refused\u00a0\u00a0temporary \t asylum") == "refused temporary asylum"


def test_soft_hyphens_and_zero_width_characters_are_ignored_and_kept_in_the_stored_slice():
    assert located("near Khasan") == "near Kha\u00adsan"
    assert located("refused\u200b temporary\u00ad asylum\ufeff") == "refused temporary asylum"


def test_whitespace_around_a_pasted_quote_does_not_count():
    assert located("\r\nrefused temporary asylum.\r\n") == "refused temporary asylum."


def test_a_start_given_is_where_the_tolerant_match_must_begin():
    body = "Kim was fined. Kim was\nfined again."
    assert quote_locate(body=body, quote="Kim was fined", start=15) == (15, 28)
    with pytest.raises(ValidationError) as error:
        quote_locate(body=body, quote="Kim was fined", start=16)
    assert error.value.message_dict == {
        "quote": ["The quote is not in the article's text at position 16. It begins at position 0."]
    }


def test_a_quote_of_only_invisible_characters_is_empty():
    with pytest.raises(ValidationError) as error:
        quote_locate(body=BODY, quote="\u200b\u00ad")
    assert error.value.message_dict == {"quote": ["The quote is empty."]}


def test_letters_still_count():
    with pytest.raises(ValidationError):
        quote_locate(body=BODY, quote="Refused temporary asylum")


def test_one_word_off_is_answered_with_the_passage_it_nearly_is():
    with pytest.raises(ValidationError) as error:
        quote_locate(body=BODY, quote="refused permanent asylum")
    assert error.value.message_dict == {
        "quote": [
            "This text does not appear in the article. Copy the words exactly. "
            "Did you mean: “refused temporary asylum.”?"
        ]
    }
    assert error.value.error_dict["quote"][0].code == "near_match"


def test_a_misspelt_word_in_a_long_quote_is_answered_with_the_passage():
    quote = "He crossed the boarder on 3 May 2013"
    near = find_near(FoldedText(BODY), fold_quote(quote))
    assert BODY[near[0] : near[1]] == "He crossed the border on 3\u00a0May 2013"


def test_words_that_are_not_the_article_get_no_suggestion():
    with pytest.raises(ValidationError) as error:
        quote_locate(body=BODY, quote="Kim was granted asylum in Seoul")
    assert error.value.message_dict == {
        "quote": ["This text does not appear in the article. Copy the words exactly."]
    }


def test_a_percent_sign_in_the_passage_is_shown_as_it_is():
    body = "Turnout was 50% in the district."
    with pytest.raises(ValidationError) as error:
        quote_locate(body=body, quote="Turnout was 60% in the district.")
    assert error.value.messages == [
        "This text does not appear in the article. Copy the words exactly. "
        "Did you mean: “Turnout was 50% in the district.”?"
    ]


def test_near_matches_in_scripts_without_spaces_are_found():
    body = "ロシア連邦移民局は北朝鮮からの難民に一時的な庇護を拒否した。彼は国境を越えた。"
    near = find_near(FoldedText(body), fold_quote("ロシア連邦移民局は北朝鮮からの難民に一時的な保護を拒否した。"))
    assert near is not None and body[near[0] : near[1]].startswith("ロシア連邦移民局")


@pytest.mark.django_db
def test_what_is_stored_is_the_body_slice_and_the_database_agrees():
    article = ArticleFactory(body=BODY)
    citation = citation_add(
        article=article, quote='I was told - twice -\r\nthat I\'d be sent back."', fact=FactFactory()
    )
    citation.refresh_from_db()
    assert citation.quote == "I was told – twice – that I’d be sent back.”"
    assert citation.quote == BODY[citation.start : citation.end]
    assert citation.end == citation.start + len(citation.quote)


@pytest.mark.django_db
def test_changing_a_quote_to_the_same_words_pasted_again_keeps_the_citation_in_place():
    article = ArticleFactory(body="Kim was fined. Later:\nKim was fined.")
    citation = citation_add(article=article, quote="Kim was fined.", start=22, fact=FactFactory())
    citation, changed = citation_update(citation=citation, quote="Kim was fined.\r\n")
    assert (citation.start, changed) == (22, False)
    citation, changed = citation_update(citation=citation, quote="Later: Kim was fined.")
    assert (citation.quote, citation.start, changed) == ("Later:\nKim was fined.", 15, True)


@pytest.mark.django_db
def test_the_api_accepts_a_pasted_quote_and_returns_the_article_text():
    article = ArticleFactory(body=BODY)
    client = APIClient()
    client.force_authenticate(SuperuserFactory())
    response = client.post(
        "/api/v1/citations/",
        {
            "article": str(article.public_id),
            "fact": str(FactFactory().public_id),
            "quote": "asylum.\r\nHe crossed the border on 3 May",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["quote"] == "asylum.\nHe crossed the border on 3\u00a0May"
    stored = Citation.objects.get(public_id=response.json()["id"])
    assert stored.quote == "asylum.\nHe crossed the border on 3\u00a0May"


@pytest.mark.django_db
def test_the_api_names_the_quote_and_the_near_match():
    article = ArticleFactory(body=BODY)
    client = APIClient()
    client.force_authenticate(SuperuserFactory())
    response = client.post(
        "/api/v1/citations/",
        {"article": str(article.public_id), "fact": str(FactFactory().public_id), "quote": "refused permanent asylum"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "quote": [
            "This text does not appear in the article. Copy the words exactly. "
            "Did you mean: “refused temporary asylum.”?"
        ]
    }


# -- any body, any paste -------------------------------------------------------------------

_LETTERS = "abcdefghij ABC éüñ 김은철 ロシア Ким 0123 .,;:!?()'\"‘’“”-–—\u00a0\n\t\u00ad\u200b"
_TYPOGRAPHIC = {"'": "’", "’": "'", "‘": "'", '"': "“", "“": '"', "”": '"', "-": "–", "–": "-", "—": "-"}
_GAPS = [" ", "\u00a0", "\t", "\r\n", " \r\n\r\n ", "\u2009", "  "]
_INVISIBLE = ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]


@st.composite
def body_and_pasted_quote(draw):
    body = normalize_body(draw(st.text(alphabet=_LETTERS, min_size=1, max_size=300)))
    if not fold_quote(body):
        body = "x" + body
    start = draw(st.integers(0, len(body) - 1))
    end = draw(st.integers(start + 1, len(body)))
    quote = body[start:end]
    if not fold_quote(quote):
        quote = body
    pasted = []
    for char in quote:
        if draw(st.integers(0, 9)) == 0:
            pasted.append(draw(st.sampled_from(_INVISIBLE)))
        if char in _TYPOGRAPHIC and draw(st.booleans()):
            char = _TYPOGRAPHIC[char]
        elif char.isspace() and draw(st.booleans()):
            char = draw(st.sampled_from(_GAPS))
        pasted.append(char)
    pasted = "".join(pasted)
    if draw(st.booleans()):
        pasted = unicodedata.normalize("NFD", pasted)
    return body, quote, pasted


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body_and_pasted_quote())
def test_a_perturbed_paste_of_any_passage_is_found_as_the_body_says_it(case):
    body, quote, pasted = case
    start, end = quote_locate(body=body, quote=pasted)
    assert 0 <= start < end <= len(body)
    assert fold_quote(body[start:end]) == fold_quote(quote)
    if pasted in body:  # the words as typed win: they are what the caseworker copied
        assert start == body.find(pasted)
    else:  # else the first passage that compares equal
        assert FoldedText(body).text.find(fold_quote(quote)) == FoldedText(body).folded_offset(start)
