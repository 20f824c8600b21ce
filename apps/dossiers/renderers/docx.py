"""The dossier as an editable Word document with real footnotes, written by pandoc.

The document is handed to pandoc as its own abstract syntax tree (JSON), not as Markdown or
HTML: stored text becomes ``Str`` nodes and can never be read as markup, and each citation
becomes a ``Note``, which pandoc writes as a Word footnote. The tree has no ``Image`` (nor raw
markup), the only things pandoc's DOCX writer would fetch, so pandoc reads nothing but its own
reference document. (``--sandbox`` would say so too, but pandoc 2.17 — Debian 12's — then
cannot read its own docx template.)
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess

from django.core.exceptions import ImproperlyConfigured

from apps.dossiers.renderers.html import _day, _when


class PandocMissing(ImproperlyConfigured):
    """DOCX dossiers need the pandoc binary, which is not installed.

    An ImproperlyConfigured, like the PDF renderer's missing Pango: the admin and the API tell
    "this server cannot make this format" apart from a failure by that one type.
    """


@functools.cache
def _pandoc() -> tuple[str, list[int]]:
    """The pandoc binary and the AST version it speaks (asked of pandoc itself)."""
    binary = shutil.which("pandoc")
    if not binary:
        raise PandocMissing("pandoc is not installed (Debian package: pandoc).")
    probe = subprocess.run(
        [binary, "-f", "markdown", "-t", "json"], input=b"", capture_output=True, check=True
    )
    return binary, json.loads(probe.stdout)["pandoc-api-version"]


# -- AST builders -------------------------------------------------------------------------------

NO_ATTR = ["", [], []]


def text(value) -> list[dict]:
    """Inlines for plain text: words and spaces, with line breaks kept."""
    inlines: list[dict] = []
    for line_number, line in enumerate(str(value).split("\n")):
        if line_number:
            inlines.append({"t": "LineBreak"})
        for word_number, word in enumerate(line.split()):
            if word_number:
                inlines.append({"t": "Space"})
            inlines.append({"t": "Str", "c": word})
    return inlines


def join(*parts) -> list[dict]:
    """Concatenate strings and inline lists; strings become text."""
    inlines: list[dict] = []
    for part in parts:
        if not part:
            continue
        if isinstance(part, str):
            leading, trailing = part[:1].isspace(), part[-1:].isspace()
            if leading:
                inlines.append({"t": "Space"})
            inlines += text(part)
            if trailing and part.strip():
                inlines.append({"t": "Space"})
        else:
            inlines += part
    return inlines


def strong(value) -> list[dict]:
    return [{"t": "Strong", "c": join(value)}]


def emph(value) -> list[dict]:
    return [{"t": "Emph", "c": join(value)}]


def para(*parts) -> dict:
    return {"t": "Para", "c": join(*parts)}


def plain(*parts) -> dict:
    return {"t": "Plain", "c": join(*parts)}


def header(level: int, *parts) -> dict:
    return {"t": "Header", "c": [level, NO_ATTR, join(*parts)]}


def bullets(items: list[list[dict]]) -> dict:
    return {"t": "BulletList", "c": items}


def note(*parts) -> dict:
    return {"t": "Note", "c": [para(*parts)]}


def link(label: str, url: str) -> list[dict]:
    return [{"t": "Link", "c": [NO_ATTR, text(label), [url, ""]]}]


def table(head: list[str], rows: list[list[list[dict]]]) -> dict:
    def cell(inlines):
        return [NO_ATTR, {"t": "AlignDefault"}, 1, 1, [{"t": "Plain", "c": inlines}]]

    def row(cells):
        return [NO_ATTR, [cell(c) for c in cells]]

    colspecs = [[{"t": "AlignDefault"}, {"t": "ColWidthDefault"}] for _ in head]
    return {
        "t": "Table",
        "c": [
            NO_ATTR,
            [None, []],
            colspecs,
            [NO_ATTR, [row([text(h) for h in head])]],
            [[NO_ATTR, 0, [], [row(r) for r in rows]]],
            [NO_ATTR, []],
        ],
    }


# -- the document -------------------------------------------------------------------------------


def _footnotes(citations: list[dict], sources: dict) -> list[dict]:
    inlines = []
    for citation in citations:
        source = sources[citation["source"]]
        published = f", {_day(source['published_on'])}" if source["published_on"] else ""
        comment = f". Note: {citation['comment']}" if citation.get("comment") else ""
        inlines.append(
            note(
                f"“{citation['quote']}” — {source['outlet']}, “{source['title']}”{published} "
                f"[{citation['source']}]{comment}"
            )
        )
    return inlines


def dossier_ast(content: dict) -> dict:
    cover, case = content["cover"], content["case"]
    sources = {source["id"]: source for source in content["sources"]}
    blocks: list[dict] = [
        para(emph(f"Source dossier · {cover['issued_by']}")),
        header(1, cover["reference"]),
        para(strong(case["title"])),
        bullets(
            [
                [plain(strong("Subjects: "), ", ".join(cover["pseudonyms"]))],
                [
                    plain(
                        strong("Generated: "),
                        _when(cover["generated_at"])
                        + (f" by {cover['generated_by']}" if cover["generated_by"] else ""),
                    )
                ],
                [plain(strong("Data as of: "), _when(cover["data_as_of"]))],
                [plain(strong("Redaction level: "), cover["level_display"])],
                [plain(strong("Sources: "), str(cover["source_count"]))],
                [plain(strong("Facts: "), str(cover["fact_count"]))],
                [plain(strong("Proceedings: "), str(cover["proceeding_count"]))],
                [plain(strong("Content SHA-256: "), [{"t": "Code", "c": [NO_ATTR, cover["digest"]]}])],
            ]
        ),
        header(2, "Summary"),
    ]
    if case["summary"]:
        blocks.append(para(case["summary"]))
    facts = [
        f"Status: {case['status']}, priority {case['priority'].lower()}.",
        f"Opened {_day(case['opened_on'])}"
        + (f", closed {_day(case['closed_on'])}." if case["closed_on"] else "."),
        f"Organization: {case['organization']}.",
    ]
    if case.get("caseworkers"):
        facts.append(f"Caseworkers: {', '.join(case['caseworkers'])}.")
    blocks.append(bullets([[plain(line)] for line in facts]))

    blocks.append(header(2, "Subject profile"))
    for subject in content["subjects"]:
        blocks.append(header(3, subject["pseudonym"]))
        lines = []
        if subject["nationality"]:
            lines.append(f"Nationality: {subject['nationality']}")
        if subject["born"]:
            lines.append(f"Born: {subject['born']['text']}")
        lines.append(f"Status: {subject['status']}")
        if subject.get("aliases"):
            lines.append(
                "Also known as: " + "; ".join(f"{a['name']} ({a['script']})" for a in subject["aliases"])
            )
        blocks.append(bullets([[plain(line)] for line in lines]))
        if subject["summary"]:
            blocks.append(para(subject["summary"]))
        identity = subject.get("protected_identity")
        if identity:
            blocks.append(para(strong("Protected identity — internal use only")))
            blocks.append(
                bullets(
                    [
                        [plain(f"Legal name: {identity['legal_name']}")],
                        [plain(f"Date of birth: {identity['date_of_birth'] or ''}")],
                        [plain(f"Phone: {identity['phone']}")],
                        [plain(f"Email: {identity['email']}")],
                        [plain(f"Address: {identity['address']}")],
                    ]
                )
            )

    blocks.append(header(2, "Timeline"))
    for fact in content["timeline"]:
        badges = (" [disputed]" if fact["disputed"] else "") + (" [internal]" if fact["internal"] else "")
        date = fact["date"]["text"] if fact["date"] else "Undated"
        blocks.append(
            para(
                f"{fact['id']} ",
                strong(date),
                f"{badges} — {fact['statement']}",
                _footnotes(fact["citations"], sources),
            )
        )
        if fact["disputed"]:
            if fact["contradicted_by"]:
                notes = fact["contradicting_notes"]
                see = (
                    f" (see note{'s' if len(notes) != 1 else ''} {', '.join(map(str, notes))})"
                    if notes
                    else ""
                )
                blocks.append(
                    para(
                        emph(f"Sources disagree: contradicted by {', '.join(fact['contradicted_by'])}{see}.")
                    )
                )
            else:
                blocks.append(para(emph("Sources disagree on this fact.")))

    blocks.append(header(2, "Proceedings"))
    if content["proceedings"]:
        rows = []
        for p in content["proceedings"]:
            chain = []
            if p["appeal_chain"]:
                chain.append("appeals " + " ← ".join(p["appeal_chain"]))
            if p["appealed_by"]:
                chain.append("appealed by " + ", ".join(p["appealed_by"]))
            rows.append(
                [
                    text(p["id"]),
                    text(p["kind_display"]),
                    text(p["authority"]),
                    text(p["filed"]["text"] if p["filed"] else "—"),
                    text(p["decided"]["text"] if p["decided"] else "—"),
                    text(p["outcome_display"]),
                    text("; ".join(chain) or "—"),
                ]
            )
        blocks.append(table(["", "Kind", "Authority", "Filed", "Decided", "Outcome", "Appeal chain"], rows))
        for p in content["proceedings"]:
            where = f" ({p['country']})" if p["country"] else ""
            number = f", file {p['reference_number']}" if p.get("reference_number") else ""
            decided = f" ({p['decided']['text']})" if p["decided"] else ""
            summary = f" {p['summary']}" if p["summary"] else ""
            blocks.append(
                para(
                    f"{p['id']} ",
                    strong(p["kind_display"]),
                    f", {p['authority']}{where}{number}: {p['outcome_display'].lower()}{decided}.{summary}",
                    _footnotes(p["citations"], sources),
                )
            )
            if p["legal_basis"]:
                blocks.append(para(emph("Legal basis: " + "; ".join(p["legal_basis"]))))
            if p["events"]:
                blocks.append(
                    bullets(
                        [
                            [
                                plain(
                                    f"{e['date']['text']} — {e['kind']}"
                                    + (f": {e['description']}" if e["description"] else "")
                                )
                            ]
                            for e in p["events"]
                        ]
                    )
                )
    else:
        blocks.append(para(emph("No proceedings recorded.")))

    blocks.append(header(2, "Agreements and provisions"))
    for a in content["agreements"]:
        blocks.append(header(3, a["title"]))
        milestones = "".join(f"; {m['label']} {m['date']['text']}" for m in a["milestones"])
        parties = f" between {' and '.join(a['parties'])}" if a["parties"] else ""
        invoked = f" Legal basis of {', '.join(a['invoked_by'])}." if a["invoked_by"] else ""
        blocks.append(para(f"{a['kind']}{parties}; status: {a['status'].lower()}{milestones}.{invoked}"))
        if a["summary"]:
            blocks.append(para(a["summary"]))
        items = []
        for prov in a["provisions"]:
            limit = f" (time limit: {prov['time_limit_days']} days)" if prov["time_limit_days"] else ""
            invoked = f" [invoked in {', '.join(prov['invoked_by'])}]" if prov["invoked_by"] else ""
            item = [
                plain(
                    strong(prov["number"]) if prov["number"] else [],
                    " — " if prov["number"] else "",
                    f"{prov['summary']}{limit}{invoked}",
                    _footnotes(prov["citations"], sources),
                )
            ]
            if prov["text"]:
                item.append(para(emph(prov["text"])))
            items.append(item)
        if items:
            blocks.append(bullets(items))
    if not content["agreements"]:
        blocks.append(para(emph("No agreement is recorded as bearing on this case.")))

    blocks.append(header(2, "Sources"))
    entries = []
    for s in content["sources"]:
        authors = f", {s['authors']}" if s["authors"] else ""
        published = f", {_day(s['published_on'])}" if s["published_on"] else ""
        lines = [plain(f"[{s['id']}] {s['outlet']}{authors}. “{s['title']}”{published}.")]
        if s["url"]:
            url = s["url"]
            lines.append(plain(link(url, url) if url.lower().startswith(("http://", "https://")) else url))
        cited = ", ".join(map(str, s["cited_in"]))
        lines.append(
            plain(
                f"Added {_day(s['added_on'])}; cited in note{'s' if len(s['cited_in']) != 1 else ''} {cited}."
            )
        )
        lines.append(plain("SHA-256 ", [{"t": "Code", "c": [NO_ATTR, s["sha256"]]}]))
        entries.append([{"t": "LineBlock", "c": [line["c"] for line in lines]}])
    blocks.append(
        {"t": "OrderedList", "c": [[1, {"t": "Decimal"}, {"t": "Period"}], entries]}
        if entries
        else para(emph("No sources."))
    )

    meta = {
        "title": {"t": "MetaInlines", "c": text(f"Dossier {cover['reference']} ({cover['level']})")},
        "author": {"t": "MetaList", "c": [{"t": "MetaInlines", "c": text(cover["issued_by"])}]},
        "date": {"t": "MetaInlines", "c": text(cover["generated_at"][:10])},
    }
    return {"meta": meta, "blocks": blocks}


def render_docx(content: dict) -> bytes:
    """The dossier as DOCX, written by pandoc from :func:`dossier_ast`; RuntimeError if pandoc fails."""
    binary, api_version = _pandoc()
    document = {"pandoc-api-version": api_version, **dossier_ast(content)}
    result = subprocess.run(
        [binary, "-f", "json", "-t", "docx", "-o", "-"],
        input=json.dumps(document).encode("utf-8"),
        capture_output=True,
        check=False,
        timeout=120,
    )
    if result.returncode != 0:
        raise RuntimeError(f"pandoc failed: {result.stderr.decode('utf-8', 'replace')[:500]}")
    return result.stdout
