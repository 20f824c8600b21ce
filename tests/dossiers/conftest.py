"""A Kim-like case built through the services, with a protected identity worth leaking.

The values of the protected identity and the caseworker's name are distinctive on purpose:
redaction tests search every rendered format for them.
"""

import datetime as dt
import io
import shutil
import subprocess
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

import pytest

from apps.agreements.services import agreement_create, provision_add
from apps.cases.models import Case
from apps.cases.services import case_open, fact_record
from apps.people.models import Alias, Organization
from apps.people.services import individual_create, organization_create, protected_identity_set
from apps.proceedings.models import Proceeding
from apps.proceedings.services import proceeding_event_add, proceeding_record
from apps.sources.services import article_create
from tests.factories import UserFactory

SECRET = {
    "legal_name": "Quillfeather Zhvania",
    "phone": "+7 915 804 27 63",
    "email": "hidden.person@refuge.example",
    "address": "Ulitsa Tikhaya 14, kv. 88, Blagoveshchensk",
    "date_of_birth": dt.date(1979, 3, 17),
}
CASEWORKER_NAME = "Olwen Brightwater"
INTERNAL_STATEMENT = "Kim keeps in touch with his sister through a smuggled phone."

BODY_004 = (
    "Russia's Federal Migration Service (FMS) has refused to grant temporary asylum to a North Korean "
    "citizen, the RBC news agency reported Wednesday.\n\n"
    "The escapee — identified only as “Kim” at the request of human rights activists — first left North "
    "Korea in 1997 as a 17-year-old, fleeing to China where he resided illegally for about 10 years.\n\n"
    "Kim tried to leave China but was detained on the Kazakhstan border by the Chinese military and "
    "returned to his homeland, where he was imprisoned. In the spring of 2013, he crossed the Russian "
    "border in the Far East Amur region where he requested help from the border guards.\n\n"
    "The FMS believes that Kim considers Russia a “transit country,” RBC reported."
)
BODY_001 = (
    "Kim, who fled the famine, was repatriated by Kazakhstan and spent years in a labor camp.\n\n"
    "This week Memorial got a court to overturn the FMS refusal of his asylum claim.\n\n"
    "Правозащитники называют соглашение опасным. 북한 인권."
)
BODY_002 = (
    "The agreement says a person must be deported within 30 days of a repatriation request.\n\n"
    "Russia and North Korea finalized the deal in September."
)


@dataclass
class KimCase:
    case: Case
    subject: object
    facts: dict = field(default_factory=dict)
    proceedings: dict = field(default_factory=dict)
    articles: list = field(default_factory=list)
    provision: object = None
    caseworker: object = None


