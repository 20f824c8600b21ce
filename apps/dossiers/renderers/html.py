"""The dossier as HTML: the print-ready page, and the source the PDF and the DOCX are made from."""

from __future__ import annotations

import copy
import datetime as dt

from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _


def _russian() -> bool:
    return (get_language() or "").startswith("ru")


# English keeps the forms dossiers always had ("04 Feb 2016, 10:00 UTC", "4 Feb 2016"); Russian
# writes the month in the genitive, as dates are written there ("4 февраля 2016").
def _when(iso: str) -> str:
    moment = dt.datetime.fromisoformat(iso)
    if _russian():
        return f"{date_format(moment, 'j E Y, H:i')} {moment.strftime('%Z')}".strip()
    return moment.strftime("%d %b %Y, %H:%M %Z").strip()


def _day(iso: str | None) -> str:
    if not iso:
        return ""
    day = dt.date.fromisoformat(iso)
    return date_format(day, "j E Y") if _russian() else day.strftime("%d %b %Y").lstrip("0")


def html_context(content: dict, *, paged: bool) -> dict:
    """The template context: the content, with each citation joined to its source for printing."""
    dossier = copy.deepcopy(content)
    sources = {source["id"]: source for source in dossier["sources"]}
    for source in dossier["sources"]:
        source["published_display"] = _day(source["published_on"])
        source["added_display"] = _day(source["added_on"])
        if source.get("original"):
            source["original"]["captured_display"] = _when(source["original"]["captured_at"])
        # Only web addresses become links; anything else stays printed text.
        source["linkable"] = source["url"].lower().startswith(("https://", "http://"))
    for document in dossier.get("documents", ()):
        # Printed in a note as a source is: what it is, its title, when it was uploaded.
        document["outlet"] = document["kind_display"]
        document["published_display"] = _day(document["uploaded_at"][:10])
        sources[document["id"]] = document
    notes = []
    citation_lists = [fact["citations"] for fact in dossier["timeline"]]
    citation_lists += [proceeding["citations"] for proceeding in dossier["proceedings"]]
    citation_lists += [p["citations"] for a in dossier["agreements"] for p in a["provisions"]]
    # Readings of dates: a proceeding's (filed, decided) and an agreement's milestones.
    readings = [r for p in dossier["proceedings"] for e in p["date_readings"].values() for r in e["readings"]]
    readings += [r for a in dossier["agreements"] for m in a["milestones"] for r in m["readings"]]
    citation_lists += [reading["citations"] for reading in readings]
    for p in dossier["proceedings"]:
        p["date_reading_list"] = [
            {"label": name.replace("_", " "), **entry} for name, entry in sorted(p["date_readings"].items())
        ]
    for citations in citation_lists:
        for citation in citations:
            citation["src"] = sources[citation["source"]]
            notes.append(citation)
    notes.sort(key=lambda citation: citation["note"])
    cover = dossier["cover"]
    dossier["case"]["opened_display"] = _day(dossier["case"]["opened_on"])
    dossier["case"]["closed_display"] = _day(dossier["case"]["closed_on"])
    return {
        "dossier": dossier,
        "cover": cover,
        "notes": notes,
        "paged": paged,
        "generated_display": _when(cover["generated_at"]),
        "as_of_display": _when(cover["data_as_of"]),
        # The word between an agreement's parties ("Russia and the DPRK").
        "and_separator": _(" and "),
    }


def render_html(content: dict, *, paged: bool = False) -> str:
    """Render the dossier; ``paged`` puts each footnote's text at its call instead of in endnotes.

    The paged page is what WeasyPrint lays out as PDF and what pandoc converts to DOCX.
    """
    return render_to_string("dossiers/dossier.html", html_context(content, paged=paged))
