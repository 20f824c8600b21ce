"""The importer's bounds on hostile pages: what makes every input finish quickly is pinned here
as limits (attributes a tag, nesting depth, length of a line matched as furniture), not seconds.
benchmarks/hostile_inputs.py measures the time."""

import pytest

from apps.sources.ingestion import boilerplate, bounds
from apps.sources.ingestion.bounds import MAX_ATTRIBUTES, MAX_DEPTH, bound_html
from apps.sources.ingestion.html import extract_html

PARAGRAPH = "<p>The Moscow office refused him temporary asylum, saying Russia is for him a transit country.</p>"


def test_the_limits_are_what_the_benchmark_measured():
    assert (MAX_ATTRIBUTES, MAX_DEPTH) == (64, 128)
    assert boilerplate.MAX_FURNITURE_LINE_CHARS == 500
    assert bounds.EXTENSIVE_DATE_SEARCH_MAX_CHARS == 500_000


def test_a_tag_keeps_its_first_attributes_only():
    tag = "<div " + " ".join(f'a{i}="x"' for i in range(50_000)) + ">kept</div>"
    result = bound_html(tag)
    assert result.attributes_dropped == 50_000 - MAX_ATTRIBUTES
    assert result.html.startswith('<div a0="x" a1="x"')
    assert result.html.count('="x"') == MAX_ATTRIBUTES
    assert result.html.endswith(">kept</div>")


def test_an_ordinary_page_is_left_exactly_as_it_is():
    page = f'<html lang="en"><body><div class="a" id="b"><br/><img src="x.png">{PARAGRAPH * 3}</div></body></html>'
    assert bound_html(page).html == page


def test_nesting_beyond_the_depth_is_flattened_and_its_text_kept():
    result = bound_html("<div>" * 50_000 + "deep" + "</div>" * 50_000)
    assert result.elements_flattened == 50_000 - MAX_DEPTH
    assert result.html == "<div>" * MAX_DEPTH + "deep" + "</div>" * MAX_DEPTH


def test_unclosed_paragraphs_do_not_count_as_depth():
    page = "<div>" + "<p>para" * 1000 + "</div>"
    assert bound_html(page).html == page


def test_a_hostile_page_is_read_with_a_warning(db):
    page = f"<html><body><article>{PARAGRAPH * 3}<div " + " ".join(f"x{i}" for i in range(5000)) + ">x</div></article></body></html>"
    extraction = extract_html(page)
    assert "transit country" in extraction.cleaned.body
    assert any("importer's bounds" in warning for warning in extraction.warnings)


@pytest.mark.parametrize("length", [501, 10_000, 3_000_000])
def test_a_long_line_is_never_taken_for_furniture(length):
    line = ("Read more " * (length // 10 + 1))[:length]
    assert not boilerplate.is_boilerplate_line(line)
    assert boilerplate.is_boilerplate_line("Read more")