@pytest.fixture
def kim(db) -> KimCase:
    fms = organization_create(
        name="Federal Migration Service", short_name="FMS", kind="government_agency", country="RU"
    )
    court = organization_create(name="Blagoveshchensk City Court", kind=Organization.Kind.COURT, country="RU")
    memorial = organization_create(name="Memorial", kind=Organization.Kind.NGO, country="RU")
    times = organization_create(name="The Moscow Times", kind=Organization.Kind.NEWS_OUTLET, country="RU")
    joongang = organization_create(
        name="Korea JoongAng Daily", kind=Organization.Kind.NEWS_OUTLET, country="KR"
    )
    a004 = article_create(
        title="Russia Refuses Asylum to North Korean Refugee",
        outlet=times,
        body=BODY_004,
        published_on=dt.date(2016, 1, 28),
        url="https://www.themoscowtimes.com/2016/01/28/russia-refuses-asylum-to-north-korean-refugee-a51622",
    )
    a001 = article_create(
        title="Russia Moves to Send North Korean Refugees Back Home",
        outlet=times,
        body=BODY_001,
        authors="Alexey Eremenko",
        published_on=dt.date(2014, 11, 14),
        url="https://example.org/mt-2014-11-14",
    )
    a002 = article_create(
        title="Russia, North ink deportation pact",
        outlet=joongang,
        body=BODY_002,
        published_on=dt.date(2014, 11, 12),
        url="https://example.org/joongang-2014-11-12",
    )
    kim_person = individual_create(
        pseudonym="Kim",
        nationality="KP",
        born="c. 1980",
        status="at_risk",
        summary="Fled North Korea during the 1997 famine.",
        aliases=[
            {"name": "김", "script": Alias.Script.HANGUL, "note": "as written by activists"},
            {"name": "Ким", "script": Alias.Script.CYRILLIC},
        ],
    )
    protected_identity_set(individual=kim_person, **SECRET)
    first, last = CASEWORKER_NAME.split()
    caseworker = UserFactory(username="olwen", first_name=first, last_name=last)
    case = case_open(
        title="Kim — asylum in Russia",
        organization=memorial,
        subjects=[kim_person],
        opened_on=dt.date(2013, 6, 1),
        reference="CT-2013-0001",
        summary="Asylum seeker from the DPRK in Russia.",
        caseworkers=[caseworker],
    )
    kim = KimCase(case=case, subject=kim_person, articles=[a004, a001, a002], caseworker=caseworker)
    kim.facts["fled"] = fact_record(
        case=case,
        date="1997",
        statement="Kim left North Korea aged 17 and lived in China illegally.",
        supports=[{"article": a004, "quote": "first left North Korea in 1997 as a 17-year-old"}],
    )
    kim.facts["china"] = fact_record(
        case=case,
        date="c. 2007",
        statement="The Chinese military detained Kim at the Kazakhstan border.",
        supports=[{"article": a004, "quote": "detained on the Kazakhstan border by the Chinese military"}],
    )
    kim.facts["kazakhstan"] = fact_record(
        case=case,
        date="c. 2007",
        statement="Kazakhstan repatriated Kim to North Korea.",
        supports=[{"article": a001, "quote": "was repatriated by Kazakhstan"}],
        contradicts=[kim.facts["china"]],
    )
    kim.facts["crossing"] = fact_record(
        case=case,
        date="spring 2013",
        statement="Kim crossed into Russia in the Amur region.",
        supports=[{"article": a004, "quote": "In the spring of 2013, he crossed the Russian border"}],
    )
    kim.facts["internal"] = fact_record(
        case=case,
        date="January 2016",
        statement=INTERNAL_STATEMENT,
        internal=True,
        supports=[{"article": a002, "quote": "Russia and North Korea finalized the deal in September."}],
    )
    agreement = agreement_create(
        title="Agreement on the transfer and acceptance of persons illegally present",
        kind="readmission_agreement",
        short_title="Russia–DPRK readmission agreement",
        party_countries=["RU", "KP"],
        drafted="2014-09-02",
        signed="2 Feb 2016",
        status="signed",
    )
    kim.provision = provision_add(
        agreement=agreement,
        number="Art. 1",
        summary="Deportation within 30 days of a repatriation request.",
        time_limit_days=30,
    )
    from apps.sources.services import citation_add

    citation_add(
        article=a002, quote="deported within 30 days of a repatriation request", provision=kim.provision
    )
    refusal = proceeding_record(
        case=case,
        kind=Proceeding.Kind.REFUGEE_STATUS,
        authority=fms,
        filed="2013",
        decided="2014",
        outcome=Proceeding.Outcome.REFUSED,
        status=Proceeding.Status.DECIDED,
        country="RU",
        reference_number="FMS-77-SECRET-FILE",
        subject=kim_person,
    )
    kim.proceedings["refusal"] = refusal
    kim.proceedings["appeal"] = proceeding_record(
        case=case,
        kind=Proceeding.Kind.APPEAL,
        authority=court,
        filed="2014",
        decided="November 2014",
        outcome=Proceeding.Outcome.OVERTURNED,
        status=Proceeding.Status.DECIDED,
        appeal_of=refusal,
        supports=[{"article": a001, "quote": "Memorial got a court to overturn the FMS refusal"}],
    )
    kim.proceedings["temporary"] = proceeding_record(
        case=case,
        kind=Proceeding.Kind.TEMPORARY_ASYLUM,
        authority=fms,
        decided="January 2016",
        outcome=Proceeding.Outcome.REFUSED,
        status=Proceeding.Status.DECIDED,
        provisions=[kim.provision],
        supports=[{"article": a004, "quote": "has refused to grant temporary asylum"}],
    )
    proceeding_event_add(
        proceeding=kim.proceedings["temporary"],
        kind="decision",
        date="27 Jan 2016",
        description="Refusal reported by RBC",
    )
    return kim


# -- reading rendered files back as text ----------------------------------------------------------


def pdf_text(data: bytes, tmp_path) -> str:
    """The text of a PDF, as pdftotext (poppler-utils) extracts it, with whitespace collapsed."""
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is missing: install poppler-utils")
    path = tmp_path / "dossier.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return " ".join(out.stdout.decode("utf-8").split())


WORD = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_parts(data: bytes) -> dict[str, str]:
    """Text of the DOCX body and of its footnotes, read from the Word XML."""
    parts = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in ("word/document.xml", "word/footnotes.xml"):
            root = ElementTree.fromstring(archive.read(name))
            paragraphs = ["".join(t.text or "" for t in p.iter(f"{WORD}t")) for p in root.iter(f"{WORD}p")]
            parts[name] = " ".join(" ".join(paragraphs).split())
    return parts


def docx_footnote_count(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = ElementTree.fromstring(archive.read("word/footnotes.xml"))
    # Word keeps two built-in separators (ids -1 and 0 or types separator/continuationSeparator).
    return sum(1 for note in root.iter(f"{WORD}footnote") if not note.get(f"{WORD}type"))


@pytest.fixture(autouse=True)
def _own_job_files(settings, tmp_path):
    """Each test its own job files, so a render cached by another test is not found here."""
    settings.JOBS_FILES_ROOT = tmp_path / "jobs"
